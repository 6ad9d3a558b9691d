// SPDX-License-Identifier: GPL-2.0
/*
 * fault_log=1 logs exactly one line per first touch, with the page
 * offset, pid and command; fault_log=0 logs nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "driver-test.h"

#define PARAM	"/sys/module/kshm/parameters/fault_log"

static void set_fault_log(const char *v)
{
	int fd = kt_open(PARAM, O_WRONLY);

	ck_assert_int_eq(write(fd, v, 1), 1);
	close(fd);
}

/* /dev/kmsg positioned at the end, so only new records are read. */
static int kmsg_open_at_end(void)
{
	int fd = kt_open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	ck_assert_int_ge(lseek(fd, 0, SEEK_END), 0);
	return fd;
}

/*
 * Read the new kshm0 fault lines; count[pgoff]++ for each one that names
 * this process. Returns the number of fault lines for kshm0.
 */
static int read_fault_lines(int kfd, int *count, int npages)
{
	char rec[1024], want[64];
	int lines = 0;
	ssize_t n;

	snprintf(want, sizeof(want), "pid=%d comm=", getpid());
	for (;;) {
		unsigned long pgoff;
		char *p;

		n = read(kfd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = 0;
		p = strstr(rec, "kshm0: fault pgoff=");
		if (!p)
			continue;
		lines++;
		ck_assert_msg(strstr(p, want), "not our pid: %s", p);
		pgoff = strtoul(p + strlen("kshm0: fault pgoff="), NULL, 10);
		ck_assert_msg(pgoff < (unsigned long)npages, "pgoff: %s", p);
		count[pgoff]++;
	}
	return lines;
}

START_TEST(fault_log_one_line_per_first_touch)
{
	static const int touched[] = { 0, 3, 7, 100 };
	int fd = kt_open(KT_DEV0, O_RDWR);
	int npages = KT_SIZE / kt_page;
	int count[KT_SIZE / 4096] = { 0 };
	volatile char *map;
	int kfd, i;

	map = kt_map(fd, KT_SIZE, PROT_READ | PROT_WRITE, 0);
	kfd = kmsg_open_at_end();
	set_fault_log("1");
	for (i = 0; i < 4; i++) {
		if (i % 2)
			map[touched[i] * kt_page] = 1;
		else
			(void)map[touched[i] * kt_page];
		/* Second touches, read and write: no new line. */
		(void)map[touched[i] * kt_page + 8];
		map[touched[i] * kt_page + 16] = 2;
	}
	set_fault_log("0");
	ck_assert_int_eq(read_fault_lines(kfd, count, npages), 4);
	for (i = 0; i < 4; i++)
		ck_assert_msg(count[touched[i]] == 1, "pgoff %d logged %d times",
			      touched[i], count[touched[i]]);
	close(kfd);
}
END_TEST

START_TEST(fault_log_off_logs_nothing)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	int count[KT_SIZE / 4096] = { 0 };
	volatile char *map;
	int kfd;

	set_fault_log("0");
	map = kt_map(fd, KT_SIZE, PROT_READ | PROT_WRITE, 0);
	kfd = kmsg_open_at_end();
	map[0] = 1;
	map[9 * kt_page] = 1;
	ck_assert_int_eq(read_fault_lines(kfd, count, KT_SIZE / kt_page), 0);
	close(kfd);
}
END_TEST

Suite *fault_log_suite(void)
{
	Suite *s = suite_create("fault_log");
	TCase *tc = kt_tcase("fault_log");

	tcase_add_test(tc, fault_log_one_line_per_first_touch);
	tcase_add_test(tc, fault_log_off_logs_nothing);
	suite_add_tcase(s, tc);
	return s;
}
