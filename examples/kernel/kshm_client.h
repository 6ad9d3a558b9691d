/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the example clients share: a named region holding one ring, made
 * through kshm's in-kernel API (include/linux/kshm.h).
 */
#ifndef _KSHM_CLIENT_H
#define _KSHM_CLIENT_H

#include <linux/err.h>
#include <linux/kshm.h>
#include <linux/string.h>

/**
 * kshm_client_backing() - a backing name, as kshm.ko's backing= takes it
 * @name: "pages" or "vmalloc"
 *
 * Return: KSHM_BACKING_PAGES or KSHM_BACKING_VMALLOC, or -EINVAL.
 */
static inline int kshm_client_backing(const char *name)
{
	if (sysfs_streq(name, "pages"))
		return KSHM_BACKING_PAGES;
	if (sysfs_streq(name, "vmalloc"))
		return KSHM_BACKING_VMALLOC;
	return -EINVAL;
}

/**
 * kshm_client_ring() - make /dev/kshm-@name holding one ring
 * @name: region name (the node is kshm-@name)
 * @ring_size: data bytes: a power of two, at least a page
 * @backing: "pages" or "vmalloc"
 * @flags: KSHM_RING_K2U or KSHM_RING_U2K
 * @regionp: set to the region, which the caller ends with kshm_destroy()
 *
 * The region is exactly the control page and the data pages, and its
 * ring is in place before the node appears, so no process can map it
 * first. It pins the calling module while user space holds the node open
 * or mapped.
 *
 * Return: the ring, or an ERR_PTR() (-EINVAL, -EEXIST, -ENOSPC, -ENOMEM).
 */
static inline struct kshm_ring *kshm_client_ring(const char *name,
						 u64 ring_size,
						 const char *backing,
						 u32 flags,
						 struct kshm_region **regionp)
{
	struct kshm_region *region;
	int b = kshm_client_backing(backing);

	if (b < 0)
		return ERR_PTR(b);
	region = kshm_create_ring(name, ring_size, flags, b);
	if (IS_ERR(region))
		return ERR_CAST(region);
	*regionp = region;
	return kshm_region_ring(region);
}

#endif /* _KSHM_CLIENT_H */
