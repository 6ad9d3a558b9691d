// SPDX-License-Identifier: GPL-2.0
/*
 * Backing "pages": an array with one slot per page, filled on first
 * touch. Untouched pages cost nothing but their slot.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "kshm.h"

/* Charged to the caller's memory cgroup; failure is reported, not logged. */
#define KSHM_PAGE_GFP	(GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN)

/* The array can be large: fail rather than wake the OOM killer. */
static struct page **kshm_pages_alloc_array(pgoff_t npages)
{
	return kvcalloc(npages, sizeof(struct page *),
			GFP_KERNEL_ACCOUNT | __GFP_NOWARN | __GFP_RETRY_MAYFAIL);
}

/* Free slots [from, to) of @pages. */
static void kshm_pages_release(struct kshm_region *r, struct page **pages,
			       pgoff_t from, pgoff_t to)
{
	pgoff_t i;

	for (i = from; i < to; i++) {
		if (!pages[i])
			continue;
		put_page(pages[i]);
		pages[i] = NULL;
		atomic_long_dec(&r->resident);
	}
}

static int kshm_pages_alloc(struct kshm_region *r, pgoff_t npages)
{
	r->priv = kshm_pages_alloc_array(npages);
	return r->priv ? 0 : -ENOMEM;
}

static void kshm_pages_free(struct kshm_region *r)
{
	kshm_pages_release(r, r->priv, 0, r->npages);
	kvfree(r->priv);
	r->priv = NULL;
}

static int kshm_pages_resize(struct kshm_region *r, pgoff_t npages)
{
	pgoff_t keep = min(npages, r->npages);
	struct page **pages;

	pages = kshm_pages_alloc_array(npages);
	if (!pages)
		return -ENOMEM;
	kshm_pages_release(r, r->priv, keep, r->npages);
	memcpy(pages, r->priv, array_size(keep, sizeof(*pages)));
	kvfree(r->priv);
	r->priv = pages;
	return 0;
}

static struct page *kshm_pages_get_page(struct kshm_region *r, pgoff_t pgoff,
					enum kshm_alloc alloc)
{
	struct page **pages = r->priv;
	struct page *page, *new;

	page = READ_ONCE(pages[pgoff]);
	if (!page && alloc != KSHM_NO_ALLOC) {
		/* A guess (fault-around) gives up rather than OOM-kill. */
		new = alloc_page(KSHM_PAGE_GFP |
				 (alloc == KSHM_ALLOC_AHEAD ? __GFP_NORETRY : 0));
		if (!new)
			return ERR_PTR(-ENOMEM);
		/* Two first touches may race: one page wins, one is freed. */
		page = cmpxchg(&pages[pgoff], NULL, new);
		if (page) {
			__free_page(new);
		} else {
			page = new;
			atomic_long_inc(&r->resident);
		}
	}
	if (page)
		get_page(page);
	return page;
}

const struct kshm_backing_ops kshm_backing_pages = {
	.name = "pages",
	.id = KSHM_BACKING_PAGES,
	.alloc = kshm_pages_alloc,
	.free = kshm_pages_free,
	.resize = kshm_pages_resize,
	.get_page = kshm_pages_get_page,
};
