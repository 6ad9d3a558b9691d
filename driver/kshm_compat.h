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
#include <linux/mman.h>
#include <linux/sched/mm.h>

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

/*
 * .huge_fault took an enum page_entry_size until 6.6, the page order
 * after: the type of its second argument, and its value for a PMD.
 */
#ifdef KSHM_HAVE_PAGE_ENTRY_SIZE
#define kshm_huge_fault_size	enum page_entry_size
#define KSHM_HUGE_FAULT_PMD	PE_SIZE_PMD
#else
#define kshm_huge_fault_size	unsigned int
#define KSHM_HUGE_FAULT_PMD	(PMD_SHIFT - PAGE_SHIFT)
#endif

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
#ifdef KSHM_HAVE_PFN_T
#include <linux/pfn_t.h>
#endif
/* Map @page's compound block with one PMD; pfn_t went away in 6.17. */
static inline vm_fault_t kshm_insert_pmd(struct vm_fault *vmf,
					 struct page *page, bool write)
{
#ifdef KSHM_HAVE_PFN_T
	return vmf_insert_pfn_pmd(vmf, page_to_pfn_t(page), write);
#else
	return vmf_insert_pfn_pmd(vmf, page_to_pfn(page), write);
#endif
}
#endif

/*
 * The default placement of a mapping: mm_get_unmapped_area() from 6.10,
 * without its mm argument (always current's) by 7.3.
 */
static inline unsigned long
kshm_mm_get_unmapped_area(struct file *file, unsigned long addr,
			  unsigned long len, unsigned long pgoff,
			  unsigned long flags)
{
#if defined(KSHM_HAVE_MM_GET_UNMAPPED_AREA_NO_MM)
	return mm_get_unmapped_area(file, addr, len, pgoff, flags);
#elif defined(KSHM_HAVE_MM_GET_UNMAPPED_AREA)
	return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
#else
	return current->mm->get_unmapped_area(file, addr, len, pgoff, flags);
#endif
}

/*
 * A placement 2 MiB aligned relative to @pgoff for a mapping of 2 MiB or
 * more: thp_get_unmapped_area() where the kernel has transparent huge
 * pages. Where it has not (PREEMPT_RT kernels, Debian's rt flavour among
 * them, and small configs: there thp_get_unmapped_area is defined to
 * NULL), the same by hand: ask for 2 MiB more, then align inside it.
 */
static inline unsigned long
kshm_thp_get_unmapped_area(struct file *file, unsigned long addr,
			   unsigned long len, unsigned long pgoff,
			   unsigned long flags)
{
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	return thp_get_unmapped_area(file, addr, len, pgoff, flags);
#else
	unsigned long off = pgoff << PAGE_SHIFT, ret;

	if (addr || (flags & MAP_FIXED) || len < PMD_SIZE ||
	    len + PMD_SIZE < len)
		return kshm_mm_get_unmapped_area(file, addr, len, pgoff, flags);
	ret = kshm_mm_get_unmapped_area(file, 0, len + PMD_SIZE, pgoff, flags);
	if (IS_ERR_VALUE(ret))
		return kshm_mm_get_unmapped_area(file, addr, len, pgoff, flags);
	return ret + ((off - ret) & (PMD_SIZE - 1));
#endif
}

#endif /* _KSHM_COMPAT_H */
