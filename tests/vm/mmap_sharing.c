// SPDX-License-Identifier: GPL-2.0
/*
 * Every mapping of a region, in every process, maps the same physical
 * pages, and the copy path (read/write) goes through those pages too.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driver-test.h"

#define RW	(PROT_READ | PROT_WRITE)

START_TEST(two_mappings_same_frame_different_address)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	volatile char *a = kt_map(fd, 4 * kt_page, RW, 0);
	volatile char *b = kt_map(fd, 4 * kt_page, RW, 0);
	int i;

	ck_assert_ptr_ne((void *)a, (void *)b);
	for (i = 0; i < 4; i++) {
		a[i * kt_page] = 1;
		(void)b[i * kt_page];
		ck_assert_uint_eq(kt_pfn((void *)(a + i * kt_page)),
				  kt_pfn((void *)(b + i * kt_page)));
	}
	/* Distinct pages of the region are distinct frames. */
	ck_assert_uint_ne(kt_pfn((void *)a), kt_pfn((void *)(a + kt_page)));
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 2);
}
END_TEST

START_TEST(write_through_one_mapping_seen_through_other)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	char *a = kt_map(fd, KT_SIZE, RW, 0);
	char *b = kt_map(fd, KT_SIZE, PROT_READ, 0);

	kt_fill(a + 5 * kt_page, kt_page, 5, 3);
	ck_assert(kt_check(b + 5 * kt_page, kt_page, 5, 3));
}
END_TEST

START_TEST(write_through_mapping_seen_by_read)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	char *a = kt_map(fd, KT_SIZE, RW, 0);
	char *buf = malloc(2 * kt_page);

	kt_fill(a + 7 * kt_page, 2 * kt_page, 7, 4);
	ck_assert_int_eq(pread(fd, buf, 2 * kt_page, 7 * kt_page),
			 2 * kt_page);
	ck_assert(kt_check(buf, 2 * kt_page, 7, 4));
	free(buf);
}
END_TEST

START_TEST(write_seen_through_mapping)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	char *a = kt_map(fd, KT_SIZE, PROT_READ, 0);
	char *buf = malloc(kt_page);

	(void)*(volatile char *)(a + 9 * kt_page);	/* map it first */
	kt_fill(buf, kt_page, 9, 5);
	ck_assert_int_eq(pwrite(fd, buf, kt_page, 9 * kt_page), kt_page);
	ck_assert(kt_check(a + 9 * kt_page, kt_page, 9, 5));
	free(buf);
}
END_TEST

START_TEST(forked_child_shares_pages)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	char *a = kt_map(fd, KT_SIZE, RW, 0);
	uint64_t pfn;
	pid_t pid;

	kt_fill(a, kt_page, 0, 6);
	pfn = kt_pfn(a);
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 1);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* The child sees the parent's data, same frame, and writes. */
		bool ok = kt_check(a, kt_page, 0, 6) && kt_pfn(a) == pfn &&
			  kt_sysfs("kshm0", "mappings") == 2;

		kt_fill(a + kt_page, kt_page, 1, 7);
		_exit(ok ? 0 : 1);
	}
	ck_assert(kt_child_ok(pid));
	ck_assert(kt_check(a + kt_page, kt_page, 1, 7));
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 1);
}
END_TEST

START_TEST(separate_opens_in_two_processes_share_pages)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	char *a = kt_map(fd, KT_SIZE, RW, 0);
	uint64_t pfn;
	pid_t pid;

	kt_fill(a + 3 * kt_page, kt_page, 3, 8);
	pfn = kt_pfn(a + 3 * kt_page);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int cfd = open(KT_DEV0, O_RDWR);
		char *c = mmap(NULL, kt_page, RW, MAP_SHARED, cfd,
			       3 * kt_page);

		if (cfd < 0 || c == MAP_FAILED)
			_exit(2);
		if (!kt_check(c, kt_page, 3, 8) || kt_pfn(c) != pfn)
			_exit(3);
		kt_fill(c, kt_page, 3, 9);
		_exit(0);
	}
	ck_assert(kt_child_ok(pid));
	ck_assert(kt_check(a + 3 * kt_page, kt_page, 3, 9));
}
END_TEST

START_TEST(nonzero_offset_maps_right_page)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	char *whole = kt_map(fd, KT_SIZE, RW, 0);
	char *part = kt_map(fd, 2 * kt_page, PROT_READ, 10 * kt_page);

	kt_fill(whole + 10 * kt_page, 2 * kt_page, 10, 10);
	ck_assert(kt_check(part, 2 * kt_page, 10, 10));
	ck_assert_uint_eq(kt_pfn(part), kt_pfn(whole + 10 * kt_page));
	ck_assert_uint_eq(kt_pfn(part + kt_page),
			  kt_pfn(whole + 11 * kt_page));
}
END_TEST

START_TEST(mapping_survives_fd_close)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	char *a = kt_map(fd, KT_SIZE, RW, 0);
	char buf[4];

	close(fd);
	memcpy(a + 20 * kt_page, "kshm", 4);
	fd = kt_open(KT_DEV0, O_RDONLY);
	ck_assert_int_eq(pread(fd, buf, 4, 20 * kt_page), 4);
	ck_assert_mem_eq(buf, "kshm", 4);
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 1);
	munmap(a, KT_SIZE);
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 0);
}
END_TEST

Suite *mmap_sharing_suite(void)
{
	Suite *s = suite_create("mmap_sharing");
	TCase *tc = kt_tcase("mmap_sharing");

	tcase_add_test(tc, two_mappings_same_frame_different_address);
	tcase_add_test(tc, write_through_one_mapping_seen_through_other);
	tcase_add_test(tc, write_through_mapping_seen_by_read);
	tcase_add_test(tc, write_seen_through_mapping);
	tcase_add_test(tc, forked_child_shares_pages);
	tcase_add_test(tc, separate_opens_in_two_processes_share_pages);
	tcase_add_test(tc, nonzero_offset_maps_right_page);
	tcase_add_test(tc, mapping_survives_fd_close);
	suite_add_tcase(s, tc);
	return s;
}
