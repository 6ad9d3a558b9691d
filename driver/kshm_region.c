// SPDX-License-Identifier: GPL-2.0
/*
 * A kshm region: a page-granular piece of memory shared by every opener
 * and every mapping of one device node. The region owns the size, the
 * lock and the counters; a backing (kshm_backing_*.c) owns the pages.
 */
#include <linux/mm.h>
#include <linux/overflow.h>

#include "kshm.h"

/* The per-fault log may print this many lines per five seconds. */
#define KSHM_LOG_BURST	64

/**
 * kshm_region_init() - set up a region and its backing storage
 * @r: the region, zeroed
 * @ops: the backing
 * @index: N of /dev/kshmN
 * @npages: initial size in pages, at least 1
 * @max_pages: the largest size a resize may ask for
 *
 * Return: 0, or -ENOMEM when the backing cannot allocate.
 */
int kshm_region_init(struct kshm_region *r, const struct kshm_backing_ops *ops,
		     unsigned int index, pgoff_t npages, pgoff_t max_pages)
{
	init_rwsem(&r->lock);
	ratelimit_state_init(&r->log_rs, 5 * HZ, KSHM_LOG_BURST);
	r->ops = ops;
	r->index = index;
	r->max_pages = max_pages;
	atomic_long_set(&r->resident, 0);
	atomic64_set(&r->faults, 0);
	atomic_long_set(&r->mappings, 0);
	return ops->alloc(r, npages);
}

/**
 * kshm_region_destroy() - free a region's storage
 * @r: the region; nothing may use it any more
 */
void kshm_region_destroy(struct kshm_region *r)
{
	WARN_ON_ONCE(atomic_long_read(&r->mappings));
	r->ops->free(r);
}

/**
 * kshm_region_get_page() - look up, and maybe allocate, one page
 * @r: the region
 * @pgoff: page index in the region
 * @alloc: allocate the page if it is not resident
 *
 * The reference the caller gets keeps the page alive through a
 * concurrent shrink, so copies can run without the region lock.
 *
 * Return: the page with a reference held, NULL if it is not resident and
 * @alloc is false, ERR_PTR(-ENXIO) if @pgoff is outside the region, or
 * ERR_PTR(-ENOMEM).
 */
struct page *kshm_region_get_page(struct kshm_region *r, pgoff_t pgoff,
				  bool alloc)
{
	struct page *page;

	down_read(&r->lock);
	if (pgoff < r->npages)
		page = r->ops->get_page(r, pgoff, alloc);
	else
		page = ERR_PTR(-ENXIO);
	up_read(&r->lock);
	return page;
}

/**
 * kshm_region_map() - admit a new mapping of a page range
 * @r: the region
 * @pgoff: first page of the mapping
 * @npages: pages in the mapping
 *
 * Counts the mapping; the caller's vm_ops->close uncounts it.
 *
 * Return: 0, or -EINVAL if the range does not lie inside the region.
 */
int kshm_region_map(struct kshm_region *r, pgoff_t pgoff, pgoff_t npages)
{
	pgoff_t end;
	int ret = 0;

	down_read(&r->lock);
	if (check_add_overflow(pgoff, npages, &end) || end > r->npages)
		ret = -EINVAL;
	else
		atomic_long_inc(&r->mappings);
	up_read(&r->lock);
	return ret;
}

/**
 * kshm_region_resize() - change a region's size
 * @r: the region
 * @bytes: new size in bytes, rounded up to whole pages
 *
 * Growing keeps the contents; shrinking frees the pages past the new end,
 * so pages that come back later read as zeros.
 *
 * Return: 0; -EINVAL for 0 or above the maximum size; -EBUSY while the
 * region is mapped; -ENOMEM.
 */
int kshm_region_resize(struct kshm_region *r, u64 bytes)
{
	pgoff_t npages;
	int ret = 0;

	if (!bytes || bytes > (u64)r->max_pages << PAGE_SHIFT)
		return -EINVAL;
	npages = DIV_ROUND_UP_ULL(bytes, PAGE_SIZE);

	down_write(&r->lock);
	if (atomic_long_read(&r->mappings))
		ret = -EBUSY;
	else if (npages != r->npages)
		ret = r->ops->resize(r, npages);
	up_write(&r->lock);
	return ret;
}

/**
 * kshm_region_size() - a region's size
 * @r: the region
 *
 * Return: the size in bytes.
 */
u64 kshm_region_size(struct kshm_region *r)
{
	return (u64)READ_ONCE(r->npages) << PAGE_SHIFT;
}

/**
 * kshm_region_info() - a snapshot of a region's state
 * @r: the region
 * @info: filled in; fields that are not set are zero
 */
void kshm_region_info(struct kshm_region *r, struct kshm_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = kshm_region_size(r);
	info->max_size = (u64)r->max_pages << PAGE_SHIFT;
	info->resident_pages = atomic_long_read(&r->resident);
	info->faults = atomic64_read(&r->faults);
	info->mappings = atomic_long_read(&r->mappings);
	info->backing = r->ops->id;
	info->index = r->index;
	info->page_size = PAGE_SIZE;
}
