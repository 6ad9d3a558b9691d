// SPDX-License-Identifier: GPL-2.0
/*
 * fault_log=1 logs exactly one line per fault, with the page offset, the
 * kind of access, the pages the fault mapped (and pmd=1 for a 2 MiB
 * entry), pid and command; fault_log=0 logs nothing.
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

/* One fault line: what it says. */
struct fault_line {
	unsigned long pgoff;
	int write;
	unsigned int pages;
	bool pmd;
};

/*
 * Read the new kshm0 fault lines, in order, into @lines (room for @max);
 * each must name this process and a page offset below @npages. Returns
 * how many there were.
 */
static int read_fault_lines(int kfd, struct fault_line *lines, int max,
			    int npages)
{
	char rec[1024], want[64];
	int n_lines = 0;
	ssize_t n;

	snprintf(want, sizeof(want), " pid=%d comm=", getpid());
	for (;;) {
		struct fault_line l = { 0 };
		char *p, *q;

		n = read(kfd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = 0;
		p = strstr(rec, "kshm0: fault pgoff=");
		if (!p)
			continue;
		ck_assert_msg(strstr(p, want), "not our pid: %s", p);
		ck_assert_msg(sscanf(p, "kshm0: fault pgoff=%lu write=%d pages=%u",
				     &l.pgoff, &l.write, &l.pages) == 3,
			      "line: %s", p);
		q = strstr(p, " pid=");
		l.pmd = !strncmp(q - 6, " pmd=1", 6);
		ck_assert_msg(l.pgoff < (unsigned long)npages, "pgoff: %s", p);
		ck_assert_msg(l.write == 0 || l.write == 1, "write: %s", p);
		if (n_lines < max)
			lines[n_lines] = l;
		n_lines++;
	}
	return n_lines;
}

/*
 * Touch pages in order, the odd ones by a write; one line for each touch
 * that faulted, saying so. With one page per fault, every first touch;
 * with backing "huge", the first touch of each 2 MiB block, which maps
 * the whole block (pmd=1 if the kernel took a 2 MiB entry).
 */
static void check_touches(int fd, volatile char *map, const int *touched,
			  int n, size_t per)
{
	struct fault_line lines[8];
	unsigned long long pmds = kt_info(fd).huge_maps;
	int kfd, i, want = 0, got;

	kfd = kmsg_open_at_end();
	set_fault_log("1");
	for (i = 0; i < n; i++) {
		if (i % 2)
			map[touched[i] * kt_page] = 1;
		else
			(void)map[touched[i] * kt_page];
		/* Second touches, read and write: no new line. */
		(void)map[touched[i] * kt_page + 8];
		map[touched[i] * kt_page + 16] = 2;
	}
	set_fault_log("0");
	pmds = kt_info(fd).huge_maps - pmds;
	got = read_fault_lines(kfd, lines, 8, KT_SIZE / kt_page);
	for (i = 0; i < n; i++) {
		if (i && touched[i] / per == touched[i - 1] / per)
			continue;	/* mapped by the touch before */
		ck_assert_int_lt(want, got);
		ck_assert_uint_eq(lines[want].pgoff, touched[i]);
		ck_assert_int_eq(lines[want].write, i % 2);
		ck_assert_uint_eq(lines[want].pages, per);
		ck_assert_int_eq(lines[want].pmd, want < (int)pmds);
		want++;
	}
	ck_assert_int_eq(got, want);
	close(kfd);
}

START_TEST(fault_log_one_line_per_fault)
{
	static const int touched[] = { 0, 3, 7, 100 };
	int fd = kt_open(KT_DEV0, O_RDWR);
	size_t per = kt_one_page_faults(fd);
	volatile char *map = kt_map(fd, KT_SIZE, PROT_READ | PROT_WRITE, 0);

	check_touches(fd, map, touched, 4, per);
	close(fd);
}
END_TEST

/* pages= is the window, aligned on the address; "huge" ignores it. */
START_TEST(fault_log_pages_is_the_window)
{
	static const int touched[] = { 3, 20, 21, 47 };
	int fd = kt_open(KT_DEV0, O_RDWR);
	size_t per = kt_one_page_faults(fd) == 1 ? 16 : KT_HUGE / kt_page;
	volatile char *map;

	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 16), 0);
	map = kt_map_at(fd, KT_SIZE, PROT_READ | PROT_WRITE, 0, KT_HUGE, 0);
	check_touches(fd, map, touched, 4, per);
	close(fd);
}
END_TEST

START_TEST(fault_log_off_logs_nothing)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	struct fault_line lines[1];
	unsigned long long f0;
	volatile char *map;
	int kfd;

	set_fault_log("0");
	kt_one_page_faults(fd);
	map = kt_map(fd, KT_SIZE, PROT_READ | PROT_WRITE, 0);
	kfd = kmsg_open_at_end();
	f0 = kt_info(fd).faults;
	map[0] = 1;
	map[9 * kt_page] = 1;
	ck_assert_uint_gt(kt_info(fd).faults, f0);	/* there were faults */
	ck_assert_int_eq(read_fault_lines(kfd, lines, 1, KT_SIZE / kt_page),
			 0);
	close(kfd);
}
END_TEST

Suite *fault_log_suite(void)
{
	Suite *s = suite_create("fault_log");
	TCase *tc = kt_tcase("fault_log");

	tcase_add_test(tc, fault_log_one_line_per_fault);
	tcase_add_test(tc, fault_log_pages_is_the_window);
	tcase_add_test(tc, fault_log_off_logs_nothing);
	suite_add_tcase(s, tc);
	return s;
}
