// SPDX-License-Identifier: GPL-2.0
/*
 * The counters in /sys/class/misc/kshmN/ and KSHM_IOC_INFO: lazy
 * residency, one fault per first touch of a page in a mapping (with
 * fault-around off; of a 2 MiB block for backing "huge").
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "driver-test.h"

START_TEST(sysfs_matches_info)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	char *map = kt_map(fd, KT_SIZE, PROT_READ | PROT_WRITE, 0);
	struct kshm_info info;

	map[3 * kt_page] = 1;
	info = kt_info(fd);
	ck_assert_int_eq(kt_sysfs("kshm0", "size"), info.size);
	ck_assert_int_eq(kt_sysfs("kshm0", "resident_pages"),
			 info.resident_pages);
	ck_assert_int_eq(kt_sysfs("kshm0", "faults"), info.faults);
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), info.mappings);
	ck_assert_int_eq(kt_sysfs("kshm0", "around_pages"), info.around_pages);
	ck_assert_int_eq(kt_sysfs("kshm0", "prefault_pages"),
			 info.prefault_pages);
	ck_assert_int_eq(kt_sysfs("kshm0", "huge_maps"), info.huge_maps);
	ck_assert_int_eq(kt_sysfs("kshm0", "huge_fallbacks"),
			 info.huge_fallbacks);
	ck_assert_int_eq(kt_sysfs("kshm0", "fault_around"), info.fault_around);
	ck_assert_int_eq(info.mappings, 1);
	munmap(map, KT_SIZE);
}
END_TEST

START_TEST(first_touch_is_one_fault_second_touch_none)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	size_t per = kt_one_page_faults(fd);
	volatile char *map = kt_map(fd, KT_SIZE, PROT_READ | PROT_WRITE, 0);
	long long f0 = kt_sysfs("kshm0", "faults");
	int next = 6 / per != 5 / per;	/* page 6 in a block of its own */

	(void)map[5 * kt_page];
	ck_assert_int_eq(kt_sysfs("kshm0", "faults"), f0 + 1);
	map[5 * kt_page + 100] = 1;	/* a write after a read: no fault */
	(void)map[5 * kt_page + 200];
	ck_assert_int_eq(kt_sysfs("kshm0", "faults"), f0 + 1);
	map[6 * kt_page] = 1;
	map[6 * kt_page + 1] = 1;
	ck_assert_int_eq(kt_sysfs("kshm0", "faults"), f0 + 1 + next);
	/* mmap() itself maps nothing. */
	munmap((void *)map, KT_SIZE);
	map = kt_map(fd, KT_SIZE, PROT_READ | PROT_WRITE, 0);
	ck_assert_int_eq(kt_sysfs("kshm0", "faults"), f0 + 1 + next);
	(void)map[5 * kt_page];
	ck_assert_int_eq(kt_sysfs("kshm0", "faults"), f0 + 2 + next);
}
END_TEST

START_TEST(resident_pages_follow_touches)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	size_t npages = KT_SIZE / kt_page;
	volatile char *map;
	long long r0;

	if (kt_backing() == KSHM_BACKING_VMALLOC) {
		/* vmalloc holds every page from the start. */
		ck_assert_int_eq(kt_sysfs("kshm0", "resident_pages"), npages);
		return;
	}
	/* Backing "huge" goes by 2 MiB blocks: huge.c. */
	if (kt_backing() != KSHM_BACKING_PAGES)
		return;
	/* One page per fault, none at mmap(). */
	kt_one_page_faults(fd);
	/* After the fixture only page 0 may be resident. */
	r0 = kt_sysfs("kshm0", "resident_pages");
	ck_assert_int_le(r0, 1);
	ck_assert_int_eq(kt_set_size(fd, 2 * KT_SIZE), 0);
	ck_assert_int_eq(kt_sysfs("kshm0", "resident_pages"), r0);
	map = kt_map(fd, KT_SIZE, PROT_READ | PROT_WRITE, 0);
	ck_assert_int_eq(kt_sysfs("kshm0", "resident_pages"), r0);
	(void)map[10 * kt_page];		/* a read fault allocates */
	ck_assert_int_eq(kt_sysfs("kshm0", "resident_pages"), r0 + 1);
	map[11 * kt_page] = 1;
	ck_assert_int_eq(kt_sysfs("kshm0", "resident_pages"), r0 + 2);
	ck_assert_int_eq(pwrite(fd, "x", 1, 12 * kt_page), 1);
	ck_assert_int_eq(kt_sysfs("kshm0", "resident_pages"), r0 + 3);
	munmap((void *)map, KT_SIZE);
	ck_assert_int_eq(kt_sysfs("kshm0", "resident_pages"), r0 + 3);
}
END_TEST

Suite *sysfs_suite(void)
{
	Suite *s = suite_create("sysfs");
	TCase *tc = kt_tcase("sysfs");

	tcase_add_test(tc, sysfs_matches_info);
	tcase_add_test(tc, first_touch_is_one_fault_second_touch_none);
	tcase_add_test(tc, resident_pages_follow_touches);
	suite_add_tcase(s, tc);
	return s;
}
