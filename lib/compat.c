// SPDX-License-Identifier: MIT OR LGPL-2.1-or-later
/*
 * libkshm 0.1's ABI, for programs linked against libkshm.so.0 before
 * 0.2. The soname did not change, so they load this library: what they
 * pass must still mean what it meant.
 *
 * kshm_info@LIBKSHM_0.1 took the 88-byte struct kshm_info of the first
 * UAPI; 0.2's is larger. Calling the new code with the old struct would
 * write past the caller's object, so the old symbol fills the old layout
 * from the new one.
 */
#include <linux/types.h>

#include "internal.h"

/* struct kshm_info as libkshm 0.1 defined it. */
struct kshm_info_v0_1 {
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
_Static_assert(sizeof(struct kshm_info_v0_1) == 88, "libkshm 0.1's kshm_info");

KSHM_EXPORT int kshm_info_v0_1(struct kshm *k, struct kshm_info_v0_1 *old);

int kshm_info_v0_1(struct kshm *k, struct kshm_info_v0_1 *old)
{
	struct kshm_info info;
	int ret;

	if (!old)
		return kshm_err(-EINVAL);
	ret = kshm_info_v0_2(k, &info);
	if (ret < 0)
		return ret;
	*old = (struct kshm_info_v0_1){
		.size = info.size,
		.max_size = info.max_size,
		.resident_pages = info.resident_pages,
		.faults = info.faults,
		.mappings = info.mappings,
		.backing = info.backing,
		.index = info.index,
		.page_size = info.page_size,
	};
	return 0;
}
KSHM_COMPAT_VERSION(kshm_info_v0_1, kshm_info, LIBKSHM_0.1)
