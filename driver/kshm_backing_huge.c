// SPDX-License-Identifier: GPL-2.0
/*
 * Backing "huge": the region in 2 MiB blocks, each one compound page
 * allocated on the first touch of any of its pages. A fault maps the
 * whole block: with one PMD entry where the kernel allows it, else with
 * 512 PTEs (kshm_mmap.c). A region's size is a whole number of blocks.
 *
 * The blocks are compound (__GFP_COMP): a 4 KiB mapping of a tail page
 * takes its reference on the head, and the last put_page() frees the
 * block whole. A non-compound high-order block would have its tail
 * pages freed one by one at munmap ("Bad page state").
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "kshm.h"

#define KSHM_BLOCK_PAGES	BIT(KSHM_HUGE_ORDER)

/*
 * Charged to the caller's memory cgroup; compaction may be tried, but a
 * failure is reported, not logged: -ENOMEM to read()/write(), SIGBUS to
 * a fault (the OOM killer does not run for a 2 MiB allocation, so
 * VM_FAULT_OOM would only refault forever; hugetlbfs gives SIGBUS too).
 */
#define KSHM_HUGE_GFP	(GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_COMP | \
			 __GFP_NOWARN | __GFP_RETRY_MAYFAIL)

static struct page **kshm_huge_alloc_array(pgoff_t npages)
{
	return kvcalloc(npages / KSHM_BLOCK_PAGES, sizeof(struct page *),
			GFP_KERNEL_ACCOUNT | __GFP_NOWARN | __GFP_RETRY_MAYFAIL);
}

/* Free blocks [from, to) of @blocks. */
static void kshm_huge_release(struct kshm_region *r, struct page **blocks,
			      pgoff_t from, pgoff_t to)
{
	pgoff_t i;

	for (i = from; i < to; i++) {
		if (!blocks[i])
			continue;
		/* Frees the compound page once GUP users are done too. */
		put_page(blocks[i]);
		blocks[i] = NULL;
		atomic_long_sub(KSHM_BLOCK_PAGES, &r->resident);
	}
}

static int kshm_huge_alloc(struct kshm_region *r, pgoff_t npages)
{
	r->priv = kshm_huge_alloc_array(npages);
	return r->priv ? 0 : -ENOMEM;
}

static void kshm_huge_free(struct kshm_region *r)
{
	kshm_huge_release(r, r->priv, 0, r->npages / KSHM_BLOCK_PAGES);
	kvfree(r->priv);
	r->priv = NULL;
}

static int kshm_huge_resize(struct kshm_region *r, pgoff_t npages)
{
	pgoff_t keep = min(npages, r->npages) / KSHM_BLOCK_PAGES;
	struct page **blocks;

	blocks = kshm_huge_alloc_array(npages);
	if (!blocks)
		return -ENOMEM;
	kshm_huge_release(r, r->priv, keep, r->npages / KSHM_BLOCK_PAGES);
	memcpy(blocks, r->priv, array_size(keep, sizeof(*blocks)));
	kvfree(r->priv);
	r->priv = blocks;
	return 0;
}

static struct page *kshm_huge_get_page(struct kshm_region *r, pgoff_t pgoff,
				       enum kshm_alloc alloc)
{
	struct page **slot = (struct page **)r->priv + pgoff / KSHM_BLOCK_PAGES;
	struct page *head, *new;

	head = READ_ONCE(*slot);
	if (!head && alloc != KSHM_NO_ALLOC) {
		new = alloc_pages(KSHM_HUGE_GFP, KSHM_HUGE_ORDER);
		if (!new)
			return ERR_PTR(-ENOMEM);
		/* Two first touches may race: one block wins, one is freed. */
		head = cmpxchg(slot, NULL, new);
		if (head) {
			put_page(new);
		} else {
			head = new;
			atomic_long_add(KSHM_BLOCK_PAGES, &r->resident);
		}
	}
	if (!head)
		return NULL;
	/* A tail page's reference is the head's: the block lives on. */
	get_page(head);
	return head + pgoff % KSHM_BLOCK_PAGES;
}

const struct kshm_backing_ops kshm_backing_huge = {
	.name = "huge",
	.id = KSHM_BACKING_HUGE,
	.order = KSHM_HUGE_ORDER,
	.alloc = kshm_huge_alloc,
	.free = kshm_huge_free,
	.resize = kshm_huge_resize,
	.get_page = kshm_huge_get_page,
};
