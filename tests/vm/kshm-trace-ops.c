// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-trace-ops DEVICE: a fixed sequence of operations whose tracepoint
 * events tests/vm/guest/tracing.sh checks field by field:
 *
 *   1. KSHM_IOC_SET_FAULT_POLICY window 4 (so the expected pages per fault
 *      do not depend on the module's fault_around parameter);
 *   2. mmap() 16 pages at offset 0, at an address aligned to 16 pages
 *      (so each fault's window is exactly 4 pages): kshm_map
 *      pgoff=0 pages=16 mappings=1;
 *   3. a write to page 0 and a read of page 8: two kshm_fault events,
 *      pgoff=0 write=1 pages=4 and pgoff=8 write=0 pages=4;
 *   4. a resize while mapped: kshm_resize result=-16 (EBUSY), old and new
 *      size both the current size;
 *   5. munmap(): kshm_unmap pgoff=0 pages=16 mappings=0;
 *   6. resize to the region's size plus one page, then back: two
 *      kshm_resize events with result=0.
 *
 * For a region of backing "pages" (a block backing faults differently).
 *
 * Prints "size=BYTES" (the size before step 5) for the script, restores
 * the window to the module's default, and exits 0, or 1 on any error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kshm.h>

#define PAGES	16

static int fail(const char *what)
{
	fprintf(stderr, "kshm-trace-ops: %s: %s\n", what, strerror(errno));
	return 1;
}

static int resize(int fd, uint64_t size)
{
	struct kshm_resize args = { .size = size };

	return ioctl(fd, KSHM_IOC_SET_SIZE, &args);
}

int main(int argc, char **argv)
{
	struct kshm_fault_policy pol = { .fault_around = 4 };
	struct kshm_info info = { .argsz = sizeof(info) };
	size_t pg = sysconf(_SC_PAGESIZE), len = PAGES * pg;
	volatile char *p;
	uintptr_t base;
	void *area;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: kshm-trace-ops DEVICE\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		return fail(argv[1]);
	if (ioctl(fd, KSHM_IOC_INFO, &info))
		return fail("KSHM_IOC_INFO");
	if (info.size < len || info.size + pg > info.max_size) {
		fprintf(stderr, "kshm-trace-ops: %s: needs %zu bytes and room for a page more\n",
			argv[1], len);
		return 1;
	}
	if (ioctl(fd, KSHM_IOC_SET_FAULT_POLICY, &pol))
		return fail("KSHM_IOC_SET_FAULT_POLICY");
	/* Reserve twice the length, then map at its 16-page boundary. */
	area = mmap(NULL, 2 * len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return fail("reserve");
	base = ((uintptr_t)area + len - 1) & ~(uintptr_t)(len - 1);
	p = mmap((void *)base, len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED)
		return fail("mmap");
	p[0] = 1;
	(void)p[8 * pg];
	if (resize(fd, info.size) == 0 || errno != EBUSY)
		return fail("resize while mapped should be EBUSY");
	if (munmap((void *)p, len))
		return fail("munmap");
	munmap(area, 2 * len);
	printf("size=%llu\n", (unsigned long long)info.size);
	if (resize(fd, info.size + pg) || resize(fd, info.size))
		return fail("resize");
	pol.fault_around = 0;
	if (ioctl(fd, KSHM_IOC_SET_FAULT_POLICY, &pol))
		return fail("KSHM_IOC_SET_FAULT_POLICY");
	close(fd);
	return 0;
}
