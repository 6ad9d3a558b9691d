// SPDX-License-Identifier: GPL-2.0
/*
 * Backing "vmalloc": the whole region in one vmalloc area, allocated up
 * front, zeroed, virtually contiguous in the kernel. Pages reach user
 * space through vmf->page, so the area needs no VM_USERMAP.
 */
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "kshm.h"

/*
 * Charged to the caller's memory cgroup, as the "pages" backing is; a
 * region can be large, so fail rather than wake the OOM killer.
 */
#define KSHM_VMALLOC_GFP	(GFP_KERNEL_ACCOUNT | __GFP_ZERO | \
				 __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/*
 * The area, and its pages looked up once: a fault finds a page in the
 * array instead of walking the kernel's page tables (vmalloc_to_page())
 * for each page of its fault-around window. 8 bytes a page.
 */
struct kshm_vmalloc {
	void *vaddr;
	struct page *pages[];
};

static struct kshm_vmalloc *kshm_vmalloc_area(pgoff_t npages)
{
	struct kshm_vmalloc *v;
	size_t bytes;
	pgoff_t i;

	if (check_shl_overflow(npages, PAGE_SHIFT, &bytes))
		return NULL;
	v = kvmalloc(struct_size(v, pages, npages),
		     GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	if (!v)
		return NULL;
	v->vaddr = __vmalloc(bytes, KSHM_VMALLOC_GFP);
	if (!v->vaddr) {
		kvfree(v);
		return NULL;
	}
	for (i = 0; i < npages; i++) {
		v->pages[i] = vmalloc_to_page(v->vaddr + (i << PAGE_SHIFT));
		/* A large region is millions of lookups; resize holds a lock. */
		if (i && !(i & 1023))
			cond_resched();
	}
	return v;
}

static void kshm_vmalloc_area_free(struct kshm_vmalloc *v)
{
	vfree(v->vaddr);
	kvfree(v);
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
	kshm_vmalloc_area_free(r->priv);
	r->priv = NULL;
	atomic_long_set(&r->resident, 0);
}

/*
 * A new area: the pages move, so a copy still holding a page of the old
 * area writes again (kshm_region_generation_is()).
 */
static int kshm_vmalloc_resize(struct kshm_region *r, pgoff_t npages)
{
	struct kshm_vmalloc *old = r->priv, *v;
	pgoff_t keep = min(npages, r->npages);
	size_t off, chunk;

	v = kshm_vmalloc_area(npages);
	if (!v)
		return -ENOMEM;
	/* Up to the whole region, under the region lock: 2 MiB at a time. */
	for (off = 0; off < ((size_t)keep << PAGE_SHIFT); off += chunk) {
		chunk = min_t(size_t, SZ_2M, ((size_t)keep << PAGE_SHIFT) - off);
		memcpy(v->vaddr + off, old->vaddr + off, chunk);
		cond_resched();
	}
	kshm_vmalloc_area_free(old);
	r->priv = v;
	atomic_long_set(&r->resident, npages);
	return 0;
}

static struct page *kshm_vmalloc_get_page(struct kshm_region *r,
					  pgoff_t pgoff, enum kshm_alloc alloc)
{
	struct kshm_vmalloc *v = r->priv;
	struct page *page = v->pages[pgoff];

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
