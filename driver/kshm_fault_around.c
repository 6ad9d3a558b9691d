// SPDX-License-Identifier: GPL-2.0
/*
 * Fault-around: one fault maps a window of pages, not only the one it
 * hit; and mmap() can map a whole mapping up front (KSHM_FAULT_PREFAULT).
 *
 * The kernel's own fault-around (->map_pages) cannot serve a region: it
 * installs PTEs with do_set_pte()/set_pte_range(), which modules cannot
 * call, filemap_map_pages() maps page-cache pages only, and ->map_pages
 * runs under rcu_read_lock(), where a window could not be allocated. So
 * the fault handler maps the window itself with vm_insert_pages(). It
 * batches the page-table lock, takes its own page reference and rmap for
 * each page, and stops at a PTE that is already present (-EBUSY), so an
 * earlier touch or a racing fault is never overwritten: we step over it
 * and go on. It needs VM_MIXEDMAP, set at mmap() time (kshm_mmap.c). The
 * pages stay normal pages, so get_user_pages() works on them.
 *
 * A window never reaches outside the VMA (so never outside the region:
 * kshm_region_map() checked the VMA, and resizing waits for the last
 * mapping to go).
 */
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>

#include "kshm.h"

/* Pages looked up under one hold of the region lock. */
#define KSHM_MAP_BATCH	64

/*
 * Map @nr pages from @addr; a PTE that is present already is kept.
 * Another error (no memory for a page table) ends the run and is left in
 * *@err if that holds none yet.
 * Return: the pages mapped.
 */
static unsigned long kshm_insert_run(struct vm_area_struct *vma,
				     unsigned long addr, struct page **pages,
				     unsigned long nr, int *err)
{
	unsigned long done = 0, mapped = 0, left;
	int ret;

	while (done < nr) {
		left = nr - done;
		ret = vm_insert_pages(vma, addr + (done << PAGE_SHIFT),
				      pages + done, &left);
		mapped += nr - done - left;
		done = nr - left;
		if (ret != -EBUSY) {
			if (ret && !*err)
				*err = ret;
			break;
		}
		/* pages[done]'s PTE is present: step over it. */
		done++;
	}
	return mapped;
}

/**
 * kshm_map_range() - map many pages of a region into a VMA at once
 * @r: the region the VMA maps
 * @vma: the VMA; its mmap lock is held
 * @start: first address, page aligned, inside @vma
 * @end: end address, page aligned, at most @vma's end
 * @skip: an address to leave alone (the faulting page, which the fault
 *	maps itself), or ULONG_MAX
 * @alloc: whether, and how, to allocate pages that are not resident;
 *	pages not allocated stay unmapped
 * @err: if not NULL, gets the first error of vm_insert_pages() other
 *	than a present PTE (-ENOMEM for a page table), or 0
 *
 * Best effort: a page that cannot be allocated, or whose PTE is present
 * already, is left for its own fault. A fatal signal stops it between
 * batches (prefault can be long, and runs under the mmap lock).
 *
 * Return: the pages mapped.
 */
unsigned long kshm_map_range(struct kshm_region *r,
			     struct vm_area_struct *vma, unsigned long start,
			     unsigned long end, unsigned long skip,
			     enum kshm_alloc alloc, int *err)
{
	struct page *pages[KSHM_MAP_BATCH];
	unsigned long addr, mapped = 0;
	unsigned int n, i, j;
	int first_err = 0;

	for (addr = start; addr < end; addr += (unsigned long)n << PAGE_SHIFT) {
		if (addr != start) {
			if (fatal_signal_pending(current))
				break;
			cond_resched();
		}
		n = min_t(unsigned long, KSHM_MAP_BATCH,
			  (end - addr) >> PAGE_SHIFT);
		kshm_region_get_pages(r, linear_page_index(vma, addr), n,
				      alloc, pages);
		if (skip >= addr && skip < addr + ((unsigned long)n << PAGE_SHIFT)) {
			i = (skip - addr) >> PAGE_SHIFT;
			if (pages[i])
				put_page(pages[i]);
			pages[i] = NULL;
		}
		for (i = 0; i < n; i = j + 1) {
			for (j = i; j < n && pages[j]; j++)
				;
			if (j > i)
				mapped += kshm_insert_run(vma,
						addr + ((unsigned long)i << PAGE_SHIFT),
						pages + i, j - i, &first_err);
		}
		/* vm_insert_pages() took references of its own. */
		for (i = 0; i < n; i++)
			if (pages[i])
				put_page(pages[i]);
	}
	if (err)
		*err = first_err;
	return mapped;
}

/**
 * kshm_fault_around() - map the window around a fault
 * @r: the region
 * @vmf: the fault; the faulting page is not mapped here
 *
 * The window is the region's fault_around pages, aligned on the virtual
 * address as the kernel aligns its own; for a backing with blocks
 * (huge), the block of the faulting page. Either way it is clipped to
 * the VMA.
 *
 * Return: the pages mapped besides the faulting one.
 */
unsigned int kshm_fault_around(struct kshm_region *r, struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long addr = vmf->address & PAGE_MASK;
	unsigned long win, before, after;
	enum kshm_alloc alloc = KSHM_ALLOC_AHEAD;

	if (r->ops->order) {
		/* The faulting page allocated the block: nothing to guess. */
		win = 1UL << r->ops->order;
		before = vmf->pgoff & (win - 1);
	} else {
		win = kshm_region_fault_around(r);
		before = (addr >> PAGE_SHIFT) & (win - 1);
		if (READ_ONCE(r->fault_flags) & KSHM_FAULT_RESIDENT)
			alloc = KSHM_NO_ALLOC;
	}
	if (win == 1)
		return 0;
	after = win - 1 - before;
	before = min(before, (addr - vma->vm_start) >> PAGE_SHIFT);
	after = min(after, ((vma->vm_end - addr) >> PAGE_SHIFT) - 1);
	return kshm_map_range(r, vma, addr - (before << PAGE_SHIFT),
			      addr + ((after + 1) << PAGE_SHIFT), addr, alloc,
			      NULL);
}
