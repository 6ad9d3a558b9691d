// SPDX-License-Identifier: GPL-2.0
/*
 * What one user of a region cannot do to others: grow past its memory
 * cgroup's limit (pages are charged to the toucher, a vmalloc area to the
 * resizer), or see data that
 * another region or an earlier size left behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driver-test.h"

#define CGROUP		"/sys/fs/cgroup/kshm-test"
#define LIMIT		(8 * 1024 * 1024)
#define REGION		(32 * 1024 * 1024)

static void write_file(const char *path, const char *s)
{
	int fd = kt_open(path, O_WRONLY);

	ck_assert_msg(write(fd, s, strlen(s)) == (ssize_t)strlen(s),
		      "write %s to %s: %s", s, path, strerror(errno));
	close(fd);
}

/* In the child: join the cgroup, then fill the region page by page. */
static void fill_in_cgroup(bool by_mapping)
{
	char pid[32], *page = malloc(kt_page), *map = NULL;
	int cg = open(CGROUP "/cgroup.procs", O_WRONLY);
	int fd = open(KT_DEV0, O_RDWR);
	size_t i;

	snprintf(pid, sizeof(pid), "%d", getpid());
	if (cg < 0 || fd < 0 || !page || write(cg, pid, strlen(pid)) < 0)
		_exit(2);
	close(cg);
	memset(page, 0x77, kt_page);
	if (by_mapping) {
		map = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_SHARED,
			   fd, 0);
		if (map == MAP_FAILED)
			_exit(3);
	}
	for (i = 0; i < REGION / kt_page; i++) {
		if (map)
			memcpy(map + i * kt_page, page, kt_page);
		else if (pwrite(fd, page, kt_page, i * kt_page) != (ssize_t)kt_page)
			_exit(errno == ENOMEM ? 0 : 4);
	}
	_exit(5);	/* the limit never bit */
}

static void region_stops_at_cgroup_limit(bool by_mapping)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	long long resident, before;
	int status;
	pid_t pid;

	ck_assert_int_eq(kt_set_size(fd, REGION), 0);
	if (access(CGROUP, F_OK))
		ck_assert_int_eq(mkdir(CGROUP, 0755), 0);
	write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
	write_file(CGROUP "/memory.max", "8M");

	before = kt_sysfs("kshm0", "resident_pages");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		fill_in_cgroup(by_mapping);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	/*
	 * Stopped by ENOMEM (pwrite) or by the memcg OOM killer; for a
	 * 2 MiB block of backing "huge", which the memcg never OOM-kills
	 * for, by SIGBUS (as hugetlbfs).
	 */
	ck_assert_msg((WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
		      (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ||
		      (WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS &&
		       by_mapping && kt_backing() == KSHM_BACKING_HUGE),
		      "child status %#x", status);
	/* Pages resident before were charged elsewhere. */
	resident = kt_sysfs("kshm0", "resident_pages") - before;
	ck_assert_msg(resident > 0 && resident * (long long)kt_page <= LIMIT,
		      "%lld new pages resident with an 8 MiB limit", resident);
	/* Shrinking gives the charged pages back; the group can go. */
	ck_assert_int_eq(kt_set_size(fd, KT_SIZE), 0);
	ck_assert_int_eq(rmdir(CGROUP), 0);
}

START_TEST(region_cannot_grow_past_cgroup_limit_by_write)
{
	region_stops_at_cgroup_limit(false);
}
END_TEST

START_TEST(region_cannot_grow_past_cgroup_limit_by_fault)
{
	region_stops_at_cgroup_limit(true);
}
END_TEST

/*
 * In the child: join the cgroup and resize. Backing "vmalloc" allocates
 * the whole area at resize, charged to the resizer: past the limit the
 * resize fails with ENOMEM (no OOM kill), within it the group pays.
 */
static void resize_in_cgroup(void)
{
	int cg = open(CGROUP "/cgroup.procs", O_WRONLY);
	int fd = open(KT_DEV0, O_RDWR);
	struct kshm_resize rs = { .size = REGION };
	long long current = 0;
	char pid[32];
	FILE *f;

	snprintf(pid, sizeof(pid), "%d", getpid());
	if (cg < 0 || fd < 0 || write(cg, pid, strlen(pid)) < 0)
		_exit(2);
	close(cg);
	if (!ioctl(fd, KSHM_IOC_SET_SIZE, &rs) || errno != ENOMEM)
		_exit(3);	/* 32 MiB must not fit in 8 */
	rs.size = LIMIT / 2;
	if (ioctl(fd, KSHM_IOC_SET_SIZE, &rs))
		_exit(4);
	f = fopen(CGROUP "/memory.current", "r");
	if (!f || fscanf(f, "%lld", &current) != 1)
		_exit(5);
	_exit(current >= LIMIT / 2 ? 0 : 6);
}

START_TEST(vmalloc_region_cannot_grow_past_cgroup_limit)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	pid_t pid;

	if (access(CGROUP, F_OK))
		ck_assert_int_eq(mkdir(CGROUP, 0755), 0);
	write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
	write_file(CGROUP "/memory.max", "8M");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		resize_in_cgroup();
	ck_assert_msg(kt_child_ok(pid), "the resize was not charged");
	ck_assert_uint_eq(kt_info(fd).size, LIMIT / 2);
	ck_assert_int_eq(kt_set_size(fd, KT_SIZE), 0);
	ck_assert_int_eq(rmdir(CGROUP), 0);
}
END_TEST

START_TEST(fresh_pages_never_show_old_data)
{
	int fd0 = kt_open(KT_DEV0, O_RDWR), fd1 = kt_open(KT_DEV1, O_RDWR);
	size_t npages = 4 * KT_SIZE / kt_page, i, j, kept;
	char *map;

	/* Fill kshm1, then free its pages so the allocator may reuse them. */
	ck_assert_int_eq(kt_set_size(fd1, 4 * KT_SIZE), 0);
	map = kt_map(fd1, 4 * KT_SIZE, PROT_READ | PROT_WRITE, 0);
	memset(map, 0xee, 4 * KT_SIZE);
	munmap(map, 4 * KT_SIZE);
	ck_assert_int_eq(kt_set_size(fd1, kt_page), 0);
	/* What the shrink kept of kshm1: a page, or a 2 MiB block. */
	kept = kt_info(fd1).size / kt_page;

	/* Fresh pages of kshm0, and of kshm1 grown back, read as zeros. */
	ck_assert_int_eq(kt_set_size(fd0, 4 * KT_SIZE), 0);
	ck_assert_int_eq(kt_set_size(fd1, 4 * KT_SIZE), 0);
	for (j = 0; j < 2; j++) {
		map = kt_map(j ? fd1 : fd0, 4 * KT_SIZE, PROT_READ, 0);
		for (i = j ? kept : 1; i < npages; i++) {
			const char *p = map + i * kt_page;

			ck_assert_msg(!p[0] && !memcmp(p, p + 1, kt_page - 1),
				      "kshm%zu page %zu not zero", j, i);
		}
		munmap(map, 4 * KT_SIZE);
	}
}
END_TEST

Suite *security_suite(void)
{
	Suite *s = suite_create("security");
	TCase *tc = kt_tcase("security");
	char backing[16] = "";
	FILE *f = fopen("/sys/class/misc/kshm0/backing", "r");

	if (f) {
		if (!fgets(backing, sizeof(backing), f))
			backing[0] = 0;
		fclose(f);
	}
	/*
	 * Backings "pages" and "huge" allocate on touch, charged to the
	 * toucher; "vmalloc" at resize, charged to the resizer.
	 */
	if (strcmp(backing, "vmalloc\n")) {
		tcase_add_test(tc, region_cannot_grow_past_cgroup_limit_by_write);
		tcase_add_test(tc, region_cannot_grow_past_cgroup_limit_by_fault);
	} else {
		tcase_add_test(tc, vmalloc_region_cannot_grow_past_cgroup_limit);
	}
	tcase_add_test(tc, fresh_pages_never_show_old_data);
	suite_add_tcase(s, tc);
	return s;
}
