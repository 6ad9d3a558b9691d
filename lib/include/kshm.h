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
#define KSHM_VERSION_MINOR	2

#ifndef KSHM_EXPORT
#define KSHM_EXPORT __attribute__((visibility("default")))
#endif

/* The control node: kshm_create(), kshm_destroy() and kshm_list() use it. */
#define KSHM_CTL_PATH		"/dev/kshm"

/* An open region: one open file of /dev/kshmN or /dev/kshm-NAME. */
struct kshm;

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
	uint32_t backing;	/* KSHM_BACKING_*; 0: KSHM_BACKING_PAGES */
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
 * resident_pages, faults, mappings, backing, index, page_size and name.
 * The library zeroes @info and sets argsz and flags; info->mask says
 * which fields the driver filled, and the others read zero.
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
 * Make a region of @size bytes (rounded up to whole pages) and its node
 * /dev/kshm-@name, through KSHM_CTL_PATH. @name is 1 to
 * KSHM_CREATE_NAME_LEN (26) characters of [a-z0-9_-], so that the node's
 * name fits in kshm_info.name. @opts may be NULL for the defaults.
 *
 * Returns 0; -EINVAL for a NULL or bad @name, a zero @size, an @opts->sz
 * below sizeof(size_t) or with non-zero bytes past the library's struct,
 * or what the driver refuses (size above max_size, max_size above 64 GiB,
 * unknown backing, mode bits outside 0666); -EEXIST when a region of that
 * name exists; -ENOSPC when the driver's limit on regions or on their
 * total max_size is reached; -ENOMEM; open(2)'s -errno on KSHM_CTL_PATH
 * (-ENOENT without the driver, -EACCES without permission).
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

#ifdef __cplusplus
}
#endif

#endif /* KSHM_H */
