// SPDX-License-Identifier: GPL-2.0
/*
 * Device nodes of regions: /dev/kshmN, made at load time, and
 * /dev/kshm-NAME, made at run time (the control node, kshm_ctl.c, and
 * kernel callers). A node holds a reference to its region; removing the
 * node, like unlink(), leaves the region to its open files and mappings.
 *
 * Locking: kshm_nodes_lock guards the list of nodes and their names; it
 * is taken outside misc_mtx (misc_register/misc_deregister) and never
 * around a user copy, so that no fault on a user buffer (which may take
 * the mmap lock and a region's lock) ever waits inside it.
 * kshm_limits_lock, a spinlock, guards the run-time limits, which a
 * region gives back when it is freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kshm.h"

static unsigned int kshm_max_regions = 64;
module_param_named(max_regions, kshm_max_regions, uint, 0644);
MODULE_PARM_DESC(max_regions,
		 "Regions that may exist at once beyond the load-time ones (default 64)");

static unsigned long long kshm_max_total_size = 4ULL << 30;
module_param_named(max_total_size, kshm_max_total_size, ullong, 0644);
MODULE_PARM_DESC(max_total_size,
		 "Sum of max_size over the regions made at run time, in bytes (default 4 GiB)");

/**
 * struct kshm_node - a region's device node
 * @misc: the misc device; its drvdata and, in open, file->private_data
 *	point here
 * @region: the region; the node holds a reference
 * @list: in kshm_nodes, in the order the nodes were made
 */
struct kshm_node {
	struct miscdevice misc;
	struct kshm_region *region;
	struct list_head list;
};

static LIST_HEAD(kshm_nodes);
static unsigned int kshm_nr_nodes;
static DEFINE_MUTEX(kshm_nodes_lock);

static DEFINE_SPINLOCK(kshm_limits_lock);
static unsigned int kshm_runtime_regions;
static u64 kshm_runtime_bytes;

/**
 * kshm_misc_region() - the region behind a node's misc device
 * @misc: the misc device of a region's node
 *
 * Return: the region; valid while the node is registered.
 */
struct kshm_region *kshm_misc_region(struct miscdevice *misc)
{
	return container_of(misc, struct kshm_node, misc)->region;
}

/* Takes over the caller's reference to @r. Called with kshm_nodes_lock. */
static int kshm_node_add(struct kshm_region *r, umode_t mode)
{
	struct kshm_node *node;
	int ret;

	lockdep_assert_held(&kshm_nodes_lock);
	node = kzalloc(sizeof(*node), GFP_KERNEL);
	if (!node)
		return -ENOMEM;
	node->region = r;
	node->misc.minor = MISC_DYNAMIC_MINOR;
	node->misc.name = r->name;
	node->misc.fops = &kshm_fops;
	node->misc.groups = kshm_groups;
	node->misc.mode = mode;
	ret = misc_register(&node->misc);
	if (ret) {
		kfree(node);
		/* 6.1 has 128 dynamic misc minors for the whole system. */
		return ret == -EBUSY ? -ENOSPC : ret;
	}
	list_add_tail(&node->list, &kshm_nodes);
	kshm_nr_nodes++;
	return 0;
}

/* Called with kshm_nodes_lock. */
static void kshm_node_remove(struct kshm_node *node)
{
	lockdep_assert_held(&kshm_nodes_lock);
	list_del(&node->list);
	kshm_nr_nodes--;
	/* Waits out sysfs readers and a misc_open() in progress. */
	misc_deregister(&node->misc);
	kshm_region_put(node->region);
	kfree(node);
}

/**
 * kshm_nodes_add_loaded() - make the nodes of the load-time regions
 * @regions: the regions, all allocated already, so that no node becomes
 *	visible while a later region may still fail
 * @n: how many
 *
 * On success each node takes over the caller's reference to its region;
 * on failure none does, and no node is left.
 *
 * Return: 0 or -errno from misc_register().
 */
int kshm_nodes_add_loaded(struct kshm_region **regions, unsigned int n)
{
	unsigned int i;
	int ret = 0;

	mutex_lock(&kshm_nodes_lock);
	for (i = 0; i < n; i++) {
		ret = kshm_node_add(regions[i], kshm_mode);
		if (ret)
			break;
	}
	if (ret) {
		/* Take the regions' references back from the nodes. */
		while (i--)
			kshm_region_get(regions[i]);
		while (!list_empty(&kshm_nodes))
			kshm_node_remove(list_first_entry(&kshm_nodes,
							  struct kshm_node,
							  list));
	}
	mutex_unlock(&kshm_nodes_lock);
	return ret;
}

static struct kshm_node *kshm_node_find(const char *name)
{
	struct kshm_node *node;

	list_for_each_entry(node, &kshm_nodes, list)
		if (!strcmp(node->region->name, name))
			return node;
	return NULL;
}

static int kshm_limits_reserve(u64 max_size)
{
	int ret = 0;
	u64 limit = READ_ONCE(kshm_max_total_size);

	spin_lock(&kshm_limits_lock);
	if (kshm_runtime_regions >= READ_ONCE(kshm_max_regions) ||
	    kshm_runtime_bytes > limit ||
	    max_size > limit - kshm_runtime_bytes) {
		ret = -ENOSPC;
	} else {
		kshm_runtime_regions++;
		kshm_runtime_bytes += max_size;
	}
	spin_unlock(&kshm_limits_lock);
	return ret;
}

static void kshm_limits_unreserve(u64 max_size)
{
	spin_lock(&kshm_limits_lock);
	kshm_runtime_regions--;
	kshm_runtime_bytes -= max_size;
	spin_unlock(&kshm_limits_lock);
}

/**
 * kshm_limits_release() - give back what a run-time region reserved
 * @r: the region, being freed
 */
void kshm_limits_release(struct kshm_region *r)
{
	if (r->runtime)
		kshm_limits_unreserve((u64)r->max_pages << PAGE_SHIFT);
}

static bool kshm_name_valid(const char *name)
{
	size_t len = strnlen(name, KSHM_CREATE_NAME_LEN + 1);

	if (!len || len > KSHM_CREATE_NAME_LEN)
		return false;
	for (; *name; name++)
		if (!islower(*name) && !isdigit(*name) && *name != '_' &&
		    *name != '-')
			return false;
	return true;
}

/**
 * kshm_node_create() - make a region and its node /dev/kshm-NAME
 * @a: what to make; see struct kshm_node_args
 *
 * The region counts against the max_regions and max_total_size limits
 * until it is freed, which is after the node is destroyed and its last
 * user is gone. A ring asked for is laid over the region before the node
 * exists, so no process can map the region in between.
 *
 * Return: the region, with a reference held for the caller;
 * ERR_PTR(-EINVAL) for a bad name, size, mode or ring; ERR_PTR(-EEXIST)
 * when a node of that name exists; ERR_PTR(-ENOSPC) past a limit, or
 * when the kernel has no misc minor left; ERR_PTR(-ENOMEM).
 */
struct kshm_region *kshm_node_create(const struct kshm_node_args *a)
{
	char node_name[KSHM_NAME_MAX];
	struct kshm_region_args args = {
		.name = node_name,
		.size = a->size,
		.ops = a->ops,
		.index = KSHM_INDEX_NONE,
		.runtime = true,
		.owner = a->owner,
	};
	pgoff_t npages, max_pages;
	struct kshm_ring *ring;
	struct kshm_region *r;
	int ret;

	if (!kshm_name_valid(a->name) || (a->mode & ~0666) ||
	    kshm_backing_pages_for(a->ops, a->size, &npages))
		return ERR_PTR(-EINVAL);
	/* Whole blocks of the backing: what the limits are charged. */
	args.max_size = a->max_size ?
			round_down(a->max_size, PAGE_SIZE << a->ops->order) :
			(u64)npages << PAGE_SHIFT;
	/* Every EINVAL before any ENOSPC or EEXIST. */
	if (kshm_size_to_pages(args.max_size, &max_pages) || npages > max_pages ||
	    (a->ring_flags && (!kshm_ring_args_ok(a->ring_size, a->ring_flags) ||
			       a->ops->order)))
		return ERR_PTR(-EINVAL);
	snprintf(node_name, sizeof(node_name), "kshm-%s", a->name);

	mutex_lock(&kshm_nodes_lock);
	if (kshm_node_find(node_name)) {
		r = ERR_PTR(-EEXIST);
		goto out_unlock;
	}
	/* Reserved before allocating; freeing the region gives it back. */
	ret = kshm_limits_reserve(args.max_size);
	if (ret) {
		r = ERR_PTR(ret);
		goto out_unlock;
	}
	r = kshm_region_create(&args);
	if (IS_ERR(r)) {
		kshm_limits_unreserve(args.max_size);
		goto out_unlock;
	}
	if (a->ring_flags) {
		ring = kshm_ring_setup(r, a->ring_size, a->ring_flags);
		if (IS_ERR(ring)) {
			ret = PTR_ERR(ring);
			goto err_put_region;
		}
	}
	kshm_region_get(r);
	ret = kshm_node_add(r, a->mode ?: kshm_mode);
	if (ret) {
		kshm_region_put(r);
		goto err_put_region;
	}
	goto out_unlock;

err_put_region:
	kshm_region_put(r);
	r = ERR_PTR(ret);
out_unlock:
	mutex_unlock(&kshm_nodes_lock);
	return r;
}

/**
 * kshm_node_destroy() - remove the node of a region made at run time
 * @name: the name kshm_node_create() was given
 *
 * The node disappears at once and the name can be used again; the region
 * lives on until its last open file, mapping and kernel user are gone.
 *
 * Return: 0; -EINVAL for a name that cannot be valid; -ENOENT when no
 * run-time region has that name.
 */
int kshm_node_destroy(const char *name)
{
	char node_name[KSHM_NAME_MAX];
	struct kshm_node *node;
	int ret = 0;

	if (!kshm_name_valid(name))
		return -EINVAL;
	snprintf(node_name, sizeof(node_name), "kshm-%s", name);

	mutex_lock(&kshm_nodes_lock);
	node = kshm_node_find(node_name);
	if (node && node->region->runtime)
		kshm_node_remove(node);
	else
		ret = -ENOENT;
	mutex_unlock(&kshm_nodes_lock);
	return ret;
}

/**
 * kshm_node_destroy_region() - remove a run-time region's node, if any
 * @r: the region; the caller's reference is left alone
 */
void kshm_node_destroy_region(struct kshm_region *r)
{
	struct kshm_node *node;

	mutex_lock(&kshm_nodes_lock);
	list_for_each_entry(node, &kshm_nodes, list) {
		if (node->region == r && r->runtime) {
			kshm_node_remove(node);
			break;
		}
	}
	mutex_unlock(&kshm_nodes_lock);
}

/**
 * kshm_node_get_index() - a load-time region by the N of /dev/kshmN
 * @index: N
 *
 * Return: the region with a reference for the caller, or
 * ERR_PTR(-ENOENT).
 */
struct kshm_region *kshm_node_get_index(unsigned int index)
{
	struct kshm_region *r = ERR_PTR(-ENOENT);
	struct kshm_node *node;

	mutex_lock(&kshm_nodes_lock);
	list_for_each_entry(node, &kshm_nodes, list) {
		if (node->region->index == index) {
			r = node->region;
			kshm_region_get(r);
			break;
		}
	}
	mutex_unlock(&kshm_nodes_lock);
	return r;
}

/**
 * kshm_nodes_list() - describe every region that has a node
 * @entries: user memory for *@count entries of @entry_size bytes
 * @entry_size: the struct kshm_info size the caller knows
 * @count: in: room in @entries; out: how many regions have a node
 *
 * The snapshot is taken under the lock and copied out after it, so a
 * fault on @entries never waits with the lock held.
 *
 * Return: 0, -EFAULT or -ENOMEM.
 */
int kshm_nodes_list(void __user *entries, u32 entry_size, u32 *count)
{
	struct kshm_region **regions;
	struct kshm_node *node;
	u32 n = 0, room, i;
	int ret = 0;

	mutex_lock(&kshm_nodes_lock);
	/* Never more than the nodes there are, whatever @count says. */
	room = min(*count, kshm_nr_nodes);
	regions = kvcalloc(room, sizeof(*regions),
			   GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (room && !regions) {
		mutex_unlock(&kshm_nodes_lock);
		return -ENOMEM;
	}
	list_for_each_entry(node, &kshm_nodes, list) {
		if (n < room) {
			kshm_region_get(node->region);
			regions[n] = node->region;
		}
		n++;
	}
	mutex_unlock(&kshm_nodes_lock);

	for (i = 0; i < min(n, room); i++) {
		if (!ret)
			ret = kshm_region_info_to_user(regions[i], entries +
						       (size_t)i * entry_size,
						       entry_size);
		kshm_region_put(regions[i]);
	}
	kvfree(regions);
	*count = n;
	return ret;
}

/**
 * kshm_nodes_remove_all() - remove every node, at module unload
 *
 * No file of the module is open (the module could not be unloaded), so
 * each region is freed with its node.
 */
void kshm_nodes_remove_all(void)
{
	mutex_lock(&kshm_nodes_lock);
	while (!list_empty(&kshm_nodes))
		kshm_node_remove(list_first_entry(&kshm_nodes,
						  struct kshm_node, list));
	mutex_unlock(&kshm_nodes_lock);
}
