// SPDX-License-Identifier: MIT
/*
 * copy-vs-map: the same data through write()/read() and through a mapping.
 *
 * Moves 4 MiB into the region and back out several times, once with
 * pwrite()/pread() on the region's fd (every byte copied between user
 * and kernel memory) and once through a mapping (the program writes
 * and reads the region's pages directly), and prints both rates side by
 * side. Resizes the region to 4 MiB if it is smaller, and back after.
 *
 * Build: cc -O2 -o copy-vs-map copy-vs-map.c $(pkg-config --cflags --libs libkshm)
 * Run:   sudo ./copy-vs-map [/dev/kshm0]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <kshm.h>

#define LEN	(4u << 20)
#define ROUNDS	8
#define CHUNK	(64u << 10)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Each round writes all of @src in and reads it back into @dst. */
static int by_copy(int fd, const char *src, char *dst)
{
	for (int r = 0; r < ROUNDS; r++) {
		for (size_t off = 0; off < LEN; off += CHUNK)
			if (pwrite(fd, src + off, CHUNK, off) != CHUNK)
				return -errno;
		for (size_t off = 0; off < LEN; off += CHUNK)
			if (pread(fd, dst + off, CHUNK, off) != CHUNK)
				return -errno;
	}
	return 0;
}

/* The same through the mapping: what is written is simply there. */
static void by_map(char *region, const char *src, char *dst)
{
	for (int r = 0; r < ROUNDS; r++) {
		memcpy(region, src, LEN);
		memcpy(dst, region, LEN);
	}
}

static void report(const char *how, double secs)
{
	double mib = 2.0 * ROUNDS * LEN / (1 << 20);

	printf("%-22s %8.1f MiB in %6.3f s  = %8.1f MiB/s\n", how, mib, secs,
	       mib / secs);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/kshm0";
	char *src = malloc(LEN), *dst = malloc(LEN), *region;
	double t_copy, t_map, t;
	struct kshm_info info;
	struct kshm *k;
	int ret;

	if (!src || !dst)
		return 1;
	for (size_t i = 0; i < LEN; i++)
		src[i] = (char)(i * 7 + 3);

	k = kshm_open(path, O_RDWR);
	if (!k) {
		fprintf(stderr, "kshm_open %s: %s\n", path, strerror(errno));
		return 1;
	}
	ret = kshm_info(k, &info);
	if (!ret && info.size < LEN)
		ret = kshm_resize(k, LEN);
	if (ret) {
		fprintf(stderr, "sizing %s: %s\n", path, strerror(-ret));
		goto err_close;
	}

	t = now();
	ret = by_copy(kshm_fd(k), src, dst);
	t_copy = now() - t;
	if (ret) {
		fprintf(stderr, "pwrite/pread: %s\n", strerror(-ret));
		goto err_restore;
	}
	if (memcmp(src, dst, LEN)) {
		fprintf(stderr, "read() gave back other data\n");
		goto err_restore;
	}

	memset(dst, 0, LEN);
	region = kshm_map(k, 0, LEN, PROT_READ | PROT_WRITE);
	if (!region) {
		fprintf(stderr, "kshm_map: %s\n", strerror(errno));
		goto err_restore;
	}
	t = now();
	by_map(region, src, dst);
	t_map = now() - t;
	kshm_unmap(region, LEN);
	if (memcmp(src, dst, LEN)) {
		fprintf(stderr, "the mapping gave back other data\n");
		goto err_restore;
	}

	printf("%d rounds of %u MiB in and out of %s:\n", ROUNDS, LEN >> 20,
	       path);
	report("pwrite()/pread()", t_copy);
	report("mapping + memcpy()", t_map);
	printf("The mapping's first round includes its page faults; "
	       "later rounds touch the pages directly.\n");

	if (info.size < LEN)
		kshm_resize(k, info.size);
	kshm_close(k);
	free(src);
	free(dst);
	return 0;

err_restore:
	if (info.size < LEN)
		kshm_resize(k, info.size);
err_close:
	kshm_close(k);
	free(src);
	free(dst);
	return 1;
}
