// SPDX-License-Identifier: GPL-2.0
/*
 * A mapping alone in an empty part of the address space: its first touch
 * finds no page table above it at all. 6.12 then offers the VMA a 1 GiB
 * (PUD) .huge_fault before any PMD exists, so a handler that looked at
 * vmf->pmd first dereferenced NULL; and it did so for every backing while
 * .huge_fault sat in the one vm_operations_struct. Every backing must
 * fault such a mapping in cleanly, with the region's data.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "driver-test.h"

#define SPARSE_NAME	"sparse-huge"
#define SPARSE_NODE	"/dev/kshm-" SPARSE_NAME
#define GIB		(1UL << 30)

/*
 * Map @len bytes of @fd at the start of a 1 GiB slot that holds nothing
 * else: reserve 3 GiB, keep the middle gigabyte's start, give the rest back.
 */
static volatile char *map_alone(int fd, size_t len)
{
	char *area = mmap(NULL, 3 * GIB, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t slot;
	void *p;

	ck_assert_ptr_ne(area, MAP_FAILED);
	slot = ((uintptr_t)area + GIB - 1) & ~(GIB - 1);
	ck_assert_int_eq(munmap(area, 3 * GIB), 0);
	p = mmap((void *)slot, len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_ptr_eq(p, (void *)slot);
	return p;
}

static void touch_alone(int fd, size_t len)
{
	volatile char *p;
	char c = 0;

	ck_assert_int_eq(pwrite(fd, "k", 1, 0), 1);
	p = map_alone(fd, len);
	ck_assert_int_eq(p[0], 'k');
	p[len - 1] = 's';
	ck_assert_int_eq(pread(fd, &c, 1, len - 1), 1);
	ck_assert_int_eq(c, 's');
	ck_assert_int_eq(munmap((void *)p, len), 0);
}

START_TEST(the_groups_region_faults_in_alone_in_an_empty_gigabyte)
{
	int fd = kt_open("/dev/kshm0", O_RDWR);

	touch_alone(fd, kt_page);
	close(fd);
}
END_TEST

START_TEST(a_huge_region_faults_in_alone_in_an_empty_gigabyte)
{
	size_t len = 2UL << 20;
	int fd;

	ck_assert_int_eq(kt_create(SPARSE_NAME, len, len, KSHM_BACKING_HUGE), 0);
	fd = kt_open(SPARSE_NODE, O_RDWR);
	touch_alone(fd, len);
	close(fd);
	ck_assert_int_eq(kt_destroy(SPARSE_NAME), 0);
}
END_TEST

Suite *sparse_address_suite(void)
{
	Suite *s = suite_create("sparse_address");
	TCase *tc = kt_tcase("sparse_address");

	tcase_add_test(tc, the_groups_region_faults_in_alone_in_an_empty_gigabyte);
	tcase_add_test(tc, a_huge_region_faults_in_alone_in_an_empty_gigabyte);
	suite_add_tcase(s, tc);
	return s;
}
