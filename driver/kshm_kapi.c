// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel API (<linux/kshm.h>): regions for other kernel modules.
 * A module makes a region with a node user space opens and maps like any
 * other, or takes a load-time one, and reaches its bytes through one
 * kernel mapping or by copying at an offset. Rings are in kshm_ring.c.
 */
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/uio.h>

#include "kshm.h"

/**
 * __kshm_create() - make a region and its node /dev/kshm-@name
 * @name: 1 to KSHM_CREATE_NAME_LEN characters of [a-z0-9_-]
 * @size: initial size in bytes, rounded up to pages
 * @max_size: the largest size, in bytes; 0 means @size
 * @backing: KSHM_BACKING_*
 * @owner: the module to pin while user space holds the node open or
 *	mapped, or NULL; use kshm_create() or kshm_create_unpinned()
 *
 * The same rules and limits as KSHM_IOC_CREATE; the node has the
 * module's default mode.
 *
 * Context: process context.
 * Return: the region with a reference for the caller, to give back with
 * kshm_destroy(); ERR_PTR(-EINVAL), -EEXIST, -ENOSPC or -ENOMEM.
 */
struct kshm_region *__kshm_create(const char *name, u64 size, u64 max_size,
				  u32 backing, struct module *owner)
{
	struct kshm_node_args args = {
		.name = name, .size = size, .max_size = max_size,
		.ops = kshm_backing_by_id(backing), .owner = owner,
	};

	if (!args.ops)
		return ERR_PTR(-EINVAL);
	return kshm_node_create(&args);
}
EXPORT_SYMBOL_GPL(__kshm_create);

/**
 * __kshm_create_ring() - make a region with a ring, and then its node
 * @name: 1 to KSHM_CREATE_NAME_LEN characters of [a-z0-9_-]
 * @ring_size: data bytes, a power of two, at least PAGE_SIZE; the region
 *	is one control page plus these
 * @flags: KSHM_RING_K2U or KSHM_RING_U2K
 * @backing: KSHM_BACKING_*
 * @owner: as for __kshm_create(); use kshm_create_ring() or
 *	kshm_create_ring_unpinned()
 *
 * Unlike kshm_create() followed by kshm_ring_setup(), no process can map
 * the region before its ring is in place: the node appears last. Get the
 * ring with kshm_region_ring().
 *
 * Context: process context.
 * Return: the region with a reference for the caller, to give back with
 * kshm_destroy(); ERR_PTR(-EINVAL), -EEXIST, -ENOSPC or -ENOMEM.
 */
struct kshm_region *__kshm_create_ring(const char *name, u64 ring_size,
				       u32 flags, u32 backing,
				       struct module *owner)
{
	struct kshm_node_args args = {
		.name = name, .ops = kshm_backing_by_id(backing),
		.owner = owner, .ring_size = ring_size, .ring_flags = flags,
	};

	if (!args.ops || !flags || check_add_overflow(ring_size, PAGE_SIZE,
						      &args.size))
		return ERR_PTR(-EINVAL);
	return kshm_node_create(&args);
}
EXPORT_SYMBOL_GPL(__kshm_create_ring);

/**
 * kshm_get_index() - a load-time region, /dev/kshm@index
 * @index: N of /dev/kshmN
 *
 * Context: process context.
 * Return: the region with a reference for the caller, to give back with
 * kshm_put(); ERR_PTR(-ENOENT).
 */
struct kshm_region *kshm_get_index(unsigned int index)
{
	return kshm_node_get_index(index);
}
EXPORT_SYMBOL_GPL(kshm_get_index);

/**
 * kshm_destroy() - remove a region's node and drop the caller's reference
 * @r: a region from kshm_create()
 *
 * The node goes at once; user space keeps what it has open or mapped. A
 * kernel consumer of the region's ring is stopped first, so the caller's
 * module may go away after this returns.
 *
 * Context: process context.
 */
void kshm_destroy(struct kshm_region *r)
{
	struct kshm_ring *ring = READ_ONCE(r->ring);

	if (ring && !kshm_ring_is_k2u(ring))
		kshm_ring_clear_consumer(ring);
	kshm_node_destroy_region(r);
	kshm_region_put(r);
}
EXPORT_SYMBOL_GPL(kshm_destroy);

/**
 * kshm_put() - drop a reference from kshm_get_index()
 * @r: the region
 *
 * Context: process context.
 */
void kshm_put(struct kshm_region *r)
{
	kshm_region_put(r);
}
EXPORT_SYMBOL_GPL(kshm_put);

/**
 * kshm_size() - a region's size
 * @r: the region
 *
 * Return: the size in bytes.
 */
u64 kshm_size(struct kshm_region *r)
{
	return kshm_region_size(r);
}
EXPORT_SYMBOL_GPL(kshm_size);

/**
 * kshm_vmap() - one kernel mapping of the whole region
 * @r: the region
 *
 * Every page is allocated now, and resizing is refused until the matching
 * kshm_vunmap(). The mapping is shared by every caller.
 *
 * Context: process context.
 * Return: the address of the region's first byte; ERR_PTR(-ENOMEM).
 */
void *kshm_vmap(struct kshm_region *r)
{
	return kshm_region_vmap(r);
}
EXPORT_SYMBOL_GPL(kshm_vmap);

/**
 * kshm_vunmap() - undo one kshm_vmap()
 * @r: the region
 *
 * Context: process context.
 */
void kshm_vunmap(struct kshm_region *r)
{
	kshm_region_vunmap(r);
}
EXPORT_SYMBOL_GPL(kshm_vunmap);

static ssize_t kshm_kcopy(struct kshm_region *r, loff_t pos, void *buf,
			  size_t len, bool write)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, write ? ITER_SOURCE : ITER_DEST, &kv, 1, len);
	return kshm_region_copy(r, &pos, &iter, write);
}

/**
 * kshm_read() - copy out of a region at an offset
 * @r: the region
 * @pos: the offset in the region
 * @buf: where to copy to
 * @len: bytes
 *
 * Context: process context.
 * Return: the bytes copied, short at the end of the region, 0 at or past
 * it; -EINVAL for a negative @pos; -EINTR on a fatal signal.
 */
ssize_t kshm_read(struct kshm_region *r, loff_t pos, void *buf, size_t len)
{
	return kshm_kcopy(r, pos, buf, len, false);
}
EXPORT_SYMBOL_GPL(kshm_read);

/**
 * kshm_write() - copy into a region at an offset
 * @r: the region
 * @pos: the offset in the region
 * @buf: what to copy
 * @len: bytes
 *
 * Context: process context.
 * Return: the bytes copied, short at the end of the region; -ENOSPC at or
 * past it; -EINVAL for a negative @pos; -ENOMEM; -EINTR.
 */
ssize_t kshm_write(struct kshm_region *r, loff_t pos, const void *buf,
		   size_t len)
{
	return kshm_kcopy(r, pos, (void *)buf, len, true);
}
EXPORT_SYMBOL_GPL(kshm_write);
