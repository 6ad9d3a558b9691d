// SPDX-License-Identifier: GPL-2.0
/*
 * The interleavings fault-around must survive, forced rather than hoped
 * for (kshm_fault_around.c):
 *
 * - A PTE of the window is present when the window is mapped: an earlier
 *   touch, or a racing fault that got there first. vm_insert_pages()
 *   stops at it with -EBUSY; kshm must keep that entry (the data under
 *   it) and go on with the rest of the window. Made deterministic by
 *   touching pages inside the window first, one page per fault.
 *   Fails (around_pages, the unmapped rest) if the step-over is removed.
 * - Two processes take first touches of the same window at the same
 *   moment, each fault allocating the other's page as part of its
 *   window: one page must win per offset (the backing's cmpxchg), so
 *   that each sees the other's write. Released together from a shared
 *   spin barrier, window after window, on the guest's two CPUs.
 *
 * Both on a run-time region of backing "pages" (the backing whose
 * window allocates), whatever the group.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include "driver-test.h"

#define RACE_NAME	"race-window"
#define RACE_NODE	"/dev/kshm-" RACE_NAME
#define WIN		16
#define ROUNDS		128

static int race_region(size_t pages)
{
	ck_assert_int_eq(kt_create(RACE_NAME, pages * kt_page,
				   pages * kt_page, KSHM_BACKING_PAGES), 0);
	return kt_open(RACE_NODE, O_RDWR);
}

static void race_teardown(void)
{
	(void)kt_destroy(RACE_NAME);
}

START_TEST(a_present_pte_inside_the_window_is_kept_and_stepped_over)
{
	int fd = race_region(4 * WIN);
	size_t len = 4 * WIN * kt_page;
	struct kshm_info before, after;
	volatile char *p;
	char c = 0;

	/* One page per fault, and no prefault (group pages-prefault). */
	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 1), 0);
	/* The mapping starts on a window boundary: page 0's window is 0..15. */
	p = kt_map_at(fd, len, PROT_READ | PROT_WRITE, 0, WIN * kt_page, 0);
	p[5 * kt_page] = 'A';
	p[9 * kt_page] = 'B';
	ck_assert(kt_present((void *)&p[5 * kt_page]));
	ck_assert(!kt_present((void *)&p[6 * kt_page]));

	ck_assert_int_eq(kt_set_fault_policy(fd, 0, WIN), 0);
	before = kt_info(fd);
	ck_assert_int_eq(p[0], 0);
	after = kt_info(fd);

	ck_assert_uint_eq(after.faults - before.faults, 1);
	/* Sixteen pages, less the faulting one and the two present. */
	ck_assert_uint_eq(after.around_pages - before.around_pages, WIN - 3);
	for (size_t i = 0; i < WIN; i++)
		ck_assert_msg(kt_present((void *)&p[i * kt_page]),
			      "page %zu of the window is not mapped", i);
	ck_assert(!kt_present((void *)&p[WIN * kt_page]));
	ck_assert_int_eq(p[5 * kt_page], 'A');
	ck_assert_int_eq(p[9 * kt_page], 'B');
	/* Still the region's pages: what was written reads back. */
	ck_assert_int_eq(pread(fd, &c, 1, 5 * kt_page), 1);
	ck_assert_int_eq(c, 'A');
	ck_assert_int_eq(munmap((void *)p, len), 0);
	close(fd);
}
END_TEST

/*
 * The region mapped at an address aligned to a window, so that each
 * window of the region is one fault-around window; MAP_FAILED on error.
 * (No ck_assert: the child calls it too.)
 */
static volatile char *map_window_aligned(int fd, size_t len)
{
	size_t align = WIN * kt_page;
	char *area = mmap(NULL, len + align, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t base;
	void *p;

	if (area == MAP_FAILED)
		return MAP_FAILED;
	base = ((uintptr_t)area + align - 1) & ~(uintptr_t)(align - 1);
	p = mmap((void *)base, len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, 0);
	return p;
}

/* A two-party spin barrier in shared memory: generation counting. */
struct race_sync {
	atomic_uint arrived;
	atomic_uint generation;
};

static void race_barrier(struct race_sync *s)
{
	unsigned int gen = atomic_load(&s->generation);

	if (atomic_fetch_add(&s->arrived, 1) == 1) {
		atomic_store(&s->arrived, 0);
		atomic_fetch_add(&s->generation, 1);
		return;
	}
	while (atomic_load(&s->generation) == gen)
		;
}

/*
 * Round r: both parties wait at the barrier, then the child writes page 3
 * and the parent page 11 of window r, each a first touch whose fault
 * allocates the whole window, the other's page included.
 */
static void race_touch(struct race_sync *s, volatile char *p, bool child)
{
	for (size_t r = 0; r < ROUNDS; r++) {
		race_barrier(s);
		p[(r * WIN + (child ? 3 : 11)) * kt_page] = child ? 'c' : 'p';
	}
	race_barrier(s);
}

START_TEST(two_processes_racing_first_touches_of_one_window_share_pages)
{
	int fd = race_region(ROUNDS * WIN);
	size_t len = ROUNDS * WIN * kt_page;
	struct race_sync *s;
	volatile char *p;
	pid_t pid;

	ck_assert_int_eq(kt_set_fault_policy(fd, 0, WIN), 0);
	s = mmap(NULL, kt_page, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(s, MAP_FAILED);
	atomic_init(&s->arrived, 0);
	atomic_init(&s->generation, 0);

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* A mapping of the child's own, not one inherited. */
		p = map_window_aligned(fd, len);
		if (p == MAP_FAILED)
			_exit(2);
		race_touch(s, p, true);
		/* Each of the parent's writes, through this mapping. */
		for (size_t r = 0; r < ROUNDS; r++)
			if (p[(r * WIN + 11) * kt_page] != 'p')
				_exit(1);
		_exit(0);
	}
	p = map_window_aligned(fd, len);
	ck_assert_ptr_ne((void *)p, MAP_FAILED);
	race_touch(s, p, false);
	ck_assert(kt_child_ok(pid));
	for (size_t r = 0; r < ROUNDS; r++) {
		ck_assert_msg(p[(r * WIN + 3) * kt_page] == 'c',
			      "window %zu: the child's write is not here", r);
		ck_assert_msg(p[(r * WIN + 11) * kt_page] == 'p',
			      "window %zu: the parent's write is lost", r);
	}
	/*
	 * Every window was allocated whole, once: one page per offset,
	 * nothing allocated twice and kept.
	 */
	ck_assert_uint_eq(kt_info(fd).resident_pages, ROUNDS * WIN);
	ck_assert_int_eq(munmap((void *)p, len), 0);
	munmap(s, kt_page);
	close(fd);
}
END_TEST

Suite *fault_around_races_suite(void)
{
	Suite *s = suite_create("fault_around_races");
	TCase *tc = kt_tcase("races");

	tcase_add_checked_fixture(tc, NULL, race_teardown);
	tcase_add_test(tc, a_present_pte_inside_the_window_is_kept_and_stepped_over);
	tcase_add_test(tc, two_processes_racing_first_touches_of_one_window_share_pages);
	suite_add_tcase(s, tc);
	return s;
}
