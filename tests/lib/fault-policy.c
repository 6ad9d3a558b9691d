// SPDX-License-Identifier: GPL-2.0
/*
 * kshm_set_fault_policy() against the driver: the policy kshm_info()
 * reports, the windows the driver takes, what a window and prefault do
 * to the fault counters, EBADF on a read-only handle. Each test makes
 * its own region with kshm_create(), so /dev/kshm0 and /dev/kshm1 keep
 * the module's policy for the other suites. The NULL handle check needs
 * no device and is in args.c; fault-policy-fake.c checks, on any host,
 * the bytes that reach the driver.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib-test.h"

#define NAME "libtest-fault"
#define RW (PROT_READ | PROT_WRITE)

/* A module parameter, or a failed test: this driver must have it. */
static void param(const char *name, char *buf, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/kshm/parameters/%s", name);
	f = fopen(path, "r");
	ck_assert_msg(f, "%s: %s", path, strerror(errno));
	ck_assert_ptr_nonnull(fgets(buf, (int)len, f));
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* The window a region with window 0 follows. */
static unsigned int module_window(void)
{
	char buf[32];

	param("fault_around", buf, sizeof(buf));
	return (unsigned int)strtoul(buf, NULL, 10);
}

/* The flags a new region starts with. */
static unsigned int module_flags(void)
{
	char buf[8];

	param("prefault", buf, sizeof(buf));
	return buf[0] == 'Y' ? KSHM_FAULT_PREFAULT : 0;
}

/* A fresh region of @pages pages, opened O_RDWR; an old one goes first. */
static struct kshm *t_region(size_t pages)
{
	struct kshm *k;
	int ret;

	kshm_destroy(NAME);
	ret = kshm_create(NAME, pages * t_page(), NULL);
	ck_assert_msg(!ret, "kshm_create(%s): %s", NAME, strerror(-ret));
	k = kshm_open_name(NAME, O_RDWR);
	ck_assert_msg(k, "kshm_open_name(%s): %s", NAME, strerror(errno));
	return k;
}

static void t_policy(struct kshm *k, unsigned int window, unsigned int flags)
{
	int ret = kshm_set_fault_policy(k, window, flags);

	ck_assert_msg(!ret, "kshm_set_fault_policy(%u, %#x): %s", window,
		      flags, strerror(-ret));
}

static void expect_policy(struct kshm *k, unsigned int window,
			  unsigned int flags)
{
	struct kshm_info info = t_info(k);

	ck_assert_uint_eq(info.mask & KSHM_INFO_FAULT_POLICY,
			  KSHM_INFO_FAULT_POLICY);
	ck_assert_uint_eq(info.fault_around, window);
	ck_assert_uint_eq(info.fault_flags, flags);
}

START_TEST(set_fault_policy_on_read_only_handle_fails_ebadf)
{
	struct kshm *k = t_region(4), *ro = kshm_open_name(NAME, O_RDONLY);

	ck_assert_ptr_nonnull(ro);
	errno = 0;
	ck_assert_int_eq(kshm_set_fault_policy(ro, 4, KSHM_FAULT_RESIDENT), -EBADF);
	ck_assert_int_eq(errno, EBADF);
	expect_policy(k, module_window(), module_flags());
	kshm_close(ro);
	kshm_close(k);
}
END_TEST

/* The policy is the region's: every handle's kshm_info() sees it. */
START_TEST(info_reports_the_policy_in_force)
{
	struct kshm *k = t_region(4), *other = kshm_open_name(NAME, O_RDONLY);

	ck_assert_ptr_nonnull(other);
	expect_policy(other, module_window(), module_flags());
	t_policy(k, 64, KSHM_FAULT_RESIDENT);
	expect_policy(other, 64, KSHM_FAULT_RESIDENT);
	t_policy(k, 1, KSHM_FAULT_PREFAULT | KSHM_FAULT_RESIDENT);
	expect_policy(other, 1, KSHM_FAULT_PREFAULT | KSHM_FAULT_RESIDENT);
	t_policy(k, 0, 0);
	expect_policy(other, module_window(), 0);
	kshm_close(other);
	kshm_close(k);
}
END_TEST

/* Library and driver agree on what a window may be. */
START_TEST(driver_takes_every_window_the_library_sends)
{
	struct kshm *k = t_region(4);

	for (unsigned int w = 1; w <= KSHM_FAULT_AROUND_MAX; w *= 2) {
		t_policy(k, w, 0);
		expect_policy(k, w, 0);
	}
	kshm_close(k);
}
END_TEST

START_TEST(window_sets_the_pages_each_fault_maps)
{
	struct kshm *k = t_region(8);
	size_t pg = t_page(), len = 8 * pg;
	struct kshm_info before, after;
	volatile char *p;

	/* One page a fault. */
	t_policy(k, 1, 0);
	before = t_info(k);
	p = kshm_map(k, 0, len, RW);
	ck_assert_ptr_nonnull((void *)p);
	for (size_t off = 0; off < len; off += pg)
		p[off] = 1;
	after = t_info(k);
	ck_assert_uint_eq(after.faults - before.faults, 8);
	ck_assert_uint_eq(after.around_pages, before.around_pages);
	ck_assert_int_eq(kshm_unmap((void *)p, len), 0);

	/*
	 * Four: blocks aligned on the virtual address, so 8 pages span 2
	 * blocks, or 3 when the mapping does not start one. Each page is
	 * mapped once, by its own fault or by a neighbour's.
	 */
	t_policy(k, 4, 0);
	before = t_info(k);
	p = kshm_map(k, 0, len, RW);
	ck_assert_ptr_nonnull((void *)p);
	for (size_t off = 0; off < len; off += pg)
		(void)p[off];
	after = t_info(k);
	ck_assert_uint_ge(after.faults - before.faults, 2);
	ck_assert_uint_le(after.faults - before.faults, 3);
	ck_assert_uint_eq((after.faults - before.faults) +
			  (after.around_pages - before.around_pages), 8);
	ck_assert_int_eq(kshm_unmap((void *)p, len), 0);
	kshm_close(k);
}
END_TEST

START_TEST(prefault_maps_the_whole_mapping_at_map_time)
{
	struct kshm *k = t_region(8);
	size_t pg = t_page(), len = 8 * pg;
	struct kshm_info before, mapped, touched;
	volatile char *p;

	t_policy(k, 1, KSHM_FAULT_PREFAULT);
	before = t_info(k);
	p = kshm_map(k, 0, len, RW);
	ck_assert_ptr_nonnull((void *)p);
	mapped = t_info(k);
	ck_assert_uint_eq(mapped.mask & KSHM_INFO_PREFAULT_PAGES,
			  KSHM_INFO_PREFAULT_PAGES);
	ck_assert_uint_eq(mapped.prefault_pages - before.prefault_pages, 8);
	ck_assert_uint_eq(mapped.resident_pages, 8);
	for (size_t off = 0; off < len; off += pg)
		p[off] = 1;
	touched = t_info(k);
	ck_assert_uint_eq(touched.faults, mapped.faults);
	ck_assert_int_eq(kshm_unmap((void *)p, len), 0);
	kshm_close(k);
}
END_TEST

static void destroy_region(void)
{
	kshm_destroy(NAME);
}

Suite *fault_policy_suite(void)
{
	Suite *s = suite_create("fault-policy");
	TCase *tc = tcase_create("device");

	tcase_add_unchecked_fixture(tc, destroy_region, destroy_region);
	tcase_add_test(tc, set_fault_policy_on_read_only_handle_fails_ebadf);
	tcase_add_test(tc, info_reports_the_policy_in_force);
	tcase_add_test(tc, driver_takes_every_window_the_library_sends);
	tcase_add_test(tc, window_sets_the_pages_each_fault_maps);
	tcase_add_test(tc, prefault_maps_the_whole_mapping_at_map_time);
	suite_add_tcase(s, tc);
	return s;
}
