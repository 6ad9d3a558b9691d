// SPDX-License-Identifier: GPL-2.0
/*
 * The control node /dev/kshm: regions made and destroyed at run time,
 * listed, limited, and shared by several processes at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driver-test.h"

#define CTL		"/dev/kshm"
#define PARAMS		"/sys/module/kshm/parameters/"

static int ctl_fd;

static int ctl_create(const char *name, uint64_t size, uint64_t max_size,
		      uint32_t backing, uint32_t mode)
{
	struct kshm_create args = {
		.argsz = sizeof(args), .size = size, .max_size = max_size,
		.backing = backing, .mode = mode,
	};

	snprintf(args.name, sizeof(args.name), "%s", name);
	return ioctl(ctl_fd, KSHM_IOC_CREATE, &args) ? -errno : 0;
}

static int ctl_destroy(const char *name)
{
	struct kshm_destroy args = { 0 };

	snprintf(args.name, sizeof(args.name), "%s", name);
	return ioctl(ctl_fd, KSHM_IOC_DESTROY, &args) ? -errno : 0;
}

/* KSHM_IOC_LIST into @infos; returns the region count or -errno. */
static int ctl_list(struct kshm_info *infos, uint32_t count)
{
	struct kshm_list args = {
		.argsz = sizeof(args), .count = count,
		.entry_size = sizeof(*infos),
		.entries = (uintptr_t)infos,
	};

	return ioctl(ctl_fd, KSHM_IOC_LIST, &args) ? -errno : (int)args.count;
}

static bool listed(const char *node)
{
	struct kshm_info infos[80];
	int n = ctl_list(infos, 80), i;

	ck_assert_int_ge(n, 0);
	for (i = 0; i < n && i < 80; i++)
		if (!strcmp(infos[i].name, node))
			return true;
	return false;
}

static void write_param(const char *name, unsigned long long v)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	f = fopen(path, "w");
	ck_assert_msg(f, "%s: %s", path, strerror(errno));
	fprintf(f, "%llu\n", v);
	ck_assert_int_eq(fclose(f), 0);
}

static void control_setup(void)
{
	kt_setup();
	ctl_fd = kt_open(CTL, O_RDWR);
}

/* The limits back at their defaults, even after a failed test. */
static void control_teardown(void)
{
	write_param("max_regions", 64);
	write_param("max_total_size", 4ULL << 30);
	close(ctl_fd);
}

START_TEST(create_makes_a_node_like_kshmN)
{
	struct kshm_info info;
	struct stat st;
	char *a, *b;
	int fd;

	ck_assert_int_eq(ctl_create("t-basic", 3 * kt_page + 1, KT_SIZE + 1,
				    KSHM_BACKING_PAGES, 0), 0);
	ck_assert_int_eq(stat("/dev/kshm-t-basic", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(kt_sysfs("kshm-t-basic", "size"), 4 * kt_page);
	ck_assert_int_eq(kt_sysfs("kshm-t-basic", "resident_pages"), 0);
	ck_assert(listed("kshm-t-basic"));

	fd = kt_open("/dev/kshm-t-basic", O_RDWR);
	info = kt_info(fd);
	ck_assert_str_eq(info.name, "kshm-t-basic");
	ck_assert_uint_eq(info.index, KSHM_INDEX_NONE);
	ck_assert_uint_eq(info.size, 4 * kt_page);
	ck_assert_uint_eq(info.max_size, KT_SIZE);	/* rounded down */
	ck_assert_uint_eq(info.backing, KSHM_BACKING_PAGES);
	/* Same rules as /dev/kshmN: shared only, pages shared by all. */
	ck_assert(mmap(NULL, kt_page, PROT_READ, MAP_PRIVATE, fd, 0) ==
		  MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	a = kt_map(fd, 4 * kt_page, PROT_READ | PROT_WRITE, 0);
	b = kt_map(fd, 4 * kt_page, PROT_READ, 0);
	kt_fill(a, 4 * kt_page, 0, 5);
	ck_assert(kt_check(b, 4 * kt_page, 0, 5));
	ck_assert_int_eq(kt_sysfs("kshm-t-basic", "mappings"), 2);
	ck_assert_int_eq(kt_set_size(fd, 8 * kt_page), -EBUSY);
	munmap(a, 4 * kt_page);
	munmap(b, 4 * kt_page);
	ck_assert_int_eq(kt_set_size(fd, 8 * kt_page), 0);
	close(fd);
	ck_assert_int_eq(ctl_destroy("t-basic"), 0);
	ck_assert_int_eq(stat("/dev/kshm-t-basic", &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(access("/sys/class/misc/kshm-t-basic", F_OK), -1);
	ck_assert(!listed("kshm-t-basic"));
}
END_TEST

START_TEST(create_mode_and_backing_are_applied)
{
	struct stat st;
	int fd;

	ck_assert_int_eq(ctl_create("t-mode", kt_page, 0, KSHM_BACKING_VMALLOC,
				    0640), 0);
	ck_assert_int_eq(stat("/dev/kshm-t-mode", &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	fd = kt_open("/dev/kshm-t-mode", O_RDONLY);
	ck_assert_uint_eq(kt_info(fd).backing, KSHM_BACKING_VMALLOC);
	ck_assert_uint_eq(kt_info(fd).max_size, kt_page);  /* 0: the size */
	ck_assert_int_eq(kt_sysfs("kshm-t-mode", "resident_pages"), 1);
	close(fd);
	ck_assert_int_eq(ctl_destroy("t-mode"), 0);
}
END_TEST

/* Like unlink(): the node goes at once; open files and mappings stay. */
START_TEST(destroy_keeps_open_files_and_mappings)
{
	char *map, *buf = malloc(2 * kt_page);
	int fd, fd2;

	ck_assert_int_eq(ctl_create("t-unlink", 2 * kt_page, 0,
				    KSHM_BACKING_PAGES, 0), 0);
	fd = kt_open("/dev/kshm-t-unlink", O_RDWR);
	map = kt_map(fd, 2 * kt_page, PROT_READ | PROT_WRITE, 0);
	kt_fill(map, 2 * kt_page, 0, 9);
	ck_assert_int_eq(ctl_destroy("t-unlink"), 0);
	ck_assert_int_eq(open("/dev/kshm-t-unlink", O_RDWR), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(ctl_destroy("t-unlink"), -ENOENT);

	/* The name is free again at once, for a new, empty region. */
	ck_assert_int_eq(ctl_create("t-unlink", 2 * kt_page, 0,
				    KSHM_BACKING_PAGES, 0), 0);
	fd2 = kt_open("/dev/kshm-t-unlink", O_RDWR);
	ck_assert_int_eq(pread(fd2, buf, kt_page, 0), kt_page);
	ck_assert_int_eq(buf[0] | buf[kt_page - 1], 0);

	/* The destroyed region still works through what holds it. */
	ck_assert(kt_check(map, 2 * kt_page, 0, 9));
	ck_assert_int_eq(pread(fd, buf, 2 * kt_page, 0), 2 * kt_page);
	ck_assert(kt_check(buf, 2 * kt_page, 0, 9));
	ck_assert_int_eq(pwrite(fd, buf, kt_page, kt_page), kt_page);
	ck_assert_uint_eq(kt_info(fd).mappings, 1);
	ck_assert_str_eq(kt_info(fd).name, "kshm-t-unlink");
	munmap(map, 2 * kt_page);
	close(fd);
	close(fd2);
	ck_assert_int_eq(ctl_destroy("t-unlink"), 0);
	free(buf);
}
END_TEST

START_TEST(create_bad_arguments_fail_einval)
{
	static const char *const bad_names[] = {
		"", "A", "a.b", "a/b", "a b", "kshm\n",
		"abcdefghijklmnopqrstuvwxyz0",		/* 27 characters */
	};
	struct kshm_create args;
	size_t i;

	for (i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++)
		ck_assert_msg(ctl_create(bad_names[i], kt_page, 0, 0, 0) ==
			      -EINVAL, "name \"%s\"", bad_names[i]);
	ck_assert_int_eq(ctl_create("abcdefghijklmnopqrstuvwxyz", kt_page, 0,
				    0, 0), 0);
	ck_assert_int_eq(ctl_destroy("abcdefghijklmnopqrstuvwxyz"), 0);
	ck_assert_int_eq(ctl_create("t-bad", 0, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(ctl_create("t-bad", 2 * kt_page, kt_page, 0, 0),
			 -EINVAL);
	ck_assert_int_eq(ctl_create("t-bad", kt_page, 100, 0, 0), -EINVAL);
	ck_assert_int_eq(ctl_create("t-bad", kt_page, (64ULL << 30) + kt_page,
				    0, 0), -EINVAL);
	ck_assert_int_eq(ctl_create("t-bad", kt_page, UINT64_MAX, 0, 0),
			 -EINVAL);
	ck_assert_int_eq(ctl_create("t-bad", UINT64_MAX, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(ctl_create("t-bad", kt_page, 0, KSHM_BACKING_HUGE + 1,
				    0), -EINVAL);
	ck_assert_int_eq(ctl_create("t-bad", kt_page, 0, 0, 01000), -EINVAL);
	ck_assert_int_eq(ctl_create("t-bad", kt_page, 0, 0, 0700), -EINVAL);
	ck_assert_int_eq(ctl_create("t-bad", kt_page, 0, 0, 0x10000 | 0600),
			 -EINVAL);

	memset(&args, 0, sizeof(args));
	strcpy(args.name, "t-bad");
	args.size = kt_page;
	args.argsz = KSHM_CREATE_SIZE_VER0 - 1;
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_CREATE, &args), -1);
	ck_assert_int_eq(errno, EINVAL);
	args.argsz = sizeof(args);
	args.flags = 1;
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_CREATE, &args), -1);
	ck_assert_int_eq(errno, EINVAL);
	args.flags = 0;
	args.__reserved[3] = 1;
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_CREATE, &args), -1);
	ck_assert_int_eq(errno, EINVAL);
	args.__reserved[3] = 0;
	memset(args.name, 'a', sizeof(args.name));	/* no NUL */
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_CREATE, &args), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(!listed("kshm-t-bad"));
}
END_TEST

/* A newer caller's larger struct: a zero tail is fine, anything else not. */
START_TEST(create_larger_argsz_needs_zero_tail)
{
	struct {
		struct kshm_create c;
		uint64_t newer[2];
	} big;

	memset(&big, 0, sizeof(big));
	big.c.argsz = sizeof(big);
	big.c.size = kt_page;
	strcpy(big.c.name, "t-big");
	big.newer[1] = 1;
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_CREATE, &big), -1);
	ck_assert_int_eq(errno, E2BIG);
	big.c.argsz = 1 << 20;
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_CREATE, &big), -1);
	ck_assert_int_eq(errno, E2BIG);
	big.c.argsz = sizeof(big);
	big.newer[1] = 0;
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_CREATE, &big), 0);
	ck_assert_int_eq(ctl_destroy("t-big"), 0);
}
END_TEST

START_TEST(create_existing_name_fails_eexist)
{
	ck_assert_int_eq(ctl_create("t-dup", kt_page, 0, 0, 0), 0);
	ck_assert_int_eq(ctl_create("t-dup", 2 * kt_page, 0, 1, 0), -EEXIST);
	ck_assert_int_eq(kt_sysfs("kshm-t-dup", "size"), kt_page);
	ck_assert_int_eq(ctl_destroy("t-dup"), 0);
}
END_TEST

START_TEST(destroy_bad_arguments_fail)
{
	struct kshm_destroy args = { 0 };

	ck_assert_int_eq(ctl_destroy("t-none"), -ENOENT);
	/* Load-time regions are not the control node's to destroy. */
	ck_assert_int_eq(ctl_destroy("kshm0"), -ENOENT);
	ck_assert_int_eq(ctl_destroy("0"), -ENOENT);
	ck_assert(access(KT_DEV0, F_OK) == 0);
	ck_assert_int_eq(ctl_destroy(""), -EINVAL);
	ck_assert_int_eq(ctl_destroy("Bad"), -EINVAL);
	strcpy(args.name, "t-none");
	args.flags = 1;
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_DESTROY, &args), -1);
	ck_assert_int_eq(errno, EINVAL);
	args.flags = 0;
	args.__pad = 1;
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_DESTROY, &args), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(control_on_readonly_fd_lists_but_cannot_change)
{
	struct kshm_create c = { .argsz = sizeof(c), .size = 4096 };
	struct kshm_destroy d = { 0 };
	int ro = kt_open(CTL, O_RDONLY);

	strcpy(c.name, "t-ro");
	strcpy(d.name, "t-ro");
	ck_assert_int_eq(ioctl(ro, KSHM_IOC_CREATE, &c), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(ctl_create("t-ro", kt_page, 0, 0, 0), 0);
	ck_assert_int_eq(ioctl(ro, KSHM_IOC_DESTROY, &d), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(ctl_destroy("t-ro"), 0);
	close(ro);
}
END_TEST

START_TEST(control_refuses_other_calls)
{
	struct kshm_info info = { .argsz = sizeof(info) };
	struct kshm_resize rs = { .size = 4096 };
	char c;

	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_INFO, &info), -1);
	ck_assert_int_eq(errno, ENOTTY);
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_SET_SIZE, &rs), -1);
	ck_assert_int_eq(errno, ENOTTY);
	ck_assert_int_eq(read(ctl_fd, &c, 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(write(ctl_fd, &c, 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(mmap(NULL, kt_page, PROT_READ, MAP_SHARED, ctl_fd, 0) ==
		  MAP_FAILED);
	ck_assert_int_eq(errno, ENODEV);
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_CREATE, NULL), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_LIST, NULL), -1);
	ck_assert_int_eq(errno, EFAULT);
}
END_TEST

START_TEST(control_node_is_root_only)
{
	struct stat st;
	pid_t pid;

	ck_assert_int_eq(stat(CTL, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(st.st_uid, 0);
	pid = fork();
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(open(CTL, O_RDONLY) < 0 && errno == EACCES ? 0 : 1);
	}
	ck_assert(kt_child_ok(pid));
}
END_TEST

START_TEST(list_reports_every_region)
{
	struct kshm_info infos[8], one[1];
	struct kshm_list args;
	int n, i;

	n = ctl_list(NULL, 0);
	ck_assert_int_eq(n, 2);			/* kshm0 and kshm1 */
	ck_assert_int_eq(ctl_create("t-list-a", kt_page, 0, 0, 0), 0);
	ck_assert_int_eq(ctl_create("t-list-b", 2 * kt_page, 4 * kt_page, 1,
				    0), 0);
	memset(infos, 0xff, sizeof(infos));
	ck_assert_int_eq(ctl_list(infos, 8), 4);
	ck_assert_str_eq(infos[0].name, "kshm0");
	ck_assert_uint_eq(infos[0].index, 0);
	ck_assert_str_eq(infos[1].name, "kshm1");
	ck_assert_str_eq(infos[2].name, "kshm-t-list-a");
	ck_assert_uint_eq(infos[2].index, KSHM_INDEX_NONE);
	ck_assert_str_eq(infos[3].name, "kshm-t-list-b");
	ck_assert_uint_eq(infos[3].size, 2 * kt_page);
	ck_assert_uint_eq(infos[3].max_size, 4 * kt_page);
	ck_assert_uint_eq(infos[3].backing, KSHM_BACKING_VMALLOC);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(infos[i].argsz, sizeof(infos[i]));
	ck_assert_uint_eq(infos[4].argsz, 0xffffffff);	/* untouched */

	/* Less room than regions: that many filled, the count is all. */
	memset(one, 0xff, sizeof(one));
	ck_assert_int_eq(ctl_list(one, 1), 4);
	ck_assert_str_eq(one[0].name, "kshm0");

	/* A newer caller's larger entries are laid out at its stride. */
	{
		char wide[3][200];

		memset(wide, 0xff, sizeof(wide));
		args = (struct kshm_list){ .argsz = sizeof(args), .count = 3,
			.entry_size = 200, .entries = (uintptr_t)wide };
		ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_LIST, &args), 0);
		ck_assert_uint_eq(args.count, 4);
		ck_assert_str_eq(((struct kshm_info *)wide[2])->name,
				 "kshm-t-list-a");
		ck_assert_uint_eq(((struct kshm_info *)wide[2])->argsz,
				  sizeof(struct kshm_info));
		ck_assert_uint_eq((uint8_t)wide[2][199], 0xff);
	}
	/*
	 * A count far beyond the regions is not trusted: the kernel sizes
	 * its snapshot by the regions there are, fills those, and says so
	 * (a kernel that allocated for the count would WARN here).
	 */
	memset(infos, 0xff, sizeof(infos));
	ck_assert_int_eq(ctl_list(infos, UINT32_MAX), 4);
	ck_assert_str_eq(infos[3].name, "kshm-t-list-b");
	ck_assert_uint_eq(infos[4].argsz, 0xffffffff);
	ck_assert_int_eq(ctl_destroy("t-list-a"), 0);
	ck_assert_int_eq(ctl_destroy("t-list-b"), 0);
	ck_assert_int_eq(ctl_list(NULL, 0), 2);
}
END_TEST

START_TEST(list_bad_arguments_fail)
{
	struct kshm_info info;
	struct kshm_list args = { .argsz = sizeof(args), .count = 1,
				  .entry_size = sizeof(info),
				  .entries = (uintptr_t)&info };

	args.flags = 1;
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_LIST, &args), -1);
	ck_assert_int_eq(errno, EINVAL);
	args.flags = 0;
	args.entry_size = KSHM_INFO_SIZE_VER0 - 8;
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_LIST, &args), -1);
	ck_assert_int_eq(errno, EINVAL);
	args.entry_size = sizeof(info);
	args.argsz = KSHM_LIST_SIZE_VER0 - 4;
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_LIST, &args), -1);
	ck_assert_int_eq(errno, EINVAL);
	args.argsz = sizeof(args);
	args.entries = 8;			/* no such user address */
	ck_assert_int_eq(ioctl(ctl_fd, KSHM_IOC_LIST, &args), -1);
	ck_assert_int_eq(errno, EFAULT);
}
END_TEST

START_TEST(limits_refuse_with_enospc_until_memory_is_freed)
{
	int fd;

	write_param("max_regions", 2);
	ck_assert_int_eq(ctl_create("t-lim-a", kt_page, 0, 0, 0), 0);
	ck_assert_int_eq(ctl_create("t-lim-b", kt_page, 0, 0, 0), 0);
	ck_assert_int_eq(ctl_create("t-lim-c", kt_page, 0, 0, 0), -ENOSPC);
	/* A destroyed region still open still counts, until it is freed. */
	fd = kt_open("/dev/kshm-t-lim-a", O_RDONLY);
	ck_assert_int_eq(ctl_destroy("t-lim-a"), 0);
	ck_assert_int_eq(ctl_create("t-lim-c", kt_page, 0, 0, 0), -ENOSPC);
	close(fd);
	ck_assert_int_eq(ctl_create("t-lim-c", kt_page, 0, 0, 0), 0);
	ck_assert_int_eq(ctl_destroy("t-lim-b"), 0);
	ck_assert_int_eq(ctl_destroy("t-lim-c"), 0);
	write_param("max_regions", 64);

	/* Total bytes: the sum of max_size of the regions alive. */
	write_param("max_total_size", 4 * KT_SIZE);
	ck_assert_int_eq(ctl_create("t-lim-a", kt_page, 3 * KT_SIZE, 0, 0), 0);
	ck_assert_int_eq(ctl_create("t-lim-b", kt_page, 2 * KT_SIZE, 0, 0),
			 -ENOSPC);
	ck_assert_int_eq(ctl_create("t-lim-b", kt_page, KT_SIZE, 0, 0), 0);
	ck_assert_int_eq(ctl_destroy("t-lim-a"), 0);
	ck_assert_int_eq(ctl_create("t-lim-c", kt_page, 3 * KT_SIZE, 0, 0), 0);
	ck_assert_int_eq(ctl_destroy("t-lim-b"), 0);
	ck_assert_int_eq(ctl_destroy("t-lim-c"), 0);
	write_param("max_total_size", 4ULL << 30);
}
END_TEST

/*
 * Four processes create, open, map, check and destroy regions of three
 * shared names at once, while one more lists. Losing a race is EEXIST or
 * ENOENT; anything else, or a region whose data changes under a process
 * that holds it, is a failure.
 */
static int churn(int id, int rounds)
{
	static const char *const names[] = { "t-race-0", "t-race-1",
					     "t-race-2" };
	char node[64], *map;
	int i, fd, ret;

	for (i = 0; i < rounds; i++) {
		const char *name = names[(i + id) % 3];

		snprintf(node, sizeof(node), "/dev/kshm-%s", name);
		ret = ctl_create(name, 4 * kt_page, 0, (i + id) & 1, 0);
		if (ret && ret != -EEXIST)
			return 10;
		/*
		 * Losing to a destroy: the path is gone (ENOENT), or was
		 * looked up just before and its device is gone (ENODEV).
		 */
		fd = open(node, O_RDWR);
		if (fd < 0 && errno != ENOENT && errno != ENODEV)
			return 11;
		if (fd >= 0) {
			map = mmap(NULL, 4 * kt_page, PROT_READ | PROT_WRITE,
				   MAP_SHARED, fd, 0);
			if (map == MAP_FAILED)
				return 12;
			/* Each process owns its page of every region. */
			kt_fill(map + id * kt_page, kt_page, id, i);
			if (i & 1) {
				ret = ctl_destroy(name);
				if (ret && ret != -ENOENT)
					return 13;
			}
			if (!kt_check(map + id * kt_page, kt_page, id, i))
				return 14;
			munmap(map, 4 * kt_page);
			close(fd);
		}
		ret = ctl_destroy(name);
		if (ret && ret != -ENOENT)
			return 15;
	}
	return 0;
}

static int lister(int rounds)
{
	struct kshm_info infos[16];
	int i, j, n;

	for (i = 0; i < rounds; i++) {
		n = ctl_list(infos, 16);
		if (n < 2 || n > 5)
			return 20;
		for (j = 0; j < n; j++)
			if (infos[j].size > infos[j].max_size ||
			    strncmp(infos[j].name, "kshm", 4))
				return 21;
	}
	return 0;
}

START_TEST(concurrent_create_destroy_open_map)
{
	pid_t pids[5];
	int i;

	for (i = 0; i < 5; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0)
			_exit(i < 4 ? churn(i, 300) : lister(1500));
	}
	for (i = 0; i < 5; i++) {
		int status;

		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert_msg(WIFEXITED(status) && !WEXITSTATUS(status),
			      "process %d failed: status %#x", i, status);
	}
	ck_assert_int_eq(ctl_list(NULL, 0), 2);
	ck_assert_int_eq(access("/dev/kshm-t-race-0", F_OK), -1);
}
END_TEST

Suite *control_suite(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("control");

	tcase_add_checked_fixture(tc, control_setup, control_teardown);
	tcase_add_test(tc, create_makes_a_node_like_kshmN);
	tcase_add_test(tc, create_mode_and_backing_are_applied);
	tcase_add_test(tc, destroy_keeps_open_files_and_mappings);
	tcase_add_test(tc, create_bad_arguments_fail_einval);
	tcase_add_test(tc, create_larger_argsz_needs_zero_tail);
	tcase_add_test(tc, create_existing_name_fails_eexist);
	tcase_add_test(tc, destroy_bad_arguments_fail);
	tcase_add_test(tc, control_on_readonly_fd_lists_but_cannot_change);
	tcase_add_test(tc, control_refuses_other_calls);
	tcase_add_test(tc, control_node_is_root_only);
	tcase_add_test(tc, list_reports_every_region);
	tcase_add_test(tc, list_bad_arguments_fail);
	tcase_add_test(tc, limits_refuse_with_enospc_until_memory_is_freed);
	tcase_add_test(tc, concurrent_create_destroy_open_map);
	suite_add_tcase(s, tc);
	return s;
}
