/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kshm ABI as numbers, pinned at compile time against
 * include/uapi/linux/kshm.h: every struct's size, every field's offset and
 * size, every command's direction, number and encoded value. A header
 * change that moves any of them stops the build; Documentation/abi.md
 * gives the same numbers and tests/abi/check-abi.sh compares the two.
 *
 * Only <stddef.h> (the compiler's) and the UAPI header, so that it also
 * compiles with -m32 where no 32-bit libc is installed: the layout must be
 * the same for 32-bit processes (compat_ptr_ioctl).
 */
#ifndef KSHM_ABI_LAYOUT_H
#define KSHM_ABI_LAYOUT_H

#include <stddef.h>
#include <linux/kshm.h>

/* X(tag, size, last field): every struct of the header. */
#define KSHM_ABI_STRUCTS(X)			\
	X(kshm_info, 168, __reserved)		\
	X(kshm_resize, 16, flags)		\
	X(kshm_create, 96, __reserved)		\
	X(kshm_destroy, 40, name)		\
	X(kshm_list, 24, entries)		\
	X(kshm_rec_hdr, 8, flags)		\
	X(kshm_ring_ctrl, 192, __reserved)	\
	X(kshm_ring_setup, 16, size)		\
	X(kshm_ring_notify, 8, __pad)		\
	X(kshm_fault_policy, 32, __reserved)

/* X(tag, field, offset, size): every field, in order. */
#define KSHM_ABI_FIELDS(X)			\
	X(kshm_info, argsz, 0, 4)		\
	X(kshm_info, flags, 4, 4)		\
	X(kshm_info, mask, 8, 8)		\
	X(kshm_info, size, 16, 8)		\
	X(kshm_info, max_size, 24, 8)		\
	X(kshm_info, resident_pages, 32, 8)	\
	X(kshm_info, faults, 40, 8)		\
	X(kshm_info, mappings, 48, 8)		\
	X(kshm_info, backing, 56, 4)		\
	X(kshm_info, index, 60, 4)		\
	X(kshm_info, page_size, 64, 4)		\
	X(kshm_info, __pad, 68, 4)		\
	X(kshm_info, name, 72, 32)		\
	X(kshm_info, around_pages, 104, 8)	\
	X(kshm_info, prefault_pages, 112, 8)	\
	X(kshm_info, huge_maps, 120, 8)		\
	X(kshm_info, huge_fallbacks, 128, 8)	\
	X(kshm_info, fault_around, 136, 4)	\
	X(kshm_info, fault_flags, 140, 4)	\
	X(kshm_info, __reserved, 144, 24)	\
	X(kshm_resize, size, 0, 8)		\
	X(kshm_resize, flags, 8, 8)		\
	X(kshm_create, argsz, 0, 4)		\
	X(kshm_create, flags, 4, 4)		\
	X(kshm_create, size, 8, 8)		\
	X(kshm_create, max_size, 16, 8)		\
	X(kshm_create, backing, 24, 4)		\
	X(kshm_create, mode, 28, 4)		\
	X(kshm_create, name, 32, 32)		\
	X(kshm_create, __reserved, 64, 32)	\
	X(kshm_destroy, flags, 0, 4)		\
	X(kshm_destroy, __pad, 4, 4)		\
	X(kshm_destroy, name, 8, 32)		\
	X(kshm_list, argsz, 0, 4)		\
	X(kshm_list, flags, 4, 4)		\
	X(kshm_list, count, 8, 4)		\
	X(kshm_list, entry_size, 12, 4)		\
	X(kshm_list, entries, 16, 8)		\
	X(kshm_rec_hdr, len, 0, 4)		\
	X(kshm_rec_hdr, flags, 4, 4)		\
	X(kshm_ring_ctrl, producer, 0, 8)	\
	X(kshm_ring_ctrl, producer_waiting, 8, 4) \
	X(kshm_ring_ctrl, __pad0, 12, 4)	\
	X(kshm_ring_ctrl, __line0, 16, 48)	\
	X(kshm_ring_ctrl, consumer, 64, 8)	\
	X(kshm_ring_ctrl, consumer_waiting, 72, 4) \
	X(kshm_ring_ctrl, __pad1, 76, 4)	\
	X(kshm_ring_ctrl, __line1, 80, 48)	\
	X(kshm_ring_ctrl, size, 128, 8)		\
	X(kshm_ring_ctrl, flags, 136, 4)	\
	X(kshm_ring_ctrl, __pad2, 140, 4)	\
	X(kshm_ring_ctrl, dropped, 144, 8)	\
	X(kshm_ring_ctrl, __reserved, 152, 40)	\
	X(kshm_ring_setup, flags, 0, 4)		\
	X(kshm_ring_setup, __pad, 4, 4)		\
	X(kshm_ring_setup, size, 8, 8)		\
	X(kshm_ring_notify, flags, 0, 4)	\
	X(kshm_ring_notify, __pad, 4, 4)	\
	X(kshm_fault_policy, flags, 0, 4)	\
	X(kshm_fault_policy, fault_around, 4, 4) \
	X(kshm_fault_policy, __reserved, 8, 24)

/*
 * X(command, argument tag, direction, nr, value): every command. The
 * value is the one on architectures with the generic ioctl encoding
 * (x86, arm, arm64, riscv, s390 ...); its size field is the argument's
 * first size, which the command keeps forever.
 */
#define KSHM_ABI_COMMANDS(X)						\
	X(KSHM_IOC_INFO, kshm_info, _IOC_READ | _IOC_WRITE, 0x10, 0xc0a8e710) \
	X(KSHM_IOC_SET_SIZE, kshm_resize, _IOC_WRITE, 0x11, 0x4010e711)	\
	X(KSHM_IOC_RING_SETUP, kshm_ring_setup, _IOC_WRITE, 0x12, 0x4010e712) \
	X(KSHM_IOC_RING_NOTIFY, kshm_ring_notify, _IOC_WRITE, 0x13, 0x4008e713) \
	X(KSHM_IOC_SET_FAULT_POLICY, kshm_fault_policy, _IOC_WRITE, 0x14, 0x4020e714) \
	X(KSHM_IOC_CREATE, kshm_create, _IOC_WRITE, 0x20, 0x4060e720)	\
	X(KSHM_IOC_DESTROY, kshm_destroy, _IOC_WRITE, 0x21, 0x4028e721)	\
	X(KSHM_IOC_LIST, kshm_list, _IOC_READ | _IOC_WRITE, 0x22, 0xc018e722)

#define KSHM_ABI_SIZE(tag, size, last)					\
	_Static_assert(sizeof(struct tag) == size,			\
		       "sizeof(struct " #tag ") is not " #size);	\
	_Static_assert(offsetof(struct tag, last) +			\
		       sizeof(((struct tag *)0)->last) == size,		\
		       "struct " #tag " has a tail after " #last);
KSHM_ABI_STRUCTS(KSHM_ABI_SIZE)

#define KSHM_ABI_FIELD(tag, field, off, size)				\
	_Static_assert(offsetof(struct tag, field) == off,		\
		       #tag "." #field " is not at offset " #off);	\
	_Static_assert(sizeof(((struct tag *)0)->field) == size,	\
		       #tag "." #field " is not " #size " bytes");
KSHM_ABI_FIELDS(KSHM_ABI_FIELD)

#define KSHM_ABI_COMMAND(cmd, tag, dir, nr, value)			\
	_Static_assert(_IOC_DIR(cmd) == (dir), #cmd ": direction");	\
	_Static_assert(_IOC_TYPE(cmd) == 0xE7, #cmd ": magic");	\
	_Static_assert(_IOC_NR(cmd) == (nr), #cmd ": number");	\
	_Static_assert(_IOC_SIZE(cmd) == sizeof(struct tag),		\
		       #cmd ": size");
KSHM_ABI_COMMANDS(KSHM_ABI_COMMAND)

/* The encoded values, where the encoding is the generic one. */
#if _IOC_SIZEBITS == 14 && _IOC_DIRBITS == 2 && _IOC_WRITE == 1U && \
	_IOC_READ == 2U
#define KSHM_ABI_GENERIC_IOCTL 1
#define KSHM_ABI_VALUE(cmd, tag, dir, nr, value)			\
	_Static_assert(cmd == value, #cmd " is not " #value);
KSHM_ABI_COMMANDS(KSHM_ABI_VALUE)
#else
#define KSHM_ABI_GENERIC_IOCTL 0
#endif

/* The first sizes, which the command numbers keep. */
_Static_assert(KSHM_INFO_SIZE_VER0 == 168, "KSHM_INFO_SIZE_VER0");
_Static_assert(KSHM_CREATE_SIZE_VER0 == 96, "KSHM_CREATE_SIZE_VER0");
_Static_assert(KSHM_LIST_SIZE_VER0 == 24, "KSHM_LIST_SIZE_VER0");
_Static_assert(_IOC_SIZE(KSHM_IOC_INFO) == KSHM_INFO_SIZE_VER0,
	       "KSHM_IOC_INFO must keep the first size of struct kshm_info");
_Static_assert(_IOC_SIZE(KSHM_IOC_CREATE) == KSHM_CREATE_SIZE_VER0,
	       "KSHM_IOC_CREATE must keep the first size of struct kshm_create");
_Static_assert(_IOC_SIZE(KSHM_IOC_LIST) == KSHM_LIST_SIZE_VER0,
	       "KSHM_IOC_LIST must keep the first size of struct kshm_list");

/*
 * X(name, value): every other #define of the header, KSHM_IOC_MAGIC
 * included: the values user space compiles in.
 */
#define KSHM_ABI_CONSTANTS(X)				\
	X(KSHM_BACKING_PAGES, 0)			\
	X(KSHM_BACKING_VMALLOC, 1)			\
	X(KSHM_BACKING_HUGE, 2)				\
	X(KSHM_NAME_MAX, 32)				\
	X(KSHM_CREATE_NAME_LEN, 26)			\
	X(KSHM_INDEX_NONE, 0xffffffff)			\
	X(KSHM_INFO_SIZE, 0x1)				\
	X(KSHM_INFO_MAX_SIZE, 0x2)			\
	X(KSHM_INFO_RESIDENT_PAGES, 0x4)		\
	X(KSHM_INFO_FAULTS, 0x8)			\
	X(KSHM_INFO_MAPPINGS, 0x10)			\
	X(KSHM_INFO_BACKING, 0x20)			\
	X(KSHM_INFO_INDEX, 0x40)			\
	X(KSHM_INFO_PAGE_SIZE, 0x80)			\
	X(KSHM_INFO_NAME, 0x100)			\
	X(KSHM_INFO_AROUND_PAGES, 0x200)		\
	X(KSHM_INFO_PREFAULT_PAGES, 0x400)		\
	X(KSHM_INFO_HUGE_MAPS, 0x800)			\
	X(KSHM_INFO_HUGE_FALLBACKS, 0x1000)		\
	X(KSHM_INFO_FAULT_POLICY, 0x2000)		\
	X(KSHM_INFO_SIZE_VER0, 168)			\
	X(KSHM_CREATE_SIZE_VER0, 96)			\
	X(KSHM_LIST_SIZE_VER0, 24)			\
	X(KSHM_RING_K2U, 0x1)				\
	X(KSHM_RING_U2K, 0x2)				\
	X(KSHM_RING_BROKEN, 0x80000000)			\
	X(KSHM_REC_BUSY, 0x1)				\
	X(KSHM_REC_DISCARD, 0x2)			\
	X(KSHM_REC_HDR_SIZE, 8)				\
	X(KSHM_REC_ALIGN, 8)				\
	X(KSHM_FAULT_PREFAULT, 0x1)			\
	X(KSHM_FAULT_RESIDENT, 0x2)			\
	X(KSHM_FAULT_AROUND_MAX, 512)			\
	X(KSHM_IOC_MAGIC, 0xe7)

#define KSHM_ABI_CONSTANT(name, value)					\
	_Static_assert((name) == (value), #name " is not " #value);
KSHM_ABI_CONSTANTS(KSHM_ABI_CONSTANT)

/* The first sizes, which the command numbers keep. */
_Static_assert(_IOC_SIZE(KSHM_IOC_INFO) == KSHM_INFO_SIZE_VER0,
	       "KSHM_IOC_INFO must keep the first size of struct kshm_info");
_Static_assert(_IOC_SIZE(KSHM_IOC_CREATE) == KSHM_CREATE_SIZE_VER0,
	       "KSHM_IOC_CREATE must keep the first size of struct kshm_create");
_Static_assert(_IOC_SIZE(KSHM_IOC_LIST) == KSHM_LIST_SIZE_VER0,
	       "KSHM_IOC_LIST must keep the first size of struct kshm_list");

/* How the constants hang together. */
_Static_assert(sizeof("kshm-") - 1 + KSHM_CREATE_NAME_LEN + 1 == KSHM_NAME_MAX,
	       "KSHM_CREATE_NAME_LEN: kshm-NAME must fit in KSHM_NAME_MAX");
_Static_assert(KSHM_REC_HDR_SIZE == sizeof(struct kshm_rec_hdr),
	       "KSHM_REC_HDR_SIZE is sizeof(struct kshm_rec_hdr)");
_Static_assert((KSHM_REC_ALIGN & (KSHM_REC_ALIGN - 1)) == 0 &&
	       KSHM_REC_HDR_SIZE % KSHM_REC_ALIGN == 0,
	       "KSHM_REC_ALIGN: a power of two that the header keeps");
_Static_assert((KSHM_RING_K2U & KSHM_RING_U2K) == 0 &&
	       ((KSHM_RING_K2U | KSHM_RING_U2K) & KSHM_RING_BROKEN) == 0,
	       "KSHM_RING_*: distinct bits");
_Static_assert((KSHM_REC_BUSY & KSHM_REC_DISCARD) == 0,
	       "KSHM_REC_*: distinct bits");
_Static_assert((KSHM_FAULT_PREFAULT & KSHM_FAULT_RESIDENT) == 0,
	       "KSHM_FAULT_*: distinct bits");
/* A window is a power of two up to the largest, so the largest is one too. */
_Static_assert((KSHM_FAULT_AROUND_MAX & (KSHM_FAULT_AROUND_MAX - 1)) == 0,
	       "KSHM_FAULT_AROUND_MAX: a power of two");

/*
 * The ring's control page: the producer's position, the consumer's and
 * the rest each start a 64-byte cache line of their own, so that the two
 * sides do not write one line (Documentation/ring.md); and the struct
 * fits in the smallest page.
 */
_Static_assert(offsetof(struct kshm_ring_ctrl, producer) == 0 &&
	       offsetof(struct kshm_ring_ctrl, consumer) == 64 &&
	       offsetof(struct kshm_ring_ctrl, size) == 128,
	       "struct kshm_ring_ctrl: producer, consumer and size start cache lines 0, 1 and 2");
_Static_assert(sizeof(struct kshm_ring_ctrl) <= 4096,
	       "struct kshm_ring_ctrl fits in the control page");

#endif /* KSHM_ABI_LAYOUT_H */
