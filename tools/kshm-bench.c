// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-bench: what the mapping saves over the copy path, as ratios.
 *
 * Runs inside the test VM (make bench) with kshm loaded. A producer
 * writes records (64-bit words) and a consumer sums them, through the
 * region, in transfers from 4 KiB to 4 MiB:
 *   copy:    produce into a private buffer, pwrite() it into the region,
 *            pread() it into another private buffer, consume from there
 *            (a copy_from_user and a copy_to_user per byte, two syscalls
 *            per transfer);
 *   mapping: produce straight into the mapped region and consume straight
 *            from it (the mapping is faulted in beforehand).
 * It also times the first touch of fresh pages (a fault each) against
 * reading the same pages with pread(). Each figure is the best of five
 * runs; the table gives ratios, which stay meaningful on a shared,
 * emulated machine where absolute times do not.
 *
 * Usage: kshm-bench [DEVICE]   (default /dev/kshm0; needs 16 MiB of max_size)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kshm.h>

#define REGION		(16u << 20)
#define TOTAL		(32u << 20)	/* bytes moved per measurement */
#define RUNS		5

static int fd;
static char *src, *dst, *map;
static size_t page;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "kshm-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t sum;

static void produce(char *to, size_t len, size_t off)
{
	uint64_t *w = (uint64_t *)to;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = off / 8 + i;
}

static void consume(const char *from, size_t len)
{
	const uint64_t *w = (const uint64_t *)from;
	size_t i;

	for (i = 0; i < len / 8; i++)
		sum += w[i];
}

/* Move TOTAL bytes producer to consumer in transfers of @len, by copy. */
static double by_copy(size_t len)
{
	double t = now();
	size_t done, off = 0;

	for (done = 0; done < TOTAL; done += len) {
		produce(src, len, off);
		if (pwrite(fd, src, len, off) != (ssize_t)len ||
		    pread(fd, dst, len, off) != (ssize_t)len)
			die("pwrite/pread");
		consume(dst, len);
		off = (off + len) % REGION;
	}
	return now() - t;
}

/* The same through the mapping: produced and consumed in place. */
static double by_map(size_t len)
{
	double t = now();
	size_t done, off = 0;

	for (done = 0; done < TOTAL; done += len) {
		produce(map + off, len, off);
		consume(map + off, len);
		off = (off + len) % REGION;
	}
	return now() - t;
}

static double best(double (*fn)(size_t), size_t len)
{
	double b = 1e9, t;
	int i;

	for (i = 0; i < RUNS; i++) {
		t = fn(len);
		if (t < b)
			b = t;
	}
	return b;
}

/* Both paths must deliver the same records: compare the sums. */
static uint64_t run_sum(double (*fn)(size_t), size_t len, double *t)
{
	uint64_t s;

	sum = 0;
	*t = best(fn, len);
	s = sum;
	return s;
}

static int set_size(uint64_t size)
{
	struct kshm_resize r = { .size = size, .flags = 0 };

	return ioctl(fd, KSHM_IOC_SET_SIZE, &r);
}

/* First touch of @npages fresh pages through a new mapping. */
static double first_touch(size_t npages)
{
	volatile char *m;
	double t;
	size_t i;

	/* Shrink and grow back: every page is fresh again. */
	if (set_size(page))
		die("shrink");
	if (set_size(REGION))
		die("grow");
	m = mmap(NULL, npages * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 0);
	if (m == MAP_FAILED)
		die("mmap");
	t = now();
	for (i = 0; i < npages; i++)
		m[i * page] = 1;
	t = now() - t;
	munmap((void *)m, npages * page);
	return t;
}

static double pread_pages(size_t npages)
{
	double t = now();

	if (pread(fd, dst, npages * page, 0) != (ssize_t)(npages * page))
		die("pread");
	return now() - t;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 4096, 65536, 1 << 20, 4 << 20 };
	const char *path = argc > 1 ? argv[1] : "/dev/kshm0";
	struct kshm_info info = { .argsz = sizeof(info), .flags = 0 };
	double tf, tp, tc, tm;
	size_t i, npages;

	page = sysconf(_SC_PAGESIZE);
	fd = open(path, O_RDWR);
	if (fd < 0)
		die(path);
	if (ioctl(fd, KSHM_IOC_INFO, &info))
		die("KSHM_IOC_INFO");
	if (!(info.mask & KSHM_INFO_SIZE) || !(info.mask & KSHM_INFO_BACKING)) {
		fprintf(stderr, "kshm-bench: the driver reports no size or backing\n");
		return 1;
	}
	if (set_size(REGION))
		die("resize to 16 MiB");
	src = malloc(REGION);
	dst = malloc(REGION);
	map = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!src || !dst || map == MAP_FAILED)
		die("setup");
	memset(map, 0, REGION);		/* fault everything in first */

	printf("backing %s: %u MiB from producer to consumer per run, best of %d\n",
	       info.backing == KSHM_BACKING_PAGES ? "pages" : "vmalloc",
	       TOTAL >> 20, RUNS);
	printf("%-10s %14s %14s %14s\n", "transfer", "copy MiB/s",
	       "mapping MiB/s", "copy/mapping");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (run_sum(by_copy, sizes[i], &tc) !=
		    run_sum(by_map, sizes[i], &tm))
			die("the two paths delivered different data");
		printf("%-10zu %14.0f %14.0f %13.2fx\n", sizes[i],
		       TOTAL / tc / (1 << 20), TOTAL / tm / (1 << 20), tc / tm);
	}
	munmap(map, REGION);

	npages = 1024;
	tf = 1e9;
	tp = 1e9;
	for (i = 0; i < RUNS; i++) {
		double a = first_touch(npages), b = pread_pages(npages);

		tf = a < tf ? a : tf;
		tp = b < tp ? b : tp;
	}
	printf("first touch of %zu fresh pages: fault/pread of a page %.2fx\n",
	       npages, tf / tp);
	set_size(info.size);
	return 0;
}
