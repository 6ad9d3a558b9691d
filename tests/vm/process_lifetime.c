// SPDX-License-Identifier: GPL-2.0
/*
 * A region outlives the processes that use it: an opener that forks and
 * exits, in either order, leaves the region, its data and its counts
 * right for whoever remains.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driver-test.h"

START_TEST(child_uses_inherited_fd_and_mapping_then_exits)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	char *map = kt_map(fd, KT_SIZE, PROT_READ | PROT_WRITE, 0);
	pid_t pid;

	kt_fill(map, kt_page, 0, 41);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char buf[16];

		/* Through the inherited mapping and the inherited fd. */
		kt_fill(map + kt_page, kt_page, 1, 42);
		if (pwrite(fd, "child", 5, 2 * kt_page) != 5 ||
		    pread(fd, buf, 5, 2 * kt_page) != 5 || memcmp(buf, "child", 5))
			_exit(2);
		close(fd);
		_exit(kt_check(map, kt_page, 0, 41) ? 0 : 3);
	}
	ck_assert(kt_child_ok(pid));
	ck_assert(kt_check(map + kt_page, kt_page, 1, 42));
	ck_assert_mem_eq(map + 2 * kt_page, "child", 5);
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 1);
	munmap(map, KT_SIZE);
	/* The child's exit dropped its mapping: resizing works again. */
	ck_assert_int_eq(kt_set_size(fd, 2 * KT_SIZE), 0);
}
END_TEST

START_TEST(parent_exits_first_child_keeps_region)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	int ready[2];
	char c;
	pid_t mid;

	/* mid opens and maps, forks a grandchild and exits at once. */
	ck_assert_int_eq(pipe(ready), 0);
	mid = fork();
	ck_assert_int_ge(mid, 0);
	if (mid == 0) {
		int mfd = open(KT_DEV0, O_RDWR);
		char *m = mmap(NULL, kt_page, PROT_READ | PROT_WRITE,
			       MAP_SHARED, mfd, 0);

		if (mfd < 0 || m == MAP_FAILED)
			_exit(2);
		if (fork() == 0) {
			usleep(100 * 1000);	/* the opener is gone now */
			memcpy(m, "orphan", 6);
			munmap(m, kt_page);
			close(mfd);
			c = 'd';
			_exit(write(ready[1], &c, 1) == 1 ? 0 : 1);
		}
		_exit(0);
	}
	ck_assert(kt_child_ok(mid));
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	usleep(100 * 1000);	/* let the grandchild's exit finish */
	{
		char buf[6];

		ck_assert_int_eq(pread(fd, buf, 6, 0), 6);
		ck_assert_mem_eq(buf, "orphan", 6);
	}
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 0);
}
END_TEST

Suite *process_lifetime_suite(void)
{
	Suite *s = suite_create("process_lifetime");
	TCase *tc = kt_tcase("process_lifetime");

	tcase_add_test(tc, child_uses_inherited_fd_and_mapping_then_exits);
	tcase_add_test(tc, parent_exits_first_child_keeps_region);
	suite_add_tcase(s, tc);
	return s;
}
