// SPDX-License-Identifier: GPL-2.0
/*
 * What each madvise() advice does to a mapping of a region. The region,
 * not the mapping, holds the memory, so MADV_DONTNEED only unmaps: the
 * data stays, and the next touch of each page faults it back in.
 * MADV_FREE is for anonymous memory (EINVAL), MADV_REMOVE punches a hole
 * with fallocate, which a character device does not have (ENODEV), and
 * the mapping is VM_DONTDUMP from mmap() on: MADV_DONTDUMP changes
 * nothing, and MADV_DODUMP is refused because VM_DONTEXPAND is one of the
 * VM_SPECIAL flags (EINVAL). Checked against mm/madvise.c of 6.1 and 6.12.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "driver-test.h"

/* Pages each test maps and writes through the mapping. */
#define NPAGES	8
#define SEED	41

static int fd;
static char *map;
static char *buf;
static size_t per;	/* pages one fault maps: 1, or a 2 MiB block */

static void madvise_setup(void)
{
	size_t i;

	kt_setup();
	fd = kt_open(KT_DEV0, O_RDWR);
	per = kt_one_page_faults(fd);
	map = kt_map(fd, NPAGES * kt_page, PROT_READ | PROT_WRITE, 0);
	for (i = 0; i < NPAGES; i++)
		kt_fill(map + i * kt_page, kt_page, i, SEED);
	buf = malloc(NPAGES * kt_page);
}

static void madvise_teardown(void)
{
	free(buf);
	munmap(map, NPAGES * kt_page);
	close(fd);
}

static unsigned long long faults(void)
{
	return kt_info(fd).faults;
}

/* The region holds the written pattern: read through pread, not @map. */
static void check_region_data(void)
{
	size_t i;

	ck_assert_int_eq(pread(fd, buf, NPAGES * kt_page, 0),
			 NPAGES * kt_page);
	for (i = 0; i < NPAGES; i++)
		ck_assert_msg(kt_check(buf + i * kt_page, kt_page, i, SEED),
			      "page %zu lost its data", i);
}

/* True if the page at @addr is mapped in this process (pagemap bit 63). */
static bool page_present(const void *addr)
{
	uint64_t entry = 0;
	off_t off = (uintptr_t)addr / kt_page * sizeof(entry);
	int pfd = kt_open("/proc/self/pagemap", O_RDONLY);

	ck_assert_int_eq(pread(pfd, &entry, sizeof(entry), off),
			 sizeof(entry));
	close(pfd);
	return entry >> 63;
}

/* True if the VmFlags of the mapping at @addr in smaps hold @flag. */
static bool has_vmflag(const void *addr, const char *flag)
{
	char line[512], want[32];
	bool in = false, found = false, seen = false;
	FILE *f = fopen("/proc/self/smaps", "r");
	char *tok;

	ck_assert(f);
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	while (!seen && fgets(line, sizeof(line), f)) {
		/* A mapping's first line: "start-end perms ...". */
		if (strchr(line, '-') && strchr(line, '-') < strchr(line, ' '))
			in = !strncmp(line, want, strlen(want));
		if (!in || strncmp(line, "VmFlags:", 8))
			continue;
		seen = true;
		for (tok = strtok(line + 8, " \n"); tok;
		     tok = strtok(NULL, " \n"))
			if (!strcmp(tok, flag))
				found = true;
	}
	fclose(f);
	ck_assert_msg(seen, "no VmFlags for %p", addr);
	return found;
}

START_TEST(dontneed_keeps_data_and_each_next_touch_faults_once)
{
	unsigned long long f0 = faults();
	size_t i;

	ck_assert_int_eq(madvise(map, NPAGES * kt_page, MADV_DONTNEED), 0);
	for (i = 0; i < NPAGES; i++)
		ck_assert_msg(!page_present(map + i * kt_page),
			      "page %zu still mapped after MADV_DONTNEED", i);
	/* Neither madvise nor a copy through the file maps anything. */
	check_region_data();
	ck_assert_uint_eq(faults(), f0);
	for (i = 0; i < NPAGES; i++) {
		ck_assert_msg(kt_check(map + i * kt_page, kt_page, i, SEED),
			      "page %zu reads back wrong through the mapping",
			      i);
		ck_assert_uint_eq(faults(), f0 + i / per + 1);
	}
	ck_assert(!memcmp(map, buf, NPAGES * kt_page));
	/* Mapped again: a second touch does not fault. */
	ck_assert_uint_eq(faults(), f0 + (NPAGES - 1) / per + 1);
	ck_assert_int_eq(kt_sysfs("kshm0", "faults"),
			 f0 + (NPAGES - 1) / per + 1);
}
END_TEST

START_TEST(dontneed_on_part_refaults_only_that_part)
{
	volatile char *v = map;
	unsigned long long f0 = faults();
	char *want = malloc(kt_page);
	size_t i;

	ck_assert_int_eq(madvise(map + 2 * kt_page, 3 * kt_page,
				 MADV_DONTNEED), 0);
	for (i = 0; i < NPAGES; i++)
		ck_assert_int_eq(page_present(map + i * kt_page),
				 i < 2 || i > 4);
	/* Write one byte of every page: only pages 2, 3 and 4 fault. */
	for (i = 0; i < NPAGES; i++)
		v[i * kt_page] = (char)(0xe0 + i);
	ck_assert_uint_eq(faults(), f0 + 4 / per - 2 / per + 1);
	/* The writes after the advice reached the region, beside the data. */
	ck_assert_int_eq(pread(fd, buf, NPAGES * kt_page, 0),
			 NPAGES * kt_page);
	for (i = 0; i < NPAGES; i++) {
		kt_fill(want, kt_page, i, SEED);
		want[0] = (char)(0xe0 + i);
		ck_assert_msg(!memcmp(buf + i * kt_page, want, kt_page),
			      "page %zu differs", i);
	}
	free(want);
}
END_TEST

START_TEST(dontneed_keeps_same_pages_resident_and_one_mapping)
{
	uint64_t pfn = kt_pfn(map + 3 * kt_page);
	long long resident = kt_sysfs("kshm0", "resident_pages");

	ck_assert_int_eq(kt_info(fd).mappings, 1);
	ck_assert_int_eq(madvise(map, NPAGES * kt_page, MADV_DONTNEED), 0);
	/* The region keeps its pages; the VMA is neither split nor gone. */
	ck_assert_int_eq(kt_sysfs("kshm0", "resident_pages"), resident);
	ck_assert_int_eq(kt_info(fd).mappings, 1);
	ck_assert_int_eq(kt_sysfs("kshm0", "mappings"), 1);
	ck_assert(!page_present(map + 3 * kt_page));
	/* The next touch maps the very page that was there before. */
	ck_assert(kt_check(map + 3 * kt_page, kt_page, 3, SEED));
	ck_assert_uint_eq(kt_pfn(map + 3 * kt_page), pfn);
}
END_TEST

START_TEST(free_fails_einval_and_keeps_data)
{
	unsigned long long f0 = faults();

	ck_assert_int_eq(madvise(map, NPAGES * kt_page, MADV_FREE), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(page_present(map));
	check_region_data();
	ck_assert(!memcmp(map, buf, NPAGES * kt_page));
	/* Nothing was unmapped, so reading it back faulted nothing. */
	ck_assert_uint_eq(faults(), f0);
	ck_assert_int_eq(kt_info(fd).mappings, 1);
}
END_TEST

START_TEST(remove_fails_enodev_and_keeps_data)
{
	unsigned long long f0 = faults();

	ck_assert_int_eq(madvise(map + kt_page, 2 * kt_page, MADV_REMOVE), -1);
	ck_assert_int_eq(errno, ENODEV);
	check_region_data();
	ck_assert(!memcmp(map, buf, NPAGES * kt_page));
	ck_assert_uint_eq(faults(), f0);
	ck_assert_int_eq(kt_info(fd).mappings, 1);
}
END_TEST

START_TEST(remove_on_readonly_mapping_fails_eacces)
{
	int rfd = kt_open(KT_DEV0, O_RDONLY);
	char *r = kt_map(rfd, NPAGES * kt_page, PROT_READ, 0);

	/* Not shared-writable: refused before fallocate is even tried. */
	ck_assert_int_eq(madvise(r, NPAGES * kt_page, MADV_REMOVE), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert(!memcmp(r, map, NPAGES * kt_page));
	check_region_data();
	munmap(r, NPAGES * kt_page);
	close(rfd);
}
END_TEST

START_TEST(dontdump_succeeds_and_dodump_fails_einval)
{
	ck_assert(has_vmflag(map, "dd"));
	ck_assert(has_vmflag(map, "de"));
	ck_assert_int_eq(madvise(map, NPAGES * kt_page, MADV_DONTDUMP), 0);
	ck_assert(has_vmflag(map, "dd"));
	/* Part of the mapping: the flags do not change, so no split. */
	ck_assert_int_eq(madvise(map + kt_page, kt_page, MADV_DONTDUMP), 0);
	ck_assert_int_eq(kt_info(fd).mappings, 1);
	ck_assert_int_eq(madvise(map, NPAGES * kt_page, MADV_DODUMP), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(madvise(map + kt_page, kt_page, MADV_DODUMP), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(has_vmflag(map, "dd"));
	ck_assert_int_eq(kt_info(fd).mappings, 1);
	check_region_data();
	ck_assert(!memcmp(map, buf, NPAGES * kt_page));
}
END_TEST

Suite *madvise_suite(void)
{
	Suite *s = suite_create("madvise");
	TCase *tc = tcase_create("madvise");

	tcase_add_checked_fixture(tc, madvise_setup, madvise_teardown);
	tcase_add_test(tc, dontneed_keeps_data_and_each_next_touch_faults_once);
	tcase_add_test(tc, dontneed_on_part_refaults_only_that_part);
	tcase_add_test(tc, dontneed_keeps_same_pages_resident_and_one_mapping);
	tcase_add_test(tc, free_fails_einval_and_keeps_data);
	tcase_add_test(tc, remove_fails_enodev_and_keeps_data);
	tcase_add_test(tc, remove_on_readonly_mapping_fails_eacces);
	tcase_add_test(tc, dontdump_succeeds_and_dodump_fails_einval);
	suite_add_tcase(s, tc);
	return s;
}
