// SPDX-License-Identifier: GPL-2.0
/*
 * What mmap() of a region accepts and refuses, and the flags the mapping
 * carries: shared only, inside the region, no exec, no growth, no dump.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "driver-test.h"

static int fd;

static void expect_mmap_errno(size_t len, int prot, int flags, off_t off,
			      int err)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	ck_assert_msg(p == MAP_FAILED, "mmap len %zu off %lld succeeded", len,
		      (long long)off);
	ck_assert_msg(errno == err, "mmap len %zu off %lld: %s, want %s", len,
		      (long long)off, strerror(errno), strerror(err));
}

static void open_rw(void)
{
	fd = kt_open(KT_DEV0, O_RDWR);
}

START_TEST(mmap_private_fails_einval)
{
	open_rw();
	expect_mmap_errno(kt_page, PROT_READ, MAP_PRIVATE, 0, EINVAL);
	expect_mmap_errno(kt_page, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0,
			  EINVAL);
}
END_TEST

START_TEST(mmap_beyond_end_fails_einval)
{
	open_rw();
	expect_mmap_errno(KT_SIZE + kt_page, PROT_READ, MAP_SHARED, 0, EINVAL);
	expect_mmap_errno(2 * kt_page, PROT_READ, MAP_SHARED,
			  KT_SIZE - kt_page, EINVAL);
	expect_mmap_errno(kt_page, PROT_READ, MAP_SHARED, KT_SIZE, EINVAL);
}
END_TEST

START_TEST(mmap_whole_region_and_last_page_work)
{
	char *p, *q;

	open_rw();
	p = kt_map(fd, KT_SIZE, PROT_READ | PROT_WRITE, 0);
	q = kt_map(fd, kt_page, PROT_READ | PROT_WRITE, KT_SIZE - kt_page);
	p[KT_SIZE - 1] = 42;
	ck_assert_int_eq(q[kt_page - 1], 42);
	munmap(p, KT_SIZE);
	munmap(q, kt_page);
}
END_TEST

START_TEST(mmap_huge_offset_fails)
{
	open_rw();
	/* Past the largest file offset: the core refuses first. */
	expect_mmap_errno(kt_page, PROT_READ, MAP_SHARED, (off_t)-kt_page,
			  EOVERFLOW);
	/* Far past the region, and at the largest pgoff that fits. */
	expect_mmap_errno(kt_page, PROT_READ, MAP_SHARED, (off_t)1 << 62,
			  EINVAL);
	expect_mmap_errno(kt_page, PROT_READ, MAP_SHARED,
			  INT64_MAX - 2 * kt_page + 1, EINVAL);
}
END_TEST

START_TEST(mmap_zero_length_fails_einval)
{
	open_rw();
	expect_mmap_errno(0, PROT_READ, MAP_SHARED, 0, EINVAL);
}
END_TEST

START_TEST(mmap_unaligned_offset_fails_einval)
{
	open_rw();
	expect_mmap_errno(kt_page, PROT_READ, MAP_SHARED, 1, EINVAL);
}
END_TEST

START_TEST(mmap_exec_fails_eperm)
{
	open_rw();
	expect_mmap_errno(kt_page, PROT_READ | PROT_EXEC, MAP_SHARED, 0, EPERM);
}
END_TEST

START_TEST(mprotect_exec_later_fails_eacces)
{
	char *p;

	open_rw();
	p = kt_map(fd, kt_page, PROT_READ, 0);
	ck_assert_int_eq(mprotect(p, kt_page, PROT_READ | PROT_EXEC), -1);
	ck_assert_int_eq(errno, EACCES);
	munmap(p, kt_page);
}
END_TEST

START_TEST(mremap_grow_fails_efault)
{
	void *p, *q;

	open_rw();
	p = kt_map(fd, kt_page, PROT_READ, 0);
	q = mremap(p, kt_page, 2 * kt_page, MREMAP_MAYMOVE);
	ck_assert(q == MAP_FAILED);
	ck_assert_int_eq(errno, EFAULT);
	munmap(p, kt_page);
}
END_TEST

START_TEST(mremap_move_and_shrink_keep_pages)
{
	char *p, *q;

	open_rw();
	p = kt_map(fd, 4 * kt_page, PROT_READ | PROT_WRITE, 0);
	kt_fill(p, 4 * kt_page, 0, 1);
	q = mremap(p, 4 * kt_page, 2 * kt_page, 0);
	ck_assert(q == p);
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 1);
	/* Move it elsewhere: the pages come along. */
	p = mmap(NULL, 8 * kt_page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	ck_assert(p != MAP_FAILED);
	q = mremap(q, 2 * kt_page, 2 * kt_page, MREMAP_MAYMOVE | MREMAP_FIXED,
		   p + 4 * kt_page);
	ck_assert(q == p + 4 * kt_page);
	ck_assert(kt_check(q, 2 * kt_page, 0, 1));
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 1);
	munmap(p, 8 * kt_page);
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 0);
}
END_TEST

START_TEST(readonly_fd_writable_map_fails_eacces)
{
	fd = kt_open(KT_DEV0, O_RDONLY);
	expect_mmap_errno(kt_page, PROT_READ | PROT_WRITE, MAP_SHARED, 0,
			  EACCES);
}
END_TEST

START_TEST(readonly_fd_readonly_map_sees_data)
{
	int wfd = kt_open(KT_DEV0, O_RDWR);
	char *p;

	ck_assert_int_eq(pwrite(wfd, "hello", 5, kt_page), 5);
	fd = kt_open(KT_DEV0, O_RDONLY);
	p = kt_map(fd, 2 * kt_page, PROT_READ, 0);
	ck_assert_mem_eq(p + kt_page, "hello", 5);
	/* ...and it cannot be made writable later. */
	ck_assert_int_eq(mprotect(p, kt_page, PROT_READ | PROT_WRITE), -1);
	ck_assert_int_eq(errno, EACCES);
	munmap(p, 2 * kt_page);
	close(wfd);
}
END_TEST

/* The VmFlags line of the mapping at @addr in /proc/self/smaps. */
#define FLAGS_LEN 512
static void vmflags_of(void *addr, char *flags)
{
	char line[FLAGS_LEN], want[32];
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	ck_assert(f);
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	flags[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, '-') < strchr(line, ' '))
			in = !strncmp(line, want, strlen(want));
		if (in && !strncmp(line, "VmFlags:", 8)) {
			memcpy(flags, line + 8, strlen(line + 8) + 1);
			break;
		}
	}
	fclose(f);
	ck_assert_msg(flags[0], "no VmFlags for %p", addr);
}

START_TEST(mapping_is_dontexpand_dontdump_shared_noexec)
{
	char flags[FLAGS_LEN];
	void *p;

	open_rw();
	p = kt_map(fd, kt_page, PROT_READ | PROT_WRITE, 0);
	vmflags_of(p, flags);
	ck_assert_msg(strstr(flags, " de"), "no dontexpand: %s", flags);
	ck_assert_msg(strstr(flags, " dd"), "no dontdump: %s", flags);
	ck_assert_msg(strstr(flags, " sh"), "not shared: %s", flags);
	ck_assert_msg(!strstr(flags, " me"), "may exec: %s", flags);
	munmap(p, kt_page);
}
END_TEST

START_TEST(touch_after_munmap_gets_sigsegv)
{
	volatile char *p;

	open_rw();
	p = kt_map(fd, kt_page, PROT_READ | PROT_WRITE, 0);
	p[0] = 1;
	munmap((void *)p, kt_page);
	p[0] = 2;
}
END_TEST

START_TEST(munmap_middle_keeps_both_halves)
{
	char *p;
	int i;

	open_rw();
	p = kt_map(fd, 3 * kt_page, PROT_READ | PROT_WRITE, 0);
	for (i = 0; i < 3; i++)
		kt_fill(p + i * kt_page, kt_page, i, 9);
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 1);
	ck_assert_int_eq(munmap(p + kt_page, kt_page), 0);
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 2);
	ck_assert(kt_check(p, kt_page, 0, 9));
	ck_assert(kt_check(p + 2 * kt_page, kt_page, 2, 9));
	p[0] = 'a';
	p[2 * kt_page] = 'c';
	ck_assert_int_eq(munmap(p, kt_page), 0);
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 1);
	ck_assert_int_eq(munmap(p + 2 * kt_page, kt_page), 0);
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 0);
	p = kt_map(fd, 3 * kt_page, PROT_READ, 0);
	ck_assert_int_eq(p[0], 'a');
	ck_assert(kt_check(p + kt_page, kt_page, 1, 9));
	ck_assert_int_eq(p[2 * kt_page], 'c');
	munmap(p, 3 * kt_page);
}
END_TEST

Suite *mmap_rules_suite(void)
{
	Suite *s = suite_create("mmap_rules");
	TCase *tc = kt_tcase("mmap_rules");

	tcase_add_test(tc, mmap_private_fails_einval);
	tcase_add_test(tc, mmap_beyond_end_fails_einval);
	tcase_add_test(tc, mmap_whole_region_and_last_page_work);
	tcase_add_test(tc, mmap_huge_offset_fails);
	tcase_add_test(tc, mmap_zero_length_fails_einval);
	tcase_add_test(tc, mmap_unaligned_offset_fails_einval);
	tcase_add_test(tc, mmap_exec_fails_eperm);
	tcase_add_test(tc, mprotect_exec_later_fails_eacces);
	tcase_add_test(tc, mremap_grow_fails_efault);
	tcase_add_test(tc, mremap_move_and_shrink_keep_pages);
	tcase_add_test(tc, readonly_fd_writable_map_fails_eacces);
	tcase_add_test(tc, readonly_fd_readonly_map_sees_data);
	tcase_add_test(tc, mapping_is_dontexpand_dontdump_shared_noexec);
	tcase_add_test_raise_signal(tc, touch_after_munmap_gets_sigsegv,
				    SIGSEGV);
	tcase_add_test(tc, munmap_middle_keeps_both_halves);
	suite_add_tcase(s, tc);
	return s;
}
