// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() of a region: nothing is mapped up front; each page is mapped by
 * .fault on its first touch, so every mapping, in every process, maps the
 * region's own pages.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/sched.h>

#include "kshm.h"
#include "kshm_compat.h"

bool kshm_fault_log;

static void kshm_log_fault(struct kshm_region *r, struct vm_fault *vmf)
{
	if (!__ratelimit(&r->log_rs))
		return;
	pr_info("%s: fault pgoff=%lu write=%d pid=%d comm=%s\n", r->name,
		vmf->pgoff, !!(vmf->flags & FAULT_FLAG_WRITE),
		task_pid_nr(current), current->comm);
}

/**
 * kshm_fault_done() - finish a fault with the page a lookup gave
 * @r: the region
 * @vmf: the fault
 * @page: the page with a reference for the PTE, or an ERR_PTR
 *
 * Shared by the region's fault handler and the ring's.
 *
 * Return: the fault's result.
 */
vm_fault_t kshm_fault_done(struct kshm_region *r, struct vm_fault *vmf,
			   struct page *page)
{
	/* Outside the region: SIGBUS; no memory: the OOM path, as shmem. */
	if (IS_ERR(page))
		return vmf_error(PTR_ERR(page));
	atomic64_inc(&r->faults);
	if (READ_ONCE(kshm_fault_log))
		kshm_log_fault(r, vmf);
	/* The core maps the page and drops this reference at unmap. */
	vmf->page = page;
	return 0;
}

static vm_fault_t kshm_vm_fault(struct vm_fault *vmf)
{
	struct kshm_region *r = vmf->vma->vm_private_data;

	return kshm_fault_done(r, vmf,
			       kshm_region_get_page(r, vmf->pgoff, true, NULL));
}

/**
 * kshm_vm_open() - count a VMA that was copied (fork) or split
 * @vma: the new VMA (partial munmap/mprotect, mremap)
 */
void kshm_vm_open(struct vm_area_struct *vma)
{
	struct kshm_region *r = vma->vm_private_data;

	atomic_long_inc(&r->mappings);
}

/**
 * kshm_vm_close() - uncount a VMA that goes
 * @vma: the VMA
 */
void kshm_vm_close(struct vm_area_struct *vma)
{
	struct kshm_region *r = vma->vm_private_data;

	atomic_long_dec(&r->mappings);
}

static const struct vm_operations_struct kshm_vm_ops = {
	.open = kshm_vm_open,
	.close = kshm_vm_close,
	.fault = kshm_vm_fault,
};

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
	if (ret == -EAGAIN)
		return kshm_ring_mmap(r, vma);
	if (ret)
		return ret;

	/* No exec later through mprotect, no growth, no core dumps. */
	kshm_vma_update_flags(vma, VM_DONTEXPAND | VM_DONTDUMP, VM_MAYEXEC);
	vma->vm_ops = &kshm_vm_ops;
	vma->vm_private_data = r;
	return 0;
}
