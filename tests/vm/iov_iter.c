// SPDX-License-Identifier: GPL-2.0
/*
 * The copy path on iov_iter (read_iter/write_iter): readv, writev,
 * preadv2, pwritev2 and io_uring, with iovecs whose boundaries fall
 * across the region's pages, at the end of the region, and with a bad
 * iovec among good ones. The rules are read()'s and write()'s: zeros
 * from untouched pages without allocating them, short at the end, 0 to
 * read and ENOSPC to write at the end, the bytes before a bad buffer.
 *
 * RWF_* flags are the VFS's (kiocb_set_rw_flags(), 6.1 and 6.12): an
 * unknown flag, and RWF_NOWAIT on a file without FMODE_NOWAIT, give
 * EOPNOTSUPP before the driver is called; RWF_HIPRI, RWF_DSYNC and
 * RWF_SYNC only mark the kiocb, which the driver does not look at.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/io_uring.h>

#include "driver-test.h"
#include "kshm-skip.h"

/* The bytes each copy moves: three iovecs of 1000, 5000 and 3000. */
#define LEN	9000
#define SEED	53
#define SENTINEL 0x5a

static int fd;
/* want: what the region should hold; src, dst: where the iovecs point. */
static char *want, *got, *src, *dst;
static size_t buf_len;

static const size_t wlens[] = { 1000, 5000, 3000 };
/* Split differently from the writes: 1 byte, then one page less 1. */
static const size_t rlens[] = { 3000, 1, 4095, 1904 };
#define NW	3
#define NR	4

static void iov_setup(void)
{
	kt_setup();
	fd = kt_open(KT_DEV0, O_RDWR);
	buf_len = LEN + 4 * kt_page;
	want = malloc(buf_len);
	got = malloc(buf_len);
	src = malloc(buf_len);
	dst = malloc(buf_len);
	kt_fill(want, LEN, 0, SEED);
	memset(dst, SENTINEL, buf_len);
}

static void iov_teardown(void)
{
	free(dst);
	free(src);
	free(got);
	free(want);
	close(fd);
}

/*
 * Point @n iovecs of @lens into @base, last first and 7 bytes apart, so
 * that a copy that took them as one run, or out of order, is caught.
 */
static void scatter(struct iovec *iov, const size_t *lens, int n, char *base)
{
	size_t at = 0;
	int i;

	for (i = n - 1; i >= 0; i--) {
		iov[i].iov_base = base + at;
		iov[i].iov_len = lens[i];
		at += lens[i] + 7;
	}
}

/* The write iovecs over src, holding want[0..LEN) in order. */
static void write_iovs(struct iovec *iov)
{
	size_t at = 0;
	int i;

	scatter(iov, wlens, NW, src);
	for (i = 0; i < NW; i++) {
		memcpy(iov[i].iov_base, want + at, iov[i].iov_len);
		at += iov[i].iov_len;
	}
}

/* Gather @n read iovecs into got, in order. */
static void gather(const struct iovec *iov, int n)
{
	size_t at = 0;
	int i;

	for (i = 0; i < n; i++) {
		memcpy(got + at, iov[i].iov_base, iov[i].iov_len);
		at += iov[i].iov_len;
	}
}

static bool all_bytes(const char *p, size_t len, char c)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != c)
			return false;
	return true;
}

/* The region at @off holds want[0..@len) (read with pread). */
static void check_region(off_t off, size_t len)
{
	char *b = malloc(len);

	ck_assert_int_eq(pread(fd, b, len, off), len);
	ck_assert_msg(!memcmp(b, want, len), "region at %lld differs",
		      (long long)off);
	free(b);
}

static off_t pos(void)
{
	return lseek(fd, 0, SEEK_CUR);
}

START_TEST(writev_readv_across_pages_copy_every_byte_and_move_position)
{
	struct iovec wiov[NW], riov[NR];
	off_t off = kt_page - 100;

	write_iovs(wiov);
	ck_assert_int_eq(lseek(fd, off, SEEK_SET), off);
	ck_assert_int_eq(writev(fd, wiov, NW), LEN);
	ck_assert_int_eq(pos(), off + LEN);
	/* Exactly those bytes: the 100 before and after stay zero. */
	ck_assert_int_eq(pread(fd, got, LEN + 200, off - 100), LEN + 200);
	ck_assert(all_bytes(got, 100, 0));
	ck_assert(!memcmp(got + 100, want, LEN));
	ck_assert(all_bytes(got + 100 + LEN, 100, 0));

	scatter(riov, rlens, NR, dst);
	ck_assert_int_eq(lseek(fd, off, SEEK_SET), off);
	ck_assert_int_eq(readv(fd, riov, NR), LEN);
	ck_assert_int_eq(pos(), off + LEN);
	gather(riov, NR);
	ck_assert(!memcmp(got, want, LEN));
}
END_TEST

START_TEST(pwritev2_preadv2_at_offset_leave_position)
{
	struct iovec wiov[NW], riov[NR];
	off_t off = 5 * kt_page + 10;

	write_iovs(wiov);
	scatter(riov, rlens, NR, dst);
	ck_assert_int_eq(lseek(fd, 123, SEEK_SET), 123);
	ck_assert_int_eq(pwritev2(fd, wiov, NW, off, 0), LEN);
	ck_assert_int_eq(pos(), 123);
	check_region(off, LEN);
	ck_assert_int_eq(preadv2(fd, riov, NR, off, 0), LEN);
	ck_assert_int_eq(pos(), 123);
	gather(riov, NR);
	ck_assert(!memcmp(got, want, LEN));
}
END_TEST

START_TEST(pwritev2_preadv2_at_minus_one_use_and_move_position)
{
	struct iovec wiov[NW], riov[NR];
	off_t off = 7 * kt_page - 1;

	write_iovs(wiov);
	scatter(riov, rlens, NR, dst);
	ck_assert_int_eq(lseek(fd, off, SEEK_SET), off);
	ck_assert_int_eq(pwritev2(fd, wiov, NW, -1, 0), LEN);
	ck_assert_int_eq(pos(), off + LEN);
	check_region(off, LEN);
	ck_assert_int_eq(lseek(fd, off, SEEK_SET), off);
	ck_assert_int_eq(preadv2(fd, riov, NR, -1, 0), LEN);
	ck_assert_int_eq(pos(), off + LEN);
	gather(riov, NR);
	ck_assert(!memcmp(got, want, LEN));
}
END_TEST

START_TEST(rwf_nowait_and_unknown_flags_fail_eopnotsupp_copying_nothing)
{
	struct iovec wiov[NW], riov[NR];
	const int bad[] = { RWF_NOWAIT, 1 << 30 };
	off_t off = kt_page - 100;
	size_t i;

	write_iovs(wiov);
	scatter(riov, rlens, NR, dst);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(pwritev2(fd, wiov, NW, off, bad[i]), -1);
		ck_assert_int_eq(errno, EOPNOTSUPP);
		ck_assert_int_eq(pwritev2(fd, wiov, NW, -1, bad[i]), -1);
		ck_assert_int_eq(errno, EOPNOTSUPP);
		ck_assert_int_eq(pos(), 0);
		ck_assert_int_eq(pread(fd, got, LEN, off), LEN);
		ck_assert(all_bytes(got, LEN, 0));
	}
	ck_assert_int_eq(pwrite(fd, want, LEN, off), LEN);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(preadv2(fd, riov, NR, off, bad[i]), -1);
		ck_assert_int_eq(errno, EOPNOTSUPP);
		ck_assert_int_eq(preadv2(fd, riov, NR, -1, bad[i]), -1);
		ck_assert_int_eq(errno, EOPNOTSUPP);
		ck_assert_int_eq(pos(), 0);
		ck_assert(all_bytes(dst, buf_len, SENTINEL));
	}
}
END_TEST

START_TEST(rwf_hipri_dsync_sync_copy_as_without_them)
{
	struct iovec wiov[NW], riov[NR];
	const int flags[] = { RWF_HIPRI, RWF_DSYNC, RWF_SYNC };
	off_t off = 3 * kt_page + 1;
	size_t i;

	scatter(riov, rlens, NR, dst);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		kt_fill(want, LEN, i, SEED);
		write_iovs(wiov);
		ck_assert_int_eq(pwritev2(fd, wiov, NW, off, flags[i]), LEN);
		check_region(off, LEN);
		memset(dst, SENTINEL, buf_len);
		ck_assert_int_eq(preadv2(fd, riov, NR, off, flags[i]), LEN);
		gather(riov, NR);
		ck_assert_msg(!memcmp(got, want, LEN), "flag %#x", flags[i]);
		ck_assert_int_eq(pos(), 0);
	}
}
END_TEST

START_TEST(readv_of_untouched_pages_gives_zeros_not_memory)
{
	struct iovec riov[NR];
	long long resident = kt_sysfs("kshm0", "resident_pages");

	/* After the fixture at most page 0 holds memory (backing pages). */
	if (kt_backing_is_pages())
		ck_assert_int_le(resident, 1);
	scatter(riov, rlens, NR, dst);
	ck_assert_int_eq(preadv(fd, riov, NR, 30 * kt_page + 50), LEN);
	gather(riov, NR);
	ck_assert(all_bytes(got, LEN, 0));
	ck_assert_int_eq(kt_sysfs("kshm0", "resident_pages"), resident);
	ck_assert_int_eq(lseek(fd, 40 * kt_page - 1, SEEK_SET),
			 40 * kt_page - 1);
	memset(dst, SENTINEL, buf_len);
	ck_assert_int_eq(readv(fd, riov, NR), LEN);
	gather(riov, NR);
	ck_assert(all_bytes(got, LEN, 0));
	ck_assert_int_eq(kt_sysfs("kshm0", "resident_pages"), resident);
}
END_TEST

START_TEST(writev_crossing_end_is_cut_short_then_enospc_and_readv_zero)
{
	struct iovec wiov[2] = {
		{ .iov_base = src, .iov_len = 1000 },
		{ .iov_base = src + 2000, .iov_len = 1000 },
	};
	struct iovec riov[NR];

	memcpy(src, want, 1000);
	memcpy(src + 2000, want + 1000, 1000);
	ck_assert_int_eq(lseek(fd, KT_SIZE - 1500, SEEK_SET), KT_SIZE - 1500);
	ck_assert_int_eq(writev(fd, wiov, 2), 1500);
	ck_assert_int_eq(pos(), KT_SIZE);
	check_region(KT_SIZE - 1500, 1500);

	ck_assert_int_eq(writev(fd, wiov, 2), -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_int_eq(pos(), KT_SIZE);
	ck_assert_int_eq(pwritev(fd, wiov, 2, KT_SIZE + kt_page), -1);
	ck_assert_int_eq(errno, ENOSPC);

	scatter(riov, rlens, NR, dst);
	ck_assert_int_eq(readv(fd, riov, NR), 0);
	ck_assert_int_eq(preadv(fd, riov, NR, 2 * KT_SIZE), 0);
	ck_assert_int_eq(pos(), KT_SIZE);
	ck_assert(all_bytes(dst, buf_len, SENTINEL));
	/* Across the end, a read is short too. */
	ck_assert_int_eq(preadv(fd, riov, NR, KT_SIZE - 1500), 1500);
	gather(riov, NR);
	ck_assert(!memcmp(got, want, 1500));
}
END_TEST

/* A page the process may not touch: a bad buffer that passes access_ok. */
static char *bad_page(void)
{
	char *p = mmap(NULL, kt_page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	ck_assert(p != MAP_FAILED);
	return p;
}

START_TEST(writev_bad_iovec_in_middle_copies_the_bytes_before_it)
{
	char *bad = bad_page();
	struct iovec wiov[3] = {
		{ .iov_base = src, .iov_len = 1000 },
		{ .iov_base = bad, .iov_len = 500 },
		{ .iov_base = src + 2000, .iov_len = 1000 },
	};
	off_t off = kt_page - 100;

	memcpy(src, want, 1000);
	memcpy(src + 2000, want + 1500, 1000);
	ck_assert_int_eq(lseek(fd, off, SEEK_SET), off);
	ck_assert_int_eq(writev(fd, wiov, 3), 1000);
	ck_assert_int_eq(pos(), off + 1000);
	ck_assert_int_eq(pread(fd, got, 2500, off), 2500);
	ck_assert(!memcmp(got, want, 1000));
	ck_assert(all_bytes(got + 1000, 1500, 0));

	/* The bad one first: nothing copied, EFAULT. */
	ck_assert_int_eq(pwritev(fd, wiov + 1, 2, 20 * kt_page), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(pread(fd, got, 1500, 20 * kt_page), 1500);
	ck_assert(all_bytes(got, 1500, 0));
	munmap(bad, kt_page);
}
END_TEST

START_TEST(readv_bad_iovec_in_middle_copies_the_bytes_before_it)
{
	char *bad = bad_page();
	struct iovec riov[3] = {
		{ .iov_base = dst, .iov_len = 1000 },
		{ .iov_base = bad, .iov_len = 500 },
		{ .iov_base = dst + 2000, .iov_len = 1000 },
	};
	off_t off = kt_page - 100;

	/* Written pages: copied from the region's pages. */
	ck_assert_int_eq(pwrite(fd, want, 2500, off), 2500);
	ck_assert_int_eq(lseek(fd, off, SEEK_SET), off);
	ck_assert_int_eq(readv(fd, riov, 3), 1000);
	ck_assert_int_eq(pos(), off + 1000);
	ck_assert(!memcmp(dst, want, 1000));
	ck_assert(all_bytes(dst + 1000, buf_len - 1000, SENTINEL));

	/* Untouched pages: zeros, up to the bad iovec just the same. */
	ck_assert_int_eq(preadv(fd, riov, 3, 40 * kt_page - 100), 1000);
	ck_assert(all_bytes(dst, 1000, 0));
	ck_assert(all_bytes(dst + 1000, buf_len - 1000, SENTINEL));

	memset(dst, SENTINEL, buf_len);
	ck_assert_int_eq(preadv(fd, riov + 1, 2, off), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert(all_bytes(dst, buf_len, SENTINEL));
	munmap(bad, kt_page);
}
END_TEST

/*
 * A minimal io_uring, by raw syscalls and the rings' mmap, that runs one
 * request at a time against fd.
 */
struct ring {
	int fd;
	unsigned int features;
	unsigned int *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	void *sq_map, *cq_map;
	size_t sq_len, cq_len, sqes_len;
};

static void *ring_mmap(int rfd, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, rfd, off);

	ck_assert_msg(p != MAP_FAILED, "io_uring mmap %#llx: %s",
		      (unsigned long long)off, strerror(errno));
	return p;
}

/* 0, or -errno from io_uring_setup. */
static int ring_init(struct ring *r)
{
	struct io_uring_params p;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	r->fd = syscall(__NR_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return -errno;
	r->features = p.features;
	r->sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	r->cq_len = p.cq_off.cqes + p.cq_entries * sizeof(*r->cqes);
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (r->cq_len > r->sq_len)
			r->sq_len = r->cq_len;
		r->cq_len = r->sq_len;
	}
	r->sq_map = ring_mmap(r->fd, r->sq_len, IORING_OFF_SQ_RING);
	if (p.features & IORING_FEAT_SINGLE_MMAP)
		r->cq_map = r->sq_map;
	else
		r->cq_map = ring_mmap(r->fd, r->cq_len, IORING_OFF_CQ_RING);
	r->sqes_len = p.sq_entries * sizeof(*r->sqes);
	r->sqes = ring_mmap(r->fd, r->sqes_len, IORING_OFF_SQES);
	sq = r->sq_map;
	cq = r->cq_map;
	r->sq_tail = (unsigned int *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned int *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned int *)(sq + p.sq_off.array);
	r->cq_head = (unsigned int *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned int *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned int *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

static void ring_exit(struct ring *r)
{
	munmap(r->sqes, r->sqes_len);
	if (r->cq_map != r->sq_map)
		munmap(r->cq_map, r->cq_len);
	munmap(r->sq_map, r->sq_len);
	close(r->fd);
}

/* In a test: set up @r, or skip the test where io_uring is missing. */
#define RING_OR_SKIP(r)							\
	do {								\
		int err_ = ring_init(r);				\
									\
		if (err_ == -ENOSYS || err_ == -EPERM)			\
			KSHM_SKIP("io_uring unavailable: %s",		\
				  strerror(-err_));			\
		ck_assert_msg(!err_, "io_uring_setup: %s",		\
			      strerror(-err_));				\
	} while (0)

/*
 * Submit one request of @op on fd and wait for it; returns its result
 * (bytes, or -errno). @addr and @len: a buffer, or for READV/WRITEV an
 * iovec array and its count. @off -1: the file position.
 */
static int ring_rw(struct ring *r, int op, uint64_t off, const void *addr,
		   uint32_t len, int rw_flags)
{
	unsigned int tail = *r->sq_tail, idx = tail & *r->sq_mask, head;
	struct io_uring_sqe *sqe = &r->sqes[idx];
	struct io_uring_cqe *cqe;
	int res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = op;
	sqe->fd = fd;
	sqe->off = off;
	sqe->addr = (uintptr_t)addr;
	sqe->len = len;
	sqe->rw_flags = rw_flags;
	sqe->user_data = 0x6b73686dU + op;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	ck_assert_int_eq(syscall(__NR_io_uring_enter, r->fd, 1, 1,
				 IORING_ENTER_GETEVENTS, NULL, 0), 1);
	head = *r->cq_head;
	ck_assert_uint_ne(head, __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE));
	cqe = &r->cqes[head & *r->cq_mask];
	ck_assert_uint_eq(cqe->user_data, 0x6b73686dU + op);
	res = cqe->res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

START_TEST(io_uring_write_read_at_offset_copy_every_byte)
{
	struct ring r;
	off_t off = kt_page - 100;

	RING_OR_SKIP(&r);
	ck_assert_int_eq(ring_rw(&r, IORING_OP_WRITE, off, want, LEN, 0),
			 LEN);
	check_region(off, LEN);
	ck_assert_int_eq(ring_rw(&r, IORING_OP_READ, off, dst, LEN, 0), LEN);
	ck_assert(!memcmp(dst, want, LEN));
	ck_assert(all_bytes(dst + LEN, buf_len - LEN, SENTINEL));
	ck_assert_int_eq(pos(), 0);
	ring_exit(&r);
}
END_TEST

START_TEST(io_uring_writev_readv_across_pages_copy_every_byte)
{
	struct iovec wiov[NW], riov[NR];
	struct ring r;
	off_t off = 2 * kt_page - 1;

	RING_OR_SKIP(&r);
	write_iovs(wiov);
	scatter(riov, rlens, NR, dst);
	ck_assert_int_eq(ring_rw(&r, IORING_OP_WRITEV, off, wiov, NW, 0),
			 LEN);
	check_region(off, LEN);
	ck_assert_int_eq(ring_rw(&r, IORING_OP_READV, off, riov, NR, 0), LEN);
	gather(riov, NR);
	ck_assert(!memcmp(got, want, LEN));
	ring_exit(&r);
}
END_TEST

START_TEST(io_uring_at_minus_one_uses_and_moves_file_position)
{
	struct ring r;
	off_t off = 9 * kt_page + 3;

	RING_OR_SKIP(&r);
	ck_assert(r.features & IORING_FEAT_RW_CUR_POS);
	ck_assert_int_eq(lseek(fd, off, SEEK_SET), off);
	ck_assert_int_eq(ring_rw(&r, IORING_OP_WRITE, -1, want, LEN, 0), LEN);
	ck_assert_int_eq(pos(), off + LEN);
	check_region(off, LEN);
	ck_assert_int_eq(lseek(fd, off, SEEK_SET), off);
	ck_assert_int_eq(ring_rw(&r, IORING_OP_READ, -1, dst, LEN, 0), LEN);
	ck_assert_int_eq(pos(), off + LEN);
	ck_assert(!memcmp(dst, want, LEN));
	ring_exit(&r);
}
END_TEST

START_TEST(io_uring_at_end_short_then_enospc_and_read_zero)
{
	struct ring r;

	RING_OR_SKIP(&r);
	ck_assert_int_eq(ring_rw(&r, IORING_OP_WRITE, KT_SIZE - 1500, want,
				 LEN, 0), 1500);
	check_region(KT_SIZE - 1500, 1500);
	ck_assert_int_eq(ring_rw(&r, IORING_OP_WRITE, KT_SIZE, want, LEN, 0),
			 -ENOSPC);
	ck_assert_int_eq(ring_rw(&r, IORING_OP_READ, KT_SIZE, dst, LEN, 0), 0);
	ck_assert(all_bytes(dst, buf_len, SENTINEL));
	ck_assert_int_eq(ring_rw(&r, IORING_OP_READ, KT_SIZE - 1500, dst, LEN,
				 0), 1500);
	ck_assert(!memcmp(dst, want, 1500));
	ring_exit(&r);
}
END_TEST

START_TEST(io_uring_rwf_nowait_and_bad_buffer_fail)
{
	struct ring r;
	off_t off = kt_page - 100;
	char *bad;

	RING_OR_SKIP(&r);
	bad = bad_page();
	ck_assert_int_eq(ring_rw(&r, IORING_OP_WRITE, off, want, LEN,
				 RWF_NOWAIT), -EOPNOTSUPP);
	ck_assert_int_eq(ring_rw(&r, IORING_OP_WRITE, off, bad, kt_page, 0),
			 -EFAULT);
	ck_assert_int_eq(pread(fd, got, LEN, off), LEN);
	ck_assert(all_bytes(got, LEN, 0));
	ck_assert_int_eq(pwrite(fd, want, LEN, off), LEN);
	ck_assert_int_eq(ring_rw(&r, IORING_OP_READ, off, dst, LEN,
				 RWF_NOWAIT), -EOPNOTSUPP);
	ck_assert(all_bytes(dst, buf_len, SENTINEL));
	ck_assert_int_eq(ring_rw(&r, IORING_OP_READ, off, bad, kt_page, 0),
			 -EFAULT);
	ring_exit(&r);
	munmap(bad, kt_page);
}
END_TEST

Suite *iov_iter_suite(void)
{
	Suite *s = suite_create("iov_iter");
	TCase *tc = tcase_create("iov_iter");

	tcase_add_checked_fixture(tc, iov_setup, iov_teardown);
	tcase_add_test(tc,
		writev_readv_across_pages_copy_every_byte_and_move_position);
	tcase_add_test(tc, pwritev2_preadv2_at_offset_leave_position);
	tcase_add_test(tc, pwritev2_preadv2_at_minus_one_use_and_move_position);
	tcase_add_test(tc,
		rwf_nowait_and_unknown_flags_fail_eopnotsupp_copying_nothing);
	tcase_add_test(tc, rwf_hipri_dsync_sync_copy_as_without_them);
	tcase_add_test(tc, readv_of_untouched_pages_gives_zeros_not_memory);
	tcase_add_test(tc,
		writev_crossing_end_is_cut_short_then_enospc_and_readv_zero);
	tcase_add_test(tc,
		writev_bad_iovec_in_middle_copies_the_bytes_before_it);
	tcase_add_test(tc,
		readv_bad_iovec_in_middle_copies_the_bytes_before_it);
	tcase_add_test(tc, io_uring_write_read_at_offset_copy_every_byte);
	tcase_add_test(tc, io_uring_writev_readv_across_pages_copy_every_byte);
	tcase_add_test(tc, io_uring_at_minus_one_uses_and_moves_file_position);
	tcase_add_test(tc, io_uring_at_end_short_then_enospc_and_read_zero);
	tcase_add_test(tc, io_uring_rwf_nowait_and_bad_buffer_fail);
	suite_add_tcase(s, tc);
	return s;
}
