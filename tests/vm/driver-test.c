// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the driver tests (driver-test.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driver-test.h"

size_t kt_page;
size_t kt_unit;

int kt_open(const char *path, int flags)
{
	int fd = open(path, flags);

	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	return fd;
}

struct kshm_info kt_info(int fd)
{
	struct kshm_info info;

	memset(&info, 0xff, sizeof(info));
	info.argsz = sizeof(info);
	info.flags = 0;
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_INFO, &info), 0);
	ck_assert_uint_eq(info.argsz, sizeof(info));
	return info;
}

int kt_set_size(int fd, uint64_t size)
{
	struct kshm_resize args = { .size = size };

	return ioctl(fd, KSHM_IOC_SET_SIZE, &args) ? -errno : 0;
}

long long kt_sysfs(const char *dev, const char *attr)
{
	char path[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/misc/%s/%s", dev, attr);
	f = fopen(path, "r");
	ck_assert_msg(f, "open %s: %s", path, strerror(errno));
	ck_assert_int_eq(fscanf(f, "%lld", &v), 1);
	fclose(f);
	return v;
}

void *kt_map(int fd, size_t len, int prot, off_t off)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, off);

	ck_assert_msg(p != MAP_FAILED, "mmap len %zu off %lld: %s", len,
		      (long long)off, strerror(errno));
	return p;
}

uint64_t kt_pfn(const void *addr)
{
	uint64_t entry = 0;
	off_t off = (uintptr_t)addr / kt_page * sizeof(entry);
	int fd = kt_open("/proc/self/pagemap", O_RDONLY);

	ck_assert_int_eq(pread(fd, &entry, sizeof(entry), off), sizeof(entry));
	close(fd);
	ck_assert_msg(entry >> 63, "page at %p not present", addr);
	return entry & ((1ULL << 55) - 1);
}

static uint8_t kt_byte(size_t i, uint64_t pgoff, uint8_t seed)
{
	return (uint8_t)(i * 7 + pgoff * 13 + seed);
}

void kt_fill(void *p, size_t len, uint64_t pgoff, uint8_t seed)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = kt_byte(i, pgoff, seed);
}

bool kt_check(const void *p, size_t len, uint64_t pgoff, uint8_t seed)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != kt_byte(i, pgoff, seed))
			return false;
	return true;
}

bool kt_child_ok(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

uint32_t kt_backing(void)
{
	int fd = kt_open(KT_DEV0, O_RDONLY);
	struct kshm_info info = kt_info(fd);

	close(fd);
	return info.backing;
}

bool kt_backing_is_pages(void)
{
	return kt_backing() == KSHM_BACKING_PAGES;
}

uint64_t kt_round(uint64_t size)
{
	return (size + kt_unit - 1) / kt_unit * kt_unit;
}

int kt_set_fault_policy(int fd, uint32_t flags, uint32_t window)
{
	struct kshm_fault_policy args = {
		.flags = flags, .fault_around = window,
	};

	return ioctl(fd, KSHM_IOC_SET_FAULT_POLICY, &args) ? -errno : 0;
}

size_t kt_one_page_faults(int fd)
{
	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 1), 0);
	return kt_info(fd).backing == KSHM_BACKING_HUGE ? KT_HUGE / kt_page : 1;
}

static int kt_control(unsigned long cmd, void *arg)
{
	int ctl = kt_open("/dev/kshm", O_RDWR), ret;

	ret = ioctl(ctl, cmd, arg) ? -errno : 0;
	close(ctl);
	return ret;
}

int kt_destroy(const char *name)
{
	struct kshm_destroy args = { 0 };

	snprintf(args.name, sizeof(args.name), "%s", name);
	return kt_control(KSHM_IOC_DESTROY, &args);
}

int kt_create(const char *name, uint64_t size, uint64_t max_size,
	      uint32_t backing)
{
	struct kshm_create args = {
		.argsz = sizeof(args), .size = size, .max_size = max_size,
		.backing = backing,
	};

	snprintf(args.name, sizeof(args.name), "%s", name);
	kt_destroy(name);
	return kt_control(KSHM_IOC_CREATE, &args);
}

bool kt_present(const void *addr)
{
	uint64_t entry = 0;
	off_t off = (uintptr_t)addr / kt_page * sizeof(entry);
	int fd = kt_open("/proc/self/pagemap", O_RDONLY);

	ck_assert_int_eq(pread(fd, &entry, sizeof(entry), off), sizeof(entry));
	close(fd);
	return entry >> 63;
}

void *kt_map_at(int fd, size_t len, int prot, off_t off, size_t align,
		size_t shift)
{
	size_t span = len + align + shift;
	char *base = mmap(NULL, span, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *at, *p;

	ck_assert(base != MAP_FAILED);
	at = (char *)(((uintptr_t)base + align - 1) / align * align) + shift;
	p = mmap(at, len, prot, MAP_SHARED | MAP_FIXED, fd, off);
	ck_assert_msg(p == at, "mmap at %p len %zu off %lld: %s", at, len,
		      (long long)off, strerror(errno));
	/* Give back the rest of the reservation: no neighbour of ours. */
	if (at > base)
		munmap(base, at - base);
	if (base + span > at + len)
		munmap(at + len, base + span - (at + len));
	return p;
}

/* The policy regions of the group start with: its "prefault" parameter. */
static uint32_t kt_default_fault_flags(void)
{
	char c = 'N';
	int fd = open("/sys/module/kshm/parameters/prefault", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = 'N';
		close(fd);
	}
	return c == 'Y' ? KSHM_FAULT_PREFAULT : 0;
}

static void kt_reset(const char *path)
{
	int fd = kt_open(path, O_RDWR);
	struct kshm_info info = kt_info(fd);
	size_t kept, i;
	char *buf, *zero;

	ck_assert_msg(info.mappings == 0, "%s still mapped (%llu)", path,
		      (unsigned long long)info.mappings);
	/* Back to the policy of the group (a test may have changed it). */
	ck_assert_int_eq(kt_set_fault_policy(fd, kt_default_fault_flags(), 0),
			 0);
	/*
	 * Shrinking to one page frees the rest but what the backing keeps
	 * (a page, or the first 2 MiB block of "huge"); clear the kept
	 * pages by hand, and only those that hold data, so an untouched
	 * page stays so.
	 */
	ck_assert_int_eq(kt_set_size(fd, kt_page), 0);
	kept = kt_info(fd).size;
	ck_assert_uint_eq(kept, kt_unit);
	buf = malloc(kept);
	zero = calloc(1, kt_page);
	ck_assert_int_eq(pread(fd, buf, kept, 0), kept);
	for (i = 0; i < kept; i += kt_page)
		if (memcmp(buf + i, zero, kt_page))
			ck_assert_int_eq(pwrite(fd, zero, kt_page, i), kt_page);
	free(buf);
	free(zero);
	ck_assert_int_eq(kt_set_size(fd, KT_SIZE), 0);
	close(fd);
}

void kt_setup(void)
{
	kt_page = sysconf(_SC_PAGESIZE);
	kt_unit = kt_backing() == KSHM_BACKING_HUGE ? KT_HUGE : kt_page;
	kt_reset(KT_DEV0);
	kt_reset(KT_DEV1);
}

TCase *kt_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, kt_setup, NULL);
	return tc;
}

int kt_kernel_version(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	ck_assert_int_eq(uname(&u), 0);
	ck_assert_int_eq(sscanf(u.release, "%d.%d", &major, &minor), 2);
	return major * 1000 + minor;
}

int kt_pmds_offered(void *p, size_t len)
{
	char thp[128] = "";
	int v = kt_kernel_version(), f;
	ssize_t n;

	f = open(KT_THP, O_RDONLY);
	if (f >= 0) {
		n = read(f, thp, sizeof(thp) - 1);
		thp[n > 0 ? n : 0] = 0;
		close(f);
	}
	if (strstr(thp, "[madvise]") && madvise(p, len, MADV_HUGEPAGE))
		return 0;
	if (v <= 6001)
		return 0;
	if (v >= 6012)
		return f >= 0 && !strstr(thp, "[never]");
	return -1;
}
