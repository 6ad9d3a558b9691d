// SPDX-License-Identifier: GPL-2.0
/* With nr_devs=2, /dev/kshm0 and /dev/kshm1 are independent regions. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "driver-test.h"

START_TEST(regions_have_their_own_pages)
{
	int fd0 = kt_open(KT_DEV0, O_RDWR), fd1 = kt_open(KT_DEV1, O_RDWR);
	char *a = kt_map(fd0, KT_SIZE, PROT_READ | PROT_WRITE, 0);
	char *b = kt_map(fd1, KT_SIZE, PROT_READ | PROT_WRITE, 0);

	kt_fill(a, kt_page, 0, 31);
	kt_fill(b, kt_page, 0, 32);
	ck_assert(kt_check(a, kt_page, 0, 31));
	ck_assert(kt_check(b, kt_page, 0, 32));
	ck_assert_uint_ne(kt_pfn(a), kt_pfn(b));
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 1);
	ck_assert_int_eq(kt_sysfs("kshm1", "mappings"), 1);
}
END_TEST

START_TEST(resizing_one_region_leaves_the_other)
{
	int fd0 = kt_open(KT_DEV0, O_RDWR), fd1 = kt_open(KT_DEV1, O_RDWR);
	char *b = kt_map(fd1, kt_page, PROT_READ, 0);

	/* kshm1 is mapped, kshm0 is not: only kshm1 is busy. */
	ck_assert_int_eq(kt_set_size(fd0, 2 * KT_SIZE), 0);
	ck_assert_int_eq(kt_set_size(fd1, 2 * KT_SIZE), -EBUSY);
	ck_assert_int_eq(kt_sysfs("kshm0", "size"), 2 * KT_SIZE);
	ck_assert_int_eq(kt_sysfs("kshm1", "size"), KT_SIZE);
	munmap(b, kt_page);
}
END_TEST

Suite *regions_suite(void)
{
	Suite *s = suite_create("regions");
	TCase *tc = kt_tcase("regions");

	tcase_add_test(tc, regions_have_their_own_pages);
	tcase_add_test(tc, resizing_one_region_leaves_the_other);
	suite_add_tcase(s, tc);
	return s;
}
