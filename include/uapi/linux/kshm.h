/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kshm: zero-copy shared memory between the kernel and user space.
 *
 * Each region is a device node: /dev/kshmN for the regions the module
 * makes at load time, /dev/kshm-NAME for regions made at run time through
 * the control node /dev/kshm. mmap() a region with MAP_SHARED and every
 * mapping, in every process, sees the same physical pages;
 * read()/write()/readv()/writev() and io_uring copy through the same pages.
 *
 * This header is the whole ABI between the driver and user space.
 *
 * Rules every command follows (Documentation/abi.md):
 * - the argument is a struct with a flags word; an unknown flag or a
 *   non-zero reserved or padding field gives EINVAL;
 * - a struct that may grow starts with __u32 argsz, the size the caller
 *   knows. The command number keeps the size of the struct's first
 *   version forever. An argsz below that first size gives EINVAL; a
 *   larger input struct whose bytes past the kernel's own size are not
 *   all zero gives E2BIG; an output struct is filled up to the smaller
 *   of the two sizes and argsz is set to the bytes filled.
 */
#ifndef _UAPI_LINUX_KSHM_H
#define _UAPI_LINUX_KSHM_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* How a region's memory is held (kshm_info.backing, kshm_create.backing). */
#define KSHM_BACKING_PAGES	0	/* per-page array, pages on first touch */
#define KSHM_BACKING_VMALLOC	1	/* one vmalloc area, allocated up front */
#define KSHM_BACKING_HUGE	2	/* 2 MiB compound pages, on first touch */

/* Bytes of a node name under /dev ("kshm0", "kshm-NAME"), with its NUL. */
#define KSHM_NAME_MAX		32
/*
 * Characters of a name KSHM_IOC_CREATE takes: [a-z0-9_-], 1 to this many,
 * so that "kshm-NAME" fits in KSHM_NAME_MAX.
 */
#define KSHM_CREATE_NAME_LEN	26

/* kshm_info.index of a region that has no /dev/kshmN node. */
#define KSHM_INDEX_NONE		0xffffffffU

/* kshm_info.mask: the fields the kernel filled in. */
#define KSHM_INFO_SIZE			_BITULL(0)
#define KSHM_INFO_MAX_SIZE		_BITULL(1)
#define KSHM_INFO_RESIDENT_PAGES	_BITULL(2)
#define KSHM_INFO_FAULTS		_BITULL(3)
#define KSHM_INFO_MAPPINGS		_BITULL(4)
#define KSHM_INFO_BACKING		_BITULL(5)
#define KSHM_INFO_INDEX			_BITULL(6)
#define KSHM_INFO_PAGE_SIZE		_BITULL(7)
#define KSHM_INFO_NAME			_BITULL(8)
#define KSHM_INFO_AROUND_PAGES		_BITULL(9)
#define KSHM_INFO_PREFAULT_PAGES	_BITULL(10)
#define KSHM_INFO_HUGE_MAPS		_BITULL(11)
#define KSHM_INFO_HUGE_FALLBACKS	_BITULL(12)
#define KSHM_INFO_FAULT_POLICY		_BITULL(13)	/* fault_around, fault_flags */

/**
 * struct kshm_info - a snapshot of one region, from KSHM_IOC_INFO
 * @argsz: in: sizeof(struct kshm_info) as the caller knows it; out: the
 *	bytes the kernel filled
 * @flags: in: zero
 * @mask: out: KSHM_INFO_* bits of the fields that are valid
 * @size: region size in bytes, a whole number of pages
 * @max_size: the largest size KSHM_IOC_SET_SIZE accepts, in bytes
 * @resident_pages: pages that hold memory now
 * @faults: page faults the region has served since it was made
 * @mappings: live mappings (VMAs) of the region, in all processes
 * @backing: KSHM_BACKING_*
 * @index: N of /dev/kshmN, or KSHM_INDEX_NONE
 * @page_size: the kernel's page size in bytes
 * @__pad: zero
 * @name: the node's name under /dev ("kshm0", "kshm-NAME"), NUL-terminated
 * @around_pages: pages faults mapped besides the faulting page itself
 *	(fault-around, and the 4 KiB fallback of backing "huge")
 * @prefault_pages: pages mapped at mmap() time (KSHM_FAULT_PREFAULT)
 * @huge_maps: 2 MiB entries (PMDs) installed by faults
 * @huge_fallbacks: faults of backing "huge" served with 4 KiB entries
 *	because alignment, the mapping's offset or the kernel refused a PMD
 * @fault_around: pages one fault maps now (the region's setting, or the
 *	module's fault_around parameter when the region has none)
 * @fault_flags: the region's KSHM_FAULT_* flags
 * @__reserved: zero, room to grow without a new command number
 */
struct kshm_info {
	__u32 argsz;
	__u32 flags;
	__u64 mask;
	__u64 size;
	__u64 max_size;
	__u64 resident_pages;
	__u64 faults;
	__u64 mappings;
	__u32 backing;
	__u32 index;
	__u32 page_size;
	__u32 __pad;
	char name[KSHM_NAME_MAX];
	__u64 around_pages;
	__u64 prefault_pages;
	__u64 huge_maps;
	__u64 huge_fallbacks;
	__u32 fault_around;
	__u32 fault_flags;
	__u64 __reserved[3];
};

/* The size of the first version: the smallest argsz KSHM_IOC_INFO takes. */
#define KSHM_INFO_SIZE_VER0	168

/**
 * struct kshm_resize - the argument of KSHM_IOC_SET_SIZE
 * @size: the new size in bytes, rounded up to whole pages
 * @flags: zero
 */
struct kshm_resize {
	__u64 size;
	__u64 flags;
};

/**
 * struct kshm_create - the argument of KSHM_IOC_CREATE (control node)
 * @argsz: sizeof(struct kshm_create) as the caller knows it
 * @flags: zero
 * @size: initial size in bytes, rounded up to whole pages; at least 1
 * @max_size: the largest size a resize may give it, in bytes, rounded
 *	down to whole pages; 0 means @size rounded up
 * @backing: KSHM_BACKING_*
 * @mode: permissions of /dev/kshm-NAME (read and write bits only); 0 means
 *	the module's "mode" parameter
 * @name: NUL-terminated, 1 to KSHM_CREATE_NAME_LEN characters of
 *	[a-z0-9_-]; the node is /dev/kshm-@name
 * @__reserved: zero
 */
struct kshm_create {
	__u32 argsz;
	__u32 flags;
	__u64 size;
	__u64 max_size;
	__u32 backing;
	__u32 mode;
	char name[KSHM_NAME_MAX];
	__u64 __reserved[4];
};

#define KSHM_CREATE_SIZE_VER0	96

/**
 * struct kshm_destroy - the argument of KSHM_IOC_DESTROY (control node)
 * @flags: zero
 * @__pad: zero
 * @name: the name KSHM_IOC_CREATE was given, NUL-terminated
 */
struct kshm_destroy {
	__u32 flags;
	__u32 __pad;
	char name[KSHM_NAME_MAX];
};

/**
 * struct kshm_list - the argument of KSHM_IOC_LIST (control node)
 * @argsz: sizeof(struct kshm_list) as the caller knows it
 * @flags: zero
 * @count: in: how many entries @entries has room for; out: how many
 *	regions exist (at most that many entries were filled)
 * @entry_size: sizeof(struct kshm_info) as the caller knows it; each
 *	entry is filled as KSHM_IOC_INFO fills one with that argsz
 * @entries: user address of @count entries of @entry_size bytes each
 */
struct kshm_list {
	__u32 argsz;
	__u32 flags;
	__u32 count;
	__u32 entry_size;
	__u64 entries;
};

#define KSHM_LIST_SIZE_VER0	24

/*
 * Rings: a protocol laid over a region (Documentation/ring.md). The
 * region holds one control page, then the data pages; mmap() offset 0 is
 * the control page, offset page_size the data pages, which are mapped
 * twice, back to back, so that a record never wraps. Positions are
 * free-running byte counts, published with release and read with acquire
 * ordering.
 */
#define KSHM_RING_K2U		_BITUL(0)	/* the kernel produces, user space consumes */
#define KSHM_RING_U2K		_BITUL(1)	/* user space produces, the kernel consumes */
#define KSHM_RING_BROKEN	_BITUL(31)	/* kshm_ring_ctrl.flags: a bad position was seen */

/* Record header flags. */
#define KSHM_REC_BUSY		_BITUL(0)	/* reserved, not yet committed */
#define KSHM_REC_DISCARD	_BITUL(1)	/* committed as discarded: skip it */

#define KSHM_REC_HDR_SIZE	8	/* sizeof(struct kshm_rec_hdr) */
#define KSHM_REC_ALIGN		8	/* records start 8-byte aligned */

/**
 * struct kshm_rec_hdr - the 8 bytes before every record's payload
 * @len: payload bytes; the record takes KSHM_REC_HDR_SIZE + @len rounded
 *	up to KSHM_REC_ALIGN
 * @flags: KSHM_REC_*; the producer clears KSHM_REC_BUSY last, with
 *	release ordering, to commit
 */
struct kshm_rec_hdr {
	__u32 len;
	__u32 flags;
};

/**
 * struct kshm_ring_ctrl - the start of a ring's control page
 * @producer: bytes produced so far; written by the producer side only
 * @producer_waiting: user space producer (U2K) is about to sleep for room:
 *	the bytes of the record it waits to make (0: not waiting)
 * @__pad0: zero
 * @__line0: keeps @consumer on its own cache line
 * @consumer: bytes consumed so far; written by the consumer side only
 * @consumer_waiting: the consumer is about to sleep; the producer wakes
 *	it only then
 * @__pad1: zero
 * @__line1: keeps the fields below on their own cache line
 * @size: data bytes, a power of two, a whole number of pages
 * @flags: KSHM_RING_K2U or KSHM_RING_U2K, and KSHM_RING_BROKEN
 * @__pad2: zero
 * @dropped: records refused for want of room
 * @__reserved: zero
 *
 * Everything here is memory that user space can write: the kernel reads
 * each position once, checks it against its own copy and @size, and marks
 * the ring broken (EIO) rather than trust a bad one.
 */
struct kshm_ring_ctrl {
	__u64 producer;
	__u32 producer_waiting;
	__u32 __pad0;
	__u8 __line0[48];
	__u64 consumer;
	__u32 consumer_waiting;
	__u32 __pad1;
	__u8 __line1[48];
	__u64 size;
	__u32 flags;
	__u32 __pad2;
	__u64 dropped;
	__u64 __reserved[5];
};

/**
 * struct kshm_ring_setup - the argument of KSHM_IOC_RING_SETUP
 * @flags: exactly one of KSHM_RING_K2U and KSHM_RING_U2K
 * @__pad: zero
 * @size: data bytes: a power of two, at least one page
 */
struct kshm_ring_setup {
	__u32 flags;
	__u32 __pad;
	__u64 size;
};

/**
 * struct kshm_ring_notify - the argument of KSHM_IOC_RING_NOTIFY
 * @flags: zero
 * @__pad: zero
 */
struct kshm_ring_notify {
	__u32 flags;
	__u32 __pad;
};

/* kshm_fault_policy.flags, kshm_info.fault_flags */
#define KSHM_FAULT_PREFAULT	_BITUL(0)	/* map each new mapping whole at mmap() */
#define KSHM_FAULT_RESIDENT	_BITUL(1)	/* fault-around maps resident pages only */

/* The largest fault-around window, in pages: one page table's worth. */
#define KSHM_FAULT_AROUND_MAX	512

/**
 * struct kshm_fault_policy - the argument of KSHM_IOC_SET_FAULT_POLICY
 * @flags: KSHM_FAULT_*
 * @fault_around: pages one fault maps: a power of two from 1 (only the
 *	faulting page) to KSHM_FAULT_AROUND_MAX; 0 follows the module's
 *	fault_around parameter
 * @__reserved: zero
 */
struct kshm_fault_policy {
	__u32 flags;
	__u32 fault_around;
	__u64 __reserved[3];
};

#define KSHM_IOC_MAGIC		0xE7

/* Region nodes (/dev/kshmN, /dev/kshm-NAME). */
/* Fill a struct kshm_info. */
#define KSHM_IOC_INFO		_IOWR(KSHM_IOC_MAGIC, 0x10, struct kshm_info)
/*
 * Resize the region. EBUSY while it is mapped, EINVAL for 0 or above
 * max_size, EBADF on a descriptor not open for writing.
 */
#define KSHM_IOC_SET_SIZE	_IOW(KSHM_IOC_MAGIC, 0x11, struct kshm_resize)
/*
 * Lay a ring over the region: it is resized to one control page plus the
 * data pages, and every page is allocated now. EBUSY while mapped or if
 * the region already holds a ring.
 */
#define KSHM_IOC_RING_SETUP	_IOW(KSHM_IOC_MAGIC, 0x12, struct kshm_ring_setup)
/*
 * U2K: wake the kernel consumer; a producer calls it only when
 * consumer_waiting is set. EIO once the ring is broken.
 */
#define KSHM_IOC_RING_NOTIFY	_IOW(KSHM_IOC_MAGIC, 0x13, struct kshm_ring_notify)
/*
 * How faults of the region's mappings map pages, for every mapping, from
 * the next fault (or mmap() for KSHM_FAULT_PREFAULT) on. EBADF on a
 * descriptor not open for writing; EINVAL for an unknown flag, a non-zero
 * reserved field or a window that is not a power of two up to
 * KSHM_FAULT_AROUND_MAX.
 */
#define KSHM_IOC_SET_FAULT_POLICY _IOW(KSHM_IOC_MAGIC, 0x14, struct kshm_fault_policy)

/* The control node (/dev/kshm). */
/* Make a region and its node /dev/kshm-NAME. */
#define KSHM_IOC_CREATE		_IOW(KSHM_IOC_MAGIC, 0x20, struct kshm_create)
/*
 * Remove the node of a region KSHM_IOC_CREATE made. The memory lives on
 * until the last open file and mapping of it are gone, as after unlink().
 */
#define KSHM_IOC_DESTROY	_IOW(KSHM_IOC_MAGIC, 0x21, struct kshm_destroy)
/* Describe every region, in the order they were made. */
#define KSHM_IOC_LIST		_IOWR(KSHM_IOC_MAGIC, 0x22, struct kshm_list)

#endif /* _UAPI_LINUX_KSHM_H */
