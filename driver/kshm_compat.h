/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between the kernels kshm supports (6.1 to 6.12).
 * Keep every one here, not in the .c files. The KSHM_HAVE_* macros come
 * from probes of the kernel's headers in Kbuild, not from version numbers,
 * so distribution backports are handled too.
 */
#ifndef _KSHM_COMPAT_H
#define _KSHM_COMPAT_H

#include <linux/mm.h>

/*
 * vm_flags_set()/vm_flags_clear() arrived in 6.3, which made
 * vma->vm_flags read-only. Call from ->mmap only (the mmap lock is held
 * for writing there).
 */
static inline void kshm_vma_update_flags(struct vm_area_struct *vma,
					 vm_flags_t set, vm_flags_t clear)
{
#ifdef KSHM_HAVE_VM_FLAGS_SET
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

#endif /* _KSHM_COMPAT_H */
