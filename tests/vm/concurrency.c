// SPDX-License-Identifier: GPL-2.0
/*
 * Faults from many threads and processes at once: no page is lost,
 * duplicated or mixed up, and racing first touches allocate one page.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "driver-test.h"

#define REGION		(4 * 1024 * 1024)
#define WORKERS		4	/* 2 processes x 2 threads */

struct worker {
	char *map;
	int id;
	size_t npages;
};

/* Worker @id owns the pages whose index is id modulo WORKERS. */
static void *write_own_pages(void *arg)
{
	struct worker *w = arg;
	size_t i;

	for (i = w->id; i < w->npages; i += WORKERS)
		kt_fill(w->map + i * kt_page, kt_page, i, 0x40 + w->id);
	return NULL;
}

static void run_two_threads(char *map, int first_id, size_t npages)
{
	struct worker w[2] = {
		{ map, first_id, npages }, { map, first_id + 1, npages },
	};
	pthread_t t[2];
	int i;

	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, write_own_pages,
						&w[i]), 0);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
}

START_TEST(four_threads_two_processes_write_disjoint_pages)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	size_t npages, i;
	char *map, *buf;
	pid_t pid;

	ck_assert_int_eq(kt_set_size(fd, REGION), 0);
	npages = REGION / kt_page;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* The child maps on its own: a mapping of its own VMA. */
		int cfd = open(KT_DEV0, O_RDWR);
		char *cmap = mmap(NULL, REGION, PROT_READ | PROT_WRITE,
				  MAP_SHARED, cfd, 0);

		if (cfd < 0 || cmap == MAP_FAILED)
			_exit(2);
		run_two_threads(cmap, 2, npages);
		_exit(0);
	}
	map = kt_map(fd, REGION, PROT_READ | PROT_WRITE, 0);
	run_two_threads(map, 0, npages);
	ck_assert(kt_child_ok(pid));

	buf = malloc(kt_page);
	for (i = 0; i < npages; i++) {
		uint8_t seed = 0x40 + i % WORKERS;

		ck_assert_msg(kt_check(map + i * kt_page, kt_page, i, seed),
			      "page %zu wrong through the mapping", i);
		ck_assert_int_eq(pread(fd, buf, kt_page, i * kt_page),
				 kt_page);
		ck_assert_msg(kt_check(buf, kt_page, i, seed),
			      "page %zu wrong through read()", i);
	}
	free(buf);
	munmap(map, REGION);
	ck_assert_int_eq(kt_set_size(fd, KT_SIZE), 0);
}
END_TEST

struct toucher {
	volatile char *map;
	size_t npages;
	pthread_barrier_t *go;
};

static void *touch_all(void *arg)
{
	struct toucher *t = arg;
	size_t i;

	pthread_barrier_wait(t->go);
	for (i = 0; i < t->npages; i++)
		(void)t->map[i * kt_page];
	return NULL;
}

START_TEST(racing_first_touches_allocate_one_page_each)
{
	int fd = kt_open(KT_DEV0, O_RDWR);
	size_t npages = KT_SIZE / kt_page, per = kt_one_page_faults(fd);
	struct toucher tt[WORKERS];
	pthread_barrier_t go;
	pthread_t t[WORKERS];
	long long before;
	int i;

	/* Each thread its own mapping, so each first touch is a fault. */
	before = kt_sysfs("kshm0", "faults");
	pthread_barrier_init(&go, NULL, WORKERS);
	for (i = 0; i < WORKERS; i++) {
		tt[i].map = kt_map(fd, KT_SIZE, PROT_READ, 0);
		tt[i].npages = npages;
		tt[i].go = &go;
		ck_assert_int_eq(pthread_create(&t[i], NULL, touch_all, &tt[i]),
				 0);
	}
	for (i = 0; i < WORKERS; i++)
		pthread_join(t[i], NULL);
	for (i = 1; i < WORKERS; i++)
		ck_assert_uint_eq(kt_pfn((void *)tt[i].map),
				  kt_pfn((void *)tt[0].map));
	ck_assert_int_eq(kt_sysfs("kshm0", "faults") - before,
			 WORKERS * npages / per);
	/* One page each: the whole region, whatever its backing. */
	ck_assert_int_eq(kt_sysfs("kshm0", "resident_pages"), npages);
}
END_TEST

Suite *concurrency_suite(void)
{
	Suite *s = suite_create("concurrency");
	TCase *tc = kt_tcase("concurrency");

	tcase_add_test(tc, four_threads_two_processes_write_disjoint_pages);
	tcase_add_test(tc, racing_first_touches_allocate_one_page_each);
	suite_add_tcase(s, tc);
	return s;
}
