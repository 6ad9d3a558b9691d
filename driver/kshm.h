/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshm internals: a region of pages, its backings, and the device nodes
 * that expose regions. The path a user touch takes is
 *   open() -> kshm_fops (kshm_fops.c) -> mmap() -> kshm_vm_ops.fault
 *   (kshm_mmap.c) -> kshm_region_get_page() (kshm_region.c) -> a backing.
 * Regions are reference counted: a node, each open file, and each kernel
 * user hold one. Nodes are made at load time (kshm_main.c) or at run time
 * through the control node /dev/kshm (kshm_ctl.c), both by kshm_node.c.
 */
#ifndef _KSHM_H
#define _KSHM_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/kshm.h>
#include <uapi/linux/kshm.h>

/* The largest region: keeps the per-page array a few tens of MiB. */
#define KSHM_MAX_SIZE_LIMIT	(64ULL << 30)

struct kshm_region;
struct kshm_ring;
struct module;

/**
 * enum kshm_alloc - may a lookup allocate a page that is not resident?
 * @KSHM_NO_ALLOC: no: the lookup gives NULL
 * @KSHM_ALLOC: yes, as a first touch does: may reclaim, and may run the
 *	memory cgroup's OOM killer
 * @KSHM_ALLOC_AHEAD: yes, but it is a guess ahead of any touch
 *	(fault-around): fail fast, never OOM-kill for it
 */
enum kshm_alloc {
	KSHM_NO_ALLOC,
	KSHM_ALLOC,
	KSHM_ALLOC_AHEAD,
};

/**
 * struct kshm_backing_ops - how a region holds its pages
 * @name: the name users give ("backing" parameter, sysfs, log lines)
 * @id: KSHM_BACKING_*, its index in kshm_backings[]
 * @order: pages are held in blocks of 1 << @order: a region's size is a
 *	whole number of blocks, and a fault maps the whole block it hits
 * @alloc: set up storage for @npages pages in @r->priv; called once,
 *	before any other call
 * @free: release all storage; nothing uses the region any more
 * @resize: change the storage to @npages pages, keeping the contents that
 *	still fit; called with the region lock held for writing and no
 *	mapping live
 * @get_page: the page at @pgoff (< npages) with a reference held for the
 *	caller; when it is not resident, allocate it as @alloc says, or
 *	return NULL. ERR_PTR(-ENOMEM) when allocation fails. Called with the
 *	region lock held for reading; must be safe against itself.
 *
 * Storage is the backing's own: only the backing reads @r->priv. It keeps
 * @r->resident up to date.
 */
struct kshm_backing_ops {
	const char *name;
	u32 id;
	unsigned int order;
	int (*alloc)(struct kshm_region *r, pgoff_t npages);
	void (*free)(struct kshm_region *r);
	int (*resize)(struct kshm_region *r, pgoff_t npages);
	struct page *(*get_page)(struct kshm_region *r, pgoff_t pgoff,
				 enum kshm_alloc alloc);
};

/* kshm_backing.c: every backing, indexed by id; a new one is one line. */
extern const struct kshm_backing_ops *const kshm_backings[];
const struct kshm_backing_ops *kshm_backing_by_id(u32 id);
const struct kshm_backing_ops *kshm_backing_by_name(const char *name);
void kshm_backing_list(char *buf, size_t len);

extern const struct kshm_backing_ops kshm_backing_pages;
extern const struct kshm_backing_ops kshm_backing_vmalloc;
extern const struct kshm_backing_ops kshm_backing_huge;

/* Backing "huge": 2 MiB blocks, one PMD each where the kernel allows. */
#define KSHM_HUGE_ORDER		(PMD_SHIFT - PAGE_SHIFT)
/* Locks a region has for its faults to map blocks with (@block_locks). */
#define KSHM_BLOCK_LOCKS	16

/**
 * struct kshm_region - memory shared by every opener and mapping of a node
 * @ref: held by the node, each open file and each kernel user
 * @lock: held for reading to look up or fault in pages and to create a
 *	mapping, for writing to change @npages and the storage
 * @block_locks: for a block backing, one is held while a fault maps a
 *	block (chosen by the block's index), so that a 2 MiB entry
 *	(.huge_fault) and 4 KiB entries (.fault) of the same block never
 *	meet half made (kshm_mmap.c)
 * @ops: the backing
 * @priv: the backing's storage
 * @npages: size in pages
 * @max_pages: the largest @npages a resize accepts
 * @generation: bumped by every resize, under @lock; a copy that wrote into
 *	a page it looked up in an older generation writes again, since a
 *	backing may have moved its pages
 * @resident: pages holding memory now
 * @faults: faults served
 * @around_pages: pages faults mapped besides the faulting page
 * @prefault_pages: pages mmap() mapped up front (KSHM_FAULT_PREFAULT)
 * @huge_maps: PMD entries faults installed
 * @huge_fallbacks: faults of a block backing served with 4 KiB entries
 * @fault_around: pages a fault maps; 0 follows the module parameter
 * @fault_flags: KSHM_FAULT_*
 * @mappings: live VMAs; resizing is refused while non-zero
 * @index: N of /dev/kshmN, or KSHM_INDEX_NONE
 * @runtime: made at run time, so counted against the run-time limits
 * @owner: a kernel module that made the region and is pinned while user
 *	space holds the node open (and so while it is mapped), or NULL
 * @ring: the ring laid over the region, or NULL; set once, under @lock
 *	held for writing, and kept until the region is freed
 * @kmaps: kshm_vmap() users; resizing is refused while non-zero
 * @kpages: the pages @kvaddr maps, with a reference each
 * @kvaddr: the kernel mapping of the whole region, while @kmaps
 * @name: the node's name under /dev, fixed before the node exists
 * @log_rs: rate limit of the per-fault log
 */
struct kshm_region {
	struct kref ref;
	struct rw_semaphore lock;
	struct mutex block_locks[KSHM_BLOCK_LOCKS];	/* see @block_locks */
	const struct kshm_backing_ops *ops;
	void *priv;
	pgoff_t npages;
	pgoff_t max_pages;
	unsigned long generation;
	atomic_long_t resident;
	atomic64_t faults;
	atomic64_t around_pages;
	atomic64_t prefault_pages;
	atomic64_t huge_maps;
	atomic64_t huge_fallbacks;
	u32 fault_around;
	u32 fault_flags;
	atomic_long_t mappings;
	u32 index;
	bool runtime;
	struct module *owner;
	struct kshm_ring *ring;
	unsigned int kmaps;
	struct page **kpages;
	void *kvaddr;
	char name[KSHM_NAME_MAX];
	struct ratelimit_state log_rs;
};

/**
 * struct kshm_region_args - what a new region is made of
 * @name: the node's name under /dev, "kshm0" or "kshm-NAME"
 * @size: initial size in bytes, rounded up to pages; at least 1
 * @max_size: the largest size, in bytes, rounded down to pages
 * @ops: the backing
 * @index: N of /dev/kshmN, or KSHM_INDEX_NONE
 * @runtime: counted against the run-time limits
 * @owner: the kernel module to pin while user space holds the node
 */
struct kshm_region_args {
	const char *name;
	u64 size;
	u64 max_size;
	const struct kshm_backing_ops *ops;
	u32 index;
	bool runtime;
	struct module *owner;
};

/* kshm_region.c */
int kshm_size_to_pages(u64 bytes, pgoff_t *npages);
int kshm_backing_pages_for(const struct kshm_backing_ops *ops, u64 bytes,
			   pgoff_t *npages);
struct kshm_region *kshm_region_create(const struct kshm_region_args *args);
void kshm_region_get(struct kshm_region *r);
void kshm_region_put(struct kshm_region *r);
struct page *kshm_region_get_page(struct kshm_region *r, pgoff_t pgoff,
				  bool alloc, unsigned long *generation);
bool kshm_region_generation_is(struct kshm_region *r, unsigned long gen);
int kshm_region_map(struct kshm_region *r, pgoff_t pgoff, pgoff_t npages);
int kshm_region_resize(struct kshm_region *r, u64 bytes);
u64 kshm_region_size(struct kshm_region *r);
void *kshm_region_vmap(struct kshm_region *r);
void kshm_region_vunmap(struct kshm_region *r);
struct page **kshm_region_pin_pages(struct kshm_region *r, pgoff_t npages);
void kshm_region_unpin_pages(struct page **pages, pgoff_t npages);
void kshm_region_info(struct kshm_region *r, struct kshm_info *info);
int kshm_region_info_to_user(struct kshm_region *r, void __user *uinfo,
			     u32 argsz);
int kshm_region_set_fault_policy(struct kshm_region *r, u32 flags,
				 u32 fault_around);
unsigned int kshm_region_fault_around(struct kshm_region *r);
unsigned int kshm_region_get_pages(struct kshm_region *r, pgoff_t pgoff,
				   unsigned int nr, enum kshm_alloc alloc,
				   struct page **pages);

/* kshm_main.c: module parameters read at run time */
extern unsigned int kshm_fault_around_default;
extern bool kshm_prefault_default;
bool kshm_fault_around_valid(unsigned int pages);

/* kshm_mmap.c */
extern bool kshm_fault_log;
int kshm_mmap(struct file *file, struct vm_area_struct *vma);
unsigned long kshm_get_unmapped_area(struct file *file, unsigned long addr,
				     unsigned long len, unsigned long pgoff,
				     unsigned long flags);
vm_fault_t kshm_fault_done(struct kshm_region *r, struct vm_fault *vmf,
			   struct page *page, unsigned int mapped);
void kshm_vm_open(struct vm_area_struct *vma);
void kshm_vm_close(struct vm_area_struct *vma);

/* kshm_fault_around.c: many pages mapped by one fault or by mmap() */
unsigned long kshm_map_range(struct kshm_region *r,
			     struct vm_area_struct *vma, unsigned long start,
			     unsigned long end, unsigned long skip,
			     enum kshm_alloc alloc, int *err);
unsigned int kshm_fault_around(struct kshm_region *r, struct vm_fault *vmf);

/* kshm_fops.c */
extern const struct file_operations kshm_fops;
ssize_t kshm_region_copy(struct kshm_region *r, loff_t *ppos,
			 struct iov_iter *iter, bool write);

/* kshm_ring.c: a ring laid over a region (the rest: <linux/kshm.h>) */
bool kshm_ring_is_k2u(struct kshm_ring *ring);
bool kshm_ring_args_ok(u64 size, u32 flags);
void kshm_ring_free(struct kshm_ring *ring);
int kshm_ring_mmap(struct kshm_region *r, struct vm_area_struct *vma);
__poll_t kshm_ring_poll(struct kshm_ring *ring, struct file *file,
			struct poll_table_struct *wait);
int kshm_ring_notify(struct kshm_ring *ring);
extern const struct attribute_group kshm_ring_group;

/* kshm_sysfs.c */
extern const struct attribute_group *kshm_groups[];
struct kshm_region *kshm_dev_region(struct device *dev);

/* kshm_node.c: the nodes of every region, and the run-time limits */
extern umode_t kshm_mode;
struct miscdevice;
struct kshm_region *kshm_misc_region(struct miscdevice *misc);
int kshm_nodes_add_loaded(struct kshm_region **regions, unsigned int n);
/**
 * struct kshm_node_args - a region made at run time, with its node
 * @name: 1 to KSHM_CREATE_NAME_LEN characters of [a-z0-9_-]
 * @size: initial size in bytes, rounded up to pages
 * @max_size: the largest size, in bytes, rounded down to pages; 0 means
 *	@size rounded up
 * @ops: the backing
 * @mode: permissions of the node; 0 means the module's "mode" parameter
 * @owner: a kernel module to pin while user space holds the node, or NULL
 * @ring_size: data bytes of a ring to lay over the region, with
 * @ring_flags: KSHM_RING_K2U or KSHM_RING_U2K; 0 for no ring
 */
struct kshm_node_args {
	const char *name;
	u64 size;
	u64 max_size;
	const struct kshm_backing_ops *ops;
	umode_t mode;
	struct module *owner;
	u64 ring_size;
	u32 ring_flags;
};

struct kshm_region *kshm_node_create(const struct kshm_node_args *a);
int kshm_node_destroy(const char *name);
void kshm_node_destroy_region(struct kshm_region *r);
struct kshm_region *kshm_node_get_index(unsigned int index);
int kshm_nodes_list(void __user *entries, u32 entry_size, u32 *count);
void kshm_nodes_remove_all(void);
void kshm_limits_release(struct kshm_region *r);

/* kshm_ctl.c: the control node /dev/kshm */
int kshm_ctl_register(void);
void kshm_ctl_deregister(void);

#endif /* _KSHM_H */
