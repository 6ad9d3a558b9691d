// SPDX-License-Identifier: GPL-2.0
/*
 * Backing "vmalloc": the whole region in one vmalloc area, allocated up
 * front, zeroed, virtually contiguous in the kernel. Pages reach user
 * space through vmf->page, so the area needs no VM_USERMAP.
 */
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "kshm.h"

/*
 * Charged to the caller's memory cgroup, as the "pages" backing is; a
 * region can be large, so fail rather than wake the OOM killer.
 */
#define KSHM_VMALLOC_GFP	(GFP_KERNEL_ACCOUNT | __GFP_ZERO | \
				 __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

static void *kshm_vmalloc_area(pgoff_t npages)
{
	size_t bytes;

	if (check_shl_overflow(npages, PAGE_SHIFT, &bytes))
		return NULL;
	return __vmalloc(bytes, KSHM_VMALLOC_GFP);
}

static int kshm_vmalloc_alloc(struct kshm_region *r, pgoff_t npages)
{
	r->priv = kshm_vmalloc_area(npages);
	if (!r->priv)
		return -ENOMEM;
	atomic_long_set(&r->resident, npages);
	return 0;
}

static void kshm_vmalloc_free(struct kshm_region *r)
{
	vfree(r->priv);
	r->priv = NULL;
	atomic_long_set(&r->resident, 0);
}

/*
 * A new area: the pages move, so a copy still holding a page of the old
 * area writes again (kshm_region_generation_is()).
 */
static int kshm_vmalloc_resize(struct kshm_region *r, pgoff_t npages)
{
	pgoff_t keep = min(npages, r->npages);
	void *vaddr;

	vaddr = kshm_vmalloc_area(npages);
	if (!vaddr)
		return -ENOMEM;
	memcpy(vaddr, r->priv, (size_t)keep << PAGE_SHIFT);
	vfree(r->priv);
	r->priv = vaddr;
	atomic_long_set(&r->resident, npages);
	return 0;
}

static struct page *kshm_vmalloc_get_page(struct kshm_region *r,
					  pgoff_t pgoff, enum kshm_alloc alloc)
{
	struct page *page;

	page = vmalloc_to_page(r->priv + ((size_t)pgoff << PAGE_SHIFT));
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
