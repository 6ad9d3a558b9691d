// SPDX-License-Identifier: GPL-2.0
/* kshm_resize(): growing, shrinking, and every refusal. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib-test.h"

START_TEST(resize_grows_and_shrinks)
{
	struct kshm *k = t_open(0, O_RDWR);
	size_t u = t_unit(k);

	t_resize(k, 8 * u);
	ck_assert_uint_eq(t_info(k).size, 8 * u);
	t_resize(k, 2 * u);
	ck_assert_uint_eq(t_info(k).size, 2 * u);
	kshm_close(k);
}
END_TEST

START_TEST(resize_rounds_up_to_whole_pages)
{
	struct kshm *k = t_open(0, O_RDWR);
	size_t u = t_unit(k);

	t_resize(k, 1);
	ck_assert_uint_eq(t_info(k).size, u);
	t_resize(k, 3 * u + 1);
	ck_assert_uint_eq(t_info(k).size, 4 * u);
	kshm_close(k);
}
END_TEST

START_TEST(resize_to_max_size_succeeds)
{
	struct kshm *k = t_open(0, O_RDWR);
	uint64_t max = t_info(k).max_size;

	t_resize(k, max);
	ck_assert_uint_eq(t_info(k).size, max);
	kshm_close(k);
}
END_TEST

START_TEST(resize_keeps_contents_when_growing)
{
	struct kshm *k = t_open(0, O_RDWR);
	size_t u = t_unit(k);
	char out[] = "kept", in[sizeof(out)] = "";

	t_resize(k, u);
	ck_assert_int_eq(pwrite(kshm_fd(k), out, sizeof(out), 10), sizeof(out));
	t_resize(k, 16 * u);
	ck_assert_int_eq(pread(kshm_fd(k), in, sizeof(in), 10), sizeof(in));
	ck_assert_str_eq(in, out);
	kshm_close(k);
}
END_TEST

START_TEST(resize_shrink_discards_pages_past_end)
{
	struct kshm *k = t_open(0, O_RDWR);
	size_t u = t_unit(k);
	char buf[16] = "discard me", zero[16] = { 0 };
	off_t off = (off_t)u;

	t_resize(k, 2 * u);
	ck_assert_int_eq(pwrite(kshm_fd(k), buf, sizeof(buf), off), sizeof(buf));
	t_resize(k, u);
	ck_assert_int_eq(pread(kshm_fd(k), buf, sizeof(buf), off), 0);
	t_resize(k, 2 * u);
	ck_assert_int_eq(pread(kshm_fd(k), buf, sizeof(buf), off), sizeof(buf));
	ck_assert_mem_eq(buf, zero, sizeof(buf));
	kshm_close(k);
}
END_TEST

START_TEST(resize_above_max_size_fails_einval)
{
	struct kshm *k = t_open(0, O_RDWR);
	struct kshm_info info = t_info(k);

	ck_assert_int_eq(kshm_resize(k, info.max_size + 1), -EINVAL);
	ck_assert_int_eq(kshm_resize(k, UINT64_MAX), -EINVAL);
	ck_assert_uint_eq(t_info(k).size, info.size);
	kshm_close(k);
}
END_TEST

START_TEST(resize_while_mapped_fails_ebusy)
{
	struct kshm *k = t_open(0, O_RDWR);
	uint64_t size = t_info(k).size;
	void *p = kshm_map(k, 0, t_page(), PROT_READ);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(kshm_resize(k, size + t_page()), -EBUSY);
	ck_assert_int_eq(kshm_unmap(p, t_page()), 0);
	ck_assert_int_eq(kshm_resize(k, size + t_page()), 0);
	kshm_close(k);
}
END_TEST

START_TEST(resize_while_mapped_by_another_handle_fails_ebusy)
{
	struct kshm *mapper = t_open(0, O_RDONLY), *k = t_open(0, O_RDWR);
	void *p = kshm_map(mapper, 0, t_page(), PROT_READ);

	ck_assert_ptr_nonnull(p);
	kshm_close(mapper);
	ck_assert_int_eq(kshm_resize(k, 4 * t_page()), -EBUSY);
	ck_assert_int_eq(kshm_unmap(p, t_page()), 0);
	ck_assert_int_eq(kshm_resize(k, 4 * t_page()), 0);
	kshm_close(k);
}
END_TEST

START_TEST(resize_read_only_handle_fails_ebadf)
{
	struct kshm *k = t_open(0, O_RDONLY);

	ck_assert_int_eq(kshm_resize(k, 2 * t_page()), -EBADF);
	kshm_close(k);
}
END_TEST

START_TEST(resize_one_region_leaves_the_other)
{
	struct kshm *a = t_open(0, O_RDWR), *b = t_open(1, O_RDWR);
	uint64_t size_b = t_info(b).size;

	t_resize(a, size_b + 2 * t_page());
	ck_assert_uint_eq(t_info(b).size, size_b);
	kshm_close(a);
	kshm_close(b);
}
END_TEST

Suite *resize_suite(void)
{
	Suite *s = suite_create("resize");
	TCase *tc = tcase_create("device");

	t_restore_sizes(tc);
	tcase_add_test(tc, resize_grows_and_shrinks);
	tcase_add_test(tc, resize_rounds_up_to_whole_pages);
	tcase_add_test(tc, resize_to_max_size_succeeds);
	tcase_add_test(tc, resize_keeps_contents_when_growing);
	tcase_add_test(tc, resize_shrink_discards_pages_past_end);
	tcase_add_test(tc, resize_above_max_size_fails_einval);
	tcase_add_test(tc, resize_while_mapped_fails_ebusy);
	tcase_add_test(tc, resize_while_mapped_by_another_handle_fails_ebusy);
	tcase_add_test(tc, resize_read_only_handle_fails_ebadf);
	tcase_add_test(tc, resize_one_region_leaves_the_other);
	suite_add_tcase(s, tc);
	return s;
}
