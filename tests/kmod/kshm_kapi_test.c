// SPDX-License-Identifier: GPL-2.0
/*
 * kshm_kapi_test: the in-kernel API (<linux/kshm.h>) from a client module,
 * for tests/vm/guest/kapi.sh.
 *
 * At load it makes /dev/kshm-kapi (pinned, or not with pinned=0), checks
 * the calls and their errors from the kernel side, and leaves a pattern
 * written through kshm_vmap() for user space to find: byte i of the
 * region is (i * 7 + 3) & 0xff. Any failed check fails the load, with
 * one "kshm_kapi_test: FAIL <what>" line in the log. At unload it gives
 * the region back with kshm_destroy().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/kshm.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>

static bool pinned = true;
module_param(pinned, bool, 0444);
MODULE_PARM_DESC(pinned, "Pin this module while user space holds the region (default yes)");

static uint backing = KSHM_BACKING_PAGES;
module_param(backing, uint, 0444);
MODULE_PARM_DESC(backing, "KSHM_BACKING_* of the region (default pages)");

#define KAPI_SIZE	SZ_64K

static struct kshm_region *kapi_region;

#define KAPI_CHECK(cond)						\
	({								\
		bool __ok = (cond);					\
		if (!__ok)						\
			pr_err("FAIL %s (line %d)\n", #cond, __LINE__);	\
		__ok;							\
	})

static u8 kapi_byte(size_t i)
{
	return (i * 7 + 3) & 0xff;
}

/* Errors a client gets for what it must not do. */
static bool kapi_check_errors(void)
{
	struct kshm_region *r;
	bool ok = true;
	char c = 0;

	r = kshm_create("kapi", PAGE_SIZE, 0, backing);
	ok &= KAPI_CHECK(PTR_ERR(r) == -EEXIST);
	r = kshm_create("Bad/Name", PAGE_SIZE, 0, backing);
	ok &= KAPI_CHECK(PTR_ERR(r) == -EINVAL);
	r = kshm_create("kapi-x", PAGE_SIZE, 0, 99);
	ok &= KAPI_CHECK(PTR_ERR(r) == -EINVAL);
	r = kshm_create("kapi-x", 0, 0, backing);
	ok &= KAPI_CHECK(PTR_ERR(r) == -EINVAL);
	r = kshm_get_index(4096);
	ok &= KAPI_CHECK(PTR_ERR(r) == -ENOENT);
	ok &= KAPI_CHECK(kshm_read(kapi_region, KAPI_SIZE, &c, 1) == 0);
	ok &= KAPI_CHECK(kshm_write(kapi_region, KAPI_SIZE, &c, 1) == -ENOSPC);
	ok &= KAPI_CHECK(kshm_read(kapi_region, -1, &c, 1) == -EINVAL);
	ok &= KAPI_CHECK(kshm_write(kapi_region, KAPI_SIZE - 1, "xy", 2) == 1);
	ok &= KAPI_CHECK(PTR_ERR(kshm_ring_setup(kapi_region, 3 * SZ_4K,
						 KSHM_RING_K2U)) == -EINVAL);
	return ok;
}

/* The load-time /dev/kshm0 is there to be found and given back. */
static bool kapi_check_index(void)
{
	struct kshm_region *r = kshm_get_index(0);
	bool ok;

	if (!KAPI_CHECK(!IS_ERR(r)))
		return false;
	ok = KAPI_CHECK(kshm_size(r) >= PAGE_SIZE);
	kshm_put(r);
	return ok;
}

static int __init kapi_init(void)
{
	u8 *vaddr, *buf;
	bool ok = true;
	size_t i;

	kapi_region = pinned ?
		kshm_create("kapi", KAPI_SIZE, 0, backing) :
		kshm_create_unpinned("kapi", KAPI_SIZE, 0, backing);
	if (IS_ERR(kapi_region)) {
		pr_err("FAIL kshm_create: %ld\n", PTR_ERR(kapi_region));
		return PTR_ERR(kapi_region);
	}
	ok &= KAPI_CHECK(kshm_size(kapi_region) == KAPI_SIZE);

	/* Written through the kernel mapping, read back by copy. */
	vaddr = kshm_vmap(kapi_region);
	if (!KAPI_CHECK(!IS_ERR(vaddr)))
		goto err_destroy;
	for (i = 0; i < KAPI_SIZE; i++)
		vaddr[i] = kapi_byte(i);
	buf = kmalloc(KAPI_SIZE, GFP_KERNEL);
	if (buf) {
		ok &= KAPI_CHECK(kshm_read(kapi_region, 0, buf, KAPI_SIZE) ==
				 KAPI_SIZE);
		for (i = 0; i < KAPI_SIZE && buf[i] == kapi_byte(i); i++)
			;
		ok &= KAPI_CHECK(i == KAPI_SIZE);
		kfree(buf);
	}
	/* A kernel mapping holds the size: no resize, no ring meanwhile. */
	ok &= KAPI_CHECK(PTR_ERR(kshm_ring_setup(kapi_region, SZ_4K,
						 KSHM_RING_K2U)) == -EBUSY);
	kshm_vunmap(kapi_region);

	ok &= kapi_check_errors();
	/* kapi_check_errors() wrote "x" at the last byte: put it back. */
	ok &= KAPI_CHECK(kshm_write(kapi_region, KAPI_SIZE - 1,
				    &(u8){ kapi_byte(KAPI_SIZE - 1) }, 1) == 1);
	ok &= kapi_check_index();
	if (!ok)
		goto err_destroy;
	pr_info("ready: /dev/kshm-kapi, %s\n", pinned ? "pinned" : "unpinned");
	return 0;

err_destroy:
	kshm_destroy(kapi_region);
	return -EINVAL;
}

static void __exit kapi_exit(void)
{
	kshm_destroy(kapi_region);
	pr_info("gone\n");
}

module_init(kapi_init);
module_exit(kapi_exit);

MODULE_DESCRIPTION("Tests of kshm's in-kernel API, for the VM tests");
MODULE_AUTHOR("The kshm developers");
MODULE_LICENSE("GPL");
