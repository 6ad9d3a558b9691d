// SPDX-License-Identifier: GPL-2.0
/*
 * The ring calls against fake rings, on any host: the test lays out a
 * region as the driver does (a control page, then the data pages mapped
 * twice, back to back, from one memfd) and plays the kernel's side
 * through a second mapping of the same memfd, while the library plays
 * user space's through kshm_ring_attach(), the constructor
 * kshm_ring_map() uses. Guard pages surround every mapping, and a K2U
 * ring's data is mapped read-only for the library as the driver maps it,
 * so a library access outside its mappings, or a write to K2U data,
 * kills the test.
 *
 * Needs the library's sources built in (lib/internal.h), so it runs in
 * the host build only.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/internal.h"
#include "lib-test.h"

#define HDR KSHM_REC_HDR_SIZE

#define load_acq(p)							\
	atomic_load_explicit((_Atomic __typeof__(*(p)) *)(p), memory_order_acquire)
#define store_rel(p, v)							\
	atomic_store_explicit((_Atomic __typeof__(*(p)) *)(p), (v),	\
			      memory_order_release)

/* A fake region holding a ring, and the fake kernel's side of it. */
struct fake {
	size_t page;
	uint64_t size;
	uint32_t dir;
	int memfd;
	void *area;			/* the library's view, with guards */
	size_t area_len;
	struct kshm_ring_ctrl *ctrl;	/* shared by both sides */
	unsigned char *data;		/* the library's data, 2 * size */
	void *karea;			/* the kernel's view, with guards */
	size_t karea_len;
	unsigned char *kdata;		/* the kernel's data, 2 * size, RW */
	uint64_t prod, cons;		/* the fake kernel's positions */
	struct kshm_ring *r;
};

static uint64_t total(uint32_t len)
{
	return ((uint64_t)HDR + len + KSHM_REC_ALIGN - 1) & ~(uint64_t)(KSHM_REC_ALIGN - 1);
}

static void map_fixed(void *at, size_t len, int prot, int fd, off_t off)
{
	void *p = mmap(at, len, prot, MAP_SHARED | MAP_FIXED, fd, off);

	ck_assert_msg(p == at, "mmap: %s", strerror(errno));
}

/* Reserves @len bytes between guard pages; returns where they start. */
static unsigned char *guarded(struct fake *f, size_t len, void **area,
			      size_t *area_len)
{
	*area_len = len + 2 * f->page;
	*area = mmap(NULL, *area_len, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ck_assert_ptr_ne(*area, MAP_FAILED);
	return (unsigned char *)*area + f->page;
}

/*
 * The library's mappings: the control page, and the data twice, back to
 * back, read-only for K2U as the driver maps them.
 */
static void fake_map_lib(struct fake *f)
{
	int prot = f->dir == KSHM_RING_K2U ? PROT_READ : PROT_READ | PROT_WRITE;

	map_fixed(f->ctrl, f->page, PROT_READ | PROT_WRITE, f->memfd, 0);
	map_fixed(f->data, f->size, prot, f->memfd, (off_t)f->page);
	map_fixed(f->data + f->size, f->size, prot, f->memfd, (off_t)f->page);
}

/*
 * A region of one control page and @size data bytes, the control page
 * saying @dir and @size, not yet attached: tests may spoil it first.
 */
static void fake_layout(struct fake *f, uint64_t size, uint32_t dir)
{
	unsigned char *lib;

	memset(f, 0, sizeof(*f));
	f->page = t_page();
	f->size = size;
	f->dir = dir;
	f->memfd = memfd_create("kshm-fake-ring", MFD_CLOEXEC);
	ck_assert_int_ge(f->memfd, 0);
	ck_assert_int_eq(ftruncate(f->memfd, (off_t)(f->page + size)), 0);
	/* guard, control page, guard, data, data again, guard */
	lib = guarded(f, f->page + f->page + 2 * size, &f->area, &f->area_len);
	f->ctrl = (struct kshm_ring_ctrl *)lib;
	f->data = lib + 2 * f->page;
	fake_map_lib(f);
	f->kdata = guarded(f, 2 * size, &f->karea, &f->karea_len);
	map_fixed(f->kdata, size, PROT_READ | PROT_WRITE, f->memfd, (off_t)f->page);
	map_fixed(f->kdata + size, size, PROT_READ | PROT_WRITE, f->memfd,
		  (off_t)f->page);
	f->ctrl->size = size;
	f->ctrl->flags = dir;
}

/* kshm_ring_attach() over the layout, as kshm_ring_map() would call it. */
static struct kshm_ring *fake_attach(struct fake *f, int fd)
{
	return kshm_ring_attach(f->ctrl, f->data, f->page + f->size, f->page, fd);
}

/* A fake ring, attached; the library's handle polls @fd (-1: none). */
static void fake_new(struct fake *f, uint64_t size, uint32_t dir, int fd)
{
	fake_layout(f, size, dir);
	f->r = fake_attach(f, fd);
	ck_assert_msg(f->r, "kshm_ring_attach: %s", strerror(errno));
}

static void fake_free(struct fake *f)
{
	kshm_ring_unmap(f->r);
	munmap(f->area, f->area_len);
	munmap(f->karea, f->karea_len);
	close(f->memfd);
}

/* The fake kernel producer (K2U): reserve, or NULL without room. */
static void *k_reserve(struct fake *f, uint32_t len)
{
	uint64_t cons = load_acq(&f->ctrl->consumer), t = total(len);
	struct kshm_rec_hdr *hdr;

	if (t > f->size - (f->prod - cons))
		return NULL;
	hdr = (struct kshm_rec_hdr *)(f->kdata + (f->prod & (f->size - 1)));
	hdr->len = len;
	hdr->flags = KSHM_REC_BUSY;
	f->prod += t;
	store_rel(&f->ctrl->producer, f->prod);
	return hdr + 1;
}

static void k_finish(void *payload, uint32_t flags)
{
	store_rel(&((struct kshm_rec_hdr *)payload - 1)->flags, flags);
}

/* A byte pattern that differs per record and per offset. */
static unsigned char pattern(uint64_t seq, uint32_t i)
{
	return (unsigned char)(seq * 131 + i * 7 + 1);
}

static void fill(void *p, uint64_t seq, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		((unsigned char *)p)[i] = pattern(seq, i);
}

static int matches(const void *p, uint64_t seq, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (((const unsigned char *)p)[i] != pattern(seq, i))
			return 0;
	return 1;
}

/* Produces record @seq of @len bytes, committed; fails without room. */
static void k_output(struct fake *f, uint64_t seq, uint32_t len)
{
	void *p = k_reserve(f, len);

	ck_assert_msg(p, "fake kernel: no room for %u bytes", len);
	fill(p, seq, len);
	k_finish(p, 0);
}

/* The payload of the library's record lies inside its data mapping. */
static void assert_inside(struct fake *f, const void *p, uint32_t len)
{
	const unsigned char *c = p;

	ck_assert_msg(c >= f->data + HDR && c + len <= f->data + 2 * f->size,
		      "record of %u bytes at offset %td, outside the data",
		      len, c - f->data);
	ck_assert_uint_eq((uintptr_t)(c - f->data) % KSHM_REC_ALIGN, 0);
}

static void expect_record(struct fake *f, uint64_t seq, uint32_t len)
{
	void *data = NULL;
	uint32_t got = 0;
	int ret = kshm_ring_peek(f->r, &data, &got);

	ck_assert_msg(!ret, "record %llu: kshm_ring_peek: %s",
		      (unsigned long long)seq, strerror(-ret));
	ck_assert_uint_eq(got, len);
	assert_inside(f, data, got);
	ck_assert_msg(matches(data, seq, len), "record %llu: bytes differ",
		      (unsigned long long)seq);
}

static void expect_no_record(struct fake *f)
{
	void *data;
	uint32_t len;

	ck_assert_int_eq(kshm_ring_peek(f->r, &data, &len), -EAGAIN);
}

static void expect_eio(struct fake *f)
{
	void *data;
	uint32_t len;

	errno = 0;
	ck_assert_int_eq(kshm_ring_peek(f->r, &data, &len), -EIO);
	ck_assert_int_eq(errno, EIO);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Argument checks */

START_TEST(ring_calls_refuse_null)
{
	void *data;
	uint32_t len;

	errno = 0;
	ck_assert_int_eq(kshm_ring_setup(NULL, 1 << 16, KSHM_RING_K2U), -EINVAL);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(kshm_ring_map(NULL));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_uint_eq(kshm_ring_size(NULL), 0);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_uint_eq(kshm_ring_dropped(NULL), 0);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(kshm_ring_wait(NULL, 0), -EINVAL);
	ck_assert_int_eq(kshm_ring_peek(NULL, &data, &len), -EINVAL);
	errno = 0;
	ck_assert_ptr_null(kshm_ring_reserve(NULL, 8));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(kshm_ring_commit(NULL, &len), -EINVAL);
	ck_assert_int_eq(kshm_ring_discard(NULL, &len), -EINVAL);
	ck_assert_int_eq(kshm_ring_wait_room(NULL, 8, 0), -EINVAL);
}
END_TEST

START_TEST(ring_unmap_and_release_of_null_are_no_ops)
{
	errno = 4321;
	kshm_ring_unmap(NULL);
	kshm_ring_release(NULL);
	ck_assert_int_eq(errno, 4321);
}
END_TEST

START_TEST(peek_refuses_null_outputs)
{
	struct fake f;
	void *data;
	uint32_t len;

	fake_new(&f, t_page(), KSHM_RING_K2U, -1);
	k_output(&f, 0, 16);
	ck_assert_int_eq(kshm_ring_peek(f.r, NULL, &len), -EINVAL);
	ck_assert_int_eq(kshm_ring_peek(f.r, &data, NULL), -EINVAL);
	/* Refused calls consumed nothing. */
	expect_record(&f, 0, 16);
	fake_free(&f);
}
END_TEST

START_TEST(consumer_calls_refuse_a_u2k_ring)
{
	struct fake f;
	void *data;
	uint32_t len;

	fake_new(&f, t_page(), KSHM_RING_U2K, -1);
	ck_assert_int_eq(kshm_ring_peek(f.r, &data, &len), -EINVAL);
	ck_assert_int_eq(kshm_ring_wait(f.r, 0), -EINVAL);
	f.ctrl->consumer = 0;
	data = kshm_ring_reserve(f.r, 8);
	ck_assert_ptr_nonnull(data);
	kshm_ring_release(f.r);		/* no consumer position to move */
	ck_assert_uint_eq(f.ctrl->consumer, 0);
	fake_free(&f);
}
END_TEST

START_TEST(producer_calls_refuse_a_k2u_ring)
{
	struct fake f;

	fake_new(&f, t_page(), KSHM_RING_K2U, -1);
	errno = 0;
	ck_assert_ptr_null(kshm_ring_reserve(f.r, 8));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(kshm_ring_commit(f.r, f.data + HDR), -EINVAL);
	ck_assert_int_eq(kshm_ring_discard(f.r, f.data + HDR), -EINVAL);
	ck_assert_int_eq(kshm_ring_wait_room(f.r, 8, 0), -EINVAL);
	ck_assert_uint_eq(f.ctrl->producer, 0);
	ck_assert_uint_eq(f.ctrl->dropped, 0);
	fake_free(&f);
}
END_TEST

/* Attaching: what the control page must say */

START_TEST(attach_reads_size_and_direction)
{
	struct fake f;

	fake_new(&f, 4 * t_page(), KSHM_RING_K2U, -1);
	ck_assert_uint_eq(kshm_ring_size(f.r), 4 * t_page());
	ck_assert_uint_eq(kshm_ring_dropped(f.r), 0);
	f.ctrl->dropped = 42;
	ck_assert_uint_eq(kshm_ring_dropped(f.r), 42);
	expect_no_record(&f);
	ck_assert_int_eq(kshm_ring_wait(f.r, 0), 0);
	fake_free(&f);
}
END_TEST

/* Attach over a spoiled control page fails with @err, leaving nothing. */
static void expect_attach_fails(struct fake *f, int err)
{
	int fds = t_count_fds();

	errno = 0;
	ck_assert_ptr_null(fake_attach(f, -1));
	ck_assert_int_eq(errno, err);
	ck_assert_int_eq(t_count_fds(), fds);
	fake_free(f);
}

START_TEST(attach_without_a_ring_fails_enodev)
{
	struct fake f;

	fake_layout(&f, t_page(), KSHM_RING_K2U);
	f.ctrl->size = 0;
	f.ctrl->flags = 0;
	expect_attach_fails(&f, ENODEV);
}
END_TEST

START_TEST(attach_size_not_a_power_of_two_fails_eio)
{
	struct fake f;

	fake_layout(&f, 4 * t_page(), KSHM_RING_K2U);
	f.ctrl->size = 3 * t_page();
	expect_attach_fails(&f, EIO);
}
END_TEST

START_TEST(attach_size_not_the_regions_fails_eio)
{
	const uint64_t pg = t_page();
	/* The region holds 4 data pages: every other size is a lie. */
	const uint64_t bad[] = { 0, 8, pg / 2, 2 * pg, 8 * pg, 1ULL << 62,
				 1ULL << 63 };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fake f;

		fake_layout(&f, 4 * pg, KSHM_RING_K2U);
		f.ctrl->size = bad[i];
		expect_attach_fails(&f, EIO);
	}
}
END_TEST

START_TEST(attach_without_one_direction_fails_eio)
{
	static const uint32_t bad[] = { 0, KSHM_RING_K2U | KSHM_RING_U2K, 1U << 5 };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fake f;

		fake_layout(&f, t_page(), KSHM_RING_K2U);
		f.ctrl->flags = bad[i];
		expect_attach_fails(&f, EIO);
	}
}
END_TEST

START_TEST(attach_to_a_broken_ring_fails_eio)
{
	struct fake f;

	fake_layout(&f, t_page(), KSHM_RING_K2U);
	f.ctrl->flags |= KSHM_RING_BROKEN;
	expect_attach_fails(&f, EIO);
}
END_TEST

START_TEST(attach_with_bad_positions_fails_eio)
{
	const uint64_t pg = t_page();
	const uint64_t bad[][2] = {	/* producer, consumer */
		{ 4, 0 },		/* unaligned */
		{ 16, 12 },
		{ 8, 16 },		/* consumer past producer */
		{ pg + 8, 0 },		/* more than the ring between them */
		{ 0, ~0ULL << 3 },
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (uint32_t dir = KSHM_RING_K2U; dir <= KSHM_RING_U2K; dir <<= 1) {
			struct fake f;

			fake_layout(&f, pg, dir);
			f.ctrl->producer = bad[i][0];
			f.ctrl->consumer = bad[i][1];
			expect_attach_fails(&f, EIO);
		}
	}
}
END_TEST

START_TEST(attach_carries_on_from_the_positions)
{
	const uint64_t pg = t_page();
	struct fake f;

	/* A consumer died after releasing two records of three. */
	fake_layout(&f, pg, KSHM_RING_K2U);
	f.prod = 5 * pg;
	f.ctrl->producer = f.ctrl->consumer = 5 * pg;
	k_output(&f, 1, 100);
	k_output(&f, 2, 200);
	k_output(&f, 3, 300);
	f.ctrl->consumer = 5 * pg + total(100) + total(200);
	f.r = fake_attach(&f, -1);
	ck_assert_ptr_nonnull(f.r);
	expect_record(&f, 3, 300);
	expect_no_record(&f);
	kshm_ring_release(f.r);
	ck_assert_uint_eq(f.ctrl->consumer, f.prod);
	fake_free(&f);
}
END_TEST

START_TEST(unmap_releases_the_mappings_and_the_fd)
{
	struct fake f;
	unsigned char vec;
	int fd = dup(STDIN_FILENO);

	ck_assert_int_ge(fd, 0);
	fake_new(&f, t_page(), KSHM_RING_K2U, fd);
	kshm_ring_unmap(f.r);
	f.r = NULL;
	errno = 0;
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(mincore(f.ctrl, f.page, &vec), -1);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_int_eq(mincore(f.data + f.size, f.page, &vec), -1);
	ck_assert_int_eq(errno, ENOMEM);
	fake_free(&f);
}
END_TEST

/* Consumer (K2U) */

START_TEST(peek_returns_a_committed_record)
{
	struct fake f;

	fake_new(&f, t_page(), KSHM_RING_K2U, -1);
	k_output(&f, 7, 13);
	expect_record(&f, 7, 13);
	expect_no_record(&f);
	/* Peeking does not release. */
	ck_assert_uint_eq(f.ctrl->consumer, 0);
	kshm_ring_release(f.r);
	ck_assert_uint_eq(f.ctrl->consumer, total(13));
	fake_free(&f);
}
END_TEST

START_TEST(peek_of_an_empty_ring_fails_eagain)
{
	struct fake f;
	void *data = NULL;
	uint32_t len = 99;

	fake_new(&f, t_page(), KSHM_RING_K2U, -1);
	errno = 0;
	ck_assert_int_eq(kshm_ring_peek(f.r, &data, &len), -EAGAIN);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_ptr_null(data);
	ck_assert_uint_eq(len, 99);
	fake_free(&f);
}
END_TEST

START_TEST(peek_stops_at_a_busy_record)
{
	struct fake f;
	void *p;

	fake_new(&f, t_page(), KSHM_RING_K2U, -1);
	k_output(&f, 1, 10);
	p = k_reserve(&f, 20);
	fill(p, 2, 20);
	k_output(&f, 3, 30);		/* committed, but behind a busy one */
	expect_record(&f, 1, 10);
	expect_no_record(&f);
	ck_assert_int_eq(kshm_ring_wait(f.r, 0), 0);
	k_finish(p, 0);
	ck_assert_int_eq(kshm_ring_wait(f.r, 0), 1);
	expect_record(&f, 2, 20);
	expect_record(&f, 3, 30);
	expect_no_record(&f);
	fake_free(&f);
}
END_TEST

START_TEST(peek_skips_discarded_records)
{
	struct fake f;
	void *p;

	fake_new(&f, t_page(), KSHM_RING_K2U, -1);
	k_finish(k_reserve(&f, 40), KSHM_REC_DISCARD);
	k_output(&f, 1, 10);
	p = k_reserve(&f, 0);
	k_finish(p, KSHM_REC_DISCARD);
	k_finish(k_reserve(&f, 100), KSHM_REC_DISCARD);
	k_output(&f, 2, 0);
	expect_record(&f, 1, 10);
	expect_record(&f, 2, 0);
	expect_no_record(&f);
	kshm_ring_release(f.r);
	ck_assert_uint_eq(f.ctrl->consumer, f.prod);
	fake_free(&f);
}
END_TEST

START_TEST(peeks_walk_a_batch_and_release_publishes_once)
{
	struct fake f;
	uint64_t end = 0;

	fake_new(&f, 4 * t_page(), KSHM_RING_K2U, -1);
	for (uint32_t i = 0; i < 20; i++) {
		k_output(&f, i, i * 17);
		end += total(i * 17);
	}
	for (uint32_t i = 0; i < 20; i++) {
		expect_record(&f, i, i * 17);
		ck_assert_uint_eq(f.ctrl->consumer, 0);
	}
	expect_no_record(&f);
	kshm_ring_release(f.r);
	ck_assert_uint_eq(f.ctrl->consumer, end);
	/* A second release without a peek changes nothing. */
	f.ctrl->consumer_waiting = 0;
	kshm_ring_release(f.r);
	ck_assert_uint_eq(f.ctrl->consumer, end);
	fake_free(&f);
}
END_TEST

START_TEST(released_room_is_reused_and_records_never_wrap)
{
	const uint64_t pg = t_page();
	struct fake f;
	uint64_t seq = 0;
	int crossed = 0;

	/* Odd sizes walk every offset; some records cross the end. */
	fake_new(&f, pg, KSHM_RING_K2U, -1);
	for (int round = 0; round < 200; round++) {
		uint32_t len = (uint32_t)((round * 389) % (pg / 2));
		void *data;
		uint32_t got;

		k_output(&f, seq, len);
		ck_assert_int_eq(kshm_ring_peek(f.r, &data, &got), 0);
		ck_assert_uint_eq(got, len);
		assert_inside(&f, data, got);
		ck_assert(matches(data, seq, len));
		if ((unsigned char *)data + got > f.data + pg)
			crossed++;
		kshm_ring_release(f.r);
		seq++;
	}
	ck_assert_int_gt(crossed, 0);
	ck_assert_uint_eq(f.ctrl->consumer, f.prod);
	ck_assert_uint_gt(f.prod, 10 * pg);
	fake_free(&f);
}
END_TEST

START_TEST(the_largest_record_fills_the_ring)
{
	const uint64_t pg = t_page();
	struct fake f;

	fake_new(&f, pg, KSHM_RING_K2U, -1);
	k_output(&f, 0, 24);
	expect_record(&f, 0, 24);
	kshm_ring_release(f.r);
	/* Starts 32 bytes in, ends 32 bytes into the second copy. */
	k_output(&f, 1, (uint32_t)(pg - HDR));
	expect_record(&f, 1, (uint32_t)(pg - HDR));
	kshm_ring_release(f.r);
	ck_assert_uint_eq(f.ctrl->consumer, 32 + pg);
	fake_free(&f);
}
END_TEST

START_TEST(wait_returns_at_once_when_a_record_is_ready)
{
	struct fake f;
	int64_t t0;

	fake_new(&f, t_page(), KSHM_RING_K2U, -1);
	k_output(&f, 0, 8);
	t0 = now_ms();
	ck_assert_int_eq(kshm_ring_wait(f.r, 5000), 1);
	ck_assert_int_eq(kshm_ring_wait(f.r, -1), 1);
	ck_assert_int_lt(now_ms() - t0, 1000);
	fake_free(&f);
}
END_TEST

START_TEST(wait_times_out_when_nothing_comes)
{
	struct fake f;
	int64_t t0;

	/* fd -1: poll() ignores it and sleeps out the timeout. */
	fake_new(&f, t_page(), KSHM_RING_K2U, -1);
	t0 = now_ms();
	ck_assert_int_eq(kshm_ring_wait(f.r, 0), 0);
	ck_assert_int_lt(now_ms() - t0, 50);
	t0 = now_ms();
	ck_assert_int_eq(kshm_ring_wait(f.r, 150), 0);
	ck_assert_int_ge(now_ms() - t0, 150);
	ck_assert_int_lt(now_ms() - t0, 2000);
	fake_free(&f);
}
END_TEST

struct later {
	struct fake *f;
	int delay_ms;
	int kick_fd;		/* written after producing, or -1 */
	uint32_t len;
};

static void *produce_later(void *arg)
{
	struct later *l = arg;

	sleep_ms(l->delay_ms);
	k_output(l->f, 99, l->len);
	if (l->kick_fd >= 0)
		ck_assert_int_eq(write(l->kick_fd, "x", 1), 1);
	return NULL;
}

START_TEST(wait_sleeps_in_poll_until_woken)
{
	struct fake f;
	struct later l = { &f, 100, -1, 33 };
	pthread_t th;
	int pipefd[2];
	int64_t t0;

	/* The pipe stands in for the kernel's wake-up of the region fd. */
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	fake_new(&f, t_page(), KSHM_RING_K2U, pipefd[0]);
	l.kick_fd = pipefd[1];
	t0 = now_ms();
	ck_assert_int_eq(pthread_create(&th, NULL, produce_later, &l), 0);
	ck_assert_int_eq(kshm_ring_wait(f.r, 10000), 1);
	ck_assert_int_ge(now_ms() - t0, 90);
	ck_assert_int_lt(now_ms() - t0, 5000);
	pthread_join(th, NULL);
	expect_record(&f, 99, 33);
	fake_free(&f);
	close(pipefd[1]);
}
END_TEST

START_TEST(wait_with_records_held_checks_without_poll)
{
	struct fake f;
	struct later l = { &f, 100, -1, 5 };
	pthread_t th;
	int64_t t0;

	/*
	 * A record peeked and held keeps the kernel's poll() readable, so
	 * the wait must watch the ring itself: with fd -1 a poll() would
	 * sleep out the whole timeout.
	 */
	fake_new(&f, t_page(), KSHM_RING_K2U, -1);
	k_output(&f, 1, 10);
	expect_record(&f, 1, 10);
	t0 = now_ms();
	ck_assert_int_eq(pthread_create(&th, NULL, produce_later, &l), 0);
	ck_assert_int_eq(kshm_ring_wait(f.r, 10000), 1);
	ck_assert_int_lt(now_ms() - t0, 5000);
	pthread_join(th, NULL);
	expect_record(&f, 99, 5);
	fake_free(&f);
}
END_TEST

START_TEST(wait_releases_discarded_records_before_sleeping)
{
	struct fake f;

	fake_new(&f, t_page(), KSHM_RING_K2U, -1);
	k_finish(k_reserve(&f, 40), KSHM_REC_DISCARD);
	k_finish(k_reserve(&f, 0), KSHM_REC_DISCARD);
	ck_assert_int_eq(kshm_ring_wait(f.r, 10), 0);
	ck_assert_uint_eq(f.ctrl->consumer, f.prod);
	fake_free(&f);
}
END_TEST

START_TEST(wait_keeps_held_records_unreleased)
{
	struct fake f;

	fake_new(&f, t_page(), KSHM_RING_K2U, -1);
	k_output(&f, 1, 10);
	k_finish(k_reserve(&f, 40), KSHM_REC_DISCARD);
	expect_record(&f, 1, 10);
	expect_no_record(&f);
	ck_assert_int_eq(kshm_ring_wait(f.r, 10), 0);
	ck_assert_uint_eq(f.ctrl->consumer, 0);
	kshm_ring_release(f.r);
	ck_assert_uint_eq(f.ctrl->consumer, f.prod);
	fake_free(&f);
}
END_TEST

START_TEST(wait_reports_a_poll_error_as_eio)
{
	struct fake f;
	int pipefd[2];

	/* The write end of a pipe without a reader polls POLLERR. */
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	close(pipefd[0]);
	fake_new(&f, t_page(), KSHM_RING_K2U, pipefd[1]);
	ck_assert_int_eq(kshm_ring_wait(f.r, 1000), -EIO);
	/* Broken for good. */
	k_output(&f, 0, 8);
	expect_eio(&f);
	fake_free(&f);
}
END_TEST

static void on_alarm(int sig)
{
	(void)sig;
}

START_TEST(wait_interrupted_by_a_signal_fails_eintr)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct fake f;
	int pipefd[2];

	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	fake_new(&f, t_page(), KSHM_RING_K2U, pipefd[0]);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	alarm(1);
	errno = 0;
	ck_assert_int_eq(kshm_ring_wait(f.r, 10000), -EINTR);
	ck_assert_int_eq(errno, EINTR);
	fake_free(&f);
	close(pipefd[1]);
}
END_TEST

/* Producer (U2K) */

/* The fake kernel consumer: the next record at its position, or NULL. */
static struct kshm_rec_hdr *k_next(struct fake *f)
{
	uint64_t prod = load_acq(&f->ctrl->producer);
	struct kshm_rec_hdr *hdr;

	if (f->cons == prod)
		return NULL;
	hdr = (struct kshm_rec_hdr *)(f->kdata + (f->cons & (f->size - 1)));
	if (load_acq(&hdr->flags) & KSHM_REC_BUSY)
		return NULL;
	return hdr;
}

static void k_release(struct fake *f, struct kshm_rec_hdr *hdr)
{
	f->cons += total(hdr->len);
	store_rel(&f->ctrl->consumer, f->cons);
}

static void *t_reserve(struct fake *f, uint32_t len)
{
	void *p = kshm_ring_reserve(f->r, len);

	ck_assert_msg(p, "kshm_ring_reserve(%u): %s", len, strerror(errno));
	return p;
}

START_TEST(reserve_writes_a_busy_header_and_publishes_it)
{
	struct fake f;
	struct kshm_rec_hdr *hdr;
	unsigned char *p;

	fake_new(&f, t_page(), KSHM_RING_U2K, -1);
	p = t_reserve(&f, 13);
	ck_assert_ptr_eq(p, f.data + HDR);
	ck_assert_uint_eq(f.ctrl->producer, total(13));
	hdr = (struct kshm_rec_hdr *)f.kdata;
	ck_assert_uint_eq(hdr->len, 13);
	ck_assert_uint_eq(hdr->flags, KSHM_REC_BUSY);
	ck_assert_ptr_null(k_next(&f));
	fill(p, 5, 13);
	ck_assert_int_eq(kshm_ring_commit(f.r, p), 0);
	ck_assert_uint_eq(hdr->flags, 0);
	ck_assert_ptr_eq(k_next(&f), hdr);
	ck_assert(matches(hdr + 1, 5, 13));
	/* Zero bytes is a record too: a header alone. */
	p = t_reserve(&f, 0);
	ck_assert_ptr_eq(p, f.data + total(13) + HDR);
	ck_assert_uint_eq(f.ctrl->producer, total(13) + HDR);
	ck_assert_int_eq(kshm_ring_commit(f.r, p), 0);
	fake_free(&f);
}
END_TEST

START_TEST(reserve_too_big_fails_einval)
{
	struct fake f;

	fake_new(&f, t_page(), KSHM_RING_U2K, -1);
	errno = 0;
	ck_assert_ptr_null(kshm_ring_reserve(f.r, (uint32_t)(t_page() - HDR + 1)));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(kshm_ring_reserve(f.r, UINT32_MAX));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(kshm_ring_wait_room(f.r, UINT32_MAX, 0), -EINVAL);
	ck_assert_uint_eq(f.ctrl->dropped, 0);
	ck_assert_uint_eq(f.ctrl->producer, 0);
	/* The largest fits an empty ring exactly. */
	ck_assert_int_eq(kshm_ring_commit(f.r, t_reserve(&f, (uint32_t)(t_page() - HDR))), 0);
	ck_assert_uint_eq(f.ctrl->producer, t_page());
	fake_free(&f);
}
END_TEST

START_TEST(reserve_without_room_fails_eagain_and_counts_a_drop)
{
	struct fake f;
	struct kshm_rec_hdr *hdr;
	uint32_t len = (uint32_t)(t_page() / 2 - HDR);
	void *p;

	fake_new(&f, t_page(), KSHM_RING_U2K, -1);
	ck_assert_int_eq(kshm_ring_commit(f.r, t_reserve(&f, len)), 0);
	ck_assert_int_eq(kshm_ring_commit(f.r, t_reserve(&f, len)), 0);
	for (int i = 1; i <= 3; i++) {
		errno = 0;
		ck_assert_ptr_null(kshm_ring_reserve(f.r, 0));
		ck_assert_int_eq(errno, EAGAIN);
		ck_assert_uint_eq(f.ctrl->dropped, i);
		ck_assert_uint_eq(kshm_ring_dropped(f.r), i);
	}
	ck_assert_uint_eq(f.ctrl->producer, t_page());
	ck_assert_int_eq(kshm_ring_wait_room(f.r, 0, 0), 0);
	/* The consumer frees one record: exactly that much fits again. */
	hdr = k_next(&f);
	ck_assert_ptr_nonnull(hdr);
	k_release(&f, hdr);
	ck_assert_int_eq(kshm_ring_wait_room(f.r, len, 0), 1);
	ck_assert_int_eq(kshm_ring_wait_room(f.r, len + 1, 0), 0);
	errno = 0;
	ck_assert_ptr_null(kshm_ring_reserve(f.r, len + 1));
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_uint_eq(f.ctrl->dropped, 4);
	p = t_reserve(&f, len);
	ck_assert_int_eq(kshm_ring_commit(f.r, p), 0);
	/* Waiting for room never counts a drop. */
	ck_assert_uint_eq(f.ctrl->dropped, 4);
	fake_free(&f);
}
END_TEST

START_TEST(discard_marks_the_record_for_the_consumer_to_skip)
{
	struct fake f;
	struct kshm_rec_hdr *hdr;

	fake_new(&f, t_page(), KSHM_RING_U2K, -1);
	ck_assert_int_eq(kshm_ring_discard(f.r, t_reserve(&f, 24)), 0);
	hdr = k_next(&f);
	ck_assert_ptr_nonnull(hdr);
	ck_assert_uint_eq(hdr->flags, KSHM_REC_DISCARD);
	ck_assert_uint_eq(hdr->len, 24);
	fake_free(&f);
}
END_TEST

START_TEST(commit_refuses_what_reserve_did_not_return)
{
	struct fake f;
	unsigned char *p, local[16];

	fake_new(&f, t_page(), KSHM_RING_U2K, -1);
	p = t_reserve(&f, 16);
	ck_assert_int_eq(kshm_ring_commit(f.r, NULL), -EINVAL);
	ck_assert_int_eq(kshm_ring_commit(f.r, local), -EINVAL);
	ck_assert_int_eq(kshm_ring_commit(f.r, p + 1), -EINVAL);
	ck_assert_int_eq(kshm_ring_commit(f.r, f.data), -EINVAL);
	ck_assert_int_eq(kshm_ring_commit(f.r, f.data + f.size + HDR), -EINVAL);
	ck_assert_int_eq(kshm_ring_commit(f.r, f.data + 2 * f.size), -EINVAL);
	/* Past the reserved one: no busy header there. */
	ck_assert_int_eq(kshm_ring_commit(f.r, p + total(16)), -EINVAL);
	ck_assert_uint_eq(((struct kshm_rec_hdr *)p - 1)->flags, KSHM_REC_BUSY);
	ck_assert_int_eq(kshm_ring_commit(f.r, p), 0);
	/* Twice: the second finds it committed. */
	ck_assert_int_eq(kshm_ring_commit(f.r, p), -EINVAL);
	ck_assert_int_eq(kshm_ring_discard(f.r, p), -EINVAL);
	ck_assert_uint_eq(((struct kshm_rec_hdr *)p - 1)->flags, 0);
	fake_free(&f);
}
END_TEST

START_TEST(commit_notifies_only_a_waiting_consumer)
{
	struct fake f;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	/*
	 * /dev/null answers any ioctl with ENOTTY: a commit that returns
	 * it asked for the wake-up, one that returns 0 made no call.
	 */
	ck_assert_int_ge(fd, 0);
	fake_new(&f, t_page(), KSHM_RING_U2K, fd);
	ck_assert_int_eq(kshm_ring_commit(f.r, t_reserve(&f, 8)), 0);
	f.ctrl->consumer_waiting = 1;
	errno = 0;
	ck_assert_int_eq(kshm_ring_commit(f.r, t_reserve(&f, 8)), -ENOTTY);
	ck_assert_int_eq(errno, ENOTTY);
	/* Committed anyway; the next commit tries again. */
	ck_assert_uint_eq(((struct kshm_rec_hdr *)(f.kdata + total(8)))->flags, 0);
	ck_assert_uint_eq(f.ctrl->consumer_waiting, 1);
	ck_assert_int_eq(kshm_ring_discard(f.r, t_reserve(&f, 8)), -ENOTTY);
	f.ctrl->consumer_waiting = 0;
	ck_assert_int_eq(kshm_ring_discard(f.r, t_reserve(&f, 8)), 0);
	fake_free(&f);
}
END_TEST

START_TEST(producer_records_never_wrap)
{
	const uint64_t pg = t_page();
	struct fake f;
	int crossed = 0;

	fake_new(&f, pg, KSHM_RING_U2K, -1);
	for (uint64_t seq = 0; seq < 300; seq++) {
		uint32_t len = (uint32_t)((seq * 613) % (pg - HDR));
		struct kshm_rec_hdr *hdr;
		unsigned char *p;

		ck_assert_int_eq(kshm_ring_wait_room(f.r, len, 0), 1);
		p = t_reserve(&f, len);
		assert_inside(&f, p, len);
		if (p + len > f.data + pg)
			crossed++;
		fill(p, seq, len);
		ck_assert_int_eq(kshm_ring_commit(f.r, p), 0);
		hdr = k_next(&f);
		ck_assert_ptr_nonnull(hdr);
		ck_assert_uint_eq(hdr->len, len);
		ck_assert(matches(hdr + 1, seq, len));
		k_release(&f, hdr);
	}
	ck_assert_int_gt(crossed, 0);
	ck_assert_uint_eq(f.ctrl->dropped, 0);
	fake_free(&f);
}
END_TEST

struct sampler {
	struct fake *f;
	uint32_t seen;
};

/* What producer_waiting says while the producer sleeps. */
static void *sample_waiting(void *arg)
{
	struct sampler *sm = arg;

	sleep_ms(100);
	sm->seen = load_acq(&sm->f->ctrl->producer_waiting);
	return NULL;
}

START_TEST(wait_room_times_out_on_a_full_ring)
{
	struct fake f;
	int64_t t0;

	fake_new(&f, t_page(), KSHM_RING_U2K, -1);
	ck_assert_int_eq(kshm_ring_commit(f.r, t_reserve(&f, (uint32_t)(t_page() - HDR))), 0);
	t0 = now_ms();
	ck_assert_int_eq(kshm_ring_wait_room(f.r, 0, 120), 0);
	ck_assert_int_ge(now_ms() - t0, 120);
	fake_free(&f);
}
END_TEST

START_TEST(wait_room_tells_the_kernel_how_much_room_it_needs)
{
	struct fake f;
	struct sampler sm = { &f, 0 };
	uint32_t half = (uint32_t)(t_page() / 2 - HDR);
	pthread_t th;
	int64_t t0;

	/*
	 * 8 bytes free, half a page wanted: the kernel wakes a poll()er
	 * for the room in producer_waiting, which must say half a page
	 * while it sleeps, and nothing once it gave up.
	 */
	fake_new(&f, t_page(), KSHM_RING_U2K, -1);
	ck_assert_int_eq(kshm_ring_commit(f.r, t_reserve(&f, half)), 0);
	ck_assert_int_eq(kshm_ring_commit(f.r, t_reserve(&f, half - 8)), 0);
	ck_assert_int_eq(pthread_create(&th, NULL, sample_waiting, &sm), 0);
	t0 = now_ms();
	ck_assert_int_eq(kshm_ring_wait_room(f.r, half, 300), 0);
	ck_assert_int_ge(now_ms() - t0, 300);
	pthread_join(th, NULL);
	ck_assert_uint_eq(sm.seen, total(half));
	ck_assert_uint_eq(f.ctrl->producer_waiting, 0);
	ck_assert_uint_eq(f.ctrl->dropped, 0);
	fake_free(&f);
}
END_TEST

struct drainer {
	struct fake *f;
	int pipe_rd;
};

/* Frees the ring's room, then makes the pipe writable. */
static void *free_then_drain(void *arg)
{
	struct drainer *d = arg;
	struct kshm_rec_hdr *hdr;
	char buf[4096];

	sleep_ms(100);
	hdr = k_next(d->f);
	if (hdr)
		k_release(d->f, hdr);
	while (read(d->pipe_rd, buf, sizeof(buf)) > 0)
		;
	return NULL;
}

START_TEST(wait_room_sleeps_in_poll_on_a_full_ring)
{
	struct fake f;
	struct drainer d = { &f, -1 };
	pthread_t th;
	int pipefd[2];
	char buf[4096] = "";
	int64_t t0;

	/*
	 * A full pipe's write end stands in for the region fd: POLLOUT
	 * comes when the thread drains it, after freeing the room.
	 */
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC | O_NONBLOCK), 0);
	while (write(pipefd[1], buf, sizeof(buf)) > 0)
		;
	d.pipe_rd = pipefd[0];
	fake_new(&f, t_page(), KSHM_RING_U2K, pipefd[1]);
	ck_assert_int_eq(kshm_ring_commit(f.r, t_reserve(&f, (uint32_t)(t_page() - HDR))), 0);
	t0 = now_ms();
	ck_assert_int_eq(pthread_create(&th, NULL, free_then_drain, &d), 0);
	ck_assert_int_eq(kshm_ring_wait_room(f.r, 64, 10000), 1);
	ck_assert_int_ge(now_ms() - t0, 90);
	ck_assert_int_lt(now_ms() - t0, 5000);
	pthread_join(th, NULL);
	fake_free(&f);
	close(pipefd[0]);
}
END_TEST

/* Hostile control pages: -EIO, never a wild access */

START_TEST(bad_producer_positions_break_the_consumer)
{
	const uint64_t pg = t_page();
	const uint64_t bad[] = { 4, pg + 8, ~0ULL << 3, 1ULL << 63 };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fake f;

		fake_new(&f, pg, KSHM_RING_K2U, -1);
		f.ctrl->producer = bad[i];
		expect_eio(&f);
		ck_assert_int_eq(kshm_ring_wait(f.r, 0), -EIO);
		/* Broken for good, even once the position is put back. */
		f.ctrl->producer = 0;
		expect_eio(&f);
		fake_free(&f);
	}
}
END_TEST

START_TEST(producer_moving_back_breaks_the_consumer)
{
	struct fake f;

	fake_new(&f, t_page(), KSHM_RING_K2U, -1);
	k_output(&f, 0, 8);
	k_output(&f, 1, 8);
	expect_record(&f, 0, 8);
	f.ctrl->producer = total(8);
	expect_eio(&f);
	fake_free(&f);
}
END_TEST

START_TEST(producer_behind_the_consumer_breaks_it)
{
	struct fake f;

	fake_new(&f, t_page(), KSHM_RING_K2U, -1);
	k_output(&f, 0, 8);
	expect_record(&f, 0, 8);
	kshm_ring_release(f.r);
	/* Someone else moves both back: the library keeps its own copy. */
	f.ctrl->producer = 0;
	f.ctrl->consumer = 0;
	expect_eio(&f);
	fake_free(&f);
}
END_TEST

START_TEST(record_longer_than_what_was_produced_breaks_the_consumer)
{
	const uint64_t pg = t_page();
	const uint32_t bad[] = { 9, (uint32_t)(pg - HDR), (uint32_t)pg, UINT32_MAX };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fake f;
		struct kshm_rec_hdr *hdr;

		fake_new(&f, pg, KSHM_RING_K2U, -1);
		hdr = (struct kshm_rec_hdr *)k_reserve(&f, 8) - 1;
		hdr->len = bad[i];
		k_finish(hdr + 1, i % 2 ? KSHM_REC_DISCARD : 0);
		expect_eio(&f);
		fake_free(&f);
	}
}
END_TEST

START_TEST(broken_flag_fails_every_call_eio)
{
	struct fake k2u, u2k;

	fake_new(&k2u, t_page(), KSHM_RING_K2U, -1);
	fake_new(&u2k, t_page(), KSHM_RING_U2K, -1);
	k_output(&k2u, 0, 8);
	k2u.ctrl->flags |= KSHM_RING_BROKEN;
	u2k.ctrl->flags |= KSHM_RING_BROKEN;
	expect_eio(&k2u);
	ck_assert_int_eq(kshm_ring_wait(k2u.r, 0), -EIO);
	errno = 0;
	ck_assert_ptr_null(kshm_ring_reserve(u2k.r, 8));
	ck_assert_int_eq(errno, EIO);
	ck_assert_int_eq(kshm_ring_wait_room(u2k.r, 8, 0), -EIO);
	ck_assert_uint_eq(u2k.ctrl->producer, 0);
	ck_assert_uint_eq(u2k.ctrl->dropped, 0);
	fake_free(&k2u);
	fake_free(&u2k);
}
END_TEST

START_TEST(bad_consumer_positions_break_the_producer)
{
	const uint64_t pg = t_page();
	const uint64_t bad[] = { 4, 64 + 8, ~0ULL << 3, 1ULL << 63 };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fake f;

		fake_new(&f, pg, KSHM_RING_U2K, -1);
		ck_assert_int_eq(kshm_ring_commit(f.r, t_reserve(&f, 56)), 0);
		f.ctrl->consumer = bad[i];
		errno = 0;
		ck_assert_ptr_null(kshm_ring_reserve(f.r, 8));
		ck_assert_int_eq(errno, EIO);
		f.ctrl->consumer = 0;
		ck_assert_int_eq(kshm_ring_wait_room(f.r, 8, 0), -EIO);
		ck_assert_uint_eq(f.ctrl->producer, 64);
		fake_free(&f);
	}
}
END_TEST

START_TEST(consumer_moving_back_breaks_the_producer)
{
	struct fake f;
	struct kshm_rec_hdr *hdr;

	fake_new(&f, t_page(), KSHM_RING_U2K, -1);
	ck_assert_int_eq(kshm_ring_commit(f.r, t_reserve(&f, 8)), 0);
	ck_assert_int_eq(kshm_ring_commit(f.r, t_reserve(&f, 8)), 0);
	hdr = k_next(&f);
	k_release(&f, hdr);
	ck_assert_int_eq(kshm_ring_wait_room(f.r, 8, 0), 1);
	f.ctrl->consumer = 0;
	errno = 0;
	ck_assert_ptr_null(kshm_ring_reserve(f.r, 8));
	ck_assert_int_eq(errno, EIO);
	fake_free(&f);
}
END_TEST

/* xorshift64: the same stream on every run. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

START_TEST(random_control_pages_never_crash_the_consumer)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	struct fake f;

	fake_new(&f, 2 * t_page(), KSHM_RING_K2U, -1);
	for (int i = 0; i < 20000; i++) {
		uint64_t *w = (uint64_t *)f.ctrl;
		uint64_t *d = (uint64_t *)f.kdata;
		void *data;
		uint32_t len;
		int ret;

		/* Now and then a fresh handle, which trusts nothing either. */
		if (i % 50 == 0) {
			kshm_ring_unmap(f.r);
			f.r = NULL;
			fake_map_lib(&f);
			f.ctrl->size = f.size;
			f.ctrl->flags = KSHM_RING_K2U;
			f.ctrl->producer &= ~7ULL;
			f.ctrl->consumer = f.ctrl->producer;
			f.r = fake_attach(&f, -1);
			ck_assert_ptr_nonnull(f.r);
		}
		/* Positions near each other, and sometimes anything. */
		w[0] = rnd(&seed) % 4 ? (rnd(&seed) % (4 * f.size)) & ~7ULL : rnd(&seed);
		d[rnd(&seed) % (f.size / 8)] = rnd(&seed) % 3 ?
			(rnd(&seed) % (f.size + 64)) | (rnd(&seed) % 4) << 32 :
			rnd(&seed);
		ret = kshm_ring_peek(f.r, &data, &len);
		ck_assert(ret == 0 || ret == -EAGAIN || ret == -EIO);
		if (!ret)
			assert_inside(&f, data, len);
		ret = kshm_ring_wait(f.r, 0);
		ck_assert(ret == 0 || ret == 1 || ret == -EIO);
		kshm_ring_release(f.r);
	}
	fake_free(&f);
}
END_TEST

START_TEST(random_control_pages_never_crash_the_producer)
{
	uint64_t seed = 0x2545f4914f6cdd1dULL;
	struct fake f;

	fake_new(&f, 2 * t_page(), KSHM_RING_U2K, -1);
	for (int i = 0; i < 20000; i++) {
		uint32_t len = (uint32_t)(rnd(&seed) % f.size);
		unsigned char *p;

		if (i % 50 == 0) {
			kshm_ring_unmap(f.r);
			f.r = NULL;
			fake_map_lib(&f);
			f.ctrl->size = f.size;
			f.ctrl->flags = KSHM_RING_U2K;
			f.ctrl->producer = f.ctrl->consumer = rnd(&seed) & ~7ULL;
			f.r = fake_attach(&f, -1);
			ck_assert_ptr_nonnull(f.r);
		}
		f.ctrl->consumer = rnd(&seed) % 4 ?
			f.ctrl->producer - (rnd(&seed) % (2 * f.size) & ~7ULL) :
			rnd(&seed);
		p = kshm_ring_reserve(f.r, len);
		if (p) {
			assert_inside(&f, p, len);
			memset(p, 0xa5, len);
			ck_assert_int_eq(kshm_ring_commit(f.r, p), 0);
		} else {
			ck_assert(errno == EAGAIN || errno == EIO || errno == EINVAL);
		}
	}
	fake_free(&f);
}
END_TEST

/* Both sides at once */

#define RACE_RECORDS 50000

/*
 * Record @seq of a race: the pattern, with the sequence number in its
 * first 8 bytes when it has that many, so that order is checked too.
 */
static void race_fill(void *p, uint64_t seq, uint32_t len)
{
	fill(p, seq, len);
	if (len >= 8)
		memcpy(p, &seq, 8);
}

static int race_matches(const void *p, uint64_t seq, uint32_t len)
{
	const unsigned char *c = p;
	uint32_t from = 0;

	if (len >= 8) {
		uint64_t got;

		memcpy(&got, p, 8);
		if (got != seq)
			return 0;
		from = 8;
	}
	for (uint32_t i = from; i < len; i++)
		if (c[i] != pattern(seq, i))
			return 0;
	return 1;
}

static void *race_kernel_producer(void *arg)
{
	struct fake *f = arg;
	uint64_t seed = 88172645463325252ULL;

	for (uint64_t seq = 0; seq < RACE_RECORDS;) {
		uint32_t len = (uint32_t)(rnd(&seed) % 300);
		int discard = rnd(&seed) % 10 == 0;
		void *p;

		while (!(p = k_reserve(f, len)))
			sched_yield();
		if (discard) {
			k_finish(p, KSHM_REC_DISCARD);
			continue;
		}
		race_fill(p, seq, len);
		k_finish(p, 0);
		seq++;
	}
	return NULL;
}

START_TEST(consumer_races_a_producer_in_order_and_intact)
{
	struct fake f;
	pthread_t th;
	uint64_t seq = 0;
	int batch = 0;

	fake_new(&f, t_page(), KSHM_RING_K2U, -1);
	ck_assert_int_eq(pthread_create(&th, NULL, race_kernel_producer, &f), 0);
	while (seq < RACE_RECORDS) {
		void *data;
		uint32_t len;
		int ret = kshm_ring_peek(f.r, &data, &len);

		if (ret == -EAGAIN) {
			kshm_ring_release(f.r);
			batch = 0;
			ck_assert_int_ge(kshm_ring_wait(f.r, 1), 0);
			continue;
		}
		ck_assert_int_eq(ret, 0);
		assert_inside(&f, data, len);
		ck_assert_msg(race_matches(data, seq, len),
			      "record %llu (%u bytes) torn or out of order",
			      (unsigned long long)seq, len);
		seq++;
		/* Release in batches of up to 7. */
		if (++batch == 7) {
			kshm_ring_release(f.r);
			batch = 0;
		}
	}
	pthread_join(th, NULL);
	kshm_ring_release(f.r);
	expect_no_record(&f);
	ck_assert_uint_eq(f.ctrl->consumer, f.prod);
	ck_assert_uint_eq(f.ctrl->dropped, 0);
	fake_free(&f);
}
END_TEST

static void *race_kernel_consumer(void *arg)
{
	struct fake *f = arg;
	uint64_t seq = 0;

	while (seq < RACE_RECORDS) {
		struct kshm_rec_hdr *hdr = k_next(f);

		if (!hdr) {
			sched_yield();
			continue;
		}
		if (!(hdr->flags & KSHM_REC_DISCARD)) {
			ck_assert_msg(race_matches(hdr + 1, seq, hdr->len),
				      "record %llu (%u bytes) torn or out of order",
				      (unsigned long long)seq, hdr->len);
			seq++;
		}
		k_release(f, hdr);
	}
	return NULL;
}

START_TEST(producer_races_a_consumer_in_order_and_intact)
{
	uint64_t seed = 0x853c49e6748fea9bULL, drops = 0;
	struct fake f;
	pthread_t th;

	fake_new(&f, t_page(), KSHM_RING_U2K, -1);
	ck_assert_int_eq(pthread_create(&th, NULL, race_kernel_consumer, &f), 0);
	for (uint64_t seq = 0; seq < RACE_RECORDS;) {
		uint32_t len = (uint32_t)(rnd(&seed) % 300);
		void *p = kshm_ring_reserve(f.r, len);

		if (!p) {
			ck_assert_int_eq(errno, EAGAIN);
			drops++;
			/* Half the time wait, half the time spin. */
			if (drops % 2)
				ck_assert_int_ge(kshm_ring_wait_room(f.r, len, 1), 0);
			continue;
		}
		if (rnd(&seed) % 10 == 0) {
			ck_assert_int_eq(kshm_ring_discard(f.r, p), 0);
			continue;
		}
		race_fill(p, seq, len);
		ck_assert_int_eq(kshm_ring_commit(f.r, p), 0);
		seq++;
	}
	pthread_join(th, NULL);
	ck_assert_ptr_null(k_next(&f));
	ck_assert_uint_eq(f.ctrl->dropped, drops);
	fake_free(&f);
}
END_TEST

Suite *ring_suite(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("args");

	tcase_add_test(tc, ring_calls_refuse_null);
	tcase_add_test(tc, ring_unmap_and_release_of_null_are_no_ops);
	tcase_add_test(tc, peek_refuses_null_outputs);
	tcase_add_test(tc, consumer_calls_refuse_a_u2k_ring);
	tcase_add_test(tc, producer_calls_refuse_a_k2u_ring);
	suite_add_tcase(s, tc);

	tc = tcase_create("attach");
	tcase_add_test(tc, attach_reads_size_and_direction);
	tcase_add_test(tc, attach_without_a_ring_fails_enodev);
	tcase_add_test(tc, attach_size_not_a_power_of_two_fails_eio);
	tcase_add_test(tc, attach_size_not_the_regions_fails_eio);
	tcase_add_test(tc, attach_without_one_direction_fails_eio);
	tcase_add_test(tc, attach_to_a_broken_ring_fails_eio);
	tcase_add_test(tc, attach_with_bad_positions_fails_eio);
	tcase_add_test(tc, attach_carries_on_from_the_positions);
	tcase_add_test(tc, unmap_releases_the_mappings_and_the_fd);
	suite_add_tcase(s, tc);

	tc = tcase_create("consumer");
	tcase_add_test(tc, peek_returns_a_committed_record);
	tcase_add_test(tc, peek_of_an_empty_ring_fails_eagain);
	tcase_add_test(tc, peek_stops_at_a_busy_record);
	tcase_add_test(tc, peek_skips_discarded_records);
	tcase_add_test(tc, peeks_walk_a_batch_and_release_publishes_once);
	tcase_add_test(tc, released_room_is_reused_and_records_never_wrap);
	tcase_add_test(tc, the_largest_record_fills_the_ring);
	tcase_add_test(tc, wait_returns_at_once_when_a_record_is_ready);
	tcase_add_test(tc, wait_times_out_when_nothing_comes);
	tcase_add_test(tc, wait_sleeps_in_poll_until_woken);
	tcase_add_test(tc, wait_with_records_held_checks_without_poll);
	tcase_add_test(tc, wait_releases_discarded_records_before_sleeping);
	tcase_add_test(tc, wait_keeps_held_records_unreleased);
	tcase_add_test(tc, wait_reports_a_poll_error_as_eio);
	tcase_add_test(tc, wait_interrupted_by_a_signal_fails_eintr);
	suite_add_tcase(s, tc);

	tc = tcase_create("producer");
	tcase_add_test(tc, reserve_writes_a_busy_header_and_publishes_it);
	tcase_add_test(tc, reserve_too_big_fails_einval);
	tcase_add_test(tc, reserve_without_room_fails_eagain_and_counts_a_drop);
	tcase_add_test(tc, discard_marks_the_record_for_the_consumer_to_skip);
	tcase_add_test(tc, commit_refuses_what_reserve_did_not_return);
	tcase_add_test(tc, commit_notifies_only_a_waiting_consumer);
	tcase_add_test(tc, producer_records_never_wrap);
	tcase_add_test(tc, wait_room_times_out_on_a_full_ring);
	tcase_add_test(tc, wait_room_tells_the_kernel_how_much_room_it_needs);
	tcase_add_test(tc, wait_room_sleeps_in_poll_on_a_full_ring);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_test(tc, bad_producer_positions_break_the_consumer);
	tcase_add_test(tc, producer_moving_back_breaks_the_consumer);
	tcase_add_test(tc, producer_behind_the_consumer_breaks_it);
	tcase_add_test(tc, record_longer_than_what_was_produced_breaks_the_consumer);
	tcase_add_test(tc, broken_flag_fails_every_call_eio);
	tcase_add_test(tc, bad_consumer_positions_break_the_producer);
	tcase_add_test(tc, consumer_moving_back_breaks_the_producer);
	tcase_add_test(tc, random_control_pages_never_crash_the_consumer);
	tcase_add_test(tc, random_control_pages_never_crash_the_producer);
	suite_add_tcase(s, tc);

	tc = tcase_create("race");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, consumer_races_a_producer_in_order_and_intact);
	tcase_add_test(tc, producer_races_a_consumer_in_order_and_intact);
	suite_add_tcase(s, tc);
	return s;
}
