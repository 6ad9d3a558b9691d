/* SPDX-License-Identifier: MIT OR LGPL-2.1-or-later */
/*
 * libkshm: open, map and share a kshm region without writing
 * open/ioctl/mmap against /dev/kshmN by hand.
 *
 *	struct kshm *k = kshm_open_index(0, O_RDWR);
 *	struct kshm_info info;
 *	char *p;
 *
 *	if (!k || kshm_info(k, &info) < 0)
 *		...
 *	p = kshm_map(k, 0, info.size, PROT_READ | PROT_WRITE);
 *	...
 *	kshm_unmap(p, info.size);
 *	kshm_close(k);
 *
 * Errors: calls that return int give 0 (or a non-negative value) on
 * success and leave errno alone; on failure they give -errno and also
 * set errno to that error, as libbpf does, so either may be read. Calls
 * that return a pointer give NULL and set errno. kshm_close() never
 * changes errno. Arguments are checked before any system call: a NULL
 * handle or pointer, a zero length, an offset or address that is not
 * page aligned, a range that overflows, a bad region name or a bad
 * options struct gives -EINVAL (or NULL with errno EINVAL).
 *
 * Threads: a struct kshm holds only the file descriptor and is never
 * changed after kshm_open() returns, so every call may run concurrently
 * with any other on the same or different handles, except kshm_close(),
 * which must not race with other calls on that handle. The library keeps
 * no list of mappings: the kernel already tracks them.
 *
 * Regions: /dev/kshmN are made when the module loads; kshm_create()
 * makes /dev/kshm-NAME at run time through the control node /dev/kshm
 * (root only by default), kshm_destroy() removes it again.
 * kshm_set_fault_policy() chooses how many pages one fault maps, and
 * whether mmap() maps everything up front.
 *
 * Rings: kshm_ring_setup() lays a ring of records over a region, and
 * kshm_ring_map() maps it for the user space side: the consumer of a
 * KSHM_RING_K2U ring (kshm_ring_wait, kshm_ring_peek, kshm_ring_release)
 * or the producer of a KSHM_RING_U2K ring (kshm_ring_reserve,
 * kshm_ring_commit, kshm_ring_discard, kshm_ring_wait_room). A ring
 * handle belongs to one thread at a time: the library takes no lock.
 *
 * struct kshm_info comes from <linux/kshm.h>, the driver's UAPI header.
 * libkshm installs a private copy of it (the compiler finds it through
 * pkg-config's Cflags), so the driver and the library share one
 * definition of the ABI.
 */
#ifndef KSHM_H
#define KSHM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kshm.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KSHM_VERSION_MAJOR	0
#define KSHM_VERSION_MINOR	4

#ifndef KSHM_EXPORT
#define KSHM_EXPORT __attribute__((visibility("default")))
#endif

/* The control node: kshm_create(), kshm_destroy() and kshm_list() use it. */
#define KSHM_CTL_PATH		"/dev/kshm"

/* An open region: one open file of /dev/kshmN or /dev/kshm-NAME. */
struct kshm;

/* A mapped ring: a region's control page and its data, mapped twice. */
struct kshm_ring;

/*
 * Options of kshm_create(), libbpf style: @sz is the size of the struct
 * the caller was built with, so that fields added later stay optional.
 * Fields past @sz take their default. KSHM_OPTS() declares one with @sz
 * set and every other field zero unless named:
 *
 *	KSHM_OPTS(kshm_create_opts, opts, .backing = KSHM_BACKING_VMALLOC);
 */
struct kshm_create_opts {
	size_t sz;		/* sizeof(struct kshm_create_opts) */
	uint64_t max_size;	/* bytes a resize may reach; 0: the size */
	uint32_t backing;	/* KSHM_BACKING_PAGES (0), _VMALLOC, _HUGE */
	uint32_t mode;		/* node permissions, within 0666; 0: the
				 * module's "mode" parameter */
};

#define KSHM_OPTS(TYPE, NAME, ...)					\
	struct TYPE NAME = { .sz = sizeof(struct TYPE), __VA_ARGS__ }

/*
 * Open the kshm device node at @path. @flags is O_RDONLY or O_RDWR;
 * anything else is refused. The descriptor is opened O_CLOEXEC.
 *
 * Returns a handle, or NULL with errno set: EINVAL for a NULL path or
 * other flags, ENOTTY when @path is not a kshm device, or open(2)'s
 * error (ENOENT, EACCES, ...).
 */
KSHM_EXPORT struct kshm *kshm_open(const char *path, int flags);

/*
 * Open /dev/kshm<index>, as kshm_open() does.
 *
 * Returns a handle, or NULL with errno set, as kshm_open().
 */
KSHM_EXPORT struct kshm *kshm_open_index(unsigned int index, int flags);

/*
 * Close a handle. Mappings made through it stay valid until unmapped.
 * NULL is ignored.
 *
 * Returns nothing.
 */
KSHM_EXPORT void kshm_close(struct kshm *k);

/*
 * The handle's file descriptor, for read(2)/write(2), poll or fstat.
 * It stays owned by the handle: do not close it.
 *
 * Returns the descriptor (>= 0), or -EINVAL for a NULL handle.
 */
KSHM_EXPORT int kshm_fd(const struct kshm *k);

/*
 * Fill @info with a snapshot of the region: size, max_size,
 * resident_pages, faults, mappings, backing, index, page_size, name, the
 * fault counters (around_pages, prefault_pages, huge_maps,
 * huge_fallbacks) and the fault policy in force (fault_around,
 * fault_flags). The library zeroes @info and sets argsz and flags;
 * info->mask says which fields the driver filled, and the others read
 * zero.
 *
 * Returns 0, or -EINVAL for a NULL argument.
 */
KSHM_EXPORT int kshm_info(struct kshm *k, struct kshm_info *info);

/*
 * Resize the region to @size bytes, rounded up to whole pages. Growing
 * keeps the contents; shrinking discards the pages past the new end.
 *
 * Returns 0; -EINVAL for a NULL handle, a zero size or one above
 * max_size; -EBUSY while any process has the region mapped; -EBADF for
 * a handle opened O_RDONLY; -ENOMEM.
 */
KSHM_EXPORT int kshm_resize(struct kshm *k, uint64_t size);

/*
 * Set how faults of the region's mappings map pages, in every process,
 * from the next fault on (KSHM_IOC_SET_FAULT_POLICY). @fault_around is
 * the pages one fault maps: a power of two from 1 (only the faulting
 * page) to KSHM_FAULT_AROUND_MAX (512), or 0 to follow the module's
 * fault_around parameter. @flags: KSHM_FAULT_PREFAULT, mmap() maps the
 * whole new mapping before it returns; KSHM_FAULT_RESIDENT, a fault maps
 * only the pages of its window that already hold memory. Backing huge
 * ignores the window (a fault maps its 2 MiB chunk). kshm_info() reports
 * the policy in force (fault_around, fault_flags).
 *
 * Returns 0; -EINVAL for a NULL handle, unknown @flags or a @fault_around
 * that is not 0 nor a power of two up to KSHM_FAULT_AROUND_MAX (all
 * before any system call); -EBADF for a handle opened O_RDONLY; -ENOTTY
 * from a driver older than libkshm 0.4.
 */
KSHM_EXPORT int kshm_set_fault_policy(struct kshm *k, unsigned int fault_around,
				      unsigned int flags);

/*
 * Map @length bytes of the region from @offset, shared, with @prot
 * (PROT_READ, PROT_WRITE, or both; PROT_NONE is allowed). @offset must be
 * page aligned; @length is rounded up to whole pages by the kernel.
 *
 * Returns the address, or NULL with errno set: EINVAL for a NULL handle,
 * a zero length, an unaligned offset, an overflowing range, unknown
 * @prot bits, or a range that does not lie inside the region; EPERM for
 * PROT_EXEC; EACCES for PROT_WRITE on a handle opened O_RDONLY; ENOMEM.
 */
KSHM_EXPORT void *kshm_map(struct kshm *k, uint64_t offset, size_t length,
			   int prot);

/*
 * Unmap what kshm_map() returned. @addr must be page aligned; a part of
 * a mapping may be unmapped.
 *
 * Returns 0, or -EINVAL for a NULL or unaligned address, a zero length
 * or an overflowing range, or munmap(2)'s -errno.
 */
KSHM_EXPORT int kshm_unmap(void *addr, size_t length);

/*
 * Make a region of @size bytes (rounded up to whole pages, or to 2 MiB
 * for KSHM_BACKING_HUGE) and its node /dev/kshm-@name, through
 * KSHM_CTL_PATH. @name is 1 to KSHM_CREATE_NAME_LEN (26) characters of
 * [a-z0-9_-], so that the node's name fits in kshm_info.name. @opts may
 * be NULL for the defaults.
 *
 * Returns 0; -EINVAL for a NULL or bad @name, a zero @size, an @opts->sz
 * below sizeof(size_t) or with non-zero bytes past the library's struct,
 * or what the driver refuses (size above max_size, max_size above 64 GiB,
 * KSHM_BACKING_HUGE with a max_size below 2 MiB, unknown backing, mode
 * bits outside 0666); -EEXIST when a region of that name exists; -ENOSPC
 * when the driver's limit on regions or on their total max_size is
 * reached; -ENOMEM; open(2)'s -errno on KSHM_CTL_PATH (-ENOENT without
 * the driver, -EACCES without permission).
 */
KSHM_EXPORT int kshm_create(const char *name, uint64_t size,
			    const struct kshm_create_opts *opts);

/*
 * Remove the node /dev/kshm-@name that kshm_create() made. Open handles
 * and mappings of the region keep working; its memory is freed after the
 * last of them is gone. The name may be used again at once.
 *
 * Returns 0; -EINVAL for a NULL or bad @name; -ENOENT when no region made
 * by kshm_create() has that name (/dev/kshmN cannot be destroyed);
 * open(2)'s -errno on KSHM_CTL_PATH.
 */
KSHM_EXPORT int kshm_destroy(const char *name);

/*
 * Describe every region that has a node: /dev/kshm0..N-1 first, then
 * those kshm_create() made, oldest first. Zeroes the @count entries of
 * @infos, then fills up to @count of them as kshm_info() fills one;
 * @infos may be NULL when @count is 0, to ask only how many regions
 * there are. A read-only descriptor of the control node is enough.
 *
 * Returns the number of regions, which may exceed @count (then only the
 * first @count were filled); -EINVAL for a NULL @infos with a non-zero
 * @count; open(2)'s -errno on KSHM_CTL_PATH.
 */
KSHM_EXPORT int kshm_list(struct kshm_info *infos, unsigned int count);

/*
 * Open /dev/kshm-@name, as kshm_open() does.
 *
 * Returns a handle, or NULL with errno set: EINVAL for a NULL or bad
 * @name, otherwise as kshm_open() (ENOENT when no region has that name).
 */
KSHM_EXPORT struct kshm *kshm_open_name(const char *name, int flags);

/*
 * Lay a ring over the region (KSHM_IOC_RING_SETUP): @size data bytes, a
 * power of two of at least one page, and @flags exactly one of
 * KSHM_RING_K2U (the kernel produces, user space consumes) and
 * KSHM_RING_U2K (user space produces, a kernel client consumes). The
 * region becomes one control page plus @size bytes, all allocated now,
 * and keeps that size. A kernel client usually sets up its own ring;
 * either way, user space then calls kshm_ring_map().
 *
 * Returns 0; -EINVAL for a NULL handle, bad @flags or a bad @size
 * (before any system call), or a ring that does not fit the region's
 * max_size; -EBUSY when the region is mapped or already holds a ring;
 * -EBADF for a handle opened O_RDONLY; -ENOMEM.
 */
KSHM_EXPORT int kshm_ring_setup(struct kshm *k, uint64_t size,
				unsigned int flags);

/*
 * Map the ring the region holds: its control page, read-write, and its
 * data twice, back to back: read-only for a KSHM_RING_K2U ring, whose
 * consumer this handle is, read-write for a KSHM_RING_U2K ring, whose
 * producer it is. The handle carries on from the positions in the
 * control page, so a new consumer resumes where the last one released.
 * The ring keeps its own descriptor: @k may be closed afterwards.
 *
 * Returns the ring, or NULL with errno set: EINVAL for a NULL handle;
 * ENODEV when the region holds no ring; EIO when the control page does
 * not describe a ring that fits the region, or the ring is broken;
 * EACCES for a handle opened O_RDONLY; kshm_info()'s and mmap(2)'s
 * errors (ENOMEM, ...).
 */
KSHM_EXPORT struct kshm_ring *kshm_ring_map(struct kshm *k);

/*
 * Unmap a ring and close its descriptor. Records peeked and not released
 * stay unreleased. NULL is ignored; errno is never changed.
 *
 * Returns nothing.
 */
KSHM_EXPORT void kshm_ring_unmap(struct kshm_ring *ring);

/*
 * The ring's data size in bytes: the largest record's payload is this
 * minus KSHM_REC_HDR_SIZE.
 *
 * Returns the size, or 0 with errno EINVAL for a NULL ring.
 */
KSHM_EXPORT uint64_t kshm_ring_size(const struct kshm_ring *ring);

/*
 * Records refused for want of room so far, by either side: the drop
 * counter of the control page.
 *
 * Returns the count, or 0 with errno EINVAL for a NULL ring.
 */
KSHM_EXPORT uint64_t kshm_ring_dropped(const struct kshm_ring *ring);

/*
 * Consumer of a KSHM_RING_K2U ring: wait until a record is ready. Looks
 * at the ring first, without a system call; then sleeps in poll(2) on
 * the region, which tells the kernel producer to wake it. @timeout_ms
 * < 0 waits for ever, 0 only looks. Release what you peeked before
 * waiting: the kernel wakes a consumer by its released position, so
 * with records peeked and not released the wait polls the ring every
 * millisecond instead of sleeping.
 *
 * Returns 1 when a record is ready for kshm_ring_peek(), 0 on timeout;
 * -EINVAL for a NULL or KSHM_RING_U2K ring; -EIO when the ring is broken;
 * -EINTR when a signal came first.
 */
KSHM_EXPORT int kshm_ring_wait(struct kshm_ring *ring, int timeout_ms);

/*
 * Consumer of a KSHM_RING_K2U ring: the next committed record, past
 * those peeked already, skipping discarded ones. Sets *@data to its
 * payload, contiguous and read-only, and *@len to its length. The
 * payload stays valid until kshm_ring_release(); repeated peeks walk
 * forward over a batch.
 *
 * Returns 0; -EAGAIN when no committed record follows (none produced,
 * or the next one not committed yet); -EINVAL for a NULL argument or a
 * KSHM_RING_U2K ring; -EIO when a position or a length in the ring makes
 * no sense (the ring is broken; every later call says -EIO too).
 */
KSHM_EXPORT int kshm_ring_peek(struct kshm_ring *ring, void **data,
			       uint32_t *len);

/*
 * Consumer of a KSHM_RING_K2U ring: release every record peeked so far,
 * with one store of the consumer position, and hand their room back to
 * the producer. Their payload pointers are no longer valid. Nothing
 * happens for NULL, a KSHM_RING_U2K ring, or nothing peeked.
 *
 * Returns nothing.
 */
KSHM_EXPORT void kshm_ring_release(struct kshm_ring *ring);

/*
 * Producer of a KSHM_RING_U2K ring: reserve a record of @len payload
 * bytes (0 is allowed) and return its payload, contiguous, 8-byte
 * aligned, for the caller to fill and then pass to kshm_ring_commit()
 * or kshm_ring_discard(). The consumer stops at a reserved record until
 * it is committed or discarded, so finish each one promptly. One
 * producer thread per ring.
 *
 * Returns the payload, or NULL with errno set: EAGAIN when the ring has
 * no room now (the drop counter counts it; kshm_ring_wait_room() waits
 * for room); EINVAL for a NULL or KSHM_RING_K2U ring or @len above
 * kshm_ring_size() - KSHM_REC_HDR_SIZE; EIO when the ring is broken.
 */
KSHM_EXPORT void *kshm_ring_reserve(struct kshm_ring *ring, uint32_t len);

/*
 * Producer of a KSHM_RING_U2K ring: commit the record whose payload
 * kshm_ring_reserve() returned, then wake the kernel consumer if, and
 * only if, it said it was about to sleep (KSHM_IOC_RING_NOTIFY): a busy
 * consumer costs no system call.
 *
 * Returns 0; -EINVAL for a NULL or KSHM_RING_K2U ring, or @data that is
 * not a reserved record; -EIO when the kernel found the ring broken;
 * another -errno when the wake-up failed (the record is committed all
 * the same, and the next commit tries the wake-up again).
 */
KSHM_EXPORT int kshm_ring_commit(struct kshm_ring *ring, void *data);

/*
 * Producer of a KSHM_RING_U2K ring: give up a reserved record. The
 * consumer skips it; its room comes back when it is consumed.
 *
 * Returns as kshm_ring_commit().
 */
KSHM_EXPORT int kshm_ring_discard(struct kshm_ring *ring, void *data);

/*
 * Producer of a KSHM_RING_U2K ring: wait until a record of @len payload
 * bytes fits. Looks at the ring first; then sleeps in poll(2) for
 * POLLOUT, having told the kernel (producer_waiting) how much room it
 * needs, so that the kernel consumer wakes it for that much, not less.
 * @timeout_ms < 0 waits for ever, 0 only looks. Waiting counts no drop.
 *
 * Returns 1 when the record fits, 0 on timeout; -EINVAL for a NULL or
 * KSHM_RING_K2U ring or a @len that can never fit; -EIO when the ring is
 * broken; -EINTR when a signal came first.
 */
KSHM_EXPORT int kshm_ring_wait_room(struct kshm_ring *ring, uint32_t len,
				    int timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* KSHM_H */
