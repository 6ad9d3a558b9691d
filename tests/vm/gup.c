// SPDX-License-Identifier: GPL-2.0
/*
 * Other parts of the kernel reach a region's pages through a process's
 * page tables (get_user_pages): process_vm_readv(), vmsplice() and
 * /proc/PID/mem. They must find the right pages whatever mapped them:
 * the faulting page itself, a neighbour fault-around mapped, or mmap()
 * with KSHM_FAULT_PREFAULT. Through a 2 MiB entry of backing "huge" the
 * kernel may refuse (EFAULT): that, or the right data, never a crash.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driver-test.h"
#include "kshm-skip.h"

#define SEED		83
#define NPAGES		64
#define TOUCHED		21	/* the page a test touches */
#define NEIGHBOUR	27	/* mapped by that touch's window, not touched */

enum how { FAULTED, AROUND, PREFAULTED };
static const char *const how_name[] = { "faulted", "around", "prefaulted" };

static int fd;
static bool huge;

static void gup_setup(void)
{
	char *buf;
	size_t i;

	kt_setup();
	fd = kt_open(KT_DEV0, O_RDWR);
	huge = kt_backing() == KSHM_BACKING_HUGE;
	buf = malloc(KT_SIZE);
	for (i = 0; i < KT_SIZE / kt_page; i++)
		kt_fill(buf + i * kt_page, kt_page, i, SEED);
	ck_assert_int_eq(pwrite(fd, buf, KT_SIZE, 0), KT_SIZE);
	free(buf);
}

static void gup_teardown(void)
{
	close(fd);
}

/*
 * Map NPAGES at a 2 MiB boundary and get page @target mapped @how; the
 * page after it too. Returns the mapping; *target is the page to read.
 */
static char *map_pages(enum how how, size_t *target)
{
	char *p;

	ck_assert_int_eq(kt_set_fault_policy(fd, how == PREFAULTED ?
					     KSHM_FAULT_PREFAULT : 0, 16), 0);
	p = kt_map_at(fd, NPAGES * kt_page, PROT_READ | PROT_WRITE, 0,
		      KT_HUGE, 0);
	*target = how == AROUND ? NEIGHBOUR : TOUCHED;
	if (how != PREFAULTED)
		(void)*(volatile char *)(p + TOUCHED * kt_page);
	ck_assert_msg(kt_present(p + *target * kt_page) &&
		      kt_present(p + (*target + 1) * kt_page),
		      "%s: page %zu not mapped", how_name[how], *target);
	return p;
}

/*
 * A reader's verdict: @ret bytes of @len read into @buf, which should
 * hold pages @pgoff on of pattern @seed. Through backing "huge" a clean
 * EFAULT is allowed. Returns 0 if right, else a code for the exit status.
 */
static int verdict(ssize_t ret, int err, size_t len, const char *buf,
		   size_t pgoff, uint8_t seed)
{
	if (ret < 0)
		return huge && err == EFAULT ? 0 : 10 + (err & 0x3f);
	if ((size_t)ret != len)
		return 2;
	if (!kt_check(buf, kt_page, pgoff, seed) ||
	    !kt_check(buf + kt_page, kt_page, pgoff + 1, seed))
		return 3;
	return 0;
}

/* Another process reads two pages of ours with process_vm_readv(). */
START_TEST(process_vm_readv_reads_mapped_pages)
{
	size_t target;
	char *p;
	pid_t pid;

	/* A kernel without CONFIG_CROSS_MEMORY_ATTACH (the debug kernel). */
	if (process_vm_readv(getpid(), NULL, 0, NULL, 0, 0) < 0 &&
	    errno == ENOSYS)
		KSHM_SKIP("process_vm_readv() is not in this kernel");
	p = map_pages(_i, &target);
	pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *buf = malloc(2 * kt_page);
		struct iovec local = { buf, 2 * kt_page };
		struct iovec remote = { p + target * kt_page, 2 * kt_page };
		ssize_t n = process_vm_readv(getppid(), &local, 1, &remote, 1, 0);

		_exit(verdict(n, errno, 2 * kt_page, buf, target, SEED));
	}
	ck_assert_msg(kt_child_ok(pid), "%s page", how_name[_i]);
	munmap(p, NPAGES * kt_page);
}
END_TEST

/*
 * vmsplice() puts references to the pages themselves in the pipe: what
 * is written through the mapping afterwards is what the pipe gives.
 */
START_TEST(vmsplice_takes_the_region_pages)
{
	size_t target;
	char *p = map_pages(_i, &target), *buf = malloc(2 * kt_page);
	struct iovec iov;
	int pfd[2], v;
	ssize_t n;

	iov.iov_base = p + target * kt_page;
	iov.iov_len = 2 * kt_page;
	ck_assert_int_eq(pipe(pfd), 0);
	n = vmsplice(pfd[1], &iov, 1, 0);
	if (n < 0) {
		ck_assert_msg(huge && errno == EFAULT, "vmsplice: %s",
			      strerror(errno));
		munmap(p, NPAGES * kt_page);
		return;
	}
	ck_assert_int_eq(n, 2 * kt_page);
	kt_fill(p + target * kt_page, kt_page, target, SEED + 1);
	kt_fill(p + (target + 1) * kt_page, kt_page, target + 1, SEED + 1);
	ck_assert_int_eq(read(pfd[0], buf, 2 * kt_page), 2 * kt_page);
	v = verdict(2 * kt_page, 0, 2 * kt_page, buf, target, SEED + 1);
	ck_assert_msg(!v, "%s page: the pipe's data differs (%d)",
		      how_name[_i], v);
	close(pfd[0]);
	close(pfd[1]);
	free(buf);
	munmap(p, NPAGES * kt_page);
}
END_TEST

/*
 * /proc/PID/mem of a process that mapped the region itself: read two
 * pages, and write one, which the region then holds.
 */
START_TEST(proc_pid_mem_reads_and_writes_mapped_pages)
{
	int ready[2], go[2], mem, v;
	char path[64], *buf = malloc(2 * kt_page);
	struct {
		char *p;
		size_t target;
	} msg;
	ssize_t n;
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(go), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fd);
		fd = kt_open(KT_DEV0, O_RDWR);
		msg.p = map_pages(_i, &msg.target);
		if (write(ready[1], &msg, sizeof(msg)) != sizeof(msg) ||
		    read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	ck_assert_int_eq(read(ready[0], &msg, sizeof(msg)), sizeof(msg));
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	mem = kt_open(path, O_RDWR);
	n = pread(mem, buf, 2 * kt_page,
		  (off_t)(uintptr_t)(msg.p + msg.target * kt_page));
	v = verdict(n, errno, 2 * kt_page, buf, msg.target, SEED);
	ck_assert_msg(!v, "%s page: read of /proc/PID/mem: %d", how_name[_i], v);
	kt_fill(buf, kt_page, msg.target, SEED + 2);
	n = pwrite(mem, buf, kt_page,
		   (off_t)(uintptr_t)(msg.p + msg.target * kt_page));
	if (n < 0) {
		ck_assert_msg(huge && errno == EFAULT, "write: %s",
			      strerror(errno));
	} else {
		ck_assert_int_eq(n, kt_page);
		memset(buf, 0, kt_page);
		ck_assert_int_eq(pread(fd, buf, kt_page, msg.target * kt_page),
				 kt_page);
		ck_assert(kt_check(buf, kt_page, msg.target, SEED + 2));
	}
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	ck_assert(kt_child_ok(pid));
	close(mem);
	free(buf);
}
END_TEST

Suite *gup_suite(void)
{
	Suite *s = suite_create("gup");
	TCase *tc = tcase_create("gup");

	tcase_add_checked_fixture(tc, gup_setup, gup_teardown);
	tcase_add_loop_test(tc, process_vm_readv_reads_mapped_pages, FAULTED,
			    PREFAULTED + 1);
	tcase_add_loop_test(tc, vmsplice_takes_the_region_pages, FAULTED,
			    PREFAULTED + 1);
	tcase_add_loop_test(tc, proc_pid_mem_reads_and_writes_mapped_pages,
			    FAULTED, PREFAULTED + 1);
	suite_add_tcase(s, tc);
	return s;
}
