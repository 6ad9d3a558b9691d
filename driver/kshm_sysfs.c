// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only attributes of /sys/class/misc/kshmN/ and kshm-NAME/: one
 * value each, the same values KSHM_IOC_INFO returns.
 */
#include <linux/device.h>
#include <linux/miscdevice.h>
#include <linux/sysfs.h>

#include "kshm.h"

/* The region of a node's device; its drvdata is the node's miscdevice. */
struct kshm_region *kshm_dev_region(struct device *dev)
{
	return kshm_misc_region(dev_get_drvdata(dev));
}

static ssize_t size_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%llu\n", kshm_region_size(kshm_dev_region(dev)));
}
static DEVICE_ATTR_RO(size);

static ssize_t resident_pages_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct kshm_region *r = kshm_dev_region(dev);

	return sysfs_emit(buf, "%ld\n", atomic_long_read(&r->resident));
}
static DEVICE_ATTR_RO(resident_pages);

static ssize_t faults_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct kshm_region *r = kshm_dev_region(dev);

	return sysfs_emit(buf, "%lld\n", atomic64_read(&r->faults));
}
static DEVICE_ATTR_RO(faults);

/* The counters of fault-around, prefault and backing "huge". */
static ssize_t kshm_counter_show(char *buf, atomic64_t *counter)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(counter));
}

static ssize_t around_pages_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return kshm_counter_show(buf, &kshm_dev_region(dev)->around_pages);
}
static DEVICE_ATTR_RO(around_pages);

static ssize_t prefault_pages_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return kshm_counter_show(buf, &kshm_dev_region(dev)->prefault_pages);
}
static DEVICE_ATTR_RO(prefault_pages);

static ssize_t huge_maps_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return kshm_counter_show(buf, &kshm_dev_region(dev)->huge_maps);
}
static DEVICE_ATTR_RO(huge_maps);

static ssize_t huge_fallbacks_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return kshm_counter_show(buf, &kshm_dev_region(dev)->huge_fallbacks);
}
static DEVICE_ATTR_RO(huge_fallbacks);

static ssize_t fault_around_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  kshm_region_fault_around(kshm_dev_region(dev)));
}
static DEVICE_ATTR_RO(fault_around);

static ssize_t fault_flags_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%x\n",
			  READ_ONCE(kshm_dev_region(dev)->fault_flags));
}
static DEVICE_ATTR_RO(fault_flags);

static ssize_t mappings_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct kshm_region *r = kshm_dev_region(dev);

	return sysfs_emit(buf, "%ld\n", atomic_long_read(&r->mappings));
}
static DEVICE_ATTR_RO(mappings);

static ssize_t backing_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", kshm_dev_region(dev)->ops->name);
}
static DEVICE_ATTR_RO(backing);

static struct attribute *kshm_attrs[] = {
	&dev_attr_size.attr,
	&dev_attr_resident_pages.attr,
	&dev_attr_faults.attr,
	&dev_attr_mappings.attr,
	&dev_attr_backing.attr,
	&dev_attr_around_pages.attr,
	&dev_attr_prefault_pages.attr,
	&dev_attr_huge_maps.attr,
	&dev_attr_huge_fallbacks.attr,
	&dev_attr_fault_around.attr,
	&dev_attr_fault_flags.attr,
	NULL,
};

static const struct attribute_group kshm_group = {
	.attrs = kshm_attrs,
};

const struct attribute_group *kshm_groups[] = {
	&kshm_group,
	&kshm_ring_group,
	NULL,
};
