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
 * success and -errno on failure, and leave errno alone when they succeed;
 * calls that return a pointer give NULL and set errno. Arguments are
 * checked before any system call: a NULL handle or pointer, a zero
 * length, an offset or address that is not page aligned, or a range that
 * overflows gives -EINVAL (or NULL with errno EINVAL).
 *
 * Threads: a struct kshm holds only the file descriptor and is never
 * changed after kshm_open() returns, so every call may run concurrently
 * with any other on the same or different handles, except kshm_close(),
 * which must not race with other calls on that handle. The library keeps
 * no list of mappings: the kernel already tracks them.
 *
 * struct kshm_info comes from <linux/kshm.h>, the driver's UAPI header,
 * which is installed with this one: the driver and the library share one
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
#define KSHM_VERSION_MINOR	1

#ifndef KSHM_EXPORT
#define KSHM_EXPORT __attribute__((visibility("default")))
#endif

/* An open region: one open file of /dev/kshmN. */
struct kshm;

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
 * resident_pages, faults, mappings, backing, index and page_size.
 *
 * Returns 0, or -EINVAL for a NULL argument, or the ioctl's -errno.
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

#ifdef __cplusplus
}
#endif

#endif /* KSHM_H */
