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
	X(kshm_list, 24, entries)

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
	X(kshm_info, __reserved, 104, 64)	\
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
	X(kshm_list, entries, 16, 8)

/*
 * X(command, argument tag, direction, nr, value): every command. The
 * value is the one on architectures with the generic ioctl encoding
 * (x86, arm, arm64, riscv, s390 ...); its size field is the argument's
 * first size, which the command keeps forever.
 */
#define KSHM_ABI_COMMANDS(X)						\
	X(KSHM_IOC_INFO, kshm_info, _IOC_READ | _IOC_WRITE, 0x10, 0xc0a8e710) \
	X(KSHM_IOC_SET_SIZE, kshm_resize, _IOC_WRITE, 0x11, 0x4010e711)	\
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

/* Constants user space compiles in. */
_Static_assert(KSHM_IOC_MAGIC == 0xE7, "KSHM_IOC_MAGIC");
_Static_assert(KSHM_BACKING_PAGES == 0 && KSHM_BACKING_VMALLOC == 1,
	       "KSHM_BACKING_*");
_Static_assert(KSHM_NAME_MAX == 32, "KSHM_NAME_MAX");
_Static_assert(KSHM_CREATE_NAME_LEN == 26 &&
	       sizeof("kshm-") - 1 + KSHM_CREATE_NAME_LEN + 1 == KSHM_NAME_MAX,
	       "KSHM_CREATE_NAME_LEN: kshm-NAME must fit in KSHM_NAME_MAX");
_Static_assert(KSHM_INDEX_NONE == 0xffffffffU, "KSHM_INDEX_NONE");
_Static_assert(KSHM_INFO_SIZE == 1 << 0 && KSHM_INFO_MAX_SIZE == 1 << 1 &&
	       KSHM_INFO_RESIDENT_PAGES == 1 << 2 &&
	       KSHM_INFO_FAULTS == 1 << 3 && KSHM_INFO_MAPPINGS == 1 << 4 &&
	       KSHM_INFO_BACKING == 1 << 5 && KSHM_INFO_INDEX == 1 << 6 &&
	       KSHM_INFO_PAGE_SIZE == 1 << 7 && KSHM_INFO_NAME == 1 << 8,
	       "KSHM_INFO_* mask bits");

#endif /* KSHM_ABI_LAYOUT_H */
