// SPDX-License-Identifier: GPL-2.0
/*
 * Backing "huge": memory in 2 MiB blocks, sizes in whole blocks, one
 * fault maps a whole block, with one 2 MiB entry (PMD) where the kernel
 * asks the driver for one (6.12; 6.1 never does for a file that is not
 * DAX) and the mapping covers the block at a 2 MiB-aligned address, else
 * with 4 KiB entries, counted as a fallback. Splitting, moving and
 * forking such a mapping keeps the data.
 *
 * In group "huge" this is kshm0; in the other groups, a region made
 * through the control node.
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

#define SEED		91
#define SIZE		(4 * KT_HUGE)		/* the region: 4 blocks */
#define BLOCK_PAGES	(KT_HUGE / kt_page)

static int fd;
static char node[KSHM_NAME_MAX];
static char path[64];
static bool made;

static void huge_setup(void)
{
	char *buf;
	size_t i;

	kt_setup();
	made = kt_backing() != KSHM_BACKING_HUGE;
	if (made) {
		ck_assert_int_eq(kt_create("t-huge", SIZE, 16 * KT_HUGE,
					   KSHM_BACKING_HUGE), 0);
		snprintf(path, sizeof(path), "/dev/kshm-t-huge");
	} else {
		snprintf(path, sizeof(path), KT_DEV0);
	}
	fd = kt_open(path, O_RDWR);
	ck_assert_int_eq(kt_set_size(fd, SIZE), 0);
	snprintf(node, sizeof(node), "%s", kt_info(fd).name);
	ck_assert_uint_eq(kt_info(fd).backing, KSHM_BACKING_HUGE);
	/* Faults to count, whatever the group's prefault parameter. */
	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 0), 0);
	buf = malloc(SIZE);
	for (i = 0; i < SIZE / kt_page; i++)
		kt_fill(buf + i * kt_page, kt_page, i, SEED);
	ck_assert_int_eq(pwrite(fd, buf, SIZE, 0), SIZE);
	free(buf);
}

static void huge_teardown(void)
{
	close(fd);
	if (made)
		ck_assert_int_eq(kt_destroy("t-huge"), 0);
}

static size_t count_present(const char *p, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += kt_present(p + i * kt_page);
	return c;
}

static bool data_ok(const char *p, size_t npages, size_t pgoff)
{
	size_t i;

	for (i = 0; i < npages; i++)
		if (!kt_check(p + i * kt_page, kt_page, pgoff + i, SEED))
			return false;
	return true;
}

START_TEST(mmap_of_whole_blocks_is_2mib_aligned)
{
	static const size_t lens[] = { KT_HUGE, 2 * KT_HUGE, SIZE };
	size_t i, j;
	char *p;

	for (j = 0; j < 4; j++)
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			p = kt_map(fd, lens[i], PROT_READ, 0);
			ck_assert_msg((uintptr_t)p % KT_HUGE == 0,
				      "%zu bytes at %p", lens[i], p);
			munmap(p, lens[i]);
		}
	/* At an offset of whole blocks too. */
	p = kt_map(fd, 2 * KT_HUGE, PROT_READ, KT_HUGE);
	ck_assert_uint_eq((uintptr_t)p % KT_HUGE, 0);
	ck_assert(data_ok(p, 4, BLOCK_PAGES));
	munmap(p, 2 * KT_HUGE);
}
END_TEST

/* One touch per block: one fault each, as a PMD or as 512 PTEs. */
START_TEST(one_fault_maps_a_whole_block)
{
	size_t chunks = SIZE / KT_HUGE, i;
	struct kshm_info a, b;
	char *p;
	int pmd;

	/* The window does not apply: a block is mapped whole. */
	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 1), 0);
	p = kt_map(fd, SIZE, PROT_READ | PROT_WRITE, 0);
	ck_assert_uint_eq((uintptr_t)p % KT_HUGE, 0);
	pmd = kt_pmds_offered(p, SIZE);
	a = kt_info(fd);
	for (i = 0; i < chunks; i++)
		(void)*(volatile char *)(p + i * KT_HUGE + 100 * kt_page);
	b = kt_info(fd);
	ck_assert_uint_eq(b.faults - a.faults, chunks);
	ck_assert_uint_eq(b.huge_maps - a.huge_maps +
			  b.huge_fallbacks - a.huge_fallbacks, chunks);
	if (pmd == 1)
		ck_assert_uint_eq(b.huge_maps - a.huge_maps, chunks);
	if (pmd == 0) {
		ck_assert_uint_eq(b.huge_fallbacks - a.huge_fallbacks, chunks);
		ck_assert_uint_eq(b.around_pages - a.around_pages,
				  (BLOCK_PAGES - 1) * chunks);
	}
	ck_assert_uint_eq(count_present(p, SIZE / kt_page), SIZE / kt_page);
	/* Everything is mapped: more touches, and writes, fault nothing. */
	for (i = 0; i < SIZE; i += kt_page)
		p[i + 1] = p[i + 1];
	ck_assert_uint_eq(kt_info(fd).faults, b.faults);
	ck_assert(data_ok(p, SIZE / kt_page, 0));
	ck_assert_int_eq(kt_sysfs(node, "huge_maps"), b.huge_maps);
	ck_assert_int_eq(kt_sysfs(node, "huge_fallbacks"), b.huge_fallbacks);
	munmap(p, SIZE);
}
END_TEST

/*
 * With transparent huge pages "never", the kernel asks for no 2 MiB
 * entry even on 6.12: every block is a fallback, mapped whole by PTEs.
 */
START_TEST(thp_never_maps_blocks_with_4k_entries)
{
	size_t chunks = SIZE / KT_HUGE, i;
	char was[128] = "", *mode, *end;
	struct kshm_info a, b;
	int f = open(KT_THP, O_RDWR);
	ssize_t n;
	char *p;

	if (f >= 0) {
		n = read(f, was, sizeof(was) - 1);
		was[n > 0 ? n : 0] = 0;
		ck_assert_int_eq(pwrite(f, "never", 5, 0), 5);
	}
	p = kt_map(fd, SIZE, PROT_READ, 0);
	a = kt_info(fd);
	for (i = 0; i < chunks; i++)
		(void)*(volatile char *)(p + i * KT_HUGE + 7 * kt_page);
	b = kt_info(fd);
	/* The setting back before anything can fail: "[always] madvise never". */
	mode = strchr(was, '[');
	end = mode ? strchr(mode, ']') : NULL;
	if (f >= 0 && end)
		ck_assert_int_eq(pwrite(f, mode + 1, end - mode - 1, 0),
				 end - mode - 1);
	if (f >= 0)
		close(f);
	ck_assert_uint_eq(b.faults - a.faults, chunks);
	ck_assert_uint_eq(b.huge_maps, a.huge_maps);
	ck_assert_uint_eq(b.huge_fallbacks - a.huge_fallbacks, chunks);
	ck_assert_uint_eq(b.around_pages - a.around_pages,
			  (BLOCK_PAGES - 1) * chunks);
	ck_assert_uint_eq(count_present(p, SIZE / kt_page), SIZE / kt_page);
	ck_assert(data_ok(p, SIZE / kt_page, 0));
	munmap(p, SIZE);
}
END_TEST

/* Memory comes in whole blocks, on the first touch, and goes with them. */
START_TEST(resident_pages_grow_by_blocks)
{
	long long r0;
	char c, *p;

	ck_assert_int_eq(kt_set_size(fd, KT_HUGE), 0);
	ck_assert_int_eq(kt_set_size(fd, SIZE), 0);
	r0 = kt_sysfs(node, "resident_pages");
	ck_assert_int_eq(r0, BLOCK_PAGES);	/* block 0, with data */
	/* Reading an empty block allocates nothing. */
	ck_assert_int_eq(pread(fd, &c, 1, 2 * KT_HUGE + 5), 1);
	ck_assert_int_eq(c, 0);
	ck_assert_int_eq(kt_sysfs(node, "resident_pages"), r0);
	ck_assert_int_eq(pwrite(fd, "x", 1, 2 * KT_HUGE + 5), 1);
	ck_assert_int_eq(kt_sysfs(node, "resident_pages"), r0 + BLOCK_PAGES);
	p = kt_map(fd, SIZE, PROT_READ, 0);
	(void)*(volatile char *)(p + 3 * KT_HUGE + 7 * kt_page);
	ck_assert_int_eq(kt_sysfs(node, "resident_pages"), r0 + 2 * BLOCK_PAGES);
	(void)*(volatile char *)(p + 3 * KT_HUGE + 300 * kt_page);
	ck_assert_int_eq(kt_sysfs(node, "resident_pages"), r0 + 2 * BLOCK_PAGES);
	ck_assert(!p[KT_HUGE + 9]);
	munmap(p, SIZE);
	ck_assert_int_eq(kt_set_size(fd, 2 * KT_HUGE), 0);
	ck_assert_int_eq(kt_sysfs(node, "resident_pages"), r0 + BLOCK_PAGES);
}
END_TEST

/*
 * A mapping at an offset inside a block: each block it touches is mapped
 * with 4 KiB entries, clipped to the mapping, one fault each.
 */
START_TEST(offset_inside_a_block_falls_back)
{
	struct kshm_info a, b;
	char *p;

	p = kt_map(fd, KT_HUGE, PROT_READ, kt_page);
	a = kt_info(fd);
	(void)*(volatile char *)p;
	(void)*(volatile char *)(p + KT_HUGE - 1);
	b = kt_info(fd);
	ck_assert_uint_eq(b.faults - a.faults, 2);
	ck_assert_uint_eq(b.huge_fallbacks - a.huge_fallbacks, 2);
	ck_assert_uint_eq(b.huge_maps, a.huge_maps);
	/* 511 pages of block 0, 1 of block 1. */
	ck_assert_uint_eq(b.around_pages - a.around_pages, BLOCK_PAGES - 2);
	ck_assert_uint_eq(count_present(p, BLOCK_PAGES), BLOCK_PAGES);
	ck_assert(data_ok(p, BLOCK_PAGES, 1));
	munmap(p, KT_HUGE);
}
END_TEST

/* MAP_FIXED at an address off the 2 MiB grid: 4 KiB entries, counted. */
START_TEST(unaligned_fixed_address_falls_back)
{
	struct kshm_info a, b;
	char *p;

	p = kt_map_at(fd, 2 * KT_HUGE, PROT_READ, 0, KT_HUGE, 3 * kt_page);
	/* Allowed a PMD if the kernel offers one: the address still says no. */
	kt_pmds_offered(p, 2 * KT_HUGE);
	a = kt_info(fd);
	(void)*(volatile char *)(p + 5 * kt_page);
	(void)*(volatile char *)(p + KT_HUGE + 5 * kt_page);
	b = kt_info(fd);
	ck_assert_uint_eq(b.faults - a.faults, 2);
	ck_assert_uint_eq(b.huge_fallbacks - a.huge_fallbacks, 2);
	ck_assert_uint_eq(b.huge_maps, a.huge_maps);
	ck_assert_uint_eq(b.around_pages - a.around_pages,
			  2 * (BLOCK_PAGES - 1));
	ck_assert_uint_eq(count_present(p, 2 * BLOCK_PAGES), 2 * BLOCK_PAGES);
	ck_assert(data_ok(p, 2 * BLOCK_PAGES, 0));
	munmap(p, 2 * KT_HUGE);
}
END_TEST

/*
 * munmap of a few pages in the middle of a mapped block: the 2 MiB entry,
 * if any, is split; the rest of the block reads back right.
 */
START_TEST(partial_munmap_inside_a_block_keeps_the_rest)
{
	size_t hole = BLOCK_PAGES + 100, holen = 4;
	struct kshm_info a, b;
	char *p;
	int pmd;

	p = kt_map(fd, SIZE, PROT_READ | PROT_WRITE, 0);
	pmd = kt_pmds_offered(p, SIZE);
	ck_assert(data_ok(p, SIZE / kt_page, 0));
	a = kt_info(fd);
	ck_assert_int_eq(munmap(p + hole * kt_page, holen * kt_page), 0);
	ck_assert_int_eq(kt_sysfs(node, "mappings"), 2);
	ck_assert(data_ok(p, hole, 0));
	ck_assert(data_ok(p + (hole + holen) * kt_page,
			  SIZE / kt_page - hole - holen, hole + holen));
	b = kt_info(fd);
	/* A PMD split is zapped: each side faults its part back, once. */
	if (pmd >= 0)
		ck_assert_uint_eq(b.faults - a.faults, pmd ? 2 : 0);
	ck_assert_uint_eq(b.huge_fallbacks - a.huge_fallbacks,
			  b.faults - a.faults);
	/* A whole block out of the middle, too. */
	ck_assert_int_eq(munmap(p + 2 * KT_HUGE, KT_HUGE), 0);
	ck_assert_int_eq(kt_sysfs(node, "mappings"), 3);
	ck_assert(data_ok(p + 3 * KT_HUGE, BLOCK_PAGES, 3 * BLOCK_PAGES));
	ck_assert(data_ok(p, BLOCK_PAGES, 0));
	munmap(p, SIZE);
	ck_assert_int_eq(kt_sysfs(node, "mappings"), 0);
}
END_TEST

/* A 2 MiB-aligned address off 2 MiB + @shift for mremap to move to. */
static char *hole_at(size_t len, size_t shift)
{
	char *r = mmap(NULL, len + 2 * KT_HUGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	ck_assert(r != MAP_FAILED);
	return (char *)(((uintptr_t)r + KT_HUGE - 1) / KT_HUGE * KT_HUGE) +
	       shift;
}

START_TEST(mremap_move_keeps_data)
{
	size_t len = 2 * KT_HUGE;
	char *p, *q;

	p = kt_map(fd, len, PROT_READ | PROT_WRITE, KT_HUGE);
	kt_pmds_offered(p, len);
	ck_assert(data_ok(p, len / kt_page, BLOCK_PAGES));
	/* To another 2 MiB boundary, then off the grid. */
	q = hole_at(len, 0);
	ck_assert(mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, q) == q);
	ck_assert(data_ok(q, len / kt_page, BLOCK_PAGES));
	p = hole_at(len, 5 * kt_page);
	ck_assert(mremap(q, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, p) == p);
	ck_assert(data_ok(p, len / kt_page, BLOCK_PAGES));
	ck_assert_int_eq(kt_sysfs(node, "mappings"), 1);
	/* Shrink in place: the first block stays, mapped right. */
	ck_assert(mremap(p, len, KT_HUGE, 0) == p);
	ck_assert(data_ok(p, BLOCK_PAGES, BLOCK_PAGES));
	munmap(p, KT_HUGE);
	ck_assert_int_eq(kt_sysfs(node, "mappings"), 0);
}
END_TEST

/* A child reads and writes through the inherited mapping. */
START_TEST(forked_child_sees_the_same_data)
{
	unsigned long long f0;
	char *p;
	pid_t pid;

	p = kt_map(fd, SIZE, PROT_READ | PROT_WRITE, 0);
	kt_pmds_offered(p, SIZE);
	ck_assert(data_ok(p, SIZE / kt_page, 0));
	f0 = kt_info(fd).faults;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		bool ok = data_ok(p, SIZE / kt_page, 0);

		kt_fill(p + KT_HUGE + 3 * kt_page, kt_page, 1, 1);
		_exit(ok ? 0 : 1);
	}
	ck_assert(kt_child_ok(pid));
	/* Whatever the child faulted, it faulted at most once a block. */
	ck_assert_uint_le(kt_info(fd).faults - f0, SIZE / KT_HUGE);
	ck_assert(kt_check(p + KT_HUGE + 3 * kt_page, kt_page, 1, 1));
	ck_assert_int_eq(kt_sysfs(node, "mappings"), 1);
	munmap(p, SIZE);
}
END_TEST

/* MADV_DONTNEED of a block, or of part of one: the data stays. */
START_TEST(dontneed_of_a_block_refaults_same_data)
{
	unsigned long long f0;
	char *p;

	p = kt_map(fd, SIZE, PROT_READ, 0);
	kt_pmds_offered(p, SIZE);
	ck_assert(data_ok(p, SIZE / kt_page, 0));
	ck_assert_int_eq(madvise(p + KT_HUGE, KT_HUGE, MADV_DONTNEED), 0);
	ck_assert_uint_eq(count_present(p + KT_HUGE, BLOCK_PAGES), 0);
	f0 = kt_info(fd).faults;
	ck_assert(data_ok(p + KT_HUGE, BLOCK_PAGES, BLOCK_PAGES));
	ck_assert_uint_eq(kt_info(fd).faults, f0 + 1);
	ck_assert_int_eq(madvise(p + 10 * kt_page, 3 * kt_page,
				 MADV_DONTNEED), 0);
	ck_assert(!kt_present(p + 11 * kt_page));
	ck_assert(data_ok(p, BLOCK_PAGES, 0));
	ck_assert_uint_eq(kt_info(fd).faults, f0 + 2);
	munmap(p, SIZE);
}
END_TEST

/* Sizes round up to whole blocks, max_size down. */
START_TEST(sizes_are_whole_blocks)
{
	uint64_t max = kt_info(fd).max_size;
	struct kshm_info info;
	int f;

	ck_assert_uint_eq(max % KT_HUGE, 0);
	ck_assert_int_eq(kt_set_size(fd, 1), 0);
	ck_assert_uint_eq(kt_info(fd).size, KT_HUGE);
	ck_assert_int_eq(kt_set_size(fd, KT_HUGE + 1), 0);
	ck_assert_uint_eq(kt_info(fd).size, 2 * KT_HUGE);
	ck_assert_int_eq(kt_sysfs(node, "size"), 2 * KT_HUGE);
	ck_assert_int_eq(kt_set_size(fd, max - kt_page), 0);
	ck_assert_uint_eq(kt_info(fd).size, max);
	ck_assert_int_eq(kt_set_size(fd, max + 1), -EINVAL);
	ck_assert_int_eq(kt_set_size(fd, 0), -EINVAL);
	ck_assert_uint_eq(kt_info(fd).size, max);

	/* Through the control node: max_size 0 is the size, rounded up. */
	ck_assert_int_eq(kt_create("t-huge-b", 3 * kt_page, 0,
				   KSHM_BACKING_HUGE), 0);
	f = kt_open("/dev/kshm-t-huge-b", O_RDWR);
	info = kt_info(f);
	ck_assert_uint_eq(info.size, KT_HUGE);
	ck_assert_uint_eq(info.max_size, KT_HUGE);
	ck_assert_uint_eq(info.resident_pages, 0);
	close(f);
	ck_assert_int_eq(kt_destroy("t-huge-b"), 0);
	ck_assert_int_eq(kt_create("t-huge-b", kt_page, 3 * KT_HUGE - 1,
				   KSHM_BACKING_HUGE), 0);
	f = kt_open("/dev/kshm-t-huge-b", O_RDWR);
	ck_assert_uint_eq(kt_info(f).max_size, 2 * KT_HUGE);
	ck_assert_int_eq(kt_set_size(f, 2 * KT_HUGE + 1), -EINVAL);
	close(f);
	ck_assert_int_eq(kt_destroy("t-huge-b"), 0);
	/* A max_size below one block, or below the rounded size. */
	ck_assert_int_eq(kt_create("t-huge-b", kt_page, KT_HUGE - kt_page,
				   KSHM_BACKING_HUGE), -EINVAL);
	ck_assert_int_eq(kt_create("t-huge-b", KT_HUGE + 1, KT_HUGE + 1,
				   KSHM_BACKING_HUGE), -EINVAL);
	ck_assert_int_eq(access("/dev/kshm-t-huge-b", F_OK), -1);
}
END_TEST

Suite *huge_suite(void)
{
	Suite *s = suite_create("huge");
	TCase *tc = tcase_create("huge");

	tcase_add_checked_fixture(tc, huge_setup, huge_teardown);
	tcase_add_test(tc, mmap_of_whole_blocks_is_2mib_aligned);
	tcase_add_test(tc, one_fault_maps_a_whole_block);
	tcase_add_test(tc, thp_never_maps_blocks_with_4k_entries);
	tcase_add_test(tc, resident_pages_grow_by_blocks);
	tcase_add_test(tc, offset_inside_a_block_falls_back);
	tcase_add_test(tc, unaligned_fixed_address_falls_back);
	tcase_add_test(tc, partial_munmap_inside_a_block_keeps_the_rest);
	tcase_add_test(tc, mremap_move_keeps_data);
	tcase_add_test(tc, forked_child_sees_the_same_data);
	tcase_add_test(tc, dontneed_of_a_block_refaults_same_data);
	tcase_add_test(tc, sizes_are_whole_blocks);
	suite_add_tcase(s, tc);
	return s;
}
