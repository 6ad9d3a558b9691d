// SPDX-License-Identifier: GPL-2.0
/*
 * KSHM_FAULT_PREFAULT: mmap() maps every page of the new mapping before
 * it returns, so touching it never faults, not even a minor fault of the
 * process; the flag takes effect at the next mmap(), in every backing.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "driver-test.h"

#define SEED	61

static int fd;
static size_t npages;

static void prefault_setup(void)
{
	char *buf;
	size_t i;

	kt_setup();
	fd = kt_open(KT_DEV0, O_RDWR);
	npages = KT_SIZE / kt_page;
	buf = malloc(KT_SIZE);
	for (i = 0; i < npages; i++)
		kt_fill(buf + i * kt_page, kt_page, i, SEED);
	ck_assert_int_eq(pwrite(fd, buf, KT_SIZE, 0), KT_SIZE);
	free(buf);
}

static void prefault_teardown(void)
{
	close(fd);
}

static size_t count_present(const char *p, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += kt_present(p + i * kt_page);
	return c;
}

static long minor_faults(void)
{
	struct rusage ru;

	ck_assert_int_eq(getrusage(RUSAGE_THREAD, &ru), 0);
	return ru.ru_minflt;
}

/*
 * Read a byte of every page, then (@write) write one: no fault of any
 * kind, the driver's or the process's.
 */
static void touch_all_without_faults(volatile char *p, size_t n, bool write)
{
	unsigned long long f0 = kt_info(fd).faults;
	long m0, m1;
	size_t i;
	char sum = 0;

	m0 = minor_faults();
	for (i = 0; i < n; i++)
		sum += p[i * kt_page + 1];
	for (i = 0; write && i < n; i++)
		p[i * kt_page + 2] = p[i * kt_page + 2];
	m1 = minor_faults();
	(void)sum;
	ck_assert_msg(m1 == m0, "%ld minor faults touching a prefaulted mapping",
		      m1 - m0);
	ck_assert_uint_eq(kt_info(fd).faults, f0);
}

START_TEST(prefault_maps_every_page_at_mmap)
{
	struct kshm_info a, b;
	char *p;

	ck_assert_int_eq(kt_set_fault_policy(fd, KSHM_FAULT_PREFAULT, 0), 0);
	ck_assert_uint_eq(kt_info(fd).fault_flags, KSHM_FAULT_PREFAULT);
	a = kt_info(fd);
	p = kt_map(fd, KT_SIZE, PROT_READ | PROT_WRITE, 0);
	b = kt_info(fd);
	ck_assert_uint_eq(count_present(p, npages), npages);
	ck_assert_uint_eq(b.prefault_pages - a.prefault_pages, npages);
	ck_assert_uint_eq(b.faults, a.faults);
	ck_assert_uint_eq(b.huge_maps, a.huge_maps);
	ck_assert_uint_eq(b.resident_pages, npages);
	ck_assert_int_eq(kt_sysfs("kshm0", "prefault_pages"), b.prefault_pages);
	touch_all_without_faults(p, npages, true);
	ck_assert(kt_check(p + 7 * kt_page, kt_page, 7, SEED));
	munmap(p, KT_SIZE);
}
END_TEST

/* Pages not written before are allocated by mmap(), zero. */
START_TEST(prefault_allocates_what_is_missing)
{
	size_t n = 2 * npages, i;
	struct kshm_info a, b;
	char *p;

	ck_assert_int_eq(kt_set_size(fd, 2 * KT_SIZE), 0);
	ck_assert_int_eq(kt_set_fault_policy(fd, KSHM_FAULT_PREFAULT, 16), 0);
	a = kt_info(fd);
	p = kt_map(fd, 2 * KT_SIZE, PROT_READ | PROT_WRITE, 0);
	b = kt_info(fd);
	ck_assert_uint_eq(b.resident_pages, n);
	ck_assert_uint_eq(b.prefault_pages - a.prefault_pages, n);
	ck_assert_uint_eq(count_present(p, n), n);
	touch_all_without_faults(p, n, true);
	for (i = npages; i < n; i++)
		ck_assert_msg(!p[i * kt_page] && !memcmp(p + i * kt_page,
			      p + i * kt_page + 1, kt_page - 1),
			      "page %zu not zero", i);
	munmap(p, 2 * KT_SIZE);
	ck_assert_int_eq(kt_set_size(fd, KT_SIZE), 0);
}
END_TEST

/* Part of the region, at an offset: that part, and only it. */
START_TEST(prefault_of_part_maps_that_part)
{
	struct kshm_info a, b;
	char *p;

	ck_assert_int_eq(kt_set_fault_policy(fd, KSHM_FAULT_PREFAULT, 0), 0);
	a = kt_info(fd);
	p = kt_map(fd, 20 * kt_page, PROT_READ, 33 * kt_page);
	b = kt_info(fd);
	ck_assert_uint_eq(b.prefault_pages - a.prefault_pages, 20);
	ck_assert_uint_eq(count_present(p, 20), 20);
	ck_assert(kt_check(p, kt_page, 33, SEED));
	ck_assert(kt_check(p + 19 * kt_page, kt_page, 52, SEED));
	touch_all_without_faults(p, 20, false);
	munmap(p, 20 * kt_page);
}
END_TEST

/* Several mappings, each prefaulted, see the same data and frames. */
START_TEST(prefaulted_mappings_share_data)
{
	char *a, *b;
	size_t i;

	ck_assert_int_eq(kt_set_fault_policy(fd, KSHM_FAULT_PREFAULT, 0), 0);
	a = kt_map(fd, KT_SIZE, PROT_READ | PROT_WRITE, 0);
	b = kt_map(fd, KT_SIZE, PROT_READ, 0);
	for (i = 0; i < npages; i += 37) {
		ck_assert(kt_check(a + i * kt_page, kt_page, i, SEED));
		ck_assert(kt_check(b + i * kt_page, kt_page, i, SEED));
		ck_assert_uint_eq(kt_pfn(a + i * kt_page),
				  kt_pfn(b + i * kt_page));
	}
	kt_fill(a + 5 * kt_page, kt_page, 5, SEED + 1);
	ck_assert(kt_check(b + 5 * kt_page, kt_page, 5, SEED + 1));
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 2);
	munmap(a, KT_SIZE);
	munmap(b, KT_SIZE);
}
END_TEST

/* The flag acts at mmap(): older mappings stay lazy, newer are whole. */
START_TEST(prefault_takes_effect_at_the_next_mmap)
{
	char *lazy, *whole;

	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 1), 0);
	lazy = kt_map(fd, KT_SIZE, PROT_READ, 0);
	ck_assert_int_eq(kt_set_fault_policy(fd, KSHM_FAULT_PREFAULT, 1), 0);
	ck_assert_uint_eq(count_present(lazy, npages), 0);
	whole = kt_map(fd, KT_SIZE, PROT_READ, 0);
	ck_assert_uint_eq(count_present(whole, npages), npages);
	ck_assert_uint_eq(count_present(lazy, npages), 0);
	/* And off again: the next mapping is lazy. */
	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 1), 0);
	munmap(lazy, KT_SIZE);
	lazy = kt_map(fd, KT_SIZE, PROT_READ, 0);
	ck_assert_uint_eq(count_present(lazy, npages), 0);
	munmap(lazy, KT_SIZE);
	munmap(whole, KT_SIZE);
}
END_TEST

/* A child of a prefaulted mapping inherits it whole: no fault either. */
START_TEST(forked_child_of_prefaulted_mapping_does_not_fault)
{
	unsigned long long f0;
	char *p;
	pid_t pid;

	ck_assert_int_eq(kt_set_fault_policy(fd, KSHM_FAULT_PREFAULT, 0), 0);
	p = kt_map(fd, KT_SIZE, PROT_READ | PROT_WRITE, 0);
	f0 = kt_info(fd).faults;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		size_t i;
		bool ok = true;

		/* Inherited whole: present before anything touches it. */
		for (i = 0; i < npages; i++)
			ok &= kt_present(p + i * kt_page);
		for (i = 0; i < npages; i++)
			ok &= kt_check(p + i * kt_page, 64, i, SEED);
		_exit(ok ? 0 : 1);
	}
	ck_assert(kt_child_ok(pid));
	ck_assert_uint_eq(kt_info(fd).faults, f0);
	munmap(p, KT_SIZE);
}
END_TEST

Suite *prefault_suite(void)
{
	Suite *s = suite_create("prefault");
	TCase *tc = tcase_create("prefault");

	tcase_add_checked_fixture(tc, prefault_setup, prefault_teardown);
	tcase_add_test(tc, prefault_maps_every_page_at_mmap);
	tcase_add_test(tc, prefault_allocates_what_is_missing);
	tcase_add_test(tc, prefault_of_part_maps_that_part);
	tcase_add_test(tc, prefaulted_mappings_share_data);
	tcase_add_test(tc, prefault_takes_effect_at_the_next_mmap);
	tcase_add_test(tc, forked_child_of_prefaulted_mapping_does_not_fault);
	suite_add_tcase(s, tc);
	return s;
}
