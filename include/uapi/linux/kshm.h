/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kshm: zero-copy shared memory between the kernel and user space.
 *
 * Each /dev/kshmN node is one region of pages. mmap() it with MAP_SHARED
 * and every mapping, in every process, sees the same physical pages;
 * read()/write()/pread()/pwrite() copy through the same pages.
 *
 * This header is the whole ABI between the driver and user space.
 */
#ifndef _UAPI_LINUX_KSHM_H
#define _UAPI_LINUX_KSHM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* How a region's memory is held (struct kshm_info.backing). */
#define KSHM_BACKING_PAGES	0	/* per-page array, pages on first touch */
#define KSHM_BACKING_VMALLOC	1	/* vmalloc_user(), allocated up front */

/**
 * struct kshm_info - a snapshot of one region, from KSHM_IOC_INFO
 * @size: region size in bytes, a whole number of pages
 * @max_size: the largest size KSHM_IOC_SET_SIZE accepts, in bytes
 * @resident_pages: pages that hold memory now
 * @faults: page faults the region has served since the module loaded
 * @mappings: live mappings (VMAs) of the region, in all processes
 * @backing: KSHM_BACKING_*
 * @index: N of /dev/kshmN
 * @page_size: the kernel's page size in bytes
 * @__pad: zero
 * @__reserved: zero, room to grow without a new command number
 */
struct kshm_info {
	__u64 size;
	__u64 max_size;
	__u64 resident_pages;
	__u64 faults;
	__u64 mappings;
	__u32 backing;
	__u32 index;
	__u32 page_size;
	__u32 __pad;
	__u64 __reserved[4];
};

#define KSHM_IOC_MAGIC		0xE7

/* Fill a struct kshm_info. */
#define KSHM_IOC_INFO		_IOR(KSHM_IOC_MAGIC, 0x00, struct kshm_info)
/*
 * Resize the region to the given number of bytes (rounded up to whole
 * pages). EBUSY while the region is mapped, EINVAL for 0 or above max_size.
 */
#define KSHM_IOC_SET_SIZE	_IOW(KSHM_IOC_MAGIC, 0x01, __u64)

#endif /* _UAPI_LINUX_KSHM_H */
