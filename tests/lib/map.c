// SPDX-License-Identifier: GPL-2.0
/* kshm_map() and kshm_unmap(): sharing, offsets, and every refusal. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib-test.h"

#define RW (PROT_READ | PROT_WRITE)

static void expect_map_fails(struct kshm *k, uint64_t offset, size_t length,
			     int prot, int err)
{
	errno = 0;
	ck_assert_ptr_null(kshm_map(k, offset, length, prot));
	ck_assert_int_eq(errno, err);
	ck_assert_uint_eq(t_info(k).mappings, 0);
}

START_TEST(map_two_mappings_share_pages)
{
	struct kshm *k = t_open(0, O_RDWR);
	char *a = kshm_map(k, 0, 2 * t_page(), RW);
	char *b = kshm_map(k, 0, 2 * t_page(), PROT_READ);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	strcpy(a + t_page() + 5, "one region, two addresses");
	ck_assert_str_eq(b + t_page() + 5, "one region, two addresses");
	ck_assert_int_eq(kshm_unmap(a, 2 * t_page()), 0);
	ck_assert_int_eq(kshm_unmap(b, 2 * t_page()), 0);
	kshm_close(k);
}
END_TEST

START_TEST(map_sees_what_write_copied_and_back)
{
	struct kshm *k = t_open(0, O_RDWR);
	char *p = kshm_map(k, 0, t_page(), RW);
	char in[8] = "";

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(pwrite(kshm_fd(k), "written", 8, 64), 8);
	ck_assert_str_eq(p + 64, "written");
	strcpy(p + 128, "mapped");
	ck_assert_int_eq(pread(kshm_fd(k), in, 7, 128), 7);
	ck_assert_str_eq(in, "mapped");
	ck_assert_int_eq(kshm_unmap(p, t_page()), 0);
	kshm_close(k);
}
END_TEST

START_TEST(map_at_offset_starts_at_that_page)
{
	struct kshm *k = t_open(0, O_RDWR);
	size_t pg = t_page();
	char *whole, *third;

	t_resize(k, 4 * pg);
	whole = kshm_map(k, 0, 4 * pg, RW);
	third = kshm_map(k, 2 * pg, pg, PROT_READ);
	ck_assert_ptr_nonnull(whole);
	ck_assert_ptr_nonnull(third);
	strcpy(whole + 2 * pg, "page two");
	ck_assert_str_eq(third, "page two");
	ck_assert_int_eq(kshm_unmap(whole, 4 * pg), 0);
	ck_assert_int_eq(kshm_unmap(third, pg), 0);
	kshm_close(k);
}
END_TEST

START_TEST(map_last_page_succeeds)
{
	struct kshm *k = t_open(0, O_RDWR);
	uint64_t size = t_info(k).size;
	char *p = kshm_map(k, size - t_page(), t_page(), RW);

	ck_assert_ptr_nonnull(p);
	p[t_page() - 1] = 'z';
	ck_assert_int_eq(kshm_unmap(p, t_page()), 0);
	kshm_close(k);
}
END_TEST

START_TEST(map_read_only_handle_read_only_succeeds)
{
	struct kshm *w = t_open(0, O_RDWR), *r = t_open(0, O_RDONLY);
	char *pw = kshm_map(w, 0, t_page(), RW);
	const char *pr = kshm_map(r, 0, t_page(), PROT_READ);

	ck_assert_ptr_nonnull(pw);
	ck_assert_ptr_nonnull(pr);
	strcpy(pw, "for the reader");
	ck_assert_str_eq(pr, "for the reader");
	ck_assert_int_eq(kshm_unmap(pw, t_page()), 0);
	ck_assert_int_eq(kshm_unmap((void *)pr, t_page()), 0);
	kshm_close(w);
	kshm_close(r);
}
END_TEST

START_TEST(map_shared_with_forked_child)
{
	struct kshm *k = t_open(0, O_RDWR);
	volatile char *p = kshm_map(k, 0, t_page(), RW);
	int status;
	pid_t pid;

	ck_assert_ptr_nonnull((void *)p);
	p[0] = 0;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		strcpy((char *)p + 1, "from the child");
		p[0] = 1;
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && !WEXITSTATUS(status));
	ck_assert_int_eq(p[0], 1);
	ck_assert_str_eq((char *)p + 1, "from the child");
	ck_assert_int_eq(kshm_unmap((void *)p, t_page()), 0);
	kshm_close(k);
}
END_TEST

START_TEST(map_regions_are_separate)
{
	struct kshm *a = t_open(0, O_RDWR), *b = t_open(1, O_RDWR);
	char *pa = kshm_map(a, 0, t_page(), RW);
	char *pb = kshm_map(b, 0, t_page(), RW);

	ck_assert_ptr_nonnull(pa);
	ck_assert_ptr_nonnull(pb);
	strcpy(pa, "region zero");
	strcpy(pb, "region one");
	ck_assert_str_eq(pa, "region zero");
	ck_assert_int_eq(kshm_unmap(pa, t_page()), 0);
	ck_assert_int_eq(kshm_unmap(pb, t_page()), 0);
	kshm_close(a);
	kshm_close(b);
}
END_TEST

START_TEST(map_prot_none_succeeds)
{
	struct kshm *k = t_open(0, O_RDWR);
	void *p = kshm_map(k, 0, t_page(), PROT_NONE);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(kshm_unmap(p, t_page()), 0);
	kshm_close(k);
}
END_TEST

START_TEST(map_beyond_end_fails_einval)
{
	struct kshm *k = t_open(0, O_RDWR);
	uint64_t size = t_info(k).size;

	expect_map_fails(k, size, t_page(), PROT_READ, EINVAL);
	expect_map_fails(k, size - t_page(), 2 * t_page(), PROT_READ, EINVAL);
	expect_map_fails(k, 0, size + t_page(), PROT_READ, EINVAL);
	kshm_close(k);
}
END_TEST

START_TEST(map_prot_exec_fails_eperm)
{
	struct kshm *k = t_open(0, O_RDWR);

	expect_map_fails(k, 0, t_page(), PROT_READ | PROT_EXEC, EPERM);
	kshm_close(k);
}
END_TEST

START_TEST(map_writable_on_read_only_handle_fails_eacces)
{
	struct kshm *k = t_open(0, O_RDONLY);

	expect_map_fails(k, 0, t_page(), RW, EACCES);
	kshm_close(k);
}
END_TEST

START_TEST(mprotect_cannot_add_exec)
{
	struct kshm *k = t_open(0, O_RDWR);
	void *p = kshm_map(k, 0, t_page(), PROT_READ);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(mprotect(p, t_page(), PROT_READ | PROT_EXEC), -1);
	ck_assert_int_eq(kshm_unmap(p, t_page()), 0);
	kshm_close(k);
}
END_TEST

START_TEST(unmap_part_of_a_mapping_succeeds)
{
	struct kshm *k = t_open(0, O_RDWR);
	size_t pg = t_page();
	char *p;

	t_resize(k, 3 * pg);
	p = kshm_map(k, 0, 3 * pg, RW);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(kshm_unmap(p + pg, pg), 0);
	ck_assert_uint_eq(t_info(k).mappings, 2);
	strcpy(p + 2 * pg, "still mapped");
	ck_assert_int_eq(kshm_unmap(p, pg), 0);
	ck_assert_int_eq(kshm_unmap(p + 2 * pg, pg), 0);
	ck_assert_uint_eq(t_info(k).mappings, 0);
	kshm_close(k);
}
END_TEST

Suite *map_suite(void)
{
	Suite *s = suite_create("map");
	TCase *tc = tcase_create("device");

	t_restore_sizes(tc);
	tcase_add_test(tc, map_two_mappings_share_pages);
	tcase_add_test(tc, map_sees_what_write_copied_and_back);
	tcase_add_test(tc, map_at_offset_starts_at_that_page);
	tcase_add_test(tc, map_last_page_succeeds);
	tcase_add_test(tc, map_read_only_handle_read_only_succeeds);
	tcase_add_test(tc, map_shared_with_forked_child);
	tcase_add_test(tc, map_regions_are_separate);
	tcase_add_test(tc, map_prot_none_succeeds);
	tcase_add_test(tc, map_beyond_end_fails_einval);
	tcase_add_test(tc, map_prot_exec_fails_eperm);
	tcase_add_test(tc, map_writable_on_read_only_handle_fails_eacces);
	tcase_add_test(tc, mprotect_cannot_add_exec);
	tcase_add_test(tc, unmap_part_of_a_mapping_succeeds);
	suite_add_tcase(s, tc);
	return s;
}
