// SPDX-License-Identifier: MIT OR LGPL-2.1-or-later
/*
 * libkshm: rings (Documentation/ring.md). A ring handle maps a region's
 * control page and its data pages, which the kernel maps twice, back to
 * back, so that every record is contiguous. The library is one side of
 * the ring: the consumer of a kernel-to-user ring or the producer of a
 * user-to-kernel one. Positions and header flags are published with
 * release and read with acquire ordering, as the kernel does on its side.
 *
 * The control page is memory any process that maps the region may
 * write, so nothing read from it is trusted: every position and length
 * is checked against the library's own copy and the ring size before it
 * is used, and a bad one makes the handle broken (-EIO from then on).
 * No access ever leaves the two mappings.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/*
 * C11 atomics on fields of the UAPI structs, which are plain __u32 and
 * __u64: the cast gives the same object an atomic type, as liburing does.
 */
#define ring_load(p, order)						\
	atomic_load_explicit((_Atomic __typeof__(*(p)) *)(p), (order))
#define ring_store(p, v, order)						\
	atomic_store_explicit((_Atomic __typeof__(*(p)) *)(p), (v), (order))
#define ring_load_acquire(p)	ring_load(p, memory_order_acquire)
#define ring_store_release(p, v) ring_store(p, v, memory_order_release)

struct kshm_ring {
	struct kshm_ring_ctrl *ctrl;	/* the control page, read-write */
	unsigned char *data;		/* 2 * size bytes, the data twice */
	size_t page;
	uint64_t size;			/* data bytes, a power of two */
	uint32_t dir;			/* KSHM_RING_K2U or KSHM_RING_U2K */
	int fd;				/* a dup of the region's fd, owned */
	int broken;			/* a bad value was seen: -EIO */
	/* consumer (K2U) */
	uint64_t cons;			/* the position last published */
	uint64_t peek;			/* past the last record peeked */
	uint64_t prod_seen;		/* the largest producer position read */
	int delivered;			/* peek handed out a record since
					 * the last release */
	/* producer (U2K) */
	uint64_t prod;			/* the position last published */
	uint64_t cons_seen;		/* the largest consumer position read */
};

/* The bytes a record of @len payload bytes takes in the ring. */
static uint64_t ring_rec_total(uint32_t len)
{
	return ((uint64_t)KSHM_REC_HDR_SIZE + len + KSHM_REC_ALIGN - 1) &
	       ~(uint64_t)(KSHM_REC_ALIGN - 1);
}

/* The header of the record at position @pos. */
static struct kshm_rec_hdr *ring_hdr(const struct kshm_ring *r, uint64_t pos)
{
	return (struct kshm_rec_hdr *)(r->data + (pos & (r->size - 1)));
}

/* Marks the handle broken; returns -EIO for the caller to pass on. */
static int ring_break(struct kshm_ring *r)
{
	r->broken = 1;
	return -EIO;
}

/* -EIO when the handle or the kernel (ctrl->flags) found the ring broken. */
static int ring_check_broken(struct kshm_ring *r)
{
	if (r->broken)
		return -EIO;
	if (ring_load(&r->ctrl->flags, memory_order_relaxed) & KSHM_RING_BROKEN)
		return ring_break(r);
	return 0;
}

/*
 * The two positions make sense together: both 8-byte aligned, consumer
 * not past producer, and no more than the ring size between them.
 */
static int ring_positions_ok(const struct kshm_ring *r, uint64_t prod,
			     uint64_t cons)
{
	return !((prod | cons) & (KSHM_REC_ALIGN - 1)) && cons <= prod &&
	       prod - cons <= r->size;
}

/*
 * Checks what the control page says against the region: a direction, a
 * data size that is a power of two and a whole number of pages, and one
 * control page plus the data filling the region exactly.
 */
static int ring_check_ctrl(const struct kshm_ring_ctrl *ctrl,
			   uint64_t region_size, size_t page,
			   uint64_t *size, uint32_t *dir)
{
	uint64_t sz = ring_load(&ctrl->size, memory_order_relaxed);
	uint32_t flags = ring_load(&ctrl->flags, memory_order_relaxed);
	uint32_t d = flags & (KSHM_RING_K2U | KSHM_RING_U2K);

	if (flags & KSHM_RING_BROKEN)
		return -EIO;
	if (!sz && !d)
		return -ENODEV;		/* a region without a ring */
	if ((d != KSHM_RING_K2U && d != KSHM_RING_U2K) || sz < page ||
	    (sz & (sz - 1)) || sz / page + 1 != region_size / page ||
	    region_size % page)
		return -EIO;
	*size = sz;
	*dir = d;
	return 0;
}

struct kshm_ring *kshm_ring_attach(void *ctrl, void *data,
				   uint64_t region_size, size_t page, int fd)
{
	struct kshm_ring *r;
	uint64_t prod, cons;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return kshm_err_ptr(-ENOMEM);
	r->ctrl = ctrl;
	r->data = data;
	r->page = page;
	r->fd = fd;
	ret = ring_check_ctrl(ctrl, region_size, page, &r->size, &r->dir);
	if (ret < 0)
		goto err_free;
	/* Carry on from where the last producer and consumer stopped. */
	prod = ring_load_acquire(&r->ctrl->producer);
	cons = ring_load_acquire(&r->ctrl->consumer);
	if (!ring_positions_ok(r, prod, cons)) {
		ret = -EIO;
		goto err_free;
	}
	r->cons = r->peek = cons;
	r->prod = r->prod_seen = prod;
	r->cons_seen = cons;
	return r;

err_free:
	free(r);
	return kshm_err_ptr(ret);
}

int kshm_ring_setup(struct kshm *k, uint64_t size, unsigned int flags)
{
	struct kshm_ring_setup arg = { .flags = flags, .size = size };
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	if (!k || (flags != KSHM_RING_K2U && flags != KSHM_RING_U2K) ||
	    size < page || (size & (size - 1)))
		return kshm_err(-EINVAL);
	if (ioctl(kshm_fd(k), KSHM_IOC_RING_SETUP, &arg) < 0)
		return kshm_err(-errno);
	return 0;
}

struct kshm_ring *kshm_ring_map(struct kshm *k)
{
	struct kshm_info info;
	struct kshm_ring *r;
	uint64_t size;
	uint32_t dir;
	size_t page;
	void *ctrl, *data;
	int fd, ret;

	if (!k)
		return kshm_err_ptr(-EINVAL);
	ret = kshm_info(k, &info);
	if (ret < 0)
		return kshm_err_ptr(ret);
	page = info.page_size ? info.page_size : (size_t)sysconf(_SC_PAGESIZE);
	ctrl = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED,
		    kshm_fd(k), 0);
	if (ctrl == MAP_FAILED)
		return kshm_err_ptr(-errno);
	/* The data size decides how much to map: check it first. */
	ret = ring_check_ctrl(ctrl, info.size, page, &size, &dir);
	if (ret < 0)
		goto err_unmap_ctrl;
	if (size > SIZE_MAX / 2) {
		ret = -ENOMEM;
		goto err_unmap_ctrl;
	}
	/* K2U: the consumer only reads the data, and the kernel enforces it. */
	data = mmap(NULL, 2 * size,
		    dir == KSHM_RING_K2U ? PROT_READ : PROT_READ | PROT_WRITE,
		    MAP_SHARED, kshm_fd(k), (off_t)page);
	if (data == MAP_FAILED) {
		ret = -errno;
		goto err_unmap_ctrl;
	}
	/* The ring outlives the handle, as a mapping does. */
	fd = fcntl(kshm_fd(k), F_DUPFD_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		goto err_unmap_data;
	}
	r = kshm_ring_attach(ctrl, data, info.size, page, fd);
	if (!r) {
		ret = -errno;
		goto err_close_fd;
	}
	return r;

err_close_fd:
	close(fd);
err_unmap_data:
	munmap(data, 2 * size);
err_unmap_ctrl:
	munmap(ctrl, page);
	return kshm_err_ptr(ret);
}

void kshm_ring_unmap(struct kshm_ring *r)
{
	int err = errno;

	if (!r)
		return;
	munmap(r->data, 2 * r->size);
	munmap(r->ctrl, r->page);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
	errno = err;
}

uint64_t kshm_ring_size(const struct kshm_ring *r)
{
	if (!r) {
		errno = EINVAL;
		return 0;
	}
	return r->size;
}

uint64_t kshm_ring_dropped(const struct kshm_ring *r)
{
	if (!r) {
		errno = EINVAL;
		return 0;
	}
	return ring_load(&r->ctrl->dropped, memory_order_relaxed);
}

/* Consumer (K2U) */

/*
 * The next committed record at or after r->peek: skips discarded records
 * (moving r->peek past them) and points @hdr at the record. Returns 0,
 * -EAGAIN when the next record is not committed yet or there is none, or
 * -EIO when a position or a length makes no sense.
 */
static int ring_next(struct kshm_ring *r, struct kshm_rec_hdr **hdr,
		     uint32_t *len)
{
	uint64_t prod, total;
	int ret;

	ret = ring_check_broken(r);
	if (ret < 0)
		return ret;
	prod = ring_load_acquire(&r->ctrl->producer);
	if (!ring_positions_ok(r, prod, r->cons) || prod < r->prod_seen)
		return ring_break(r);
	r->prod_seen = prod;
	while (r->peek != prod) {
		struct kshm_rec_hdr *h = ring_hdr(r, r->peek);
		uint32_t flags = ring_load_acquire(&h->flags);
		uint32_t l;

		if (flags & KSHM_REC_BUSY)
			return -EAGAIN;
		/* Read once: the check and the caller see the same value. */
		l = ring_load(&h->len, memory_order_relaxed);
		total = ring_rec_total(l);
		if (total > prod - r->peek)
			return ring_break(r);
		if (!(flags & KSHM_REC_DISCARD)) {
			*hdr = h;
			*len = l;
			return 0;
		}
		r->peek += total;
	}
	return -EAGAIN;
}

int kshm_ring_peek(struct kshm_ring *r, void **data, uint32_t *len)
{
	struct kshm_rec_hdr *hdr;
	uint32_t l;
	int ret;

	if (!r || !data || !len || r->dir != KSHM_RING_K2U)
		return kshm_err(-EINVAL);
	ret = ring_next(r, &hdr, &l);
	if (ret < 0)
		return kshm_err(ret);
	r->peek += ring_rec_total(l);
	r->delivered = 1;
	*data = hdr + 1;
	*len = l;
	return 0;
}

/* Publishes the consumer position past everything peeked so far. */
static void ring_publish_consumer(struct kshm_ring *r)
{
	if (r->peek == r->cons)
		return;
	ring_store_release(&r->ctrl->consumer, r->peek);
	r->cons = r->peek;
	r->delivered = 0;
}

void kshm_ring_release(struct kshm_ring *r)
{
	if (r && r->dir == KSHM_RING_K2U)
		ring_publish_consumer(r);
}

/* Milliseconds left until @deadline; -1 for none (timeout < 0). */
static int ring_ms_left(const struct timespec *deadline, int timeout_ms)
{
	struct timespec now;
	int64_t ms;

	if (timeout_ms < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (int64_t)(deadline->tv_sec - now.tv_sec) * 1000 +
	     (deadline->tv_nsec - now.tv_nsec + 999999) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

static void ring_deadline(struct timespec *deadline, int timeout_ms)
{
	clock_gettime(CLOCK_MONOTONIC, deadline);
	if (timeout_ms <= 0)
		return;
	deadline->tv_sec += timeout_ms / 1000;
	deadline->tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (deadline->tv_nsec >= 1000000000) {
		deadline->tv_sec++;
		deadline->tv_nsec -= 1000000000;
	}
}

/*
 * Sleeps in poll() for @events on the ring's fd, at most @ms (-1:
 * forever). Returns 0 when woken or timed out, -EINTR, -EIO when the
 * kernel reports the ring broken, -EBADF when the fd is not open.
 */
static int ring_poll(struct kshm_ring *r, short events, int ms)
{
	struct pollfd pfd = { .fd = r->fd, .events = events };

	if (poll(&pfd, 1, ms) < 0)
		return -errno;
	if (pfd.revents & POLLERR)
		return ring_break(r);
	if (pfd.revents & POLLNVAL)
		return -EBADF;
	return 0;
}

/* Sleeps a millisecond: when poll() would return at once, not sleep. */
static void ring_nap(void)
{
	struct timespec ts = { 0, 1000000 };

	nanosleep(&ts, NULL);
}

int kshm_ring_wait(struct kshm_ring *r, int timeout_ms)
{
	struct timespec deadline;
	int woken = 0;

	if (!r || r->dir != KSHM_RING_K2U)
		return kshm_err(-EINVAL);
	ring_deadline(&deadline, timeout_ms);
	for (;;) {
		struct kshm_rec_hdr *hdr;
		uint32_t len;
		int ret, ms;

		/* Busy check first: no system call while records flow. */
		ret = ring_next(r, &hdr, &len);
		if (!ret)
			return 1;
		if (ret != -EAGAIN)
			return kshm_err(ret);
		/*
		 * Discarded records at the consumer position would keep
		 * poll() readable: release them, they carry nothing.
		 */
		if (!r->delivered)
			ring_publish_consumer(r);
		ms = ring_ms_left(&deadline, timeout_ms);
		if (!ms)
			return 0;
		/*
		 * The kernel wakes us by the published position: while
		 * peeked records are not released, or when it said readable
		 * and we disagree, poll() would not sleep. Nap instead.
		 */
		if (r->delivered || woken) {
			ring_nap();
			woken = 0;
			continue;
		}
		ret = ring_poll(r, POLLIN, ms);
		if (ret < 0)
			return kshm_err(ret);
		woken = 1;
	}
}

/* Producer (U2K) */

/*
 * The consumer position, checked against the producer's own position:
 * aligned, never moving back, never past the producer, never more than
 * the ring behind it. Returns 0 with *@cons set, or -EIO.
 */
static int ring_read_consumer(struct kshm_ring *r, uint64_t *cons)
{
	uint64_t c;
	int ret;

	ret = ring_check_broken(r);
	if (ret < 0)
		return ret;
	c = ring_load_acquire(&r->ctrl->consumer);
	if (!ring_positions_ok(r, r->prod, c) || c < r->cons_seen)
		return ring_break(r);
	r->cons_seen = c;
	*cons = c;
	return 0;
}

/* Sets *@room to the bytes free now; 0 or -EIO. */
static int ring_room(struct kshm_ring *r, uint64_t *room)
{
	uint64_t cons;
	int ret;

	ret = ring_read_consumer(r, &cons);
	if (ret < 0)
		return ret;
	*room = r->size - (r->prod - cons);
	return 0;
}

void *kshm_ring_reserve(struct kshm_ring *r, uint32_t len)
{
	struct kshm_rec_hdr *hdr;
	uint64_t room;
	int ret;

	if (!r || r->dir != KSHM_RING_U2K ||
	    (uint64_t)len > r->size - KSHM_REC_HDR_SIZE)
		return kshm_err_ptr(-EINVAL);
	ret = ring_room(r, &room);
	if (ret < 0)
		return kshm_err_ptr(ret);
	if (ring_rec_total(len) > room) {
		/* Nothing lost silently: a refused record is a drop. */
		atomic_fetch_add_explicit((_Atomic __u64 *)&r->ctrl->dropped, 1,
					  memory_order_relaxed);
		return kshm_err_ptr(-EAGAIN);
	}
	hdr = ring_hdr(r, r->prod);
	ring_store(&hdr->len, len, memory_order_relaxed);
	ring_store(&hdr->flags, KSHM_REC_BUSY, memory_order_relaxed);
	/* The header is visible before the position that covers it. */
	r->prod += ring_rec_total(len);
	ring_store_release(&r->ctrl->producer, r->prod);
	return hdr + 1;
}

/* The header of a record kshm_ring_reserve() returned, or NULL. */
static struct kshm_rec_hdr *ring_reserved_hdr(struct kshm_ring *r, void *data)
{
	uintptr_t p = (uintptr_t)data, start = (uintptr_t)r->data;
	struct kshm_rec_hdr *hdr;

	if (!data || p < start + KSHM_REC_HDR_SIZE ||
	    p - start - KSHM_REC_HDR_SIZE >= r->size ||
	    (p - start) % KSHM_REC_ALIGN)
		return NULL;
	hdr = (struct kshm_rec_hdr *)data - 1;
	if (!(ring_load(&hdr->flags, memory_order_relaxed) & KSHM_REC_BUSY))
		return NULL;
	return hdr;
}

/*
 * Wakes the kernel consumer if it said it is about to sleep. The full
 * barrier pairs with the consumer's, between its consumer_waiting store
 * and its second look at the ring: either it sees the record, or we see
 * the flag. Returns 0, or the -errno of KSHM_IOC_RING_NOTIFY, after which
 * the flag is set again so that the next commit tries again.
 */
static int ring_wake_consumer(struct kshm_ring *r)
{
	_Atomic __u32 *waiting = (_Atomic __u32 *)&r->ctrl->consumer_waiting;
	struct kshm_ring_notify arg = { 0 };

	atomic_thread_fence(memory_order_seq_cst);
	if (!atomic_load_explicit(waiting, memory_order_relaxed) ||
	    !atomic_exchange_explicit(waiting, 0, memory_order_relaxed))
		return 0;
	if (ioctl(r->fd, KSHM_IOC_RING_NOTIFY, &arg) < 0) {
		int ret = -errno;

		atomic_store_explicit(waiting, 1, memory_order_relaxed);
		return ret == -EIO ? ring_break(r) : ret;
	}
	return 0;
}

static int ring_finish(struct kshm_ring *r, void *data, uint32_t flags)
{
	struct kshm_rec_hdr *hdr;

	if (!r || r->dir != KSHM_RING_U2K)
		return kshm_err(-EINVAL);
	hdr = ring_reserved_hdr(r, data);
	if (!hdr)
		return kshm_err(-EINVAL);
	/* The payload is visible before the flag that commits it. */
	ring_store_release(&hdr->flags, flags);
	return kshm_err(ring_wake_consumer(r));
}

int kshm_ring_commit(struct kshm_ring *r, void *data)
{
	return ring_finish(r, data, 0);
}

int kshm_ring_discard(struct kshm_ring *r, void *data)
{
	return ring_finish(r, data, KSHM_REC_DISCARD);
}

/*
 * Tells poll() and the kernel consumer how many bytes of room the
 * producer waits for (0: none), so that it is woken for that much room,
 * never for less.
 */
static void ring_want_room(struct kshm_ring *r, uint64_t bytes)
{
	ring_store(&r->ctrl->producer_waiting,
		   bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes,
		   memory_order_relaxed);
}

int kshm_ring_wait_room(struct kshm_ring *r, uint32_t len, int timeout_ms)
{
	struct timespec deadline;
	int ret, ms;

	if (!r || r->dir != KSHM_RING_U2K ||
	    (uint64_t)len > r->size - KSHM_REC_HDR_SIZE)
		return kshm_err(-EINVAL);
	ring_deadline(&deadline, timeout_ms);
	for (;;) {
		uint64_t room;

		ret = ring_room(r, &room);
		if (ret < 0)
			break;
		if (ring_rec_total(len) <= room)
			return 1;
		ms = ring_ms_left(&deadline, timeout_ms);
		if (!ms)
			break;
		/* poll() keeps a non-zero value and looks after its barrier. */
		ring_want_room(r, ring_rec_total(len));
		ret = ring_poll(r, POLLOUT, ms);
		if (ret < 0)
			break;
	}
	/* Timed out or failed: wait for nothing any more. */
	ring_want_room(r, 0);
	return kshm_err(ret);
}
