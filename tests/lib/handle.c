// SPDX-License-Identifier: GPL-2.0
/* kshm_fd() and kshm_close(): the descriptor a handle owns. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib-test.h"

START_TEST(fd_is_the_open_device)
{
	struct kshm *k = t_open(0, O_RDWR);
	struct stat st, dev;

	ck_assert_int_ge(kshm_fd(k), 0);
	ck_assert_int_eq(fstat(kshm_fd(k), &st), 0);
	ck_assert_int_eq(stat("/dev/kshm0", &dev), 0);
	ck_assert(S_ISCHR(st.st_mode));
	ck_assert_uint_eq(st.st_rdev, dev.st_rdev);
	kshm_close(k);
}
END_TEST

START_TEST(fd_copies_through_the_region)
{
	struct kshm *k = t_open(0, O_RDWR);
	char out[] = "through the fd", in[sizeof(out)] = "";

	ck_assert_int_eq(pwrite(kshm_fd(k), out, sizeof(out), 100), sizeof(out));
	ck_assert_int_eq(pread(kshm_fd(k), in, sizeof(in), 100), sizeof(in));
	ck_assert_str_eq(in, out);
	kshm_close(k);
}
END_TEST

START_TEST(close_closes_the_descriptor)
{
	struct kshm *k = t_open(0, O_RDWR);
	int fd = kshm_fd(k);

	kshm_close(k);
	errno = 0;
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
	ck_assert_int_eq(errno, EBADF);
}
END_TEST

START_TEST(close_keeps_mappings_valid)
{
	struct kshm *k = t_open(0, O_RDWR);
	struct kshm *other = t_open(0, O_RDONLY);
	char *p = kshm_map(k, 0, t_page(), PROT_READ | PROT_WRITE);

	ck_assert_ptr_nonnull(p);
	kshm_close(k);
	strcpy(p, "after close");
	ck_assert_uint_eq(t_info(other).mappings, 1);
	ck_assert_int_eq(kshm_unmap(p, t_page()), 0);
	ck_assert_uint_eq(t_info(other).mappings, 0);
	kshm_close(other);
}
END_TEST

START_TEST(close_preserves_errno)
{
	struct kshm *k = t_open(0, O_RDWR);

	errno = 4321;
	kshm_close(k);
	ck_assert_int_eq(errno, 4321);
}
END_TEST

Suite *handle_suite(void)
{
	Suite *s = suite_create("handle");
	TCase *tc = tcase_create("device");

	tcase_add_test(tc, fd_is_the_open_device);
	tcase_add_test(tc, fd_copies_through_the_region);
	tcase_add_test(tc, close_closes_the_descriptor);
	tcase_add_test(tc, close_keeps_mappings_valid);
	tcase_add_test(tc, close_preserves_errno);
	suite_add_tcase(s, tc);
	return s;
}
