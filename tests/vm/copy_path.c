// SPDX-License-Identifier: GPL-2.0
/*
 * The copy path: read/write/pread/pwrite/lseek at the file position, at
 * and across the end of the region, and into bad buffers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "driver-test.h"

static int fd;
static char *buf;

static void copy_setup(void)
{
	kt_setup();
	fd = kt_open(KT_DEV0, O_RDWR);
	buf = malloc(4 * kt_page);
}

static void copy_teardown(void)
{
	free(buf);
	close(fd);
}

START_TEST(read_at_or_past_end_returns_zero)
{
	ck_assert_int_eq(pread(fd, buf, 1, KT_SIZE), 0);
	ck_assert_int_eq(pread(fd, buf, 1, 2 * KT_SIZE), 0);
	ck_assert_int_eq(lseek(fd, 0, SEEK_END), KT_SIZE);
	ck_assert_int_eq(read(fd, buf, 16), 0);
}
END_TEST

START_TEST(write_at_or_past_end_fails_enospc)
{
	ck_assert_int_eq(pwrite(fd, "x", 1, KT_SIZE), -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_int_eq(pwrite(fd, "x", 1, 3 * KT_SIZE), -1);
	ck_assert_int_eq(errno, ENOSPC);
}
END_TEST

START_TEST(write_crossing_end_is_cut_short)
{
	memset(buf, 'w', 100);
	ck_assert_int_eq(pwrite(fd, buf, 100, KT_SIZE - 10), 10);
	ck_assert_int_eq(pread(fd, buf + 100, 100, KT_SIZE - 10), 10);
	ck_assert_mem_eq(buf + 100, buf, 10);
}
END_TEST

START_TEST(sequential_write_read_advance_position)
{
	kt_fill(buf, 3 * kt_page, 0, 11);
	ck_assert_int_eq(lseek(fd, kt_page / 2, SEEK_SET), kt_page / 2);
	ck_assert_int_eq(write(fd, buf, 3 * kt_page), 3 * kt_page);
	ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), kt_page / 2 + 3 * kt_page);
	memset(buf, 0, 3 * kt_page);
	ck_assert_int_eq(lseek(fd, kt_page / 2, SEEK_SET), kt_page / 2);
	ck_assert_int_eq(read(fd, buf, kt_page), kt_page);
	ck_assert_int_eq(read(fd, buf + kt_page, 2 * kt_page), 2 * kt_page);
	ck_assert(kt_check(buf, 3 * kt_page, 0, 11));
}
END_TEST

START_TEST(lseek_bad_whence_or_negative_fails_einval)
{
	ck_assert_int_eq(lseek(fd, -1, SEEK_SET), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(lseek(fd, 0, 42), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(untouched_page_reads_zeros_without_allocating)
{
	long long resident = kt_sysfs("kshm0", "resident_pages");

	memset(buf, 0xaa, 2 * kt_page);
	ck_assert_int_eq(pread(fd, buf, 2 * kt_page, 30 * kt_page),
			 2 * kt_page);
	ck_assert(!memcmp(buf, buf + kt_page, kt_page));
	ck_assert_int_eq(buf[0], 0);
	ck_assert_int_eq(buf[kt_page - 1], 0);
	ck_assert_int_eq(kt_sysfs("kshm0", "resident_pages"), resident);
}
END_TEST

START_TEST(read_write_bad_buffer_fails_efault)
{
	/* volatile: the compiler must not see, and refuse, the NULL. */
	char *volatile null = NULL;

	ck_assert_int_eq(pread(fd, null, 16, 0), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(pwrite(fd, null, 16, 0), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(pwrite(fd, null, 16, 40 * kt_page), -1);
	ck_assert_int_eq(errno, EFAULT);
}
END_TEST

START_TEST(huge_counts_are_cut_to_the_region)
{
	char *big = malloc(KT_SIZE + kt_page);

	ck_assert_int_eq(pread(fd, big, KT_SIZE + kt_page, 0), KT_SIZE);
	ck_assert_int_eq(pwrite(fd, big, KT_SIZE + kt_page, 0), KT_SIZE);
	/* A count past the end of the address space: the VFS refuses. */
	ck_assert_int_eq(pread(fd, big, (size_t)-1 >> 1, KT_SIZE - 8), -1);
	ck_assert_int_eq(errno, EFAULT);
	free(big);
}
END_TEST

START_TEST(read_into_mapping_of_same_region)
{
	char *map = kt_map(fd, KT_SIZE, PROT_READ | PROT_WRITE, 0);

	/* Copy page 2 onto pages 40-41 with the buffer a kshm mapping. */
	kt_fill(map + 2 * kt_page, 2 * kt_page, 2, 12);
	ck_assert_int_eq(pread(fd, map + 40 * kt_page, 2 * kt_page,
			       2 * kt_page), 2 * kt_page);
	ck_assert(kt_check(map + 40 * kt_page, 2 * kt_page, 2, 12));
	ck_assert_int_eq(pwrite(fd, map + 2 * kt_page, kt_page, 50 * kt_page),
			 kt_page);
	ck_assert(kt_check(map + 50 * kt_page, kt_page, 2, 12));
	munmap(map, KT_SIZE);
}
END_TEST

Suite *copy_path_suite(void)
{
	Suite *s = suite_create("copy_path");
	TCase *tc = tcase_create("copy_path");

	tcase_add_checked_fixture(tc, copy_setup, copy_teardown);
	tcase_add_test(tc, read_at_or_past_end_returns_zero);
	tcase_add_test(tc, write_at_or_past_end_fails_enospc);
	tcase_add_test(tc, write_crossing_end_is_cut_short);
	tcase_add_test(tc, sequential_write_read_advance_position);
	tcase_add_test(tc, lseek_bad_whence_or_negative_fails_einval);
	tcase_add_test(tc, untouched_page_reads_zeros_without_allocating);
	tcase_add_test(tc, read_write_bad_buffer_fails_efault);
	tcase_add_test(tc, huge_counts_are_cut_to_the_region);
	tcase_add_test(tc, read_into_mapping_of_same_region);
	suite_add_tcase(s, tc);
	return s;
}
