/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshm internals: a region of pages, its backings, and the device that
 * exposes it. The path a user touch takes is
 *   open() -> kshm_fops (kshm_fops.c) -> mmap() -> kshm_vm_ops.fault
 *   (kshm_mmap.c) -> kshm_region_get_page() (kshm_region.c) -> a backing.
 */
#ifndef _KSHM_H
#define _KSHM_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm_types.h>
#include <linux/ratelimit.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <uapi/linux/kshm.h>

struct kshm_region;

/**
 * struct kshm_backing_ops - how a region holds its pages
 * @name: the value of the "backing" module parameter
 * @id: KSHM_BACKING_*
 * @alloc: set up storage for @npages pages; called once, before any use
 * @free: release all storage
 * @resize: change the size to @npages pages, keeping the contents that
 *	still fit; called with the region lock held for writing and no
 *	mapping live
 * @get_page: the page at @pgoff (< npages) with a reference held for the
 *	caller; when it is not resident, allocate it if @alloc, else return
 *	NULL. ERR_PTR(-ENOMEM) when allocation fails. Called with the region
 *	lock held for reading; must be safe against itself.
 */
struct kshm_backing_ops {
	const char *name;
	u32 id;
	int (*alloc)(struct kshm_region *r, pgoff_t npages);
	void (*free)(struct kshm_region *r);
	int (*resize)(struct kshm_region *r, pgoff_t npages);
	struct page *(*get_page)(struct kshm_region *r, pgoff_t pgoff,
				 bool alloc);
};

extern const struct kshm_backing_ops kshm_backing_pages;
extern const struct kshm_backing_ops kshm_backing_vmalloc;

/**
 * struct kshm_region - memory shared by every opener and mapping of a node
 * @lock: held for reading to look up or fault in pages and to create a
 *	mapping, for writing to change @npages and the storage
 * @ops: the backing
 * @npages: size in pages
 * @max_pages: the largest @npages a resize accepts
 * @pages: per-page array (backing "pages"); NULL slots are not resident
 * @vaddr: vmalloc_user() area (backing "vmalloc")
 * @resident: pages holding memory now
 * @faults: faults served
 * @mappings: live VMAs; resizing is refused while non-zero
 * @index: N of /dev/kshmN
 * @dev: the device, for log lines
 * @log_rs: rate limit of the per-fault log
 */
struct kshm_region {
	struct rw_semaphore lock;
	const struct kshm_backing_ops *ops;
	pgoff_t npages;
	pgoff_t max_pages;
	struct page **pages;
	void *vaddr;
	atomic_long_t resident;
	atomic64_t faults;
	atomic_long_t mappings;
	unsigned int index;
	struct device *dev;
	struct ratelimit_state log_rs;
};

/* kshm_region.c */
int kshm_region_init(struct kshm_region *r, const struct kshm_backing_ops *ops,
		     unsigned int index, pgoff_t npages, pgoff_t max_pages);
void kshm_region_destroy(struct kshm_region *r);
struct page *kshm_region_get_page(struct kshm_region *r, pgoff_t pgoff,
				  bool alloc);
int kshm_region_map(struct kshm_region *r, pgoff_t pgoff, pgoff_t npages);
int kshm_region_resize(struct kshm_region *r, u64 bytes);
u64 kshm_region_size(struct kshm_region *r);
void kshm_region_info(struct kshm_region *r, struct kshm_info *info);

/* kshm_mmap.c */
extern bool kshm_fault_log;
int kshm_mmap(struct file *file, struct vm_area_struct *vma);

/* kshm_fops.c */
extern const struct file_operations kshm_fops;

/* kshm_sysfs.c */
extern const struct attribute_group *kshm_groups[];

/**
 * struct kshm_dev - one /dev/kshmN
 * @misc: the misc device; its drvdata and file->private_data point here
 * @name: "kshmN"
 * @region: the memory behind the node
 */
struct kshm_dev {
	struct miscdevice misc;
	char name[16];
	struct kshm_region region;
};

static inline struct kshm_region *kshm_dev_region(struct device *dev)
{
	struct miscdevice *misc = dev_get_drvdata(dev);

	return &container_of(misc, struct kshm_dev, misc)->region;
}

#endif /* _KSHM_H */
