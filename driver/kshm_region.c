// SPDX-License-Identifier: GPL-2.0
/*
 * A kshm region: a page-granular piece of memory shared by every opener
 * and every mapping of one device node. The region owns the size, the
 * lock, the counters and its lifetime; a backing (kshm_backing_*.c) owns
 * the pages. A region lives until its last reference is dropped, which
 * may be long after its node is gone.
 */
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "kshm.h"
#include "kshm_trace.h"

/* The per-fault log may print this many lines per five seconds. */
#define KSHM_LOG_BURST	64

/**
 * kshm_size_to_pages() - a size in bytes as whole pages, checked
 * @bytes: the size; rounded up to a whole number of pages
 * @npages: the pages, on success
 *
 * A size is representable when it is not zero, is at most
 * KSHM_MAX_SIZE_LIMIT, and its pages can be counted in pgoff_t and
 * addressed in size_t bytes (which a 32-bit kernel limits).
 *
 * Return: 0, or -EINVAL.
 */
int kshm_size_to_pages(u64 bytes, pgoff_t *npages)
{
	u64 pages;
	size_t total;

	if (!bytes || bytes > KSHM_MAX_SIZE_LIMIT)
		return -EINVAL;
	pages = DIV_ROUND_UP_ULL(bytes, PAGE_SIZE);
	if ((pgoff_t)pages != pages ||
	    check_shl_overflow((size_t)pages, PAGE_SHIFT, &total))
		return -EINVAL;
	*npages = pages;
	return 0;
}

/**
 * kshm_backing_pages_for() - a size as whole blocks of a backing
 * @ops: the backing
 * @bytes: the size; rounded up to a whole number of the backing's blocks
 * @npages: the pages, on success
 *
 * Return: 0, or -EINVAL for a size kshm_size_to_pages() refuses.
 */
int kshm_backing_pages_for(const struct kshm_backing_ops *ops, u64 bytes,
			   pgoff_t *npages)
{
	int ret = kshm_size_to_pages(bytes, npages);

	/* KSHM_MAX_SIZE_LIMIT is a whole number of blocks: no overflow. */
	if (!ret)
		*npages = round_up(*npages, 1UL << ops->order);
	return ret;
}

/**
 * kshm_region_create() - make a region and its backing storage
 * @args: what it is made of
 *
 * Sizes are in whole blocks of the backing: @size rounds up, @max_size
 * down.
 *
 * Return: the region with one reference held for the caller;
 * ERR_PTR(-EINVAL) for a size that cannot be represented or one above
 * the maximum; ERR_PTR(-ENOMEM).
 */
struct kshm_region *kshm_region_create(const struct kshm_region_args *args)
{
	pgoff_t npages, max_pages;
	struct kshm_region *r;
	unsigned int i;
	int ret;

	if (kshm_backing_pages_for(args->ops, args->size, &npages) ||
	    kshm_size_to_pages(args->max_size, &max_pages))
		return ERR_PTR(-EINVAL);
	max_pages = round_down(args->max_size >> PAGE_SHIFT,
			       1UL << args->ops->order);
	if (npages > max_pages)
		return ERR_PTR(-EINVAL);

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return ERR_PTR(-ENOMEM);
	kref_init(&r->ref);
	init_rwsem(&r->lock);
	for (i = 0; i < KSHM_BLOCK_LOCKS; i++)
		mutex_init(&r->block_locks[i]);
	ratelimit_state_init(&r->log_rs, 5 * HZ, KSHM_LOG_BURST);
	r->ops = args->ops;
	r->max_pages = max_pages;
	r->index = args->index;
	r->runtime = args->runtime;
	r->owner = args->owner;
	if (READ_ONCE(kshm_prefault_default))
		r->fault_flags = KSHM_FAULT_PREFAULT;
	strscpy(r->name, args->name, sizeof(r->name));

	ret = r->ops->alloc(r, npages);
	if (ret)
		goto err_free_region;
	r->npages = npages;
	return r;

err_free_region:
	kfree(r);
	return ERR_PTR(ret);
}

/**
 * kshm_region_get() - take a reference to a region
 * @r: the region; the caller already holds a reference
 */
void kshm_region_get(struct kshm_region *r)
{
	kref_get(&r->ref);
}

static void kshm_region_release(struct kref *ref)
{
	struct kshm_region *r = container_of(ref, struct kshm_region, ref);
	unsigned int i;

	WARN_ON_ONCE(atomic_long_read(&r->mappings) || r->kmaps);
	if (r->ring)
		kshm_ring_free(r->ring);
	r->ops->free(r);
	kshm_limits_release(r);
	for (i = 0; i < KSHM_BLOCK_LOCKS; i++)
		mutex_destroy(&r->block_locks[i]);
	kfree(r);
}

/**
 * kshm_region_put() - drop a reference to a region
 * @r: the region; freed with its storage when this was the last reference
 *
 * Context: process context; may sleep.
 */
void kshm_region_put(struct kshm_region *r)
{
	kref_put(&r->ref, kshm_region_release);
}

/**
 * kshm_region_get_page() - look up, and maybe allocate, one page
 * @r: the region
 * @pgoff: page index in the region
 * @alloc: allocate the page if it is not resident
 * @generation: if not NULL, the region's generation the page belongs to
 *
 * The reference the caller gets keeps the page alive through a
 * concurrent resize, so copies can run without the region lock; a writer
 * checks the generation afterwards (kshm_region_generation_is()).
 *
 * Return: the page with a reference held, NULL if it is not resident and
 * @alloc is false, ERR_PTR(-ENXIO) if @pgoff is outside the region, or
 * ERR_PTR(-ENOMEM).
 */
struct page *kshm_region_get_page(struct kshm_region *r, pgoff_t pgoff,
				  bool alloc, unsigned long *generation)
{
	struct page *page;

	down_read(&r->lock);
	if (pgoff < r->npages)
		page = r->ops->get_page(r, pgoff,
					alloc ? KSHM_ALLOC : KSHM_NO_ALLOC);
	else
		page = ERR_PTR(-ENXIO);
	if (generation)
		*generation = r->generation;
	up_read(&r->lock);
	return page;
}

/**
 * kshm_region_get_pages() - look up, and maybe allocate, a run of pages
 * @r: the region
 * @pgoff: page index of the first
 * @nr: how many
 * @alloc: whether, and how, to allocate the pages that are not resident
 * @pages: filled with @nr entries: a page with a reference held, or NULL
 *	where it is not resident, could not be allocated or lies past the
 *	region's end
 *
 * One hold of the region lock for the whole run.
 *
 * Return: how many entries hold a page.
 */
unsigned int kshm_region_get_pages(struct kshm_region *r, pgoff_t pgoff,
				   unsigned int nr, enum kshm_alloc alloc,
				   struct page **pages)
{
	unsigned int i, got = 0;
	struct page *page;

	down_read(&r->lock);
	for (i = 0; i < nr; i++) {
		page = NULL;
		if (pgoff + i < r->npages) {
			page = r->ops->get_page(r, pgoff + i, alloc);
			if (IS_ERR(page))
				page = NULL;
		}
		pages[i] = page;
		got += !!page;
	}
	up_read(&r->lock);
	return got;
}

/**
 * kshm_region_generation_is() - has no resize run since a page lookup?
 * @r: the region
 * @gen: the generation kshm_region_get_page() gave
 *
 * A write into a page is part of the region when this returns true after
 * the write: any later resize runs after it and keeps what it wrote.
 *
 * Return: true if the region is still in generation @gen.
 */
bool kshm_region_generation_is(struct kshm_region *r, unsigned long gen)
{
	bool same;

	down_read(&r->lock);
	same = r->generation == gen;
	up_read(&r->lock);
	return same;
}

/**
 * kshm_region_map() - admit a new mapping of a page range
 * @r: the region
 * @pgoff: first page of the mapping
 * @npages: pages in the mapping
 *
 * Counts the mapping; the caller's vm_ops->close uncounts it.
 *
 * Return: 0, -EINVAL if the range does not lie inside the region, or
 * -EAGAIN, counting nothing, if the region holds a ring, whose layout is
 * the ring's to check (kshm_ring_mmap()).
 */
int kshm_region_map(struct kshm_region *r, pgoff_t pgoff, pgoff_t npages)
{
	pgoff_t end;
	int ret = 0;

	down_read(&r->lock);
	if (r->ring)
		ret = -EAGAIN;
	else if (check_add_overflow(pgoff, npages, &end) || end > r->npages)
		ret = -EINVAL;
	else
		atomic_long_inc(&r->mappings);
	up_read(&r->lock);
	return ret;
}

/**
 * kshm_region_resize() - change a region's size
 * @r: the region
 * @bytes: new size in bytes, rounded up to whole pages (whole blocks of
 *	a backing with blocks)
 *
 * Growing keeps the contents; shrinking frees the pages past the new end,
 * so pages that come back later read as zeros.
 *
 * Return: 0; -EINVAL for 0, a size that cannot be represented, or one
 * above the maximum size; -EBUSY while the region is mapped, by user
 * space or the kernel, or holds a ring; -ENOMEM.
 */
int kshm_region_resize(struct kshm_region *r, u64 bytes)
{
	pgoff_t npages, old;
	int ret = 0;

	if (kshm_backing_pages_for(r->ops, bytes, &npages) ||
	    npages > r->max_pages)
		return -EINVAL;

	down_write(&r->lock);
	old = r->npages;
	if (atomic_long_read(&r->mappings) || r->kmaps || r->ring) {
		ret = -EBUSY;
	} else if (npages != r->npages) {
		ret = r->ops->resize(r, npages);
		if (!ret) {
			WRITE_ONCE(r->npages, npages);
			r->generation++;
		}
	}
	up_write(&r->lock);
	trace_kshm_resize(r, (u64)old << PAGE_SHIFT,
			  (u64)(ret ? old : npages) << PAGE_SHIFT, ret);
	return ret;
}

/**
 * kshm_region_pin_pages() - every page of a region, allocated, referenced
 * @r: the region, with its lock held for writing
 * @npages: how many pages, from the first; at most the region's size
 *
 * Return: an array of @npages pages, each with a reference, for
 * kshm_region_unpin_pages(); ERR_PTR(-ENOMEM).
 */
struct page **kshm_region_pin_pages(struct kshm_region *r, pgoff_t npages)
{
	struct page **pages;
	pgoff_t i;

	lockdep_assert_held_write(&r->lock);
	pages = kvcalloc(npages, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < npages; i++) {
		pages[i] = r->ops->get_page(r, i, KSHM_ALLOC);
		if (IS_ERR(pages[i])) {
			kshm_region_unpin_pages(pages, i);
			return ERR_PTR(-ENOMEM);
		}
	}
	return pages;
}

/**
 * kshm_region_unpin_pages() - drop what kshm_region_pin_pages() took
 * @pages: the array, freed here
 * @npages: the pages in it that hold a reference
 */
void kshm_region_unpin_pages(struct page **pages, pgoff_t npages)
{
	pgoff_t i;

	for (i = 0; i < npages; i++)
		put_page(pages[i]);
	kvfree(pages);
}

/**
 * kshm_region_vmap() - one kernel mapping of the whole region
 * @r: the region
 *
 * Every page is allocated now. Mappings are counted: each call needs a
 * kshm_region_vunmap(), and resizing is refused until the last one.
 *
 * Return: the address of the region's first byte; ERR_PTR(-ENOMEM).
 */
void *kshm_region_vmap(struct kshm_region *r)
{
	struct page **pages;
	void *vaddr;

	down_write(&r->lock);
	if (r->kmaps) {
		r->kmaps++;
		vaddr = r->kvaddr;
		goto out_unlock;
	}
	pages = kshm_region_pin_pages(r, r->npages);
	if (IS_ERR(pages)) {
		vaddr = pages;
		goto out_unlock;
	}
	vaddr = vmap(pages, r->npages, VM_MAP, PAGE_KERNEL);
	if (!vaddr) {
		kshm_region_unpin_pages(pages, r->npages);
		vaddr = ERR_PTR(-ENOMEM);
		goto out_unlock;
	}
	r->kpages = pages;
	r->kvaddr = vaddr;
	r->kmaps = 1;
out_unlock:
	up_write(&r->lock);
	return vaddr;
}

/**
 * kshm_region_vunmap() - undo one kshm_region_vmap()
 * @r: the region
 */
void kshm_region_vunmap(struct kshm_region *r)
{
	down_write(&r->lock);
	if (!WARN_ON_ONCE(!r->kmaps) && !--r->kmaps) {
		vunmap(r->kvaddr);
		kshm_region_unpin_pages(r->kpages, r->npages);
		r->kvaddr = NULL;
		r->kpages = NULL;
	}
	up_write(&r->lock);
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
 * @info: filled in, argsz included; fields that are not set are zero
 */
void kshm_region_info(struct kshm_region *r, struct kshm_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->mask = KSHM_INFO_SIZE | KSHM_INFO_MAX_SIZE |
		     KSHM_INFO_RESIDENT_PAGES | KSHM_INFO_FAULTS |
		     KSHM_INFO_MAPPINGS | KSHM_INFO_BACKING | KSHM_INFO_INDEX |
		     KSHM_INFO_PAGE_SIZE | KSHM_INFO_NAME |
		     KSHM_INFO_AROUND_PAGES | KSHM_INFO_PREFAULT_PAGES |
		     KSHM_INFO_HUGE_MAPS | KSHM_INFO_HUGE_FALLBACKS |
		     KSHM_INFO_FAULT_POLICY;
	info->size = kshm_region_size(r);
	info->max_size = (u64)r->max_pages << PAGE_SHIFT;
	info->resident_pages = atomic_long_read(&r->resident);
	info->faults = atomic64_read(&r->faults);
	info->mappings = atomic_long_read(&r->mappings);
	info->backing = r->ops->id;
	info->index = r->index;
	info->page_size = PAGE_SIZE;
	strscpy(info->name, r->name, sizeof(info->name));
	info->around_pages = atomic64_read(&r->around_pages);
	info->prefault_pages = atomic64_read(&r->prefault_pages);
	info->huge_maps = atomic64_read(&r->huge_maps);
	info->huge_fallbacks = atomic64_read(&r->huge_fallbacks);
	info->fault_around = kshm_region_fault_around(r);
	info->fault_flags = READ_ONCE(r->fault_flags);
}

/**
 * kshm_region_set_fault_policy() - how the region's faults map pages
 * @r: the region
 * @flags: KSHM_FAULT_*
 * @fault_around: pages a fault maps, a power of two up to
 *	KSHM_FAULT_AROUND_MAX, or 0 to follow the module parameter
 *
 * Every mapping's next fault follows it; KSHM_FAULT_PREFAULT applies
 * from the next mmap().
 *
 * Return: 0, or -EINVAL.
 */
int kshm_region_set_fault_policy(struct kshm_region *r, u32 flags,
				 u32 fault_around)
{
	if (flags & ~(KSHM_FAULT_PREFAULT | KSHM_FAULT_RESIDENT))
		return -EINVAL;
	if (fault_around && !kshm_fault_around_valid(fault_around))
		return -EINVAL;
	WRITE_ONCE(r->fault_flags, flags);
	WRITE_ONCE(r->fault_around, fault_around);
	return 0;
}

/**
 * kshm_region_fault_around() - the fault-around window in effect
 * @r: the region
 *
 * Return: pages one fault maps, a power of two.
 */
unsigned int kshm_region_fault_around(struct kshm_region *r)
{
	return READ_ONCE(r->fault_around) ?: READ_ONCE(kshm_fault_around_default);
}

/**
 * kshm_region_info_to_user() - copy a snapshot out as a caller knows it
 * @r: the region
 * @uinfo: a struct kshm_info of @argsz bytes in user memory
 * @argsz: the size the caller knows, at least KSHM_INFO_SIZE_VER0
 *
 * Fills min(@argsz, sizeof(struct kshm_info)) bytes, with argsz set to
 * that; bytes past it are left alone.
 *
 * Return: 0, or -EFAULT.
 */
int kshm_region_info_to_user(struct kshm_region *r, void __user *uinfo,
			     u32 argsz)
{
	struct kshm_info info;

	kshm_region_info(r, &info);
	info.argsz = min_t(u32, argsz, sizeof(info));
	if (copy_to_user(uinfo, &info, info.argsz))
		return -EFAULT;
	return 0;
}
