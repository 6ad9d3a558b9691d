// SPDX-License-Identifier: GPL-2.0
/*
 * kshm: zero-copy shared memory between the kernel and user space.
 *
 * At load the module makes nr_devs regions (kshm_region.c) with their
 * nodes /dev/kshm0 .. /dev/kshmN-1 (kshm_node.c), then the control node
 * /dev/kshm (kshm_ctl.c) that makes more at run time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kshm.h"

#define KSHM_MAX_DEVS		64

static unsigned int kshm_nr_devs = 1;
module_param_named(nr_devs, kshm_nr_devs, uint, 0444);
MODULE_PARM_DESC(nr_devs, "Number of devices /dev/kshmN, 1..64 (default 1)");

static unsigned long long kshm_param_size = SZ_1M;
module_param_named(size, kshm_param_size, ullong, 0444);
MODULE_PARM_DESC(size,
		 "Initial size of each region in bytes, rounded up to pages (default 1 MiB)");

static unsigned long long kshm_max_size = SZ_1G;
module_param_named(max_size, kshm_max_size, ullong, 0444);
MODULE_PARM_DESC(max_size,
		 "Largest size a region may be given, in bytes, at most 64 GiB (default 1 GiB)");

static char *kshm_backing = "pages";
module_param_named(backing, kshm_backing, charp, 0444);
MODULE_PARM_DESC(backing,
		 "Region memory: \"pages\" (allocated on first touch, default), \"vmalloc\" (one area up front) or \"huge\" (2 MiB blocks on first touch)");

module_param_named(fault_log, kshm_fault_log, bool, 0644);
MODULE_PARM_DESC(fault_log,
		 "Log one rate-limited line per page fault (default off; writable at runtime)");

unsigned int kshm_fault_around_default = 16;

/**
 * kshm_fault_around_valid() - is this a fault-around window?
 * @pages: pages one fault would map
 *
 * Return: true for a power of two from 1 to KSHM_FAULT_AROUND_MAX, which
 * keeps an aligned window inside one page table.
 */
bool kshm_fault_around_valid(unsigned int pages)
{
	return is_power_of_2(pages) && pages <= KSHM_FAULT_AROUND_MAX;
}

static int kshm_fault_around_set(const char *val,
				 const struct kernel_param *kp)
{
	unsigned int pages;
	int ret;

	ret = kstrtouint(val, 0, &pages);
	if (ret)
		return ret;
	if (!kshm_fault_around_valid(pages))
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, pages);
	return 0;
}

static const struct kernel_param_ops kshm_fault_around_ops = {
	.set = kshm_fault_around_set,
	.get = param_get_uint,
};

module_param_cb(fault_around, &kshm_fault_around_ops,
		&kshm_fault_around_default, 0644);
MODULE_PARM_DESC(fault_around,
		 "Pages one fault maps, a power of two 1..512; 1 is off (default 16; writable at runtime)");

bool kshm_prefault_default;
module_param_named(prefault, kshm_prefault_default, bool, 0444);
MODULE_PARM_DESC(prefault,
		 "Regions start with KSHM_FAULT_PREFAULT: mmap() maps everything (default off)");

umode_t kshm_mode = 0600;
module_param_named(mode, kshm_mode, ushort, 0444);
MODULE_PARM_DESC(mode, "Permissions of the region nodes (default 0600)");

/* The load-time regions; each node holds a reference, these do not. */
static struct kshm_region **kshm_loaded;

static int kshm_check_params(void)
{
	if (kshm_nr_devs < 1 || kshm_nr_devs > KSHM_MAX_DEVS) {
		pr_err("nr_devs=%u is not within 1..%d\n", kshm_nr_devs,
		       KSHM_MAX_DEVS);
		return -EINVAL;
	}
	if (kshm_max_size < PAGE_SIZE || kshm_max_size > KSHM_MAX_SIZE_LIMIT) {
		pr_err("max_size=%llu is not within %lu..%llu\n",
		       kshm_max_size, PAGE_SIZE, KSHM_MAX_SIZE_LIMIT);
		return -EINVAL;
	}
	/*
	 * max_size rounds down to whole pages, so a size within it still is
	 * once rounded up.
	 */
	kshm_max_size = round_down(kshm_max_size, PAGE_SIZE);
	if (!kshm_param_size || kshm_param_size > kshm_max_size) {
		pr_err("size=%llu is not within 1..max_size (%llu)\n",
		       kshm_param_size, kshm_max_size);
		return -EINVAL;
	}
	if (kshm_mode & ~0666) {
		pr_err("mode=%#o may only hold read and write bits\n",
		       kshm_mode);
		return -EINVAL;
	}
	return 0;
}

/* Drops the caller's references to the first @n load-time regions. */
static void kshm_put_loaded(unsigned int n)
{
	while (n--)
		kshm_region_put(kshm_loaded[n]);
}

/*
 * Every region is allocated before any node is registered: a node that
 * became visible before a later region failed could be opened or mapped
 * by the time the module is freed. What is left is misc_register()
 * itself failing for a later node (no minor, no memory for the device),
 * after earlier nodes appeared; that window is small and documented.
 */
static int kshm_create_loaded(const struct kshm_backing_ops *ops)
{
	char name[KSHM_NAME_MAX];
	struct kshm_region_args args = {
		.name = name,
		.size = kshm_param_size,
		.max_size = kshm_max_size,
		.ops = ops,
	};
	unsigned int i;
	int ret;

	kshm_loaded = kcalloc(kshm_nr_devs, sizeof(*kshm_loaded), GFP_KERNEL);
	if (!kshm_loaded)
		return -ENOMEM;
	for (i = 0; i < kshm_nr_devs; i++) {
		snprintf(name, sizeof(name), "kshm%u", i);
		args.index = i;
		kshm_loaded[i] = kshm_region_create(&args);
		if (IS_ERR(kshm_loaded[i])) {
			ret = PTR_ERR(kshm_loaded[i]);
			pr_err("cannot allocate region %u of %u (%d)\n", i,
			       kshm_nr_devs, ret);
			goto err_put_regions;
		}
	}
	ret = kshm_nodes_add_loaded(kshm_loaded, kshm_nr_devs);
	if (ret)
		goto err_put_regions;
	return 0;

err_put_regions:
	kshm_put_loaded(i);
	kfree(kshm_loaded);
	return ret;
}

static int __init kshm_init(void)
{
	const struct kshm_backing_ops *ops;
	char names[64];
	int ret;

	ret = kshm_check_params();
	if (ret)
		return ret;
	ops = kshm_backing_by_name(kshm_backing);
	if (!ops) {
		kshm_backing_list(names, sizeof(names));
		pr_err("backing=%s is not one of: %s\n", kshm_backing, names);
		return -EINVAL;
	}
	/* Sizes are whole blocks: size rounds up, max_size down. */
	if (round_up(kshm_param_size, PAGE_SIZE << ops->order) >
	    round_down(kshm_max_size, PAGE_SIZE << ops->order)) {
		pr_err("backing=%s holds whole %lu KiB blocks: size=%llu and max_size=%llu leave none\n",
		       ops->name, (PAGE_SIZE << ops->order) >> 10,
		       kshm_param_size, kshm_max_size);
		return -EINVAL;
	}
	ret = kshm_create_loaded(ops);
	if (ret)
		return ret;
	/* Last: nothing can make a region before every node is in place. */
	ret = kshm_ctl_register();
	if (ret)
		goto err_remove_nodes;
	pr_info("%u device(s), %llu bytes each, backing %s\n", kshm_nr_devs,
		kshm_region_size(kshm_loaded[0]), ops->name);
	return 0;

err_remove_nodes:
	kshm_nodes_remove_all();
	kfree(kshm_loaded);
	return ret;
}

static void __exit kshm_exit(void)
{
	kshm_ctl_deregister();
	kshm_nodes_remove_all();
	kfree(kshm_loaded);
}

module_init(kshm_init);
module_exit(kshm_exit);

MODULE_DESCRIPTION("Zero-copy shared memory between the kernel and user space");
MODULE_AUTHOR("The kshm developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(KSHM_VERSION);
