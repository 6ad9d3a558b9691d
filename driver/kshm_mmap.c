// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() of a region: nothing is mapped up front (unless the region asks
 * for KSHM_FAULT_PREFAULT); a fault maps the page it hit and the window
 * around it (kshm_fault_around.c), so every mapping, in every process,
 * maps the region's own pages. Backing "huge" maps a 2 MiB block with one
 * PMD where the kernel offers .huge_fault, and with PTEs elsewhere.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>

#include "kshm.h"
#include "kshm_compat.h"

#define CREATE_TRACE_POINTS
#include "kshm_trace.h"

bool kshm_fault_log;

/*
 * Count, trace and log one fault: the kshm_fault event and fault_log's
 * dmesg line come from here, for the region's faults and the ring's.
 * The log has served faults only, as it always had.
 */
static void kshm_fault_account(struct kshm_region *r, struct vm_fault *vmf,
			       unsigned int mapped, bool pmd, vm_fault_t ret)
{
	bool write = vmf->flags & FAULT_FLAG_WRITE;

	trace_kshm_fault(r, vmf->pgoff, write, mapped, pmd, ret);
	if (ret & VM_FAULT_ERROR)
		return;
	atomic64_inc(&r->faults);
	if (READ_ONCE(kshm_fault_log) && __ratelimit(&r->log_rs))
		pr_info("%s: fault pgoff=%lu write=%d pages=%u%s pid=%d comm=%s\n",
			r->name, vmf->pgoff, write, mapped, pmd ? " pmd=1" : "",
			task_pid_nr(current), current->comm);
}

/**
 * kshm_fault_done() - finish a fault with the page a lookup gave
 * @r: the region
 * @vmf: the fault
 * @page: the page with a reference for the PTE, or an ERR_PTR
 * @mapped: the pages this fault maps, @page included
 *
 * Shared by the region's fault handler and the ring's.
 *
 * Return: the fault's result.
 */
vm_fault_t kshm_fault_done(struct kshm_region *r, struct vm_fault *vmf,
			   struct page *page, unsigned int mapped)
{
	vm_fault_t ret;

	/* Outside the region: SIGBUS; no memory: the OOM path, as shmem. */
	if (IS_ERR(page)) {
		ret = vmf_error(PTR_ERR(page));
		kshm_fault_account(r, vmf, 0, false, ret);
		return ret;
	}
	kshm_fault_account(r, vmf, mapped, false, 0);
	/* The core maps the page and drops this reference at unmap. */
	vmf->page = page;
	return 0;
}

static vm_fault_t kshm_vm_fault(struct vm_fault *vmf)
{
	struct kshm_region *r = vmf->vma->vm_private_data;
	unsigned int around;
	struct page *page;

	page = kshm_region_get_page(r, vmf->pgoff, true, NULL);
	if (IS_ERR(page))
		return kshm_fault_done(r, vmf, page, 0);
	around = kshm_fault_around(r, vmf);
	atomic64_add(around, &r->around_pages);
	return kshm_fault_done(r, vmf, page, around + 1);
}

/*
 * A block backing's allocation failure: SIGBUS, not VM_FAULT_OOM. The OOM
 * killer is not run for a 2 MiB allocation, so the task would refault
 * forever (hugetlbfs gives SIGBUS too).
 */
static vm_fault_t kshm_block_fault_error(int err)
{
	return err == -ENOMEM ? VM_FAULT_SIGBUS : vmf_error(err);
}

/*
 * The lock that orders the faults mapping block @pgoff's: one of a few
 * per region, by block, so that first touches of different blocks
 * seldom wait for each other.
 */
static struct mutex *kshm_block_lock(struct kshm_region *r, pgoff_t pgoff)
{
	return &r->block_locks[(pgoff >> KSHM_HUGE_ORDER) %
			       KSHM_BLOCK_LOCKS];
}

/*
 * A fault of a block backing ("huge") where no PMD could go: the block,
 * clipped to the VMA, with 4 KiB entries. Its pages are tail pages of a
 * compound page, which the core's finish_fault() would map with a PMD of
 * its own (do_set_pmd()) if the PMD were still empty: an entry that zap
 * neither unmaps nor puts. So the faulting page goes in through
 * vm_insert_pages() as well, and the core is told nothing is left to do.
 */
static vm_fault_t kshm_vm_block_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct kshm_region *r = vma->vm_private_data;
	unsigned long addr = vmf->address & PAGE_MASK;
	struct mutex *lock = kshm_block_lock(r, vmf->pgoff);
	unsigned int around = 0;
	unsigned long mapped;
	struct page *page;
	vm_fault_t ret;
	int err;

	/* Allocates the block, or says why it cannot. */
	page = kshm_region_get_page(r, vmf->pgoff, true, NULL);
	if (IS_ERR(page)) {
		ret = kshm_block_fault_error(PTR_ERR(page));
		kshm_fault_account(r, vmf, 0, false, ret);
		return ret;
	}
	put_page(page);
	/* Dying: the access is never retried. */
	if (mutex_lock_killable(lock))
		return VM_FAULT_NOPAGE;
	/*
	 * A racing fault of a task whose THP setting differed (it changed
	 * between the two faults' checks: prctl(PR_SET_THP_DISABLE), the
	 * sysfs switch) mapped the block with one 2 MiB entry: there is no
	 * page table for 4 KiB entries, and vm_insert_pages() must not walk
	 * into the entry (walk_to_pmd() asserts it). The access retries and
	 * finds the block mapped.
	 */
	if (pmd_trans_huge(READ_ONCE(*vmf->pmd))) {
		mutex_unlock(lock);
		trace_kshm_fault_raced(r, vmf->pgoff, false);
		return VM_FAULT_NOPAGE;
	}
	/* 0 with no error: a racing fault mapped it first. */
	mapped = kshm_map_range(r, vma, addr, addr + PAGE_SIZE, ULONG_MAX,
				KSHM_ALLOC, &err);
	if (!err)
		around = kshm_fault_around(r, vmf);
	mutex_unlock(lock);
	/*
	 * The levels above the page table exist (the core made them), so
	 * -EFAULT means no page table to map into: an empty one freed under
	 * us (kernels that reclaim them, CONFIG_PT_RECLAIM). The access
	 * retries and makes another.
	 */
	if (err == -EFAULT) {
		trace_kshm_fault_raced(r, vmf->pgoff, false);
		return VM_FAULT_NOPAGE;
	}
	if (err) {
		ret = vmf_error(err);
		kshm_fault_account(r, vmf, 0, false, ret);
		return ret;
	}
	atomic64_add(around, &r->around_pages);
	atomic64_inc(&r->huge_fallbacks);
	kshm_fault_account(r, vmf, mapped + around, false, VM_FAULT_NOPAGE);
	return VM_FAULT_NOPAGE;
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/* Does the PMD now map @pfn as one 2 MiB entry? */
static bool kshm_pmd_maps(pmd_t *pmdp, unsigned long pfn)
{
	pmd_t pmd = READ_ONCE(*pmdp);

	return pmd_trans_huge(pmd) && pmd_pfn(pmd) == pfn;
}

/*
 * One PMD for a whole block: the 2 MiB of the address must lie inside the
 * VMA and map a block of the region, that is, start at a block's first
 * page. Anything else falls back to .fault. The PMD takes no page
 * reference (a special mapping, as for VM_MIXEDMAP): the region keeps the
 * block, and resizing waits for the last mapping to go.
 *
 * A .fault of the same block may run at the same time (under the per-VMA
 * lock from 6.12, under the mmap lock taken for reading before): a task
 * whose THP setting just changed takes the 4 KiB path. The block's lock
 * orders the two: each looks at the PMD under it and maps only into what
 * it expects, an empty PMD (or, for a write to a read-only 2 MiB entry,
 * the entry the core saw); anything else was put there by a racing fault
 * or taken by a zap, and the access retries. Nothing else is known to
 * put an entry in such a VMA (khugepaged skips VM_MIXEDMAP, userfaultfd
 * refuses VM_SPECIAL VMAs), but should a kernel do so, a fresh entry is
 * still inserted without "write" (the shared mapping's vm_page_prot is
 * writable already), which makes vmf_insert_pfn_pmd() leave anything
 * else alone, and a PMD is counted only if it is there afterwards.
 * tests/vm/huge_races.c forces both orders.
 */
static vm_fault_t kshm_vm_huge_fault(struct vm_fault *vmf,
				     kshm_huge_fault_size size)
{
	struct vm_area_struct *vma = vmf->vma;
	struct kshm_region *r = vma->vm_private_data;
	unsigned long haddr = vmf->address & PMD_MASK;
	struct mutex *lock;	/* the block's: kshm_block_lock() */
	unsigned long pfn;
	struct page *page;
	bool upgrade;
	pgoff_t pgoff;
	vm_fault_t ret;
	pmd_t pmd;

	/* 6.12 asks for a PUD too, before vmf->pmd even exists. */
	if (size != KSHM_HUGE_FAULT_PMD || haddr < vma->vm_start ||
	    vma->vm_end - haddr < PMD_SIZE)
		return VM_FAULT_FALLBACK;
	pgoff = linear_page_index(vma, haddr);
	if (!IS_ALIGNED(pgoff, 1UL << KSHM_HUGE_ORDER))
		return VM_FAULT_FALLBACK;
	/* Zero on the create path; the PMD for a write to a read-only one. */
	upgrade = !pmd_none(vmf->orig_pmd);
	page = kshm_region_get_page(r, pgoff, true, NULL);
	if (IS_ERR(page)) {
		ret = kshm_block_fault_error(PTR_ERR(page));
		kshm_fault_account(r, vmf, 0, true, ret);
		return ret;
	}
	pfn = page_to_pfn(page);
	lock = kshm_block_lock(r, pgoff);
	if (mutex_lock_killable(lock)) {
		put_page(page);
		return VM_FAULT_NOPAGE;
	}
	pmd = READ_ONCE(*vmf->pmd);
	if (upgrade ? !pmd_same(pmd, vmf->orig_pmd) : !pmd_none(pmd)) {
		mutex_unlock(lock);
		put_page(page);
		trace_kshm_fault_raced(r, vmf->pgoff, true);
		return VM_FAULT_NOPAGE;
	}
	ret = kshm_insert_pmd(vmf, page, upgrade);
	mutex_unlock(lock);
	put_page(page);
	if (ret & VM_FAULT_ERROR) {
		kshm_fault_account(r, vmf, 0, true, ret);
	} else if (!upgrade && kshm_pmd_maps(vmf->pmd, pfn)) {
		atomic64_inc(&r->huge_maps);
		kshm_fault_account(r, vmf, 1U << KSHM_HUGE_ORDER, true, ret);
	} else if (!upgrade) {
		trace_kshm_fault_raced(r, vmf->pgoff, true);
	}
	return ret;
}
#endif

/**
 * kshm_vm_open() - count a VMA that was copied (fork) or split
 * @vma: the new VMA (partial munmap/mprotect, mremap)
 */
void kshm_vm_open(struct vm_area_struct *vma)
{
	struct kshm_region *r = vma->vm_private_data;

	trace_kshm_map(r, vma->vm_pgoff, vma_pages(vma),
		       atomic_long_inc_return(&r->mappings));
}

/**
 * kshm_vm_close() - uncount a VMA that goes
 * @vma: the VMA
 */
void kshm_vm_close(struct vm_area_struct *vma)
{
	struct kshm_region *r = vma->vm_private_data;

	trace_kshm_unmap(r, vma->vm_pgoff, vma_pages(vma),
			 atomic_long_dec_return(&r->mappings));
}

/*
 * The kernel's fault-around hook, empty on purpose: it runs under
 * rcu_read_lock() and could only map page-cache pages, so kshm maps its
 * window from .fault (kshm_fault_around.c). Having one tells 6.4+ that
 * .fault copes with the per-VMA lock alone (vmf_can_call_fault()), which
 * it does: it locks its own state and never relies on the mmap lock. So
 * a fault is served in one trip instead of being retried under the mmap
 * lock.
 */
static vm_fault_t kshm_vm_map_pages(struct vm_fault *vmf, pgoff_t start,
				    pgoff_t end)
{
	return 0;
}

static const struct vm_operations_struct kshm_vm_ops = {
	.open = kshm_vm_open,
	.close = kshm_vm_close,
	.fault = kshm_vm_fault,
	.map_pages = kshm_vm_map_pages,
};

/* Backings with blocks: only their VMAs take the THP paths. */
static const struct vm_operations_struct kshm_block_vm_ops = {
	.open = kshm_vm_open,
	.close = kshm_vm_close,
	.fault = kshm_vm_block_fault,
	.map_pages = kshm_vm_map_pages,
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	.huge_fault = kshm_vm_huge_fault,
#endif
};

/**
 * kshm_get_unmapped_area() - where a new mapping goes
 * @file: the region's file
 * @addr: the caller's hint
 * @len: bytes
 * @pgoff: page offset in the region
 * @flags: MAP_*
 *
 * A mapping of 2 MiB or more is 2 MiB aligned, relative to @pgoff: a
 * "huge" region's blocks can then take PMDs, and for every backing each
 * fault-around window (aligned on the virtual address, at most 512
 * pages) covers whole windows of the region, so a mapping takes exactly
 * size / window faults, not one more for a ragged start.
 *
 * Return: the address, or an error as get_unmapped_area() gives it.
 */
unsigned long kshm_get_unmapped_area(struct file *file, unsigned long addr,
				     unsigned long len, unsigned long pgoff,
				     unsigned long flags)
{
	return kshm_thp_get_unmapped_area(file, addr, len, pgoff, flags);
}

int kshm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kshm_region *r = file->private_data;
	int ret;

	/*
	 * A private mapping would COW driver pages. VM_MAYSHARE, not
	 * VM_SHARED: the latter is cleared for a read-only fd.
	 */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	ret = kshm_region_map(r, vma->vm_pgoff, vma_pages(vma));
	/* A ring has a layout of its own (kshm_ring.c); set once, kept. */
	if (ret == -EAGAIN) {
		ret = kshm_ring_mmap(r, vma);
		if (!ret)
			trace_kshm_map(r, vma->vm_pgoff, vma_pages(vma),
				       atomic_long_read(&r->mappings));
		return ret;
	}
	if (ret)
		return ret;
	trace_kshm_map(r, vma->vm_pgoff, vma_pages(vma),
		       atomic_long_read(&r->mappings));

	/*
	 * No exec later through mprotect, no growth, no core dumps.
	 * VM_MIXEDMAP lets a fault map its window with vm_insert_pages()
	 * under the mmap lock held for reading; the pages stay normal pages.
	 */
	kshm_vma_update_flags(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_MIXEDMAP,
			      VM_MAYEXEC);
	vma->vm_ops = r->ops->order ? &kshm_block_vm_ops : &kshm_vm_ops;
	vma->vm_private_data = r;
	if (READ_ONCE(r->fault_flags) & KSHM_FAULT_PREFAULT)
		atomic64_add(kshm_map_range(r, vma, vma->vm_start, vma->vm_end,
					    ULONG_MAX, KSHM_ALLOC, NULL),
			     &r->prefault_pages);
	return 0;
}
