// SPDX-License-Identifier: GPL-2.0
/*
 * kshm: zero-copy shared memory between the kernel and user space.
 *
 * The module creates nr_devs misc devices, /dev/kshm0 .. /dev/kshmN-1,
 * each backed by one region (kshm_region.c) that every opener shares.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kshm.h"

#define KSHM_MAX_DEVS		64
/* Keeps the per-page array of the largest region a few tens of MiB. */
#define KSHM_MAX_SIZE_LIMIT	(64ULL * SZ_1G)

static unsigned int kshm_nr_devs = 1;
module_param_named(nr_devs, kshm_nr_devs, uint, 0444);
MODULE_PARM_DESC(nr_devs, "Number of devices /dev/kshmN, 1..64 (default 1)");

static unsigned long long kshm_size = SZ_1M;
module_param_named(size, kshm_size, ullong, 0444);
MODULE_PARM_DESC(size,
		 "Initial size of each region in bytes, rounded up to pages (default 1 MiB)");

static unsigned long long kshm_max_size = SZ_1G;
module_param_named(max_size, kshm_max_size, ullong, 0444);
MODULE_PARM_DESC(max_size,
		 "Largest size a region may be given, in bytes, at most 64 GiB (default 1 GiB)");

static char *kshm_backing = "pages";
module_param_named(backing, kshm_backing, charp, 0444);
MODULE_PARM_DESC(backing,
		 "Region memory: \"pages\" (allocated on first touch, default) or \"vmalloc\" (vmalloc_user() up front)");

module_param_named(fault_log, kshm_fault_log, bool, 0644);
MODULE_PARM_DESC(fault_log,
		 "Log one rate-limited line per page fault (default off; writable at runtime)");

static ushort kshm_mode = 0600;
module_param_named(mode, kshm_mode, ushort, 0444);
MODULE_PARM_DESC(mode, "Permissions of the device nodes (default 0600)");

static struct kshm_dev *kshm_devs;

static const struct kshm_backing_ops *kshm_backings[] = {
	&kshm_backing_pages,
	&kshm_backing_vmalloc,
};

static const struct kshm_backing_ops *kshm_find_backing(const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(kshm_backings); i++)
		if (sysfs_streq(name, kshm_backings[i]->name))
			return kshm_backings[i];
	return NULL;
}

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
	if (!kshm_size || kshm_size > kshm_max_size) {
		pr_err("size=%llu is not within 1..max_size (%llu)\n",
		       kshm_size, kshm_max_size);
		return -EINVAL;
	}
	if (kshm_mode & ~0666) {
		pr_err("mode=%#o may only hold read and write bits\n",
		       kshm_mode);
		return -EINVAL;
	}
	return 0;
}

static int kshm_dev_create(struct kshm_dev *d, unsigned int index,
			   const struct kshm_backing_ops *ops)
{
	struct kshm_region *r = &d->region;
	int ret;

	ret = kshm_region_init(r, ops, index,
			       DIV_ROUND_UP_ULL(kshm_size, PAGE_SIZE),
			       kshm_max_size >> PAGE_SHIFT);
	if (ret)
		return ret;

	snprintf(d->name, sizeof(d->name), "kshm%u", index);
	d->misc.minor = MISC_DYNAMIC_MINOR;
	d->misc.name = d->name;
	d->misc.fops = &kshm_fops;
	d->misc.groups = kshm_groups;
	d->misc.mode = kshm_mode;
	ret = misc_register(&d->misc);
	if (ret)
		goto err_destroy_region;
	r->dev = d->misc.this_device;
	return 0;

err_destroy_region:
	kshm_region_destroy(r);
	return ret;
}

static void kshm_dev_destroy(struct kshm_dev *d)
{
	misc_deregister(&d->misc);
	kshm_region_destroy(&d->region);
}

static int __init kshm_init(void)
{
	const struct kshm_backing_ops *ops;
	unsigned int i;
	int ret;

	ret = kshm_check_params();
	if (ret)
		return ret;
	ops = kshm_find_backing(kshm_backing);
	if (!ops) {
		pr_err("backing=%s is neither \"pages\" nor \"vmalloc\"\n",
		       kshm_backing);
		return -EINVAL;
	}
	kshm_devs = kcalloc(kshm_nr_devs, sizeof(*kshm_devs), GFP_KERNEL);
	if (!kshm_devs)
		return -ENOMEM;

	for (i = 0; i < kshm_nr_devs; i++) {
		ret = kshm_dev_create(&kshm_devs[i], i, ops);
		if (ret)
			goto err_destroy_devs;
	}
	pr_info("%u device(s), %llu bytes each, backing %s\n", kshm_nr_devs,
		kshm_region_size(&kshm_devs[0].region), ops->name);
	return 0;

err_destroy_devs:
	while (i--)
		kshm_dev_destroy(&kshm_devs[i]);
	kfree(kshm_devs);
	return ret;
}

static void __exit kshm_exit(void)
{
	unsigned int i;

	for (i = 0; i < kshm_nr_devs; i++)
		kshm_dev_destroy(&kshm_devs[i]);
	kfree(kshm_devs);
}

module_init(kshm_init);
module_exit(kshm_exit);

MODULE_DESCRIPTION("Zero-copy shared memory between the kernel and user space");
MODULE_AUTHOR("The kshm developers");
MODULE_LICENSE("GPL");
