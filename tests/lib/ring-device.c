// SPDX-License-Identifier: GPL-2.0
/*
 * The ring calls against the driver, on regions made at run time and
 * named "ringtest-..." (the tcase's unchecked fixture destroys them
 * before and after, so a failed test leaves none behind; a ring cannot
 * be taken off a region, so /dev/kshm0 and /dev/kshm1 are never used).
 *
 * No kernel client is loaded here: these tests check what the driver
 * alone does (set-up, its errors, the mapping rules) and the library's
 * producer against the raw control page and data, read back through
 * mappings of the test's own. Round trips through a kernel consumer are
 * examples/ring-echo's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "lib-test.h"

#define RW (PROT_READ | PROT_WRITE)
#define PREFIX "ringtest-"
#define HDR KSHM_REC_HDR_SIZE

static void destroy_ring_regions(void)
{
	int n = kshm_list(NULL, 0);
	struct kshm_info *infos;

	ck_assert_msg(n >= 0, "kshm_list: %s", strerror(-n));
	infos = calloc(n + 1, sizeof(*infos));
	ck_assert_ptr_nonnull(infos);
	n = kshm_list(infos, n + 1);
	ck_assert_msg(n >= 0, "kshm_list: %s", strerror(-n));
	for (int i = 0; i < n; i++)
		if (!strncmp(infos[i].name, "kshm-" PREFIX, strlen("kshm-" PREFIX)))
			kshm_destroy(infos[i].name + strlen("kshm-"));
	free(infos);
}

/*
 * Makes region PREFIX@name of one page that may grow to @max_size and
 * opens it with @flags.
 */
static struct kshm *t_region(const char *name, uint64_t max_size, int flags)
{
	KSHM_OPTS(kshm_create_opts, opts, .max_size = max_size);
	char full[KSHM_CREATE_NAME_LEN + 1];
	struct kshm *k;
	int ret;

	snprintf(full, sizeof(full), PREFIX "%s", name);
	ret = kshm_create(full, t_page(), &opts);
	ck_assert_msg(!ret, "kshm_create(%s): %s", full, strerror(-ret));
	k = kshm_open_name(full, flags);
	ck_assert_msg(k, "kshm_open_name(%s): %s", full, strerror(errno));
	return k;
}

/* A region holding a ring of @pages data pages in direction @dir. */
static struct kshm *t_ring_region(const char *name, unsigned int pages,
				  uint32_t dir)
{
	struct kshm *k = t_region(name, (1 + pages) * t_page(), O_RDWR);
	int ret = kshm_ring_setup(k, pages * t_page(), dir);

	ck_assert_msg(!ret, "kshm_ring_setup: %s", strerror(-ret));
	return k;
}

static struct kshm_ring *t_ring_map(struct kshm *k)
{
	struct kshm_ring *r = kshm_ring_map(k);

	ck_assert_msg(r, "kshm_ring_map: %s", strerror(errno));
	return r;
}

/* The control page, mapped by the test itself. */
static struct kshm_ring_ctrl *t_ctrl(struct kshm *k)
{
	struct kshm_ring_ctrl *c = kshm_map(k, 0, t_page(), RW);

	ck_assert_msg(c, "kshm_map(control page): %s", strerror(errno));
	return c;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Set-up */

START_TEST(setup_makes_a_control_page_and_allocates_every_page)
{
	struct kshm *k = t_region("setup", 5 * t_page(), O_RDWR);
	struct kshm_ring_ctrl *c;
	struct kshm_info info;

	ck_assert_int_eq(kshm_ring_setup(k, 4 * t_page(), KSHM_RING_K2U), 0);
	info = t_info(k);
	ck_assert_uint_eq(info.size, 5 * t_page());
	ck_assert_uint_eq(info.resident_pages, 5);
	c = t_ctrl(k);
	ck_assert_uint_eq(c->size, 4 * t_page());
	ck_assert_uint_eq(c->flags, KSHM_RING_K2U);
	ck_assert_uint_eq(c->producer, 0);
	ck_assert_uint_eq(c->consumer, 0);
	ck_assert_uint_eq(c->dropped, 0);
	kshm_unmap(c, t_page());
	kshm_close(k);
}
END_TEST

START_TEST(setup_refuses_bad_arguments_and_changes_nothing)
{
	struct kshm *k = t_region("args", 5 * t_page(), O_RDWR);
	const unsigned int flags[] = { 0, KSHM_RING_K2U | KSHM_RING_U2K,
				       KSHM_RING_BROKEN, KSHM_RING_K2U | (1U << 7) };
	const uint64_t sizes[] = { 0, 8, t_page() / 2, 3 * t_page(),
				   t_page() + 8 };

	for (unsigned int i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		ck_assert_int_eq(kshm_ring_setup(k, 4 * t_page(), flags[i]), -EINVAL);
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		ck_assert_int_eq(kshm_ring_setup(k, sizes[i], KSHM_RING_K2U), -EINVAL);
	/* Still an ordinary region: same size, resizable, no ring. */
	ck_assert_uint_eq(t_info(k).size, t_page());
	t_resize(k, 2 * t_page());
	errno = 0;
	ck_assert_ptr_null(kshm_ring_map(k));
	ck_assert_int_eq(errno, ENODEV);
	kshm_close(k);
}
END_TEST

START_TEST(setup_too_big_for_max_size_fails_einval)
{
	struct kshm *k = t_region("big", 4 * t_page(), O_RDWR);

	/* 4 data pages need 5 pages of region. */
	ck_assert_int_eq(kshm_ring_setup(k, 4 * t_page(), KSHM_RING_K2U), -EINVAL);
	ck_assert_int_eq(kshm_ring_setup(k, 2 * t_page(), KSHM_RING_K2U), 0);
	kshm_close(k);
}
END_TEST

START_TEST(setup_twice_fails_ebusy)
{
	struct kshm *k = t_ring_region("twice", 2, KSHM_RING_K2U);

	ck_assert_int_eq(kshm_ring_setup(k, 2 * t_page(), KSHM_RING_K2U), -EBUSY);
	ck_assert_int_eq(kshm_ring_setup(k, t_page(), KSHM_RING_U2K), -EBUSY);
	kshm_close(k);
}
END_TEST

START_TEST(setup_while_mapped_fails_ebusy)
{
	struct kshm *k = t_region("mapped", 3 * t_page(), O_RDWR);
	void *p = kshm_map(k, 0, t_page(), PROT_READ);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(kshm_ring_setup(k, 2 * t_page(), KSHM_RING_K2U), -EBUSY);
	kshm_unmap(p, t_page());
	ck_assert_int_eq(kshm_ring_setup(k, 2 * t_page(), KSHM_RING_K2U), 0);
	kshm_close(k);
}
END_TEST

START_TEST(setup_on_a_read_only_handle_fails_ebadf)
{
	struct kshm *k = t_region("rdonly", 3 * t_page(), O_RDONLY);

	ck_assert_int_eq(kshm_ring_setup(k, 2 * t_page(), KSHM_RING_K2U), -EBADF);
	ck_assert_uint_eq(t_info(k).size, t_page());
	kshm_close(k);
}
END_TEST

START_TEST(resize_after_setup_fails_ebusy)
{
	struct kshm *k = t_ring_region("resize", 2, KSHM_RING_U2K);

	ck_assert_int_eq(kshm_resize(k, t_page()), -EBUSY);
	ck_assert_int_eq(kshm_resize(k, 3 * t_page()), -EBUSY);
	ck_assert_uint_eq(t_info(k).size, 3 * t_page());
	kshm_close(k);
}
END_TEST

/* Mapping */

START_TEST(map_without_a_ring_fails_enodev)
{
	struct kshm *k = t_region("none", 2 * t_page(), O_RDWR);

	t_resize(k, 2 * t_page());
	errno = 0;
	ck_assert_ptr_null(kshm_ring_map(k));
	ck_assert_int_eq(errno, ENODEV);
	ck_assert_uint_eq(t_info(k).mappings, 0);
	kshm_close(k);
}
END_TEST

START_TEST(map_on_a_read_only_handle_fails_eacces)
{
	struct kshm *k = t_ring_region("rdonly-map", 1, KSHM_RING_K2U);
	struct kshm *ro = kshm_open_name(PREFIX "rdonly-map", O_RDONLY);

	ck_assert_ptr_nonnull(ro);
	errno = 0;
	ck_assert_ptr_null(kshm_ring_map(ro));
	ck_assert_int_eq(errno, EACCES);
	ck_assert_uint_eq(t_info(k).mappings, 0);
	kshm_close(ro);
	kshm_close(k);
}
END_TEST

START_TEST(k2u_data_cannot_be_mapped_writable)
{
	struct kshm *k = t_ring_region("k2u-rw", 2, KSHM_RING_K2U);
	size_t pg = t_page();
	void *p;

	errno = 0;
	ck_assert_ptr_null(kshm_map(k, pg, 4 * pg, RW));
	ck_assert_int_eq(errno, EPERM);
	errno = 0;
	ck_assert_ptr_null(kshm_map(k, 0, 2 * pg, RW));	/* control + data */
	ck_assert_int_eq(errno, EPERM);
	/* Read-only, and it stays so. */
	p = kshm_map(k, pg, 4 * pg, PROT_READ);
	ck_assert_ptr_nonnull(p);
	errno = 0;
	ck_assert_int_eq(mprotect(p, 4 * pg, RW), -1);
	ck_assert_int_eq(errno, EACCES);
	kshm_unmap(p, 4 * pg);
	kshm_close(k);
}
END_TEST

START_TEST(map_outlives_the_handle_and_keeps_its_mappings)
{
	struct kshm *k = t_ring_region("outlive", 2, KSHM_RING_K2U);
	struct kshm *k2 = kshm_open_name(PREFIX "outlive", O_RDONLY);
	struct kshm_ring *r = t_ring_map(k);

	ck_assert_ptr_nonnull(k2);
	/* The control page, and the data twice: two mappings. */
	ck_assert_uint_eq(t_info(k2).mappings, 2);
	kshm_close(k);
	ck_assert_uint_eq(kshm_ring_size(r), 2 * t_page());
	ck_assert_int_eq(kshm_ring_wait(r, 0), 0);
	kshm_ring_unmap(r);
	ck_assert_uint_eq(t_info(k2).mappings, 0);
	kshm_close(k2);
}
END_TEST

/* A K2U ring with no producer */

START_TEST(k2u_wait_sleeps_out_its_timeout_and_says_it_waits)
{
	struct kshm *k = t_ring_region("k2u-wait", 1, KSHM_RING_K2U);
	struct kshm_ring *r = t_ring_map(k);
	struct kshm_ring_ctrl *c = t_ctrl(k);
	void *data;
	uint32_t len;
	int64_t t0;

	ck_assert_int_eq(kshm_ring_peek(r, &data, &len), -EAGAIN);
	ck_assert_uint_eq(c->consumer_waiting, 0);
	t0 = now_ms();
	ck_assert_int_eq(kshm_ring_wait(r, 200), 0);
	ck_assert_int_ge(now_ms() - t0, 190);
	/* poll() told the producer side it sleeps. */
	ck_assert_uint_eq(c->consumer_waiting, 1);
	errno = 0;
	ck_assert_ptr_null(kshm_ring_reserve(r, 8));
	ck_assert_int_eq(errno, EINVAL);
	kshm_unmap(c, t_page());
	kshm_ring_unmap(r);
	kshm_close(k);
}
END_TEST

/* A U2K ring: the library produces, the test reads the raw pages */

START_TEST(u2k_records_land_in_the_data_pages_as_documented)
{
	const size_t pg = t_page();
	struct kshm *k = t_ring_region("u2k-raw", 2, KSHM_RING_U2K);
	struct kshm_ring *r = t_ring_map(k);
	struct kshm_ring_ctrl *c = t_ctrl(k);
	unsigned char *d = kshm_map(k, pg, 4 * pg, PROT_READ);
	uint64_t pos = 0;

	ck_assert_ptr_nonnull(d);
	for (uint32_t i = 0; i < 40; i++) {
		uint32_t len = i * 37 % 500;
		struct kshm_rec_hdr *hdr;
		size_t off, n;
		unsigned char *p;

		p = kshm_ring_reserve(r, len);
		ck_assert_msg(p, "record %u: %s", i, strerror(errno));
		hdr = (struct kshm_rec_hdr *)(d + (pos & (2 * pg - 1)));
		ck_assert_uint_eq(c->producer, pos + ((HDR + len + 7) & ~7U));
		ck_assert_uint_eq(hdr->len, len);
		ck_assert_uint_eq(hdr->flags, KSHM_REC_BUSY);
		memset(p, (int)i + 1, len);
		ck_assert_int_eq(kshm_ring_commit(r, p), 0);
		ck_assert_uint_eq(hdr->flags, 0);
		for (uint32_t j = 0; j < len; j++)
			ck_assert_uint_eq(((unsigned char *)(hdr + 1))[j], i + 1);
		/* The same bytes at the second copy, as far as it is mapped. */
		off = pos & (2 * pg - 1);
		n = HDR + len < 2 * pg - off ? HDR + len : 2 * pg - off;
		ck_assert(!memcmp(d + off + 2 * pg, hdr, n));
		pos = c->producer;
		/* Stand in for a consumer: release everything. */
		c->consumer = pos;
	}
	ck_assert_uint_gt(pos, 2 * pg);
	ck_assert_uint_eq(c->dropped, 0);
	kshm_unmap(d, 4 * pg);
	kshm_unmap(c, pg);
	kshm_ring_unmap(r);
	kshm_close(k);
}
END_TEST

START_TEST(u2k_full_ring_refuses_counts_and_waits)
{
	const size_t pg = t_page();
	struct kshm *k = t_ring_region("u2k-full", 1, KSHM_RING_U2K);
	struct kshm_ring *r = t_ring_map(k);
	struct kshm_ring_ctrl *c = t_ctrl(k);
	void *p;
	int64_t t0;

	p = kshm_ring_reserve(r, (uint32_t)(pg - HDR));
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(kshm_ring_commit(r, p), 0);
	errno = 0;
	ck_assert_ptr_null(kshm_ring_reserve(r, 0));
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_uint_eq(c->dropped, 1);
	ck_assert_uint_eq(kshm_ring_dropped(r), 1);
	/* No kernel consumer: poll(POLLOUT) sleeps out the timeout. */
	t0 = now_ms();
	ck_assert_int_eq(kshm_ring_wait_room(r, 0, 200), 0);
	ck_assert_int_ge(now_ms() - t0, 190);
	ck_assert_uint_eq(c->dropped, 1);
	kshm_unmap(c, pg);
	kshm_ring_unmap(r);
	kshm_close(k);
}
END_TEST

START_TEST(u2k_commit_notifies_a_waiting_consumer_once)
{
	struct kshm *k = t_ring_region("u2k-notify", 1, KSHM_RING_U2K);
	struct kshm_ring *r = t_ring_map(k);
	struct kshm_ring_ctrl *c = t_ctrl(k);
	void *p;

	/* What a kernel consumer does before it sleeps. */
	c->consumer_waiting = 1;
	p = kshm_ring_reserve(r, 16);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(kshm_ring_commit(r, p), 0);
	ck_assert_uint_eq(c->consumer_waiting, 0);
	p = kshm_ring_reserve(r, 16);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(kshm_ring_commit(r, p), 0);
	ck_assert_uint_eq(c->consumer_waiting, 0);
	kshm_unmap(c, t_page());
	kshm_ring_unmap(r);
	kshm_close(k);
}
END_TEST

START_TEST(u2k_spoiled_consumer_position_fails_eio)
{
	struct kshm *k = t_ring_region("u2k-spoil", 1, KSHM_RING_U2K);
	struct kshm_ring *r = t_ring_map(k);
	struct kshm_ring_ctrl *c = t_ctrl(k);
	void *p;

	p = kshm_ring_reserve(r, 16);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(kshm_ring_commit(r, p), 0);
	c->consumer = 1000;		/* past the producer */
	errno = 0;
	ck_assert_ptr_null(kshm_ring_reserve(r, 16));
	ck_assert_int_eq(errno, EIO);
	kshm_unmap(c, t_page());
	kshm_ring_unmap(r);
	kshm_close(k);
}
END_TEST

START_TEST(u2k_new_producer_carries_on_from_the_control_page)
{
	struct kshm *k = t_ring_region("u2k-again", 1, KSHM_RING_U2K);
	struct kshm_ring *r = t_ring_map(k);
	struct kshm_ring_ctrl *c = t_ctrl(k);
	void *p;

	p = kshm_ring_reserve(r, 100);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(kshm_ring_commit(r, p), 0);
	kshm_ring_unmap(r);
	r = t_ring_map(k);
	p = kshm_ring_reserve(r, 8);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(kshm_ring_commit(r, p), 0);
	ck_assert_uint_eq(c->producer, 112 + 16);
	kshm_unmap(c, t_page());
	kshm_ring_unmap(r);
	kshm_close(k);
}
END_TEST

Suite *ring_device_suite(void)
{
	Suite *s = suite_create("ring-device");
	TCase *tc = tcase_create("setup");

	tcase_add_unchecked_fixture(tc, destroy_ring_regions, destroy_ring_regions);
	tcase_add_test(tc, setup_makes_a_control_page_and_allocates_every_page);
	tcase_add_test(tc, setup_refuses_bad_arguments_and_changes_nothing);
	tcase_add_test(tc, setup_too_big_for_max_size_fails_einval);
	tcase_add_test(tc, setup_twice_fails_ebusy);
	tcase_add_test(tc, setup_while_mapped_fails_ebusy);
	tcase_add_test(tc, setup_on_a_read_only_handle_fails_ebadf);
	tcase_add_test(tc, resize_after_setup_fails_ebusy);
	suite_add_tcase(s, tc);

	tc = tcase_create("map");
	tcase_add_unchecked_fixture(tc, destroy_ring_regions, destroy_ring_regions);
	tcase_add_test(tc, map_without_a_ring_fails_enodev);
	tcase_add_test(tc, map_on_a_read_only_handle_fails_eacces);
	tcase_add_test(tc, k2u_data_cannot_be_mapped_writable);
	tcase_add_test(tc, map_outlives_the_handle_and_keeps_its_mappings);
	tcase_add_test(tc, k2u_wait_sleeps_out_its_timeout_and_says_it_waits);
	suite_add_tcase(s, tc);

	tc = tcase_create("u2k");
	tcase_add_unchecked_fixture(tc, destroy_ring_regions, destroy_ring_regions);
	tcase_add_test(tc, u2k_records_land_in_the_data_pages_as_documented);
	tcase_add_test(tc, u2k_full_ring_refuses_counts_and_waits);
	tcase_add_test(tc, u2k_commit_notifies_a_waiting_consumer_once);
	tcase_add_test(tc, u2k_spoiled_consumer_position_fails_eio);
	tcase_add_test(tc, u2k_new_producer_carries_on_from_the_control_page);
	suite_add_tcase(s, tc);
	return s;
}
