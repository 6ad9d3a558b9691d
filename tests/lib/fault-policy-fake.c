// SPDX-License-Identifier: GPL-2.0
/*
 * kshm_set_fault_policy() against a fake region, on any host: what
 * reaches the driver, byte for byte, and that what the library refuses
 * never does.
 *
 * This file defines ioctl(), which the library's calls in this program
 * reach before libc's. A memfd stands for the region: on a descriptor of
 * that file, ioctl() answers KSHM_IOC_INFO (so that kshm_open() takes
 * it), records the command and argument bytes of
 * KSHM_IOC_SET_FAULT_POLICY and fails with the error a test chose, and
 * refuses anything else with ENOTTY. Every other descriptor gets the
 * real ioctl().
 *
 * Host build only: a static program cannot put its own ioctl() before
 * libc's and still find the real one.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib-test.h"

static struct {
	int memfd;		/* the fake region; -1: none */
	dev_t dev;
	ino_t ino;
	int calls;		/* KSHM_IOC_SET_FAULT_POLICY calls seen */
	unsigned long cmd;	/* the last one's command */
	unsigned char arg[64];	/* its argument, _IOC_SIZE(cmd) bytes */
	int err;		/* the errno it fails with; 0: success */
} fake = { .memfd = -1 };

static int fake_region_fd(int fd)
{
	struct stat st;

	return fake.memfd >= 0 && !fstat(fd, &st) && st.st_dev == fake.dev &&
	       st.st_ino == fake.ino;
}

static int fake_ioctl(unsigned long cmd, void *arg)
{
	size_t len = _IOC_SIZE(cmd);

	if (cmd == KSHM_IOC_INFO) {
		struct kshm_info *info = arg;

		info->argsz = sizeof(*info);
		info->mask = KSHM_INFO_SIZE | KSHM_INFO_PAGE_SIZE;
		info->size = t_page();
		info->page_size = (uint32_t)t_page();
		return 0;
	}
	if (cmd != KSHM_IOC_SET_FAULT_POLICY) {
		errno = ENOTTY;
		return -1;
	}
	fake.calls++;
	fake.cmd = cmd;
	memset(fake.arg, 0xee, sizeof(fake.arg));
	memcpy(fake.arg, arg, len < sizeof(fake.arg) ? len : sizeof(fake.arg));
	if (fake.err) {
		errno = fake.err;
		return -1;
	}
	return 0;
}

int ioctl(int fd, unsigned long cmd, ...)
{
	static int (*real_ioctl)(int, unsigned long, ...);
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fake_region_fd(fd))
		return fake_ioctl(cmd, arg);
	if (!real_ioctl)
		real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	return real_ioctl(fd, cmd, arg);
}

/* Makes the fake region and opens it through the library. */
static struct kshm *fake_open(void)
{
	char path[64];
	struct stat st;
	struct kshm *k;

	fake.calls = 0;
	fake.err = 0;
	fake.memfd = memfd_create("kshm-fake-region", MFD_CLOEXEC);
	ck_assert_int_ge(fake.memfd, 0);
	ck_assert_int_eq(fstat(fake.memfd, &st), 0);
	fake.dev = st.st_dev;
	fake.ino = st.st_ino;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fake.memfd);
	k = kshm_open(path, O_RDWR);
	ck_assert_msg(k, "kshm_open(%s): %s", path, strerror(errno));
	return k;
}

static void fake_close(struct kshm *k)
{
	kshm_close(k);
	close(fake.memfd);
	fake.memfd = -1;
}

/*
 * Leaves junk where the library's argument is about to live, so that a
 * field it forgets to zero shows as junk rather than as a lucky zero.
 */
static void __attribute__((noinline)) dirty_stack(void)
{
	volatile unsigned char junk[4096];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0xa5;
}

/* The last call carried exactly struct kshm_fault_policy {flags, window}. */
static void expect_sent(unsigned int fault_around, unsigned int flags)
{
	const struct kshm_fault_policy *got = (const void *)fake.arg;
	struct kshm_fault_policy want;

	ck_assert_uint_eq(fake.cmd, KSHM_IOC_SET_FAULT_POLICY);
	ck_assert_uint_eq(_IOC_DIR(fake.cmd), _IOC_WRITE);
	ck_assert_uint_eq(_IOC_SIZE(fake.cmd), sizeof(struct kshm_fault_policy));
	ck_assert_uint_eq(got->flags, flags);
	ck_assert_uint_eq(got->fault_around, fault_around);
	for (size_t i = 0; i < sizeof(got->__reserved) / sizeof(got->__reserved[0]); i++)
		ck_assert_msg(!got->__reserved[i], "__reserved[%zu] = %#llx", i,
			      (unsigned long long)got->__reserved[i]);
	memset(&want, 0, sizeof(want));
	want.flags = flags;
	want.fault_around = fault_around;
	ck_assert_int_eq(memcmp(fake.arg, &want, sizeof(want)), 0);
}

START_TEST(policy_reaches_the_driver_as_the_uapi_struct)
{
	static const struct { unsigned int window, flags; } cases[] = {
		{ 0, 0 },
		{ 1, KSHM_FAULT_PREFAULT },
		{ 16, KSHM_FAULT_RESIDENT },
		{ KSHM_FAULT_AROUND_MAX, KSHM_FAULT_PREFAULT | KSHM_FAULT_RESIDENT },
	};
	struct kshm *k = fake_open();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dirty_stack();
		ck_assert_int_eq(kshm_set_fault_policy(k, cases[i].window,
						       cases[i].flags), 0);
		ck_assert_int_eq(fake.calls, (int)i + 1);
		expect_sent(cases[i].window, cases[i].flags);
	}
	fake_close(k);
}
END_TEST

START_TEST(every_window_up_to_the_largest_reaches_the_driver)
{
	struct kshm *k = fake_open();
	int calls = 0;

	for (unsigned int w = 0; w <= KSHM_FAULT_AROUND_MAX; w = w ? 2 * w : 1) {
		ck_assert_msg(!kshm_set_fault_policy(k, w, 0), "window %u", w);
		ck_assert_int_eq(fake.calls, ++calls);
		expect_sent(w, 0);
	}
	ck_assert_int_eq(calls, 11);	/* 0, then 1 to 512 */
	fake_close(k);
}
END_TEST

/* Refused with -EINVAL, errno EINVAL, and no ioctl made. */
static void expect_refused(struct kshm *k, unsigned int window,
			   unsigned int flags)
{
	int ret;

	errno = 0;
	ret = kshm_set_fault_policy(k, window, flags);
	ck_assert_msg(ret == -EINVAL && errno == EINVAL,
		      "kshm_set_fault_policy(%u, %#x) = %d, errno %d", window,
		      flags, ret, errno);
	ck_assert_msg(!fake.calls, "window %u, flags %#x reached the driver",
		      window, flags);
}

START_TEST(bad_windows_fail_einval_before_the_ioctl)
{
	static const unsigned int bad[] = {
		3, 5, 6, 7, 12, 100, 511, 513, 768, 1024, 1u << 31, UINT_MAX,
	};
	struct kshm *k = fake_open();

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(k, bad[i], 0);
	fake_close(k);
}
END_TEST

START_TEST(unknown_flags_fail_einval_before_the_ioctl)
{
	static const unsigned int bad[] = {
		1u << 2, 1u << 31, KSHM_FAULT_PREFAULT | 1u << 3,
		~(unsigned int)(KSHM_FAULT_PREFAULT | KSHM_FAULT_RESIDENT),
		UINT_MAX,
	};
	struct kshm *k = fake_open();

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(k, 16, bad[i]);
	fake_close(k);
}
END_TEST

START_TEST(driver_errors_come_back_as_negative_errno)
{
	/* Read-only fd, bad struct, older driver, bad pointer. */
	static const int errs[] = { EBADF, EINVAL, ENOTTY, EFAULT };
	struct kshm *k = fake_open();

	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		fake.err = errs[i];
		errno = 0;
		ck_assert_int_eq(kshm_set_fault_policy(k, 4, 0), -errs[i]);
		ck_assert_int_eq(errno, errs[i]);
		ck_assert_int_eq(fake.calls, (int)i + 1);
	}
	fake_close(k);
}
END_TEST

START_TEST(success_leaves_errno_alone)
{
	struct kshm *k = fake_open();

	errno = 4321;
	ck_assert_int_eq(kshm_set_fault_policy(k, 8, KSHM_FAULT_RESIDENT), 0);
	ck_assert_int_eq(errno, 4321);
	fake_close(k);
}
END_TEST

Suite *fault_policy_fake_suite(void)
{
	Suite *s = suite_create("fault-policy-fake");
	TCase *tc = tcase_create("fake-ioctl");

	tcase_add_test(tc, policy_reaches_the_driver_as_the_uapi_struct);
	tcase_add_test(tc, every_window_up_to_the_largest_reaches_the_driver);
	tcase_add_test(tc, bad_windows_fail_einval_before_the_ioctl);
	tcase_add_test(tc, unknown_flags_fail_einval_before_the_ioctl);
	tcase_add_test(tc, driver_errors_come_back_as_negative_errno);
	tcase_add_test(tc, success_leaves_errno_alone);
	suite_add_tcase(s, tc);
	return s;
}
