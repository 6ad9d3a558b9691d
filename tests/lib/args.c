// SPDX-License-Identifier: GPL-2.0
/*
 * Argument checking: every call refuses bad arguments with -EINVAL (or
 * NULL and errno EINVAL) before it makes a system call, and never crashes.
 *
 * The calls on the control node prove "before any system call" by running
 * with no descriptor left to open: a call that checked its arguments
 * first says EINVAL, one that went on to open(2) says EMFILE. So these
 * tests mean the same with or without the driver loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "lib-test.h"

START_TEST(open_null_path_fails_einval)
{
	errno = 0;
	ck_assert_ptr_null(kshm_open(NULL, O_RDWR));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(open_write_only_fails_einval)
{
	errno = 0;
	ck_assert_ptr_null(kshm_open("/dev/kshm0", O_WRONLY));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(open_extra_flags_fail_einval)
{
	static const int extra[] = { O_CREAT, O_TRUNC, O_APPEND, O_NONBLOCK,
				     O_CLOEXEC, -1 };

	for (unsigned int i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		errno = 0;
		ck_assert_ptr_null(kshm_open("/dev/kshm0", O_RDWR | extra[i]));
		ck_assert_int_eq(errno, EINVAL);
	}
}
END_TEST

START_TEST(open_index_extra_flags_fail_einval)
{
	errno = 0;
	ck_assert_ptr_null(kshm_open_index(0, O_RDWR | O_CREAT));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(close_null_is_a_no_op)
{
	errno = 1234;
	kshm_close(NULL);
	ck_assert_int_eq(errno, 1234);
}
END_TEST

START_TEST(fd_null_handle_fails_einval)
{
	ck_assert_int_eq(kshm_fd(NULL), -EINVAL);
}
END_TEST

START_TEST(info_null_handle_fails_einval)
{
	struct kshm_info info;

	ck_assert_int_eq(kshm_info(NULL, &info), -EINVAL);
}
END_TEST

START_TEST(resize_null_handle_fails_einval)
{
	ck_assert_int_eq(kshm_resize(NULL, 1 << 20), -EINVAL);
}
END_TEST

START_TEST(set_fault_policy_null_handle_fails_einval)
{
	ck_assert_int_eq(kshm_set_fault_policy(NULL, 0, 0), -EINVAL);
	ck_assert_int_eq(kshm_set_fault_policy(NULL, 16, KSHM_FAULT_PREFAULT), -EINVAL);
}
END_TEST

START_TEST(map_null_handle_fails_einval)
{
	errno = 0;
	ck_assert_ptr_null(kshm_map(NULL, 0, t_page(), PROT_READ));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(unmap_null_address_fails_einval)
{
	ck_assert_int_eq(kshm_unmap(NULL, t_page()), -EINVAL);
}
END_TEST

START_TEST(unmap_zero_length_fails_einval)
{
	static char page[1 << 16] __attribute__((aligned(1 << 16)));

	ck_assert_int_eq(kshm_unmap(page, 0), -EINVAL);
}
END_TEST

START_TEST(unmap_unaligned_address_fails_einval)
{
	static char page[1 << 16] __attribute__((aligned(1 << 16)));

	ck_assert_int_eq(kshm_unmap(page + 1, t_page()), -EINVAL);
}
END_TEST

START_TEST(unmap_overflowing_range_fails_einval)
{
	void *top = (void *)(~(uintptr_t)0 & ~(uintptr_t)(t_page() - 1));

	ck_assert_int_eq(kshm_unmap(top, 2 * t_page()), -EINVAL);
}
END_TEST

/* Each int call also sets errno to what it returns, as libbpf's do. */
#define EXPECT_INT_EINVAL(call) do {					\
	errno = 1234;							\
	ck_assert_int_eq((call), -EINVAL);				\
	ck_assert_msg(errno == EINVAL, "%s left errno %d", #call, errno); \
} while (0)

START_TEST(int_calls_set_errno_on_failure)
{
	struct kshm_info info;

	EXPECT_INT_EINVAL(kshm_fd(NULL));
	EXPECT_INT_EINVAL(kshm_info(NULL, &info));
	EXPECT_INT_EINVAL(kshm_resize(NULL, 0));
	EXPECT_INT_EINVAL(kshm_set_fault_policy(NULL, 0, 0));
	EXPECT_INT_EINVAL(kshm_unmap(NULL, 0));
	EXPECT_INT_EINVAL(kshm_create(NULL, 1, NULL));
	EXPECT_INT_EINVAL(kshm_destroy(NULL));
	EXPECT_INT_EINVAL(kshm_list(NULL, 1));
}
END_TEST

/* Runs with RLIMIT_NOFILE at 0: any open(2) fails with EMFILE. */
static struct rlimit t_saved_nofile;

static void t_no_fds(void)
{
	struct rlimit none = { 0, 0 };

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &t_saved_nofile), 0);
	none.rlim_max = t_saved_nofile.rlim_max;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &none), 0);
}

static void t_fds_back(void)
{
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &t_saved_nofile), 0);
}

static const char *const bad_names[] = {
	"", "Upper", "a.b", "a/b", "../x", "sp ace", "tab\t", "\xc3\xbc",
	"kshm0\n", "abcdefghijklmnopqrstuvwxyz0",	/* 27 characters */
	"0123456789abcdef0123456789abcdef",		/* 32 */
	"0123456789abcdef0123456789abcdef0123456789",
};

/* 1 and 26 (KSHM_CREATE_NAME_LEN) characters, every allowed one. */
static const char *const good_names[] = {
	"a", "0", "-", "_", "x-y_0", "abcdefghijklmnopqrstuvwxyz",
	"0123456789-_", "0123456789abcdef0123456789",
};
_Static_assert(sizeof("0123456789abcdef0123456789") - 1 == KSHM_CREATE_NAME_LEN,
	       "the longest good name is KSHM_CREATE_NAME_LEN characters");

#define NR(a) (sizeof(a) / sizeof((a)[0]))

static void expect_int(const char *what, const char *name, int ret, int err)
{
	ck_assert_msg(ret == -err && errno == err,
		      "%s(\"%s\") = %d, errno %d; want %d", what, name, ret,
		      errno, -err);
}

static void expect_null(const char *what, const char *name, void *p, int err)
{
	ck_assert_msg(!p && errno == err, "%s(\"%s\") = %p, errno %d; want NULL, %d",
		      what, name, p, errno, err);
}

START_TEST(create_bad_name_fails_einval_before_open)
{
	t_no_fds();
	expect_int("kshm_create", "NULL", kshm_create(NULL, 4096, NULL), EINVAL);
	for (unsigned int i = 0; i < NR(bad_names); i++)
		expect_int("kshm_create", bad_names[i],
			   kshm_create(bad_names[i], 4096, NULL), EINVAL);
	t_fds_back();
}
END_TEST

START_TEST(create_good_name_reaches_open)
{
	t_no_fds();
	for (unsigned int i = 0; i < NR(good_names); i++)
		expect_int("kshm_create", good_names[i],
			   kshm_create(good_names[i], 4096, NULL), EMFILE);
	t_fds_back();
}
END_TEST

START_TEST(create_zero_size_fails_einval_before_open)
{
	t_no_fds();
	expect_int("kshm_create", "a", kshm_create("a", 0, NULL), EINVAL);
	t_fds_back();
}
END_TEST

START_TEST(create_opts_size_too_small_fails_einval)
{
	struct kshm_create_opts opts = { .sz = 0 };

	t_no_fds();
	expect_int("kshm_create sz=0", "a", kshm_create("a", 1, &opts), EINVAL);
	opts.sz = sizeof(opts.sz) - 1;
	expect_int("kshm_create sz=7", "a", kshm_create("a", 1, &opts), EINVAL);
	t_fds_back();
}
END_TEST

/* A caller built against a newer library, with a field this one lacks. */
struct newer_opts {
	struct kshm_create_opts old;
	uint64_t added;
};

START_TEST(create_opts_unknown_nonzero_tail_fails_einval)
{
	struct newer_opts n = { .old.sz = sizeof(n), .added = 1 };

	t_no_fds();
	expect_int("kshm_create", "a", kshm_create("a", 1, &n.old), EINVAL);
	t_fds_back();
}
END_TEST

START_TEST(create_opts_accepted_shapes_reach_open)
{
	struct newer_opts n = { .old.sz = sizeof(n) };
	KSHM_OPTS(kshm_create_opts, full, .backing = KSHM_BACKING_VMALLOC);
	/* An older caller: only sz and max_size; the rest is not read. */
	struct kshm_create_opts older = {
		.sz = offsetof(struct kshm_create_opts, backing),
		.backing = 0xbad, .mode = 0xbad,
	};

	ck_assert_uint_eq(full.sz, sizeof(full));
	ck_assert_uint_eq(full.backing, KSHM_BACKING_VMALLOC);
	ck_assert_uint_eq(full.max_size, 0);
	t_no_fds();
	expect_int("kshm_create NULL opts", "a", kshm_create("a", 1, NULL), EMFILE);
	expect_int("kshm_create KSHM_OPTS", "a", kshm_create("a", 1, &full), EMFILE);
	expect_int("kshm_create zero tail", "a", kshm_create("a", 1, &n.old), EMFILE);
	expect_int("kshm_create older", "a", kshm_create("a", 1, &older), EMFILE);
	t_fds_back();
}
END_TEST

START_TEST(destroy_bad_name_fails_einval_before_open)
{
	t_no_fds();
	expect_int("kshm_destroy", "NULL", kshm_destroy(NULL), EINVAL);
	for (unsigned int i = 0; i < NR(bad_names); i++)
		expect_int("kshm_destroy", bad_names[i],
			   kshm_destroy(bad_names[i]), EINVAL);
	for (unsigned int i = 0; i < NR(good_names); i++)
		expect_int("kshm_destroy", good_names[i],
			   kshm_destroy(good_names[i]), EMFILE);
	t_fds_back();
}
END_TEST

START_TEST(open_name_bad_name_fails_einval_before_open)
{
	t_no_fds();
	errno = 0;
	expect_null("kshm_open_name", "NULL", kshm_open_name(NULL, O_RDWR), EINVAL);
	for (unsigned int i = 0; i < NR(bad_names); i++) {
		errno = 0;
		expect_null("kshm_open_name", bad_names[i],
			    kshm_open_name(bad_names[i], O_RDWR), EINVAL);
	}
	for (unsigned int i = 0; i < NR(good_names); i++) {
		errno = 0;
		expect_null("kshm_open_name", good_names[i],
			    kshm_open_name(good_names[i], O_RDONLY), EMFILE);
	}
	t_fds_back();
}
END_TEST

START_TEST(open_name_bad_flags_fail_einval)
{
	t_no_fds();
	errno = 0;
	expect_null("kshm_open_name O_WRONLY", "a", kshm_open_name("a", O_WRONLY),
		    EINVAL);
	errno = 0;
	expect_null("kshm_open_name O_CREAT", "a",
		    kshm_open_name("a", O_RDWR | O_CREAT), EINVAL);
	t_fds_back();
}
END_TEST

START_TEST(list_null_array_with_room_fails_einval)
{
	struct kshm_info one;

	t_no_fds();
	expect_int("kshm_list(NULL, 1)", "", kshm_list(NULL, 1), EINVAL);
	expect_int("kshm_list(NULL, 0)", "", kshm_list(NULL, 0), EMFILE);
	expect_int("kshm_list(&one, 1)", "", kshm_list(&one, 1), EMFILE);
	t_fds_back();
}
END_TEST

Suite *args_suite(void)
{
	Suite *s = suite_create("args");
	TCase *tc = tcase_create("no-device");

	tcase_add_test(tc, open_null_path_fails_einval);
	tcase_add_test(tc, open_write_only_fails_einval);
	tcase_add_test(tc, open_extra_flags_fail_einval);
	tcase_add_test(tc, open_index_extra_flags_fail_einval);
	tcase_add_test(tc, close_null_is_a_no_op);
	tcase_add_test(tc, fd_null_handle_fails_einval);
	tcase_add_test(tc, info_null_handle_fails_einval);
	tcase_add_test(tc, resize_null_handle_fails_einval);
	tcase_add_test(tc, set_fault_policy_null_handle_fails_einval);
	tcase_add_test(tc, map_null_handle_fails_einval);
	tcase_add_test(tc, unmap_null_address_fails_einval);
	tcase_add_test(tc, unmap_zero_length_fails_einval);
	tcase_add_test(tc, unmap_unaligned_address_fails_einval);
	tcase_add_test(tc, unmap_overflowing_range_fails_einval);
	tcase_add_test(tc, int_calls_set_errno_on_failure);
	suite_add_tcase(s, tc);

	tc = tcase_create("control");
	tcase_add_test(tc, create_bad_name_fails_einval_before_open);
	tcase_add_test(tc, create_good_name_reaches_open);
	tcase_add_test(tc, create_zero_size_fails_einval_before_open);
	tcase_add_test(tc, create_opts_size_too_small_fails_einval);
	tcase_add_test(tc, create_opts_unknown_nonzero_tail_fails_einval);
	tcase_add_test(tc, create_opts_accepted_shapes_reach_open);
	tcase_add_test(tc, destroy_bad_name_fails_einval_before_open);
	tcase_add_test(tc, open_name_bad_name_fails_einval_before_open);
	tcase_add_test(tc, open_name_bad_flags_fail_einval);
	tcase_add_test(tc, list_null_array_with_room_fails_einval);
	suite_add_tcase(s, tc);
	return s;
}

/* The same checks with a real handle, which only a device can give. */

START_TEST(info_null_out_fails_einval)
{
	struct kshm *k = t_open(0, O_RDONLY);

	ck_assert_int_eq(kshm_info(k, NULL), -EINVAL);
	kshm_close(k);
}
END_TEST

START_TEST(resize_zero_fails_einval_and_keeps_size)
{
	struct kshm *k = t_open(0, O_RDWR);
	uint64_t size = t_info(k).size;

	ck_assert_int_eq(kshm_resize(k, 0), -EINVAL);
	ck_assert_uint_eq(t_info(k).size, size);
	kshm_close(k);
}
END_TEST

/* Each bad map leaves the region unmapped: no mmap was made. */
static void expect_map_einval(struct kshm *k, uint64_t offset, size_t length,
			      int prot)
{
	errno = 0;
	ck_assert_ptr_null(kshm_map(k, offset, length, prot));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(t_info(k).mappings, 0);
}

START_TEST(map_zero_length_fails_einval)
{
	struct kshm *k = t_open(0, O_RDWR);

	expect_map_einval(k, 0, 0, PROT_READ);
	kshm_close(k);
}
END_TEST

START_TEST(map_unaligned_offset_fails_einval)
{
	struct kshm *k = t_open(0, O_RDWR);

	expect_map_einval(k, 1, t_page(), PROT_READ);
	expect_map_einval(k, t_page() / 2, t_page(), PROT_READ);
	kshm_close(k);
}
END_TEST

START_TEST(map_overflowing_range_fails_einval)
{
	struct kshm *k = t_open(0, O_RDWR);
	uint64_t top = ~(uint64_t)0 & ~(uint64_t)(t_page() - 1);

	expect_map_einval(k, top, 2 * t_page(), PROT_READ);
	/* Past what off_t can hold, though uint64_t does not overflow. */
	expect_map_einval(k, (uint64_t)INT64_MAX + 1, t_page(), PROT_READ);
	kshm_close(k);
}
END_TEST

START_TEST(map_unknown_prot_bits_fail_einval)
{
	struct kshm *k = t_open(0, O_RDWR);

	expect_map_einval(k, 0, t_page(), PROT_READ | 0x100);
	expect_map_einval(k, 0, t_page(), PROT_GROWSDOWN);
	kshm_close(k);
}
END_TEST

Suite *args_device_suite(void)
{
	Suite *s = suite_create("args-device");
	TCase *tc = tcase_create("handle");

	t_restore_sizes(tc);
	tcase_add_test(tc, info_null_out_fails_einval);
	tcase_add_test(tc, resize_zero_fails_einval_and_keeps_size);
	tcase_add_test(tc, map_zero_length_fails_einval);
	tcase_add_test(tc, map_unaligned_offset_fails_einval);
	tcase_add_test(tc, map_overflowing_range_fails_einval);
	tcase_add_test(tc, map_unknown_prot_bits_fail_einval);
	suite_add_tcase(s, tc);
	return s;
}
