// SPDX-License-Identifier: GPL-2.0
/*
 * A write whose user copy is in progress while the region is resized.
 * The copy path holds a page reference, not the region lock, across the
 * user copy; a resize may meanwhile move the region's pages (backing
 * "vmalloc" copies them to a new area). The rule: once write() returns
 * n, those n bytes are in the region, unless a shrink past them removed
 * them.
 *
 * userfaultfd parks the writer inside the driver's copy: the source
 * buffer's middle page is missing, so the copy of the first page is done
 * and the second waits until the test supplies it. The test resizes in
 * that window, then lets the copy finish and reads back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "driver-test.h"

#define SEED	73

struct writer {
	int fd;
	char *src;
	size_t len;
	off_t off;
	ssize_t ret;
	int err;
};

static void *writer_run(void *arg)
{
	struct writer *w = arg;

	w->ret = pwrite(w->fd, w->src, w->len, w->off);
	w->err = errno;
	return NULL;
}

/*
 * A 3-page source buffer whose pages 0 and 2 hold the pattern and whose
 * page 1 is missing and registered with a new userfaultfd, returned.
 */
static int stalled_source(char **src)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	int uffd;

	*src = mmap(NULL, 3 * kt_page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(*src != MAP_FAILED);
	kt_fill(*src, kt_page, 0, SEED);
	kt_fill(*src + 2 * kt_page, kt_page, 2, SEED);

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	ck_assert_msg(uffd >= 0, "userfaultfd: %s", strerror(errno));
	ck_assert_int_eq(ioctl(uffd, UFFDIO_API, &api), 0);
	reg.range.start = (unsigned long)*src + kt_page;
	reg.range.len = kt_page;
	ck_assert_int_eq(ioctl(uffd, UFFDIO_REGISTER, &reg), 0);
	return uffd;
}

/* Waits until the writer is parked on the missing page, inside write(). */
static void wait_for_stall(int uffd, char *src)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	ck_assert_msg(poll(&pfd, 1, 20000) == 1, "the writer never stalled");
	ck_assert_int_eq(read(uffd, &msg, sizeof(msg)), sizeof(msg));
	ck_assert_int_eq(msg.event, UFFD_EVENT_PAGEFAULT);
	ck_assert_uint_eq(msg.arg.pagefault.address & ~(kt_page - 1),
			  (unsigned long)src + kt_page);
}

/* Supplies the missing page, which wakes the writer. */
static void release_stall(int uffd, char *src)
{
	struct uffdio_copy copy = { .len = kt_page };
	char *page = malloc(kt_page);

	kt_fill(page, kt_page, 1, SEED);
	copy.src = (unsigned long)page;
	copy.dst = (unsigned long)src + kt_page;
	ck_assert_int_eq(ioctl(uffd, UFFDIO_COPY, &copy), 0);
	free(page);
}

/*
 * pwrite() 3 pages at page @at, resize to @new_size while the copy of
 * the second page is parked, and return what pwrite() returned.
 */
static ssize_t write_across_resize(int fd, off_t at, uint64_t new_size)
{
	struct writer w = { .fd = fd, .len = 3 * kt_page, .off = at * kt_page };
	pthread_t thread;
	int uffd;

	uffd = stalled_source(&w.src);
	ck_assert_int_eq(pthread_create(&thread, NULL, writer_run, &w), 0);
	wait_for_stall(uffd, w.src);
	/* The resize must not wait for the parked copy. */
	ck_assert_int_eq(kt_set_size(fd, new_size), 0);
	ck_assert_uint_eq(kt_info(fd).size, kt_round(new_size));
	release_stall(uffd, w.src);
	ck_assert_int_eq(pthread_join(thread, NULL), 0);
	ck_assert_msg(w.ret >= 0, "pwrite: %s", strerror(w.err));
	munmap(w.src, 3 * kt_page);
	close(uffd);
	return w.ret;
}

/* Pages [from, from + n) of the region hold pages [0, n) of the pattern. */
static void check_region(int fd, off_t from, size_t n)
{
	char *buf = malloc(n * kt_page);
	size_t i;

	ck_assert_int_eq(pread(fd, buf, n * kt_page, from * kt_page),
			 n * kt_page);
	for (i = 0; i < n; i++)
		ck_assert_msg(kt_check(buf + i * kt_page, kt_page, i, SEED),
			      "page %zu that write() reported written is not in the region",
			      i);
	free(buf);
}

START_TEST(write_survives_grow_during_copy)
{
	int fd = kt_open(KT_DEV0, O_RDWR);

	ck_assert_int_eq(write_across_resize(fd, 2, 4 * KT_SIZE), 3 * kt_page);
	check_region(fd, 2, 3);
	close(fd);
}
END_TEST

/* Shrinks start from 2 * KT_SIZE, so that even backing "huge" shrinks. */
START_TEST(write_survives_shrink_within_new_size_during_copy)
{
	int fd = kt_open(KT_DEV0, O_RDWR);

	ck_assert_int_eq(kt_set_size(fd, 2 * KT_SIZE), 0);
	ck_assert_int_eq(write_across_resize(fd, 2, 8 * kt_page), 3 * kt_page);
	check_region(fd, 2, 3);
	close(fd);
}
END_TEST

/* A shrink through the written range cuts the write short, honestly. */
START_TEST(write_cut_by_shrink_reports_only_what_stayed)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	/* The new end: 4 pages (2 MiB for "huge"); the write 2 pages before. */
	uint64_t end = kt_round(4 * kt_page);
	off_t at = end / kt_page - 2;
	char c;

	ck_assert_int_eq(kt_set_size(fd, 2 * KT_SIZE), 0);
	ck_assert_int_eq(write_across_resize(fd, at, end), 2 * kt_page);
	check_region(fd, at, 2);
	ck_assert_int_eq(pread(fd, &c, 1, end), 0);
	close(fd);
}
END_TEST

Suite *resize_race_suite(void)
{
	Suite *s = suite_create("resize_race");
	TCase *tc = kt_tcase("resize_race");

	tcase_add_test(tc, write_survives_grow_during_copy);
	tcase_add_test(tc, write_survives_shrink_within_new_size_during_copy);
	tcase_add_test(tc, write_cut_by_shrink_reports_only_what_stayed);
	suite_add_tcase(s, tc);
	return s;
}
