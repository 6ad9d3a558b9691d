// SPDX-License-Identifier: GPL-2.0
/* kshm_info(): what it reports, checked against sysfs and mappings. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib-test.h"

static void sysfs_read(unsigned int index, const char *attr, char *buf,
		       size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/misc/kshm%u/%s", index, attr);
	f = fopen(path, "r");
	ck_assert_msg(f, "%s: %s", path, strerror(errno));
	ck_assert_ptr_nonnull(fgets(buf, (int)len, f));
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static unsigned long long sysfs_num(unsigned int index, const char *attr)
{
	char buf[64];

	sysfs_read(index, attr, buf, sizeof(buf));
	return strtoull(buf, NULL, 10);
}

START_TEST(info_matches_sysfs)
{
	struct kshm *k = t_open(1, O_RDONLY);
	struct kshm_info info = t_info(k);
	char backing[32];

	ck_assert_uint_eq(info.index, 1);
	ck_assert_uint_eq(info.size, sysfs_num(1, "size"));
	ck_assert_uint_eq(info.mappings, sysfs_num(1, "mappings"));
	sysfs_read(1, "backing", backing, sizeof(backing));
	ck_assert_str_eq(backing, info.backing == KSHM_BACKING_VMALLOC ? "vmalloc" :
			 info.backing == KSHM_BACKING_HUGE ? "huge" : "pages");
	kshm_close(k);
}
END_TEST

START_TEST(info_reports_page_size_and_limits)
{
	struct kshm *k = t_open(0, O_RDONLY);
	struct kshm_info info = t_info(k);

	ck_assert_uint_eq(info.page_size, t_page());
	ck_assert_uint_gt(info.size, 0);
	ck_assert_uint_eq(info.size % info.page_size, 0);
	ck_assert_uint_le(info.size, info.max_size);
	ck_assert(info.backing == KSHM_BACKING_PAGES ||
		  info.backing == KSHM_BACKING_VMALLOC ||
		  info.backing == KSHM_BACKING_HUGE);
	ck_assert_uint_eq(info.__pad, 0);
	for (size_t i = 0; i < sizeof(info.__reserved) / sizeof(info.__reserved[0]); i++)
		ck_assert_uint_eq(info.__reserved[i], 0);
	kshm_close(k);
}
END_TEST

START_TEST(info_counts_mappings)
{
	struct kshm *k = t_open(0, O_RDWR);
	void *a, *b;

	ck_assert_uint_eq(t_info(k).mappings, 0);
	a = kshm_map(k, 0, t_page(), PROT_READ);
	b = kshm_map(k, 0, t_page(), PROT_READ | PROT_WRITE);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(t_info(k).mappings, 2);
	ck_assert_int_eq(kshm_unmap(a, t_page()), 0);
	ck_assert_uint_eq(t_info(k).mappings, 1);
	ck_assert_int_eq(kshm_unmap(b, t_page()), 0);
	ck_assert_uint_eq(t_info(k).mappings, 0);
	kshm_close(k);
}
END_TEST

START_TEST(info_counts_faults_and_resident_pages)
{
	struct kshm *k = t_open(0, O_RDWR);
	size_t pg = t_page(), len = 4 * pg;
	struct kshm_info before, after;
	volatile char *p;

	t_resize(k, len);
	before = t_info(k);
	p = kshm_map(k, 0, len, PROT_READ | PROT_WRITE);
	ck_assert_ptr_nonnull((void *)p);
	for (size_t off = 0; off < len; off += pg)
		p[off] = 1;
	after = t_info(k);
	/*
	 * Each page of the new mapping was mapped once: by its own fault, by
	 * a neighbour's (fault-around, 16 pages by default) or by mmap()
	 * (the module's prefault parameter).
	 */
	ck_assert_uint_eq((after.faults - before.faults) +
			  (after.around_pages - before.around_pages) +
			  (after.prefault_pages - before.prefault_pages), 4);
	/* Backing huge holds its memory in whole 2 MiB blocks. */
	ck_assert_uint_eq(after.resident_pages,
			  after.backing == KSHM_BACKING_HUGE ? t_unit(k) / pg : 4);
	ck_assert_int_eq(kshm_unmap((void *)p, len), 0);
	kshm_close(k);
}
END_TEST

START_TEST(info_works_on_read_only_handle)
{
	struct kshm *k = t_open(0, O_RDONLY);
	struct kshm_info info;

	ck_assert_int_eq(kshm_info(k, &info), 0);
	kshm_close(k);
}
END_TEST

Suite *info_suite(void)
{
	Suite *s = suite_create("info");
	TCase *tc = tcase_create("device");

	t_restore_sizes(tc);
	tcase_add_test(tc, info_matches_sysfs);
	tcase_add_test(tc, info_reports_page_size_and_limits);
	tcase_add_test(tc, info_counts_mappings);
	tcase_add_test(tc, info_counts_faults_and_resident_pages);
	tcase_add_test(tc, info_works_on_read_only_handle);
	suite_add_tcase(s, tc);
	return s;
}
