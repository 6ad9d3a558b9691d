// SPDX-License-Identifier: GPL-2.0
/*
 * A ring laid over a region, as far as the driver alone goes: set-up and
 * its errors, the mapping rules (the data twice, K2U data never
 * writable), poll() and the waiting flags, and a consumer position that
 * user space made up. Records from kernel producers and consumers are
 * tested with the client modules (tests/vm/guest/kclients.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "driver-test.h"

#define RING	(16 * 4096)	/* data bytes, a power of two */

static int fd;

static int ring_setup(int f, uint64_t size, uint32_t flags)
{
	struct kshm_ring_setup args = { .flags = flags, .size = size };

	return ioctl(f, KSHM_IOC_RING_SETUP, &args) ? -errno : 0;
}

static int ring_notify(int f)
{
	struct kshm_ring_notify args = { 0 };

	return ioctl(f, KSHM_IOC_RING_NOTIFY, &args) ? -errno : 0;
}

/* Destroys "t-ring" if it exists; returns the ioctl's result. */
static int destroy_ring_region(void)
{
	struct kshm_destroy args = { 0 };
	int ctl = kt_open("/dev/kshm", O_RDWR), ret;

	strcpy(args.name, "t-ring");
	ret = ioctl(ctl, KSHM_IOC_DESTROY, &args) ? -errno : 0;
	close(ctl);
	return ret;
}

/* After the whole case, in the runner: a failed test skips its teardown. */
static void ring_leftovers_teardown(void)
{
	destroy_ring_region();
}

/*
 * A ring lives as long as its region, so each test lays it over a region
 * of its own, made on the control node and destroyed after.
 */
static void ring_region_setup(void)
{
	struct kshm_create args = { .argsz = sizeof(args),
				    .max_size = 64 * RING };
	int ctl;

	kt_setup();		/* sets kt_page */
	destroy_ring_region();	/* left by a failed test */
	args.size = kt_page;
	strcpy(args.name, "t-ring");
	ctl = kt_open("/dev/kshm", O_RDWR);
	ck_assert_int_eq(ioctl(ctl, KSHM_IOC_CREATE, &args), 0);
	close(ctl);
	fd = kt_open("/dev/kshm-t-ring", O_RDWR);
}

static void ring_region_teardown(void)
{
	ck_assert_int_eq(destroy_ring_region(), 0);
	close(fd);
}

static struct kshm_ring_ctrl *map_ctrl(void)
{
	return kt_map(fd, kt_page, PROT_READ | PROT_WRITE, 0);
}

START_TEST(setup_resizes_and_reports)
{
	struct kshm_info info;
	struct kshm_ring_ctrl *ctrl;

	ck_assert_int_eq(ring_setup(fd, RING, KSHM_RING_K2U), 0);
	info = kt_info(fd);
	ck_assert_uint_eq(info.size, kt_page + RING);
	ck_assert_int_eq(kt_sysfs("kshm-t-ring", "ring_size"), RING);
	ck_assert_int_eq(kt_sysfs("kshm-t-ring", "ring_broken"), 0);
	ck_assert_int_eq(kt_sysfs("kshm-t-ring", "ring_dropped"), 0);
	/* Allocated now, not on first touch: a producer never allocates. */
	ck_assert_int_eq(kt_sysfs("kshm-t-ring", "resident_pages"),
			 1 + RING / kt_page);
	ctrl = map_ctrl();
	ck_assert_uint_eq(ctrl->size, RING);
	ck_assert_uint_eq(ctrl->flags, KSHM_RING_K2U);
	ck_assert_uint_eq(ctrl->producer | ctrl->consumer, 0);
	munmap(ctrl, kt_page);
	/* Set up once; the size is the ring's from now on. */
	ck_assert_int_eq(ring_setup(fd, RING, KSHM_RING_K2U), -EBUSY);
	ck_assert_int_eq(kt_set_size(fd, 4 * RING), -EBUSY);
}
END_TEST

START_TEST(setup_bad_arguments_fail)
{
	struct kshm_ring_setup args = { .flags = KSHM_RING_K2U, .size = RING,
					.__pad = 1 };
	int ro = kt_open("/dev/kshm-t-ring", O_RDONLY);

	ck_assert_int_eq(ring_setup(fd, RING, 0), -EINVAL);
	ck_assert_int_eq(ring_setup(fd, RING, KSHM_RING_K2U | KSHM_RING_U2K),
			 -EINVAL);
	ck_assert_int_eq(ring_setup(fd, RING, 1U << 2), -EINVAL);
	ck_assert_int_eq(ring_setup(fd, RING, KSHM_RING_BROKEN), -EINVAL);
	ck_assert_int_eq(ring_setup(fd, 3 * kt_page, KSHM_RING_K2U), -EINVAL);
	ck_assert_int_eq(ring_setup(fd, kt_page / 2, KSHM_RING_K2U), -EINVAL);
	ck_assert_int_eq(ring_setup(fd, 0, KSHM_RING_K2U), -EINVAL);
	ck_assert_int_eq(ring_setup(fd, 1ULL << 63, KSHM_RING_K2U), -EINVAL);
	/* One control page plus the data must fit in max_size. */
	ck_assert_int_eq(ring_setup(fd, 64 * RING, KSHM_RING_K2U), -EINVAL);
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_RING_SETUP, &args), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(ring_setup(ro, RING, KSHM_RING_K2U), -EBADF);
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_RING_SETUP, NULL), -1);
	ck_assert_int_eq(errno, EFAULT);
	/* Nothing was set up by any of these. */
	ck_assert_int_eq(kt_sysfs("kshm-t-ring", "ring_size"), 0);
	ck_assert_uint_eq(kt_info(fd).size, kt_page);
	close(ro);
}
END_TEST

START_TEST(setup_while_mapped_fails_ebusy)
{
	void *p = kt_map(fd, kt_page, PROT_READ, 0);

	ck_assert_int_eq(ring_setup(fd, RING, KSHM_RING_U2K), -EBUSY);
	munmap(p, kt_page);
	ck_assert_int_eq(ring_setup(fd, RING, KSHM_RING_U2K), 0);
}
END_TEST

START_TEST(k2u_data_is_never_writable)
{
	size_t data = 2 * RING;
	char *view, c = 0;

	ck_assert_int_eq(ring_setup(fd, RING, KSHM_RING_K2U), 0);
	ck_assert(mmap(NULL, data, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       kt_page) == MAP_FAILED);
	ck_assert_int_eq(errno, EPERM);
	/* The control page and the first data page in one mapping too. */
	ck_assert(mmap(NULL, 2 * kt_page, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, 0) == MAP_FAILED);
	ck_assert_int_eq(errno, EPERM);
	view = kt_map(fd, data, PROT_READ, kt_page);
	ck_assert_int_eq(mprotect(view, data, PROT_READ | PROT_WRITE), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(view[0] | view[data - 1], 0);
	munmap(view, data);
	/* write() does not get around it either. */
	ck_assert_int_eq(pwrite(fd, &c, 1, kt_page), -1);
	ck_assert_int_eq(errno, EPERM);
	/* Past the control page and the two views: nothing. */
	ck_assert(mmap(NULL, kt_page, PROT_READ, MAP_SHARED, fd,
		       kt_page + data) == MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* Data page i is mapped at i and again at N + i, in user space. */
START_TEST(u2k_data_is_mapped_twice)
{
	size_t data = 2 * RING, i;
	volatile uint8_t *view;	/* the compiler must not know they alias */

	ck_assert_int_eq(ring_setup(fd, RING, KSHM_RING_U2K), 0);
	view = kt_map(fd, data, PROT_READ | PROT_WRITE, kt_page);
	for (i = 0; i < RING; i += kt_page / 2)
		view[i] = (uint8_t)(i / 7 + 1);
	for (i = 0; i < RING; i += kt_page / 2)
		ck_assert_uint_eq(view[RING + i], (uint8_t)(i / 7 + 1));
	/* A record at the end of the data runs on into the second view. */
	for (i = 0; i < 16; i++)
		view[RING - 8 + i] = 0xab;
	ck_assert_uint_eq(view[0], 0xab);
	ck_assert_uint_eq(view[7], 0xab);
	ck_assert_uint_eq(kt_pfn((void *)(view + 5 * kt_page)),
			  kt_pfn((void *)(view + RING + 5 * kt_page)));
	munmap((void *)view, data);
}
END_TEST

START_TEST(k2u_poll_waits_and_says_so)
{
	struct kshm_ring_ctrl *ctrl;
	struct pollfd pfd = { .events = POLLIN };

	ck_assert_int_eq(ring_setup(fd, RING, KSHM_RING_K2U), 0);
	ctrl = map_ctrl();
	pfd.fd = fd;
	/* Nothing to read: no event, and the producer is asked to wake us. */
	ck_assert_int_eq(poll(&pfd, 1, 200), 0);
	ck_assert_uint_eq(ctrl->consumer_waiting, 1);
	ck_assert_int_eq(kt_sysfs("kshm-t-ring", "ring_wakeups"), 0);
	ck_assert_int_eq(ring_notify(fd), -EINVAL);	/* that is U2K's */
	munmap(ctrl, kt_page);
}
END_TEST

START_TEST(u2k_poll_reports_room)
{
	struct kshm_ring_ctrl *ctrl;
	struct pollfd pfd = { .events = POLLOUT };

	ck_assert_int_eq(ring_setup(fd, RING, KSHM_RING_U2K), 0);
	ctrl = map_ctrl();
	pfd.fd = fd;
	ck_assert_int_eq(poll(&pfd, 1, 0), 1);
	ck_assert(pfd.revents & POLLOUT);
	/* A full ring (nobody consumes): no room, and the flag is up. */
	__atomic_store_n(&ctrl->producer, RING, __ATOMIC_RELEASE);
	ck_assert_int_eq(poll(&pfd, 1, 200), 0);
	ck_assert_uint_eq(ctrl->producer_waiting, KSHM_REC_ALIGN);
	/*
	 * 512 bytes of room: too little for the 1 KiB record the producer
	 * says it waits for, enough for a 256-byte one.
	 */
	__atomic_store_n(&ctrl->producer, RING - 512, __ATOMIC_RELEASE);
	ctrl->producer_waiting = 1024;
	ck_assert_int_eq(poll(&pfd, 1, 200), 0);
	ck_assert_uint_eq(ctrl->producer_waiting, 1024);
	ctrl->producer_waiting = 256;
	ck_assert_int_eq(poll(&pfd, 1, 0), 1);
	ck_assert(pfd.revents & POLLOUT);
	/* Only the side that wakes clears it: another poller may sleep. */
	ck_assert_uint_eq(ctrl->producer_waiting, 256);
	__atomic_store_n(&ctrl->producer, RING, __ATOMIC_RELEASE);
	/* No kernel consumer yet: a notification is harmless. */
	ck_assert_int_eq(ring_notify(fd), 0);
	munmap(ctrl, kt_page);
}
END_TEST

/* A consumer position nobody could have reached breaks the ring. */
START_TEST(made_up_consumer_position_breaks_the_ring)
{
	static const uint64_t bad[] = { 3, 8, RING, ~0ULL };
	struct pollfd pfd = { .events = POLLIN };
	struct kshm_ring_ctrl *ctrl;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (i) {
			ring_region_teardown();
			ring_region_setup();
		}
		ck_assert_int_eq(ring_setup(fd, RING, KSHM_RING_K2U), 0);
		ctrl = map_ctrl();
		ctrl->consumer = bad[i];	/* ahead of the producer (0) */
		pfd.fd = fd;
		ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
		ck_assert(pfd.revents & POLLERR);
		ck_assert_int_eq(kt_sysfs("kshm-t-ring", "ring_broken"), 1);
		ck_assert(ctrl->flags & KSHM_RING_BROKEN);
		/* Putting it back does not mend it. */
		ctrl->consumer = 0;
		ck_assert_int_eq(poll(&pfd, 1, 0), 1);
		ck_assert(pfd.revents & POLLERR);
		munmap(ctrl, kt_page);
	}
}
END_TEST

START_TEST(notify_without_a_ring_fails_einval)
{
	struct kshm_ring_notify args = { .flags = 1 };

	ck_assert_int_eq(ring_notify(fd), -EINVAL);
	ck_assert_int_eq(ring_setup(fd, RING, KSHM_RING_U2K), 0);
	ck_assert_int_eq(ioctl(fd, KSHM_IOC_RING_NOTIFY, &args), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(plain_region_polls_always_ready)
{
	struct pollfd pfd = { .fd = -1, .events = POLLIN | POLLOUT };

	pfd.fd = kt_open(KT_DEV0, O_RDWR);
	ck_assert_int_eq(poll(&pfd, 1, 0), 1);
	ck_assert_int_eq(pfd.revents, POLLIN | POLLOUT);
	close(pfd.fd);
}
END_TEST

Suite *ring_suite(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("ring");

	tcase_add_checked_fixture(tc, ring_region_setup, ring_region_teardown);
	tcase_add_unchecked_fixture(tc, NULL, ring_leftovers_teardown);
	tcase_add_test(tc, setup_resizes_and_reports);
	tcase_add_test(tc, setup_bad_arguments_fail);
	tcase_add_test(tc, setup_while_mapped_fails_ebusy);
	tcase_add_test(tc, k2u_data_is_never_writable);
	tcase_add_test(tc, u2k_data_is_mapped_twice);
	tcase_add_test(tc, k2u_poll_waits_and_says_so);
	tcase_add_test(tc, u2k_poll_reports_room);
	tcase_add_test(tc, made_up_consumer_position_breaks_the_ring);
	tcase_add_test(tc, notify_without_a_ring_fails_einval);
	tcase_add_test(tc, plain_region_polls_always_ready);
	suite_add_tcase(s, tc);
	return s;
}
