/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshm's in-kernel API: regions and rings for other kernel modules.
 *
 * A module makes a region with a node, /dev/kshm-NAME, that user space
 * opens and maps exactly as any other kshm node, or looks up a load-time
 * /dev/kshmN. It reaches the bytes through one kernel mapping of the
 * whole region, or by copying at an offset, and it may lay a ring over
 * the region to stream records to or from user space without a copy and
 * without a system call per record (Documentation/ring.md).
 *
 * Build against it with -I<kshm>/include and KBUILD_EXTRA_SYMBOLS set to
 * kshm's Module.symvers; every symbol is EXPORT_SYMBOL_GPL.
 */
#ifndef _LINUX_KSHM_H
#define _LINUX_KSHM_H

#include <linux/err.h>
#include <linux/types.h>
#include <uapi/linux/kshm.h>

struct module;
struct kshm_region;
struct kshm_ring;

struct kshm_region *__kshm_create(const char *name, u64 size, u64 max_size,
				  u32 backing, struct module *owner);
/*
 * kshm_create() pins the calling module while user space holds the
 * region open or mapped, so it cannot be unloaded under its users (rmmod
 * is refused). kshm_create_unpinned() does not: the module may go, and
 * must then not leave callbacks on the region's ring (kshm_destroy()
 * removes them).
 */
#define kshm_create(name, size, max_size, backing) \
	__kshm_create(name, size, max_size, backing, THIS_MODULE)
#define kshm_create_unpinned(name, size, max_size, backing) \
	__kshm_create(name, size, max_size, backing, NULL)
struct kshm_region *__kshm_create_ring(const char *name, u64 ring_size,
				       u32 flags, u32 backing,
				       struct module *owner);
/* A region with a ring already laid over it when its node appears. */
#define kshm_create_ring(name, ring_size, flags, backing) \
	__kshm_create_ring(name, ring_size, flags, backing, THIS_MODULE)
#define kshm_create_ring_unpinned(name, ring_size, flags, backing) \
	__kshm_create_ring(name, ring_size, flags, backing, NULL)
struct kshm_region *kshm_get_index(unsigned int index);
void kshm_destroy(struct kshm_region *r);
void kshm_put(struct kshm_region *r);

u64 kshm_size(struct kshm_region *r);
void *kshm_vmap(struct kshm_region *r);
void kshm_vunmap(struct kshm_region *r);
ssize_t kshm_read(struct kshm_region *r, loff_t pos, void *buf, size_t len);
ssize_t kshm_write(struct kshm_region *r, loff_t pos, const void *buf,
		   size_t len);

/* Rings */
struct kshm_ring *kshm_ring_setup(struct kshm_region *r, u64 size, u32 flags);
struct kshm_ring *kshm_region_ring(struct kshm_region *r);
void *kshm_ring_reserve(struct kshm_ring *ring, u32 len);
void kshm_ring_commit(struct kshm_ring *ring, void *data);
void kshm_ring_discard(struct kshm_ring *ring, void *data);
int kshm_ring_output(struct kshm_ring *ring, const void *data, u32 len);

/**
 * typedef kshm_ring_consume_t - a kernel consumer of a U2K ring
 * @ctx: what kshm_ring_set_consumer() was given
 * @data: the record's payload, in the ring: user space may still write
 *	it, so copy what must not change under you before checking it
 * @len: payload bytes, already checked to lie inside the ring
 *
 * Called in process context (a work item), one record at a time, in
 * order. Return -EAGAIN to stop and be called with the same record again
 * after kshm_ring_kick(); anything else releases the record and goes on.
 */
typedef int (*kshm_ring_consume_t)(void *ctx, const void *data, u32 len);
/*
 * A consumer set on a region's ring must be cleared before the module
 * that set it goes: kshm_destroy() does it for regions from
 * kshm_create*(); a client of kshm_get_index() calls
 * kshm_ring_clear_consumer() before kshm_put().
 */
int kshm_ring_set_consumer(struct kshm_ring *ring, kshm_ring_consume_t fn,
			   void *ctx);
void kshm_ring_clear_consumer(struct kshm_ring *ring);
void kshm_ring_kick(struct kshm_ring *ring);

#endif /* _LINUX_KSHM_H */
