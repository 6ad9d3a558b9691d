// SPDX-License-Identifier: GPL-2.0
/*
 * Backing "vmalloc": the whole region from vmalloc_user() up front,
 * zeroed, virtually contiguous in the kernel.
 */
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "kshm.h"

static int kshm_vmalloc_alloc(struct kshm_region *r, pgoff_t npages)
{
	r->vaddr = vmalloc_user(npages << PAGE_SHIFT);
	if (!r->vaddr)
		return -ENOMEM;
	r->npages = npages;
	atomic_long_set(&r->resident, npages);
	return 0;
}

static void kshm_vmalloc_free(struct kshm_region *r)
{
	vfree(r->vaddr);
	r->vaddr = NULL;
	r->npages = 0;
	atomic_long_set(&r->resident, 0);
}

static int kshm_vmalloc_resize(struct kshm_region *r, pgoff_t npages)
{
	pgoff_t keep = min(npages, r->npages);
	void *vaddr;

	/* A fresh zeroed area: pages past the old end read as zeros. */
	vaddr = vmalloc_user(npages << PAGE_SHIFT);
	if (!vaddr)
		return -ENOMEM;
	memcpy(vaddr, r->vaddr, keep << PAGE_SHIFT);
	vfree(r->vaddr);
	r->vaddr = vaddr;
	r->npages = npages;
	atomic_long_set(&r->resident, npages);
	return 0;
}

static struct page *kshm_vmalloc_get_page(struct kshm_region *r,
					  pgoff_t pgoff, bool alloc)
{
	struct page *page = vmalloc_to_page(r->vaddr + (pgoff << PAGE_SHIFT));

	get_page(page);
	return page;
}

const struct kshm_backing_ops kshm_backing_vmalloc = {
	.name = "vmalloc",
	.id = KSHM_BACKING_VMALLOC,
	.alloc = kshm_vmalloc_alloc,
	.free = kshm_vmalloc_free,
	.resize = kshm_vmalloc_resize,
	.get_page = kshm_vmalloc_get_page,
};
