// SPDX-License-Identifier: GPL-2.0
/*
 * Argument checking: every call refuses bad arguments with -EINVAL (or
 * NULL and errno EINVAL) before it makes a system call, and never crashes.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

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

START_TEST(int_calls_leave_errno_alone_on_failure)
{
	errno = 1234;
	ck_assert_int_eq(kshm_resize(NULL, 0), -EINVAL);
	ck_assert_int_eq(kshm_info(NULL, NULL), -EINVAL);
	ck_assert_int_eq(kshm_unmap(NULL, 0), -EINVAL);
	ck_assert_int_eq(errno, 1234);
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
	tcase_add_test(tc, map_null_handle_fails_einval);
	tcase_add_test(tc, unmap_null_address_fails_einval);
	tcase_add_test(tc, unmap_zero_length_fails_einval);
	tcase_add_test(tc, unmap_unaligned_address_fails_einval);
	tcase_add_test(tc, unmap_overflowing_range_fails_einval);
	tcase_add_test(tc, int_calls_leave_errno_alone_on_failure);
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
