// SPDX-License-Identifier: GPL-2.0
/*
 * Fault-around: one fault maps the empty pages of the block of `window`
 * pages around the faulting address (aligned on the virtual address),
 * clipped to the VMA, never a page past it; KSHM_IOC_SET_FAULT_POLICY
 * sets the window per region, and the counters say exactly what was
 * mapped. Each touch is checked against /proc/self/pagemap before and
 * after: the pages that must appear, and no other.
 *
 * Backing "huge" maps whole 2 MiB blocks whatever the window (huge.c), so
 * in that group these tests run on a "pages" region of the control node.
 */
#define _GNU_SOURCE
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

#define SEED		57
#define PARAM		"/sys/module/kshm/parameters/fault_around"
#define NPAGES		128	/* pages of most test mappings */

static const unsigned int windows[] = { 1, 16, 64 };

static int fd;			/* the region under test, O_RDWR */
static char node[KSHM_NAME_MAX];	/* its name under /sys/class/misc */
static char path[64];		/* its node under /dev */
static bool made;		/* made through /dev/kshm by the fixture */
static uint32_t backing;
static char param0[16];		/* the fault_around parameter at setup */

static void read_text(const char *path, char *buf, size_t len)
{
	int f = kt_open(path, O_RDONLY);
	ssize_t n = read(f, buf, len - 1);

	ck_assert_int_gt(n, 0);
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	close(f);
}

/* Write a module parameter; returns 0 or -errno. */
static int write_param(const char *v)
{
	int f = kt_open(PARAM, O_WRONLY), ret;

	ret = write(f, v, strlen(v)) == (ssize_t)strlen(v) ? 0 : -errno;
	close(f);
	return ret;
}

static void around_setup(void)
{
	char *buf;
	size_t i;

	kt_setup();
	read_text(PARAM, param0, sizeof(param0));
	made = kt_backing() == KSHM_BACKING_HUGE;
	if (made) {
		ck_assert_int_eq(kt_create("t-around", KT_SIZE, 4 * KT_SIZE,
					   KSHM_BACKING_PAGES), 0);
		snprintf(path, sizeof(path), "/dev/kshm-t-around");
	} else {
		snprintf(path, sizeof(path), KT_DEV0);
	}
	fd = kt_open(path, O_RDWR);
	snprintf(node, sizeof(node), "%s", kt_info(fd).name);
	backing = kt_info(fd).backing;
	/* The pattern through write(): data to check, and no mapping yet. */
	buf = malloc(KT_SIZE);
	for (i = 0; i < KT_SIZE / kt_page; i++)
		kt_fill(buf + i * kt_page, kt_page, i, SEED);
	ck_assert_int_eq(pwrite(fd, buf, KT_SIZE, 0), KT_SIZE);
	free(buf);
}

static void around_teardown(void)
{
	write_param(param0);
	close(fd);
	if (made)
		ck_assert_int_eq(kt_destroy("t-around"), 0);
}

/* KSHM_IOC_INFO that returns false instead of failing (for children). */
static bool info_of(int rfd, struct kshm_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	return !ioctl(rfd, KSHM_IOC_INFO, info);
}

/* Present bits of @n pages from @lo, one pagemap read. */
static bool present_bits(const char *lo, size_t n, bool *bits)
{
	uint64_t *e = calloc(n, sizeof(*e));
	int pm = open("/proc/self/pagemap", O_RDONLY);
	bool ok;
	size_t i;

	ok = e && pm >= 0 &&
	     pread(pm, e, n * sizeof(*e), (uintptr_t)lo / kt_page *
		   sizeof(*e)) == (ssize_t)(n * sizeof(*e));
	for (i = 0; ok && i < n; i++)
		bits[i] = e[i] >> 63;
	if (pm >= 0)
		close(pm);
	free(e);
	return ok;
}

/* A mapping of the region: its start, pages and first page offset. */
struct vma {
	char *lo;
	size_t n;
	size_t pgoff;
};

/*
 * Touch page @k of @v (read, or a write of the byte the region holds
 * there) and check that exactly the empty pages of its window, clipped
 * to @v, were mapped, by one fault, counted as such; none if the page
 * was mapped already. Returns NULL, or what went wrong. Does not use
 * check's asserts, so a child process can call it.
 */
static const char *touch(int rfd, const struct vma *v, size_t k,
			 size_t window, bool write)
{
	static char err[256];
	uintptr_t at = (uintptr_t)v->lo + k * kt_page;
	uintptr_t wlo = at & ~(window * kt_page - 1), whi = wlo + window * kt_page;
	uintptr_t lo = (uintptr_t)v->lo, hi = lo + v->n * kt_page;
	bool *before = calloc(v->n, 1), *after = calloc(v->n, 1);
	struct kshm_info a, b;
	size_t fresh = 0, i;
	char byte;

	if (wlo < lo)
		wlo = lo;
	if (whi > hi)
		whi = hi;
	if (!before || !after || !info_of(rfd, &a) ||
	    !present_bits(v->lo, v->n, before) ||
	    pread(rfd, &byte, 1, (v->pgoff + k) * kt_page) != 1) {
		snprintf(err, sizeof(err), "page %zu: set-up failed", k);
		goto out;
	}
	for (i = (wlo - lo) / kt_page; i < (whi - lo) / kt_page; i++)
		fresh += !before[i];
	if (write)
		*(volatile char *)at = byte;
	else
		byte ^= *(volatile char *)at;
	if (!info_of(rfd, &b) || !present_bits(v->lo, v->n, after)) {
		snprintf(err, sizeof(err), "page %zu: read-back failed", k);
		goto out;
	}
	if (!write && byte) {
		snprintf(err, sizeof(err), "page %zu reads wrong", k);
		goto out;
	}
	for (i = 0; i < v->n; i++) {
		uintptr_t p = lo + i * kt_page;
		bool want = before[i] || (!before[k] && p >= wlo && p < whi);

		if (after[i] != want) {
			snprintf(err, sizeof(err),
				 "touch of page %zu (window %zu): page %zu %s",
				 k, window, i, want ? "not mapped" : "mapped");
			goto out;
		}
	}
	if (b.faults - a.faults != !before[k] ||
	    b.around_pages - a.around_pages != (before[k] ? 0 : fresh - 1)) {
		snprintf(err, sizeof(err),
			 "touch of page %zu (window %zu): %llu faults, %llu around pages; want %d, %zu",
			 k, window, (unsigned long long)(b.faults - a.faults),
			 (unsigned long long)(b.around_pages - a.around_pages),
			 !before[k], before[k] ? 0 : fresh - 1);
		goto out;
	}
	err[0] = 0;
out:
	free(before);
	free(after);
	return err[0] ? err : NULL;
}

static void touch_ok(const struct vma *v, size_t k, size_t window, bool write)
{
	const char *err = touch(fd, v, k, window, write);

	ck_assert_msg(!err, "%s", err);
}

/* An address @shift bytes past a 2 MiB boundary, @len bytes free there. */
static char *reserve_at(size_t len, size_t shift)
{
	char *p = mmap(NULL, len + 2 * KT_HUGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	ck_assert(p != MAP_FAILED);
	return (char *)(((uintptr_t)p + KT_HUGE - 1) / KT_HUGE * KT_HUGE) +
	       shift;
}

/* Every page of @v holds the pattern of its page offset. */
static bool data_ok(const struct vma *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (!kt_check(v->lo + i * kt_page, kt_page, v->pgoff + i, SEED))
			return false;
	return true;
}

static size_t count_present(const char *lo, size_t n)
{
	bool *bits = calloc(n, 1);
	size_t i, c = 0;

	ck_assert(bits && present_bits(lo, n, bits));
	for (i = 0; i < n; i++)
		c += bits[i];
	free(bits);
	return c;
}

/* A window of 1, 16, 64: touches in a scattered order, reads then writes. */
START_TEST(window_maps_its_block_with_one_fault)
{
	size_t w = windows[_i], order[] = { 5, 6, 40, 17, 127, 64, 3, 100 };
	struct vma v = { .n = NPAGES };
	struct kshm_info info;
	size_t i;

	ck_assert_int_eq(kt_set_fault_policy(fd, 0, w), 0);
	info = kt_info(fd);
	ck_assert_uint_eq(info.fault_around, w);
	ck_assert_int_eq(kt_sysfs(node, "fault_around"), w);
	v.lo = kt_map_at(fd, NPAGES * kt_page, PROT_READ | PROT_WRITE, 0,
			 KT_HUGE, 0);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		touch_ok(&v, order[i], w, i % 2);
	ck_assert(data_ok(&v));
	info = kt_info(fd);
	ck_assert_int_eq(kt_sysfs(node, "faults"), info.faults);
	ck_assert_int_eq(kt_sysfs(node, "around_pages"), info.around_pages);
	munmap(v.lo, NPAGES * kt_page);
}
END_TEST

/* Write faults map as much as read faults, from every page of a block. */
START_TEST(write_faults_map_the_window_too)
{
	struct vma v = { .n = NPAGES };
	size_t i;

	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 16), 0);
	v.lo = kt_map_at(fd, NPAGES * kt_page, PROT_READ | PROT_WRITE, 0,
			 KT_HUGE, 0);
	/* The last page of a block, then the first, then a middle one. */
	touch_ok(&v, 15, 16, true);
	touch_ok(&v, 16, 16, true);
	touch_ok(&v, 40, 16, true);
	for (i = 0; i < NPAGES; i++)
		touch_ok(&v, i, 16, true);
	ck_assert_uint_eq(count_present(v.lo, NPAGES), NPAGES);
	ck_assert(data_ok(&v));
	munmap(v.lo, NPAGES * kt_page);
}
END_TEST

/*
 * A mapping at a page offset that is not a multiple of the window, at an
 * address 5 pages past a window boundary, ending mid-window, between
 * two other mappings: the windows are clipped to it, the neighbours stay
 * empty.
 */
START_TEST(window_is_clipped_to_the_vma)
{
	size_t w = windows[_i];
	int fd1 = kt_open(KT_DEV1, O_RDWR);
	long long f1 = kt_sysfs("kshm1", "faults");
	struct vma v = { .n = 80, .pgoff = 3 };
	char *base, *before, *after;
	size_t i;

	ck_assert_int_eq(kt_set_fault_policy(fd, 0, w), 0);
	/* The neighbours are not prefaulted either (group pages-prefault). */
	ck_assert_int_eq(kt_set_fault_policy(fd1, 0, 0), 0);
	/* [kshm1: 64 pages][gap of 5][v: 80 pages][kshm1: 64 pages] */
	base = reserve_at(KT_HUGE, KT_HUGE - 64 * kt_page);
	before = mmap(base, 64 * kt_page, PROT_READ, MAP_SHARED | MAP_FIXED,
		      fd1, 0);
	ck_assert(before == base);
	munmap(base + 64 * kt_page, 5 * kt_page);
	v.lo = mmap(base + 69 * kt_page, v.n * kt_page, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_FIXED, fd, v.pgoff * kt_page);
	ck_assert(v.lo == base + 69 * kt_page);
	after = mmap(v.lo + v.n * kt_page, 64 * kt_page, PROT_READ,
		     MAP_SHARED | MAP_FIXED, fd1, 64 * kt_page);
	ck_assert(after == v.lo + v.n * kt_page);
	/* 5 pages past a 2 MiB boundary: windows cut it at both ends. */
	ck_assert_uint_eq((uintptr_t)v.lo % KT_HUGE, 5 * kt_page);
	/* Inside: first page, the boundary pages, the last page. */
	touch_ok(&v, 0, w, false);
	touch_ok(&v, v.n - 1, w, true);
	touch_ok(&v, 20, w, false);
	for (i = 0; i < v.n; i++)
		touch_ok(&v, i, w, i & 1);
	ck_assert(data_ok(&v));
	ck_assert_uint_eq(count_present(before, 64), 0);
	ck_assert_uint_eq(count_present(after, 64), 0);
	ck_assert_int_eq(kt_sysfs("kshm1", "faults"), f1);
	close(fd1);
}
END_TEST

/*
 * The region's last pages: a window that reaches past the end of the
 * region maps up to the end and no further (the next page is a
 * PROT_NONE neighbour that must stay empty).
 */
START_TEST(window_stops_at_the_end_of_the_region)
{
	size_t n = KT_SIZE / kt_page;
	struct vma v = { .n = 10, .pgoff = n - 10 };
	char *guard, *res, *at;

	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 64), 0);
	/*
	 * The mapping, 2 MiB aligned, and its neighbour, both inside one
	 * reservation of ours (a neighbour mmap()ed after the fact could
	 * find someone else's mapping there).
	 */
	res = mmap(NULL, (v.n + 64) * kt_page + KT_HUGE, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ck_assert(res != MAP_FAILED);
	at = (char *)(((uintptr_t)res + KT_HUGE - 1) & ~(uintptr_t)(KT_HUGE - 1));
	v.lo = mmap(at, v.n * kt_page, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_FIXED, fd, v.pgoff * kt_page);
	ck_assert(v.lo == at);
	guard = mmap(v.lo + v.n * kt_page, 64 * kt_page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ck_assert(guard == v.lo + v.n * kt_page);
	touch_ok(&v, 4, 64, false);
	ck_assert_uint_eq(count_present(v.lo, v.n), v.n);
	ck_assert_uint_eq(count_present(guard, 64), 0);
	ck_assert(data_ok(&v));
	/* A mapping of the whole region: the last window ends at its end. */
	v.lo = kt_map_at(fd, KT_SIZE, PROT_READ, 0, KT_HUGE, KT_HUGE - 8 * kt_page);
	v.n = n;
	v.pgoff = 0;
	touch_ok(&v, n - 1, 64, false);
	touch_ok(&v, 0, 64, false);
	ck_assert(data_ok(&v));
}
END_TEST

/*
 * Backing "pages": by default fault-around allocates the pages it maps;
 * with KSHM_FAULT_RESIDENT it maps only pages that hold memory already
 * (and the faulting page). "vmalloc" holds every page: both map all.
 */
START_TEST(resident_flag_maps_only_resident_pages)
{
	struct vma v = { .n = 64 };
	unsigned long long a0;
	long long r0;
	size_t i;

	ck_assert_int_eq(kt_set_size(fd, 2 * KT_SIZE), 0);
	ck_assert_int_eq(kt_set_fault_policy(fd, KSHM_FAULT_RESIDENT, 16), 0);
	ck_assert_uint_eq(kt_info(fd).fault_flags, KSHM_FAULT_RESIDENT);
	/* Pages of the grown part: untouched but for 19 and 23. */
	v.pgoff = KT_SIZE / kt_page;
	ck_assert_int_eq(pwrite(fd, "a", 1, (v.pgoff + 19) * kt_page), 1);
	ck_assert_int_eq(pwrite(fd, "b", 1, (v.pgoff + 23) * kt_page), 1);
	r0 = kt_sysfs(node, "resident_pages");
	v.lo = kt_map_at(fd, v.n * kt_page, PROT_READ | PROT_WRITE,
			 v.pgoff * kt_page, KT_HUGE, 0);
	a0 = kt_info(fd).around_pages;
	(void)*(volatile char *)(v.lo + 16 * kt_page);
	for (i = 16; i < 32; i++)
		ck_assert_msg(kt_present(v.lo + i * kt_page) ==
			      (backing == KSHM_BACKING_VMALLOC ||
			       i == 16 || i == 19 || i == 23),
			      "page %zu", i);
	ck_assert_int_eq(v.lo[19 * kt_page], 'a');
	ck_assert_int_eq(v.lo[23 * kt_page], 'b');
	if (backing == KSHM_BACKING_PAGES) {
		ck_assert_int_eq(kt_sysfs(node, "resident_pages"), r0 + 1);
		ck_assert_uint_eq(kt_info(fd).around_pages - a0, 2);
	}
	/* Without the flag, the next window is allocated and mapped whole. */
	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 16), 0);
	r0 = kt_sysfs(node, "resident_pages");
	v.lo[40 * kt_page] = 1;
	for (i = 32; i < 48; i++)
		ck_assert_msg(kt_present(v.lo + i * kt_page), "page %zu", i);
	if (backing == KSHM_BACKING_PAGES)
		ck_assert_int_eq(kt_sysfs(node, "resident_pages"), r0 + 16);
	else
		ck_assert_int_eq(kt_sysfs(node, "resident_pages"),
				 2 * KT_SIZE / kt_page);
	munmap(v.lo, v.n * kt_page);
	ck_assert_int_eq(kt_set_size(fd, KT_SIZE), 0);
}
END_TEST

START_TEST(set_fault_policy_refuses_bad_arguments)
{
	static const uint32_t bad_windows[] = { 3, 5, 24, 513, 1024,
						0x80000000, 0xffffffff };
	int ro = kt_open(path, O_RDONLY), ctl;
	struct kshm_fault_policy p;
	void *gone;
	size_t i;

	ck_assert_int_eq(kt_set_fault_policy(fd, KSHM_FAULT_RESIDENT, 32), 0);
	ck_assert_int_eq(kt_set_fault_policy(ro, 0, 1), -EBADF);
	for (i = 0; i < sizeof(bad_windows) / sizeof(bad_windows[0]); i++)
		ck_assert_msg(kt_set_fault_policy(fd, 0, bad_windows[i]) ==
			      -EINVAL, "window %u", bad_windows[i]);
	ck_assert_int_eq(kt_set_fault_policy(fd, 1U << 2, 16), -EINVAL);
	ck_assert_int_eq(kt_set_fault_policy(fd, 1U << 31, 16), -EINVAL);
	for (i = 0; i < 3; i++) {
		memset(&p, 0, sizeof(p));
		p.fault_around = 16;
		p.__reserved[i] = 1ULL << (20 * i);
		ck_assert_int_eq(ioctl(fd, KSHM_IOC_SET_FAULT_POLICY, &p), -1);
		ck_assert_int_eq(errno, EINVAL);
	}
	gone = mmap(NULL, kt_page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	munmap(gone, kt_page);
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_SET_FAULT_POLICY, gone), -1);
	ck_assert_int_eq(errno, EFAULT);
	/* The control node has no such command. */
	memset(&p, 0, sizeof(p));
	ctl = kt_open("/dev/kshm", O_RDWR);
	ck_assert_int_eq(ioctl(ctl, KSHM_IOC_SET_FAULT_POLICY, &p), -1);
	ck_assert_int_eq(errno, ENOTTY);
	close(ctl);
	/* Nothing refused changed the policy. */
	ck_assert_uint_eq(kt_info(fd).fault_around, 32);
	ck_assert_uint_eq(kt_info(fd).fault_flags, KSHM_FAULT_RESIDENT);
	/* Every power of two up to the largest is taken. */
	for (i = 1; i <= KSHM_FAULT_AROUND_MAX; i *= 2) {
		ck_assert_int_eq(kt_set_fault_policy(fd, 0, i), 0);
		ck_assert_uint_eq(kt_info(fd).fault_around, i);
	}
	ck_assert_int_eq(kt_set_fault_policy(fd, KSHM_FAULT_PREFAULT |
					     KSHM_FAULT_RESIDENT, 0), 0);
	close(ro);
}
END_TEST

/* INFO and sysfs report the policy; window 0 follows the parameter. */
START_TEST(info_and_sysfs_report_the_policy)
{
	struct kshm_info info;
	char text[32];
	char path[96];

	ck_assert_int_eq(kt_set_fault_policy(fd, KSHM_FAULT_RESIDENT, 128), 0);
	info = kt_info(fd);
	ck_assert(info.mask & KSHM_INFO_FAULT_POLICY);
	ck_assert(info.mask & KSHM_INFO_AROUND_PAGES);
	ck_assert(info.mask & KSHM_INFO_PREFAULT_PAGES);
	ck_assert(info.mask & KSHM_INFO_HUGE_MAPS);
	ck_assert(info.mask & KSHM_INFO_HUGE_FALLBACKS);
	ck_assert_uint_eq(info.fault_around, 128);
	ck_assert_uint_eq(info.fault_flags, KSHM_FAULT_RESIDENT);
	ck_assert_uint_eq(info.__reserved[0] | info.__reserved[1] |
			  info.__reserved[2], 0);
	ck_assert_int_eq(kt_sysfs(node, "fault_around"), 128);
	snprintf(path, sizeof(path), "/sys/class/misc/%s/fault_flags", node);
	read_text(path, text, sizeof(text));
	ck_assert_str_eq(text, "0x2");
	/* 0: the module's parameter, read at each fault and each INFO. */
	ck_assert_int_eq(kt_set_fault_policy(fd, KSHM_FAULT_PREFAULT, 0), 0);
	read_text(path, text, sizeof(text));
	ck_assert_str_eq(text, "0x1");
	ck_assert_uint_eq(kt_info(fd).fault_around, strtoul(param0, NULL, 10));
	ck_assert_int_eq(write_param("32"), 0);
	ck_assert_uint_eq(kt_info(fd).fault_around, 32);
	ck_assert_int_eq(kt_sysfs(node, "fault_around"), 32);
	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 0), 0);
	read_text(path, text, sizeof(text));
	ck_assert_str_eq(text, "0x0");
}
END_TEST

/* Window 0 maps what the module parameter says at the time of the fault. */
START_TEST(window_zero_follows_the_module_parameter)
{
	struct vma v = { .n = NPAGES };

	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 0), 0);
	v.lo = kt_map_at(fd, NPAGES * kt_page, PROT_READ, 0, KT_HUGE, 0);
	ck_assert_int_eq(write_param("32"), 0);
	touch_ok(&v, 33, 32, false);
	ck_assert_int_eq(write_param("4"), 0);
	touch_ok(&v, 70, 4, false);
	ck_assert_int_eq(write_param("1"), 0);
	touch_ok(&v, 100, 1, false);
	ck_assert(data_ok(&v));
	munmap(v.lo, NPAGES * kt_page);
}
END_TEST

START_TEST(module_parameter_refuses_bad_windows)
{
	static const char *const bad[] = { "0", "3", "513", "1024", "-1",
					   "x" };
	char now[16];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(write_param(bad[i]) == -EINVAL, "fault_around=%s",
			      bad[i]);
	read_text(PARAM, now, sizeof(now));
	ck_assert_str_eq(now, param0);
	ck_assert_int_eq(write_param("512"), 0);
	ck_assert_int_eq(write_param("1"), 0);
}
END_TEST

/* MAP_POPULATE and MADV_POPULATE_* fault npages / window times. */
START_TEST(populate_takes_one_fault_per_window)
{
	size_t w = windows[_i], n = NPAGES;
	struct kshm_info a, b;
	char *p, *at;

	ck_assert_int_eq(kt_set_fault_policy(fd, 0, w), 0);
	/* MAP_POPULATE at a window-aligned address the kernel picks. */
	at = kt_map_at(fd, n * kt_page, PROT_READ, 0, KT_HUGE, 0);
	munmap(at, n * kt_page);
	a = kt_info(fd);
	p = mmap(at, n * kt_page, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_POPULATE | MAP_FIXED_NOREPLACE, fd, 0);
	ck_assert(p == at);
	b = kt_info(fd);
	ck_assert_uint_eq(count_present(p, n), n);
	ck_assert_uint_eq(b.faults - a.faults, n / w);
	ck_assert_uint_eq(b.around_pages - a.around_pages, n - n / w);
	munmap(p, n * kt_page);

	p = kt_map_at(fd, n * kt_page, PROT_READ | PROT_WRITE, 0, KT_HUGE, 0);
	a = kt_info(fd);
	ck_assert_int_eq(madvise(p, n * kt_page, MADV_POPULATE_WRITE), 0);
	b = kt_info(fd);
	ck_assert_uint_eq(count_present(p, n), n);
	ck_assert_uint_eq(b.faults - a.faults, n / w);
	ck_assert_int_eq(madvise(p, n * kt_page, MADV_DONTNEED), 0);
	ck_assert_uint_eq(count_present(p, n), 0);
	a = kt_info(fd);
	ck_assert_int_eq(madvise(p, n * kt_page, MADV_POPULATE_READ), 0);
	b = kt_info(fd);
	ck_assert_uint_eq(count_present(p, n), n);
	ck_assert_uint_eq(b.faults - a.faults, n / w);
	ck_assert(kt_check(p + 77 * kt_page, kt_page, 77, SEED));
	munmap(p, n * kt_page);
}
END_TEST

/* After mremap moves a half-mapped mapping, windows follow the new address. */
START_TEST(mremap_moved_mapping_faults_windows_at_new_address)
{
	struct vma v = { .n = NPAGES };
	char *dst;
	size_t i;

	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 16), 0);
	v.lo = kt_map_at(fd, v.n * kt_page, PROT_READ | PROT_WRITE, 0,
			 KT_HUGE, 0);
	touch_ok(&v, 3, 16, false);
	touch_ok(&v, 50, 16, true);
	/* To an address 3 pages past a window boundary. */
	dst = reserve_at(v.n * kt_page, 3 * kt_page);
	ck_assert(mremap(v.lo, v.n * kt_page, v.n * kt_page,
			 MREMAP_MAYMOVE | MREMAP_FIXED, dst) == dst);
	v.lo = dst;
	/* What was mapped moved along: pages 0-15 and 48-63. */
	for (i = 0; i < v.n; i++)
		ck_assert_msg(kt_present(v.lo + i * kt_page) ==
			      (i < 16 || (i >= 48 && i < 64)), "page %zu", i);
	for (i = 0; i < v.n; i++)
		touch_ok(&v, (i * 37) % v.n, 16, i & 1);
	ck_assert(data_ok(&v));
	ck_assert_int_eq(kt_sysfs(node, "mappings"), 1);
	munmap(v.lo, v.n * kt_page);
}
END_TEST

/*
 * A child inherits the mapped pages (the mapping is VM_MIXEDMAP, so fork
 * copies its entries), reads the parent's data and faults the rest with
 * the window, counted in the region like the parent's faults.
 */
START_TEST(forked_child_faults_with_the_window)
{
	struct vma v = { .n = NPAGES };
	struct kshm_info a, b;
	pid_t pid;

	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 16), 0);
	v.lo = kt_map_at(fd, v.n * kt_page, PROT_READ | PROT_WRITE, 0,
			 KT_HUGE, 0);
	touch_ok(&v, 20, 16, true);
	a = kt_info(fd);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const char *err = NULL;
		size_t i;

		for (i = 0; i < v.n && !err; i++)
			err = touch(fd, &v, (i * 5) % v.n, 16, i & 1);
		if (!err && !data_ok(&v))
			err = "child reads wrong data";
		if (err)
			fprintf(stderr, "child: %s\n", err);
		_exit(err ? 1 : 0);
	}
	ck_assert(kt_child_ok(pid));
	b = kt_info(fd);
	/* 8 windows, one of them already mapped by the parent. */
	ck_assert_uint_eq(b.faults - a.faults, v.n / 16 - 1);
	ck_assert_uint_eq(b.around_pages - a.around_pages, 7 * 15);
	/* The child's entries were its own: the parent's are unchanged. */
	ck_assert_uint_eq(count_present(v.lo, v.n), 16);
	ck_assert(data_ok(&v));
}
END_TEST

/* munmap of pages in the middle of a window: each side keeps its part. */
START_TEST(partial_munmap_splits_windows)
{
	struct vma lo = { .n = 20 }, hi = { .n = NPAGES - 28, .pgoff = 28 };
	size_t i;

	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 16), 0);
	lo.lo = kt_map_at(fd, NPAGES * kt_page, PROT_READ | PROT_WRITE, 0,
			  KT_HUGE, 0);
	touch_ok(&lo, 2, 16, false);
	ck_assert_int_eq(munmap(lo.lo + 20 * kt_page, 8 * kt_page), 0);
	hi.lo = lo.lo + 28 * kt_page;
	ck_assert_int_eq(kt_sysfs(node, "mappings"), 2);
	/* The window [16, 32) is 16-19 on one side, 28-31 on the other. */
	touch_ok(&lo, 17, 16, true);
	touch_ok(&hi, 1, 16, false);
	for (i = 0; i < hi.n; i++)
		touch_ok(&hi, i, 16, i & 1);
	ck_assert(data_ok(&lo));
	ck_assert(data_ok(&hi));
	munmap(lo.lo, 20 * kt_page);
	munmap(hi.lo, hi.n * kt_page);
	ck_assert_int_eq(kt_sysfs(node, "mappings"), 0);
}
END_TEST

/* MADV_DONTNEED then a touch: the window is mapped again, same data. */
START_TEST(dontneed_then_touch_maps_the_window_again)
{
	struct vma v = { .n = NPAGES };

	ck_assert_int_eq(kt_set_fault_policy(fd, 0, 64), 0);
	v.lo = kt_map_at(fd, v.n * kt_page, PROT_READ | PROT_WRITE, 0,
			 KT_HUGE, 0);
	touch_ok(&v, 10, 64, true);
	ck_assert_int_eq(madvise(v.lo + 8 * kt_page, 16 * kt_page,
				 MADV_DONTNEED), 0);
	ck_assert_uint_eq(count_present(v.lo, v.n), 48);
	touch_ok(&v, 12, 64, false);
	ck_assert_uint_eq(count_present(v.lo, v.n), 64);
	ck_assert(data_ok(&v));
}
END_TEST

Suite *fault_around_suite(void)
{
	Suite *s = suite_create("fault_around");
	TCase *tc = tcase_create("fault_around");
	int nw = sizeof(windows) / sizeof(windows[0]);

	tcase_add_checked_fixture(tc, around_setup, around_teardown);
	tcase_add_loop_test(tc, window_maps_its_block_with_one_fault, 0, nw);
	tcase_add_test(tc, write_faults_map_the_window_too);
	tcase_add_loop_test(tc, window_is_clipped_to_the_vma, 0, nw);
	tcase_add_test(tc, window_stops_at_the_end_of_the_region);
	tcase_add_test(tc, resident_flag_maps_only_resident_pages);
	tcase_add_test(tc, set_fault_policy_refuses_bad_arguments);
	tcase_add_test(tc, info_and_sysfs_report_the_policy);
	tcase_add_test(tc, window_zero_follows_the_module_parameter);
	tcase_add_test(tc, module_parameter_refuses_bad_windows);
	tcase_add_loop_test(tc, populate_takes_one_fault_per_window, 0, nw);
	tcase_add_test(tc, mremap_moved_mapping_faults_windows_at_new_address);
	tcase_add_test(tc, forked_child_faults_with_the_window);
	tcase_add_test(tc, partial_munmap_splits_windows);
	tcase_add_test(tc, dontneed_then_touch_maps_the_window_again);
	suite_add_tcase(s, tc);
	return s;
}
