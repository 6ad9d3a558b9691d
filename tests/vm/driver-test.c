// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the driver tests (driver-test.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driver-test.h"

size_t kt_page;

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

bool kt_backing_is_pages(void)
{
	int fd = kt_open(KT_DEV0, O_RDONLY);
	struct kshm_info info = kt_info(fd);

	close(fd);
	return info.backing == KSHM_BACKING_PAGES;
}

static void kt_reset(const char *path)
{
	int fd = kt_open(path, O_RDWR);
	struct kshm_info info = kt_info(fd);
	char *page;
	size_t i;

	ck_assert_msg(info.mappings == 0, "%s still mapped (%llu)", path,
		      (unsigned long long)info.mappings);
	/*
	 * Shrinking to one page frees the rest; clear that page by hand,
	 * and only when it holds data, so an untouched page stays so.
	 */
	ck_assert_int_eq(kt_set_size(fd, kt_page), 0);
	ck_assert_int_eq(kt_set_size(fd, KT_SIZE), 0);
	page = malloc(kt_page);
	ck_assert_int_eq(pread(fd, page, kt_page, 0), kt_page);
	for (i = 0; i < kt_page && !page[i]; i++)
		;
	if (i < kt_page) {
		memset(page, 0, kt_page);
		ck_assert_int_eq(pwrite(fd, page, kt_page, 0), kt_page);
	}
	free(page);
	close(fd);
}

void kt_setup(void)
{
	kt_page = sysconf(_SC_PAGESIZE);
	kt_reset(KT_DEV0);
	kt_reset(KT_DEV1);
}

TCase *kt_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, kt_setup, NULL);
	return tc;
}
