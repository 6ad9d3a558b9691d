// SPDX-License-Identifier: GPL-2.0
/*
 * kshm_create(), kshm_destroy(), kshm_list() and kshm_open_name() against
 * the driver's control node: regions made at run time, shared, listed and
 * destroyed while still in use. Needs root (the control node is 0600).
 *
 * Every region a test makes is named "libtest-..."; the tcase's unchecked
 * fixture destroys them before and after the tests, so a failed test
 * leaves nothing behind for the next one or for the leak checks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib-test.h"

#define RW (PROT_READ | PROT_WRITE)
#define PREFIX "libtest-"
#define NODE(name) "/dev/kshm-" PREFIX name

/* Destroys every region named PREFIX*, from this run or an earlier one. */
static void destroy_test_regions(void)
{
	int n = kshm_list(NULL, 0);
	struct kshm_info *infos;

	ck_assert_msg(n >= 0, "kshm_list: %s", strerror(-n));
	infos = calloc(n + 1, sizeof(*infos));
	ck_assert_ptr_nonnull(infos);
	n = kshm_list(infos, n + 1);
	ck_assert_msg(n >= 0, "kshm_list: %s", strerror(-n));
	for (int i = 0; i < n; i++)
		if (!strncmp(infos[i].name, "kshm-" PREFIX, strlen("kshm-" PREFIX)))
			kshm_destroy(infos[i].name + strlen("kshm-"));
	free(infos);
}

static void t_create(const char *name, uint64_t size,
		     const struct kshm_create_opts *opts)
{
	int ret = kshm_create(name, size, opts);

	ck_assert_msg(!ret, "kshm_create(%s, %llu): %s", name,
		      (unsigned long long)size, strerror(-ret));
}

static struct kshm *t_open_name(const char *name, int flags)
{
	struct kshm *k = kshm_open_name(name, flags);

	ck_assert_msg(k, "kshm_open_name(%s): %s", name, strerror(errno));
	return k;
}

/* The regions kshm_list() reports now; *n is set to how many. */
static struct kshm_info *t_list(int *n)
{
	int total = kshm_list(NULL, 0), got;
	struct kshm_info *infos;

	ck_assert_msg(total >= 0, "kshm_list: %s", strerror(-total));
	infos = calloc(total + 1, sizeof(*infos));
	ck_assert_ptr_nonnull(infos);
	got = kshm_list(infos, total + 1);
	ck_assert_int_eq(got, total);
	*n = got;
	return infos;
}

/* The position of node @node in @infos, or -1. */
static int t_find(const struct kshm_info *infos, int n, const char *node)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(infos[i].name, node))
			return i;
	return -1;
}

static unsigned long long module_param(const char *name, unsigned long long dflt)
{
	char path[128], buf[32];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/kshm/parameters/%s", name);
	f = fopen(path, "r");
	if (!f)
		return dflt;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return buf[0] ? strtoull(buf, NULL, 0) : dflt;
}

START_TEST(create_makes_a_node_that_opens_by_name)
{
	struct kshm *k;
	struct kshm_info info;
	struct stat st;

	t_create(PREFIX "a", 2 * t_page(), NULL);
	ck_assert_int_eq(stat(NODE("a"), &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	k = t_open_name(PREFIX "a", O_RDWR);
	info = t_info(k);
	ck_assert_str_eq(info.name, "kshm-" PREFIX "a");
	ck_assert_uint_eq(info.index, KSHM_INDEX_NONE);
	ck_assert_uint_eq(info.size, 2 * t_page());
	ck_assert_uint_eq(info.max_size, 2 * t_page());
	ck_assert_uint_eq(info.backing, KSHM_BACKING_PAGES);
	ck_assert_uint_eq(info.resident_pages, 0);
	ck_assert_uint_eq(info.mappings, 0);
	ck_assert_uint_eq(info.argsz, sizeof(info));
	ck_assert_uint_eq(info.mask & KSHM_INFO_NAME, KSHM_INFO_NAME);
	ck_assert_uint_eq(info.mask & KSHM_INFO_INDEX, KSHM_INFO_INDEX);
	kshm_close(k);
}
END_TEST

START_TEST(create_leaves_errno_alone_on_success)
{
	struct kshm_info one;

	errno = 4321;
	t_create(PREFIX "errno", t_page(), NULL);
	ck_assert_int_gt(kshm_list(&one, 1), 0);
	ck_assert_int_eq(kshm_destroy(PREFIX "errno"), 0);
	ck_assert_int_eq(errno, 4321);
}
END_TEST

START_TEST(created_region_is_shared_between_handles_and_processes)
{
	struct kshm *a, *b;
	char *pa, *pb, in[32] = "";
	int status;
	pid_t pid;

	t_create(PREFIX "share", 4 * t_page(), NULL);
	a = t_open_name(PREFIX "share", O_RDWR);
	b = kshm_open(NODE("share"), O_RDONLY);
	ck_assert_msg(b, "kshm_open: %s", strerror(errno));
	pa = kshm_map(a, 0, 4 * t_page(), RW);
	pb = kshm_map(b, 0, 4 * t_page(), PROT_READ);
	ck_assert_ptr_nonnull(pa);
	ck_assert_ptr_nonnull(pb);
	strcpy(pa + 3 * t_page(), "written through a");
	ck_assert_str_eq(pb + 3 * t_page(), "written through a");
	ck_assert_int_eq(pread(kshm_fd(b), in, 18, 3 * t_page()), 18);
	ck_assert_str_eq(in, "written through a");

	/* A process that only knows the name writes; both mappings see it. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		struct kshm *c = kshm_open_name(PREFIX "share", O_RDWR);
		char *pc = c ? kshm_map(c, t_page(), t_page(), RW) : NULL;

		if (!pc)
			_exit(1);
		strcpy(pc, "from the child");
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && !WEXITSTATUS(status));
	ck_assert_str_eq(pa + t_page(), "from the child");
	ck_assert_str_eq(pb + t_page(), "from the child");
	ck_assert_uint_eq(t_info(a).mappings, 2);

	ck_assert_int_eq(kshm_unmap(pa, 4 * t_page()), 0);
	ck_assert_int_eq(kshm_unmap(pb, 4 * t_page()), 0);
	kshm_close(a);
	kshm_close(b);
}
END_TEST

START_TEST(create_rounds_size_up_and_max_size_down)
{
	KSHM_OPTS(kshm_create_opts, opts, .max_size = 3 * t_page() + 1);
	struct kshm *k;
	struct kshm_info info;

	t_create(PREFIX "round", 1, &opts);
	k = t_open_name(PREFIX "round", O_RDWR);
	info = t_info(k);
	ck_assert_uint_eq(info.size, t_page());
	ck_assert_uint_eq(info.max_size, 3 * t_page());
	t_resize(k, 3 * t_page());
	ck_assert_uint_eq(t_info(k).size, 3 * t_page());
	ck_assert_int_eq(kshm_resize(k, 3 * t_page() + 1), -EINVAL);
	kshm_close(k);
}
END_TEST

START_TEST(create_with_vmalloc_backing)
{
	KSHM_OPTS(kshm_create_opts, opts, .backing = KSHM_BACKING_VMALLOC,
		  .max_size = 8 * t_page());
	struct kshm *k;
	struct kshm_info info;
	char out[] = "vmalloc", in[sizeof(out)] = "";

	t_create(PREFIX "vm", 2 * t_page(), &opts);
	k = t_open_name(PREFIX "vm", O_RDWR);
	info = t_info(k);
	ck_assert_uint_eq(info.backing, KSHM_BACKING_VMALLOC);
	ck_assert_uint_eq(info.size, 2 * t_page());
	ck_assert_uint_eq(info.max_size, 8 * t_page());
	ck_assert_int_eq(pwrite(kshm_fd(k), out, sizeof(out), t_page()), sizeof(out));
	t_resize(k, 8 * t_page());
	ck_assert_int_eq(pread(kshm_fd(k), in, sizeof(in), t_page()), sizeof(in));
	ck_assert_str_eq(in, out);
	kshm_close(k);
}
END_TEST

START_TEST(create_mode_sets_node_permissions)
{
	KSHM_OPTS(kshm_create_opts, opts, .mode = 0640);
	struct stat st;

	t_create(PREFIX "mode", t_page(), &opts);
	ck_assert_int_eq(stat(NODE("mode"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0640);
}
END_TEST

/* Fields past opts->sz are not the caller's: the library must not read them. */
START_TEST(create_ignores_fields_past_opts_size)
{
	struct kshm_create_opts older = {
		.sz = offsetof(struct kshm_create_opts, backing),
		.max_size = 2 * t_page(),
		.backing = 0xbad,
		.mode = 0xbad,
	};
	struct kshm *k;

	t_create(PREFIX "older", t_page(), &older);
	k = t_open_name(PREFIX "older", O_RDONLY);
	ck_assert_uint_eq(t_info(k).backing, KSHM_BACKING_PAGES);
	ck_assert_uint_eq(t_info(k).max_size, 2 * t_page());
	kshm_close(k);
}
END_TEST

static void expect_create_fails(const char *name, uint64_t size,
				const struct kshm_create_opts *opts, int err)
{
	int ret;

	errno = 0;
	ret = kshm_create(name, size, opts);
	ck_assert_msg(ret == -err, "kshm_create(%s, %llu) = %d (%s), want %d",
		      name, (unsigned long long)size, ret, strerror(-ret), -err);
	ck_assert_int_eq(errno, err);
}

START_TEST(create_refuses_what_the_driver_cannot_make)
{
	KSHM_OPTS(kshm_create_opts, below, .max_size = t_page());
	KSHM_OPTS(kshm_create_opts, huge, .max_size = (64ULL << 30) + t_page());
	KSHM_OPTS(kshm_create_opts, backing, .backing = 7);
	KSHM_OPTS(kshm_create_opts, exec, .mode = 0755);
	KSHM_OPTS(kshm_create_opts, suid, .mode = 04600);
	/* Not a umode_t: bits above 16 must not be cut off to 0600. */
	KSHM_OPTS(kshm_create_opts, wide, .mode = 0x10000 | 0600);

	expect_create_fails(PREFIX "bad", 2 * t_page(), &below, EINVAL);
	expect_create_fails(PREFIX "bad", t_page(), &huge, EINVAL);
	expect_create_fails(PREFIX "bad", t_page(), &backing, EINVAL);
	expect_create_fails(PREFIX "bad", t_page(), &exec, EINVAL);
	expect_create_fails(PREFIX "bad", t_page(), &suid, EINVAL);
	expect_create_fails(PREFIX "bad", t_page(), &wide, EINVAL);
	errno = 0;
	ck_assert_ptr_null(kshm_open_name(PREFIX "bad", O_RDONLY));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

#define MIB (1ULL << 20)

/* The size rounds up to whole 2 MiB blocks (max_size down: below). */
START_TEST(create_with_huge_backing)
{
	KSHM_OPTS(kshm_create_opts, opts, .backing = KSHM_BACKING_HUGE,
		  .max_size = 4 * MIB);
	struct kshm *k;
	struct kshm_info info;
	char backing[16] = "";
	FILE *f;

	t_create(PREFIX "huge", t_page(), &opts);
	k = t_open_name(PREFIX "huge", O_RDWR);
	info = t_info(k);
	ck_assert_uint_eq(info.backing, KSHM_BACKING_HUGE);
	ck_assert_uint_eq(info.size, 2 * MIB);
	ck_assert_uint_eq(info.max_size, 4 * MIB);
	ck_assert_uint_eq(info.resident_pages, 0);
	f = fopen("/sys/class/misc/kshm-" PREFIX "huge/backing", "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(backing, sizeof(backing), f));
	fclose(f);
	ck_assert_str_eq(backing, "huge\n");
	t_resize(k, 2 * MIB + 1);
	ck_assert_uint_eq(t_info(k).size, 4 * MIB);
	ck_assert_int_eq(kshm_resize(k, 4 * MIB + 1), -EINVAL);
	kshm_close(k);
}
END_TEST

START_TEST(create_huge_below_2mib_fails_einval)
{
	KSHM_OPTS(kshm_create_opts, one, .backing = KSHM_BACKING_HUGE,
		  .max_size = MIB);
	KSHM_OPTS(kshm_create_opts, almost, .backing = KSHM_BACKING_HUGE,
		  .max_size = 2 * MIB - t_page());

	expect_create_fails(PREFIX "hugebad", t_page(), &one, EINVAL);
	expect_create_fails(PREFIX "hugebad", t_page(), &almost, EINVAL);
	errno = 0;
	ck_assert_ptr_null(kshm_open_name(PREFIX "hugebad", O_RDONLY));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(create_existing_name_fails_eexist_and_keeps_the_region)
{
	struct kshm *k;
	char in[8] = "";

	t_create(PREFIX "dup", t_page(), NULL);
	k = t_open_name(PREFIX "dup", O_RDWR);
	ck_assert_int_eq(pwrite(kshm_fd(k), "first", 6, 0), 6);
	expect_create_fails(PREFIX "dup", 4 * t_page(), NULL, EEXIST);
	kshm_close(k);
	k = t_open_name(PREFIX "dup", O_RDONLY);
	ck_assert_uint_eq(t_info(k).size, t_page());
	ck_assert_int_eq(pread(kshm_fd(k), in, 6, 0), 6);
	ck_assert_str_eq(in, "first");
	kshm_close(k);
}
END_TEST

START_TEST(destroy_removes_the_node_but_open_handles_keep_working)
{
	struct kshm *k, *again;
	char *p, in[16] = "", zero[16] = { 0 };

	t_create(PREFIX "gone", 2 * t_page(), NULL);
	k = t_open_name(PREFIX "gone", O_RDWR);
	p = kshm_map(k, 0, 2 * t_page(), RW);
	ck_assert_ptr_nonnull(p);
	strcpy(p, "before destroy");

	ck_assert_int_eq(kshm_destroy(PREFIX "gone"), 0);
	ck_assert_int_eq(access(NODE("gone"), F_OK), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_ptr_null(kshm_open_name(PREFIX "gone", O_RDONLY));
	ck_assert_int_eq(errno, ENOENT);

	/* The handle and the mapping still reach the same memory. */
	ck_assert_str_eq(p, "before destroy");
	strcpy(p + t_page(), "after destroy");
	ck_assert_int_eq(pread(kshm_fd(k), in, 14, t_page()), 14);
	ck_assert_str_eq(in, "after destroy");
	ck_assert_uint_eq(t_info(k).mappings, 1);
	ck_assert_uint_eq(t_info(k).size, 2 * t_page());

	/* The name is free at once, for a new region with its own memory. */
	t_create(PREFIX "gone", t_page(), NULL);
	again = t_open_name(PREFIX "gone", O_RDWR);
	ck_assert_int_eq(pread(kshm_fd(again), in, sizeof(in), 0), sizeof(in));
	ck_assert_mem_eq(in, zero, sizeof(in));
	ck_assert_int_eq(pwrite(kshm_fd(again), "new", 4, 0), 4);
	ck_assert_str_eq(p, "before destroy");
	kshm_close(again);

	ck_assert_int_eq(kshm_unmap(p, 2 * t_page()), 0);
	kshm_close(k);
}
END_TEST

START_TEST(destroy_unknown_name_fails_enoent)
{
	errno = 0;
	ck_assert_int_eq(kshm_destroy(PREFIX "never-made"), -ENOENT);
	ck_assert_int_eq(errno, ENOENT);
	t_create(PREFIX "twice", t_page(), NULL);
	ck_assert_int_eq(kshm_destroy(PREFIX "twice"), 0);
	ck_assert_int_eq(kshm_destroy(PREFIX "twice"), -ENOENT);
}
END_TEST

START_TEST(destroy_cannot_remove_load_time_regions)
{
	ck_assert_int_eq(kshm_destroy("kshm0"), -ENOENT);
	ck_assert_int_eq(kshm_destroy("0"), -ENOENT);
	ck_assert_int_eq(access("/dev/kshm0", F_OK), 0);
	kshm_close(t_open(0, O_RDONLY));
}
END_TEST

START_TEST(open_name_unknown_fails_enoent)
{
	errno = 0;
	ck_assert_ptr_null(kshm_open_name(PREFIX "never-made", O_RDWR));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(list_sees_created_regions_in_order_until_destroyed)
{
	struct kshm_info *infos;
	int n0, n, a, b;

	free(t_list(&n0));
	t_create(PREFIX "list-a", t_page(), NULL);
	t_create(PREFIX "list-b", 3 * t_page(), NULL);
	infos = t_list(&n);
	ck_assert_int_eq(n, n0 + 2);
	/* Load-time regions first, by index; then creation order. */
	ck_assert_int_ge(n, 4);
	ck_assert_str_eq(infos[0].name, "kshm0");
	ck_assert_uint_eq(infos[0].index, 0);
	ck_assert_str_eq(infos[1].name, "kshm1");
	ck_assert_uint_eq(infos[1].index, 1);
	a = t_find(infos, n, "kshm-" PREFIX "list-a");
	b = t_find(infos, n, "kshm-" PREFIX "list-b");
	ck_assert_int_ge(a, 2);
	ck_assert_int_gt(b, a);
	ck_assert_uint_eq(infos[a].index, KSHM_INDEX_NONE);
	ck_assert_uint_eq(infos[a].size, t_page());
	ck_assert_uint_eq(infos[b].size, 3 * t_page());
	ck_assert_uint_eq(infos[b].argsz, sizeof(infos[b]));
	ck_assert_uint_eq(infos[b].mask & KSHM_INFO_NAME, KSHM_INFO_NAME);
	ck_assert_uint_eq(infos[b].page_size, t_page());
	free(infos);

	ck_assert_int_eq(kshm_destroy(PREFIX "list-a"), 0);
	infos = t_list(&n);
	ck_assert_int_eq(n, n0 + 1);
	ck_assert_int_eq(t_find(infos, n, "kshm-" PREFIX "list-a"), -1);
	ck_assert_int_ge(t_find(infos, n, "kshm-" PREFIX "list-b"), 2);
	free(infos);
}
END_TEST

START_TEST(list_entry_matches_info_of_the_region)
{
	struct kshm *k = t_open(1, O_RDONLY);
	struct kshm_info info = t_info(k), infos[2];

	ck_assert_int_ge(kshm_list(infos, 2), 2);
	ck_assert_str_eq(infos[1].name, info.name);
	ck_assert_uint_eq(infos[1].size, info.size);
	ck_assert_uint_eq(infos[1].max_size, info.max_size);
	ck_assert_uint_eq(infos[1].backing, info.backing);
	ck_assert_uint_eq(infos[1].mask, info.mask);
	kshm_close(k);
}
END_TEST

START_TEST(list_with_less_room_fills_only_that_much)
{
	struct kshm_info infos[3];
	int n;

	memset(infos, 0xa5, sizeof(infos));
	t_create(PREFIX "room", t_page(), NULL);
	n = kshm_list(infos, 1);
	ck_assert_int_ge(n, 3);
	ck_assert_str_eq(infos[0].name, "kshm0");
	/* Past @count the caller's memory is not touched. */
	ck_assert_uint_eq(infos[1].argsz, 0xa5a5a5a5);
	ck_assert_uint_eq(infos[2].size, 0xa5a5a5a5a5a5a5a5ULL);
	ck_assert_int_eq(kshm_list(NULL, 0), n);
}
END_TEST

START_TEST(create_past_region_limit_fails_enospc)
{
	unsigned long long limit = module_param("max_regions", 64);
	char name[KSHM_NAME_MAX];
	unsigned int made = 0;
	int ret;

	ck_assert_uint_le(limit, 4096);
	for (;;) {
		snprintf(name, sizeof(name), PREFIX "n%u", made);
		ret = kshm_create(name, t_page(), NULL);
		if (ret)
			break;
		ck_assert_uint_le(++made, limit);
	}
	ck_assert_msg(ret == -ENOSPC, "create #%u: %s, want ENOSPC", made,
		      strerror(-ret));
	ck_assert_uint_gt(made, 0);
	/* One destroyed, one more fits. */
	ck_assert_int_eq(kshm_destroy(PREFIX "n0"), 0);
	t_create(PREFIX "n0", t_page(), NULL);
	expect_create_fails(PREFIX "one-more", t_page(), NULL, ENOSPC);
}
END_TEST

/*
 * The limit on the sum of max_size counts a destroyed region until its
 * last handle is closed: its memory is still in use.
 */
START_TEST(destroyed_region_counts_against_the_limit_until_closed)
{
	unsigned long long total = module_param("max_total_size", 4ULL << 30);
	KSHM_OPTS(kshm_create_opts, all, .max_size = total);
	KSHM_OPTS(kshm_create_opts, over, .max_size = total + t_page());
	struct kshm *k;

	ck_assert_uint_le(total, 64ULL << 30);
	if (total + t_page() <= (64ULL << 30))
		expect_create_fails(PREFIX "over", t_page(), &over, ENOSPC);
	t_create(PREFIX "all", t_page(), &all);
	expect_create_fails(PREFIX "more", t_page(), NULL, ENOSPC);
	k = t_open_name(PREFIX "all", O_RDONLY);
	ck_assert_int_eq(kshm_destroy(PREFIX "all"), 0);
	expect_create_fails(PREFIX "more", t_page(), NULL, ENOSPC);
	kshm_close(k);
	t_create(PREFIX "more", t_page(), NULL);
}
END_TEST

/*
 * A huge region's max_size rounds down to 2 MiB blocks; what it took
 * from max_total_size must all come back when it is freed, whatever
 * max_size it was asked for.
 */
START_TEST(huge_max_size_rounds_down_and_comes_back_whole)
{
	unsigned long long total = module_param("max_total_size", 4ULL << 30);
	KSHM_OPTS(kshm_create_opts, huge, .backing = KSHM_BACKING_HUGE,
		  .max_size = 5 * MIB);
	KSHM_OPTS(kshm_create_opts, all, .max_size = total);
	struct kshm *k;

	ck_assert_uint_le(total, 64ULL << 30);
	t_create(PREFIX "all", t_page(), &all);
	ck_assert_int_eq(kshm_destroy(PREFIX "all"), 0);
	t_create(PREFIX "huge", t_page(), &huge);
	k = t_open_name(PREFIX "huge", O_RDONLY);
	ck_assert_uint_eq(t_info(k).max_size, 4 * MIB);
	kshm_close(k);
	/* Nothing holds it now: freed at once, the whole limit free again. */
	ck_assert_int_eq(kshm_destroy(PREFIX "huge"), 0);
	t_create(PREFIX "all", t_page(), &all);
}
END_TEST

Suite *create_suite(void)
{
	Suite *s = suite_create("create");
	TCase *tc = tcase_create("control");

	tcase_add_unchecked_fixture(tc, destroy_test_regions,
				    destroy_test_regions);
	tcase_add_test(tc, create_makes_a_node_that_opens_by_name);
	tcase_add_test(tc, create_leaves_errno_alone_on_success);
	tcase_add_test(tc, created_region_is_shared_between_handles_and_processes);
	tcase_add_test(tc, create_rounds_size_up_and_max_size_down);
	tcase_add_test(tc, create_with_vmalloc_backing);
	tcase_add_test(tc, create_with_huge_backing);
	tcase_add_test(tc, create_huge_below_2mib_fails_einval);
	tcase_add_test(tc, create_mode_sets_node_permissions);
	tcase_add_test(tc, create_ignores_fields_past_opts_size);
	tcase_add_test(tc, create_refuses_what_the_driver_cannot_make);
	tcase_add_test(tc, create_existing_name_fails_eexist_and_keeps_the_region);
	tcase_add_test(tc, destroy_removes_the_node_but_open_handles_keep_working);
	tcase_add_test(tc, destroy_unknown_name_fails_enoent);
	tcase_add_test(tc, destroy_cannot_remove_load_time_regions);
	tcase_add_test(tc, open_name_unknown_fails_enoent);
	tcase_add_test(tc, list_sees_created_regions_in_order_until_destroyed);
	tcase_add_test(tc, list_entry_matches_info_of_the_region);
	tcase_add_test(tc, list_with_less_room_fills_only_that_much);
	suite_add_tcase(s, tc);

	/* Each fills a limit, so each has a tcase: the fixture empties it. */
	tc = tcase_create("region-limit");
	tcase_add_unchecked_fixture(tc, destroy_test_regions,
				    destroy_test_regions);
	tcase_add_test(tc, create_past_region_limit_fails_enospc);
	suite_add_tcase(s, tc);

	tc = tcase_create("size-limit");
	tcase_add_unchecked_fixture(tc, destroy_test_regions,
				    destroy_test_regions);
	tcase_add_test(tc, destroyed_region_counts_against_the_limit_until_closed);
	suite_add_tcase(s, tc);

	tc = tcase_create("huge-limit");
	tcase_add_unchecked_fixture(tc, destroy_test_regions,
				    destroy_test_regions);
	tcase_add_test(tc, huge_max_size_rounds_down_and_comes_back_whole);
	suite_add_tcase(s, tc);
	return s;
}
