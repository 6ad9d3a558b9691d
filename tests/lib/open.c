// SPDX-License-Identifier: GPL-2.0
/*
 * kshm_open() and kshm_open_index(): what they refuse without a device,
 * and what they give with one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib-test.h"

START_TEST(open_missing_node_fails_enoent)
{
	errno = 0;
	ck_assert_ptr_null(kshm_open("/dev/kshm-no-such-node", O_RDWR));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(open_index_missing_node_fails_enoent)
{
	errno = 0;
	ck_assert_ptr_null(kshm_open_index(UINT_MAX, O_RDONLY));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(open_dev_null_fails_enotty)
{
	errno = 0;
	ck_assert_ptr_null(kshm_open("/dev/null", O_RDWR));
	ck_assert_int_eq(errno, ENOTTY);
}
END_TEST

START_TEST(open_regular_file_fails_enotty)
{
	char path[] = "/tmp/kshm-test-XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 1 << 16), 0);
	close(fd);
	errno = 0;
	ck_assert_ptr_null(kshm_open(path, O_RDWR));
	ck_assert_int_eq(errno, ENOTTY);
	unlink(path);
}
END_TEST

START_TEST(open_directory_read_only_fails_enotty)
{
	errno = 0;
	ck_assert_ptr_null(kshm_open("/", O_RDONLY));
	ck_assert_int_eq(errno, ENOTTY);
}
END_TEST

START_TEST(open_directory_read_write_fails_eisdir)
{
	errno = 0;
	ck_assert_ptr_null(kshm_open("/", O_RDWR));
	ck_assert_int_eq(errno, EISDIR);
}
END_TEST

START_TEST(open_failures_leak_no_descriptor)
{
	int before = t_count_fds();

	for (int i = 0; i < 64; i++) {
		ck_assert_ptr_null(kshm_open("/dev/null", O_RDWR));
		ck_assert_ptr_null(kshm_open("/dev/kshm-no-such-node", O_RDWR));
	}
	ck_assert_int_eq(t_count_fds(), before);
}
END_TEST

Suite *open_errors_suite(void)
{
	Suite *s = suite_create("open-errors");
	TCase *tc = tcase_create("no-device");

	tcase_add_test(tc, open_missing_node_fails_enoent);
	tcase_add_test(tc, open_index_missing_node_fails_enoent);
	tcase_add_test(tc, open_dev_null_fails_enotty);
	tcase_add_test(tc, open_regular_file_fails_enotty);
	tcase_add_test(tc, open_directory_read_only_fails_enotty);
	tcase_add_test(tc, open_directory_read_write_fails_eisdir);
	tcase_add_test(tc, open_failures_leak_no_descriptor);
	suite_add_tcase(s, tc);
	return s;
}

START_TEST(open_path_read_write_succeeds)
{
	struct kshm *k = kshm_open("/dev/kshm0", O_RDWR);

	ck_assert_msg(k, "kshm_open: %s", strerror(errno));
	ck_assert_uint_eq(t_info(k).index, 0);
	kshm_close(k);
}
END_TEST

START_TEST(open_path_read_only_succeeds)
{
	struct kshm *k = kshm_open("/dev/kshm1", O_RDONLY);

	ck_assert_msg(k, "kshm_open: %s", strerror(errno));
	ck_assert_uint_eq(t_info(k).index, 1);
	kshm_close(k);
}
END_TEST

START_TEST(open_index_opens_that_node)
{
	for (unsigned int i = 0; i < 2; i++) {
		struct kshm *k = kshm_open_index(i, O_RDWR);

		ck_assert_msg(k, "kshm_open_index(%u): %s", i, strerror(errno));
		ck_assert_uint_eq(t_info(k).index, i);
		kshm_close(k);
	}
}
END_TEST

START_TEST(open_index_past_last_device_fails_enoent)
{
	errno = 0;
	ck_assert_ptr_null(kshm_open_index(63, O_RDWR));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(open_then_close_leaks_no_descriptor)
{
	int before = t_count_fds();

	for (int i = 0; i < 256; i++)
		kshm_close(t_open(0, O_RDWR));
	ck_assert_int_eq(t_count_fds(), before);
}
END_TEST

START_TEST(open_descriptor_is_close_on_exec)
{
	struct kshm *k = t_open(0, O_RDWR);
	int fl = fcntl(kshm_fd(k), F_GETFD);

	ck_assert_int_ge(fl, 0);
	ck_assert(fl & FD_CLOEXEC);
	kshm_close(k);
}
END_TEST

Suite *open_suite(void)
{
	Suite *s = suite_create("open");
	TCase *tc = tcase_create("device");

	tcase_add_test(tc, open_path_read_write_succeeds);
	tcase_add_test(tc, open_path_read_only_succeeds);
	tcase_add_test(tc, open_index_opens_that_node);
	tcase_add_test(tc, open_index_past_last_device_fails_enoent);
	tcase_add_test(tc, open_then_close_leaks_no_descriptor);
	tcase_add_test(tc, open_descriptor_is_close_on_exec);
	suite_add_tcase(s, tc);
	return s;
}
