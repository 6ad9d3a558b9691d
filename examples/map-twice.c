// SPDX-License-Identifier: MIT
/*
 * map-twice: one region mapped twice is one set of page frames.
 *
 * Maps the first page of a kshm region at two virtual addresses, prints
 * both addresses and the page-frame number behind each (from
 * /proc/self/pagemap, which shows PFNs to root only), writes through one
 * mapping and reads through the other. Exits 1 unless the addresses
 * differ, the frames are the same and the data came across.
 *
 * Build: cc -o map-twice map-twice.c $(pkg-config --cflags --libs libkshm)
 * Run:   sudo ./map-twice [/dev/kshm0]
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kshm.h>

#define PM_PFN_MASK	((UINT64_C(1) << 55) - 1)
#define PM_PRESENT	(UINT64_C(1) << 63)

/* The page frame behind @addr: 0 and -errno, or the PFN. */
static int64_t pfn_of(const void *addr)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t entry;
	ssize_t n;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, &entry, sizeof(entry),
		  (off_t)((uintptr_t)addr / pg * sizeof(entry)));
	close(fd);
	if (n != sizeof(entry))
		return n < 0 ? -errno : -EIO;
	if (!(entry & PM_PRESENT))
		return -ENODATA;
	return (int64_t)(entry & PM_PFN_MASK);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/kshm0";
	const char msg[] = "written through the first mapping";
	long pg = sysconf(_SC_PAGESIZE);
	int64_t pfn_a, pfn_b;
	struct kshm *k;
	char *a, *b;
	int ret = 1;

	k = kshm_open(path, O_RDWR);
	if (!k) {
		fprintf(stderr, "kshm_open %s: %s\n", path, strerror(errno));
		return 1;
	}
	a = kshm_map(k, 0, pg, PROT_READ | PROT_WRITE);
	b = kshm_map(k, 0, pg, PROT_READ | PROT_WRITE);
	if (!a || !b) {
		fprintf(stderr, "kshm_map: %s\n", strerror(errno));
		goto out;
	}

	/* Touch both, so each has a page table entry to look up. */
	memcpy(a, msg, sizeof(msg));
	printf("read through the second: \"%s\"\n", b);

	pfn_a = pfn_of(a);
	pfn_b = pfn_of(b);
	if (pfn_a < 0 || pfn_b < 0) {
		fprintf(stderr, "pagemap: %s\n",
			strerror((int)-(pfn_a < 0 ? pfn_a : pfn_b)));
		goto out;
	}
	if (!pfn_a)
		fprintf(stderr, "pagemap hides PFNs: run as root\n");

	printf("mapping 1: address %p  pfn %#" PRIx64 "\n", (void *)a, pfn_a);
	printf("mapping 2: address %p  pfn %#" PRIx64 "\n", (void *)b, pfn_b);

	if (a != b && pfn_a && pfn_a == pfn_b && !strcmp(b, msg)) {
		printf("The addresses differ, the page frame is the same: "
		       "one page, mapped twice, no copy.\n");
		ret = 0;
	} else {
		printf("FAIL: expected different addresses, one page frame "
		       "and the data seen through both\n");
	}
out:
	if (a)
		kshm_unmap(a, pg);
	if (b)
		kshm_unmap(b, pg);
	kshm_close(k);
	return ret;
}
