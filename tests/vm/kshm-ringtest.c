// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-ringtest [-g GROUP] SCENARIO [options]: the ring against the kernel
 * clients of examples/kernel/, through the raw UAPI (not libkshm, so that
 * a failure points at the driver). One line per check:
 *	KSHM-RESULT PASS|FAIL|SKIP GROUP/SCENARIO:check detail
 * Exit 0 when every check passed, 1 otherwise. The guest script
 * tests/vm/guest/ring-clients.sh loads the modules each scenario needs.
 *
 *   echo [-n N] [-S SEED] [-m MAXLEN]
 *	kshm_echo: N records (default 1000000) of seeded random sizes,
 *	1..MAXLEN bytes (default 4096), log-uniform (one in 13 is MAXLEN
 *	itself), written by one thread
 *	into /dev/kshm-echo-in (U2K) and read back by another from
 *	/dev/kshm-echo-out (K2U), order, length and every byte checked.
 *   hostile-u2k [-S SEED] [-k ITER]
 *	kshm_echo, after echo: ITER/2 records that are valid but random
 *	(lengths, flag bits, discards, payloads) must all be taken; then
 *	ITER random writes over echo-in's control page and data, each with
 *	KSHM_IOC_RING_NOTIFY, and a bad producer position for certain: the
 *	ring ends broken (EIO, POLLERR, ring_broken 1), the kernel's own
 *	positions sane.
 *   race [-n N]
 *	kshm_gen (loaded with a small ring) in drop mode against a consumer
 *	that keeps stopping: every record committed is received once, in
 *	order, untorn; received + dropped == N.
 *   kill [-n N] [-S SEED]
 *	kshm_gen in wait mode; a consumer process is killed (SIGKILL)
 *	mid-stream and a new one carries on from the control page's
 *	consumer position: every record seen once across the two.
 *   poll
 *	kshm_gen: poll() sleeps and wakes for one record (one wake-up
 *	counted), times out with nothing, and a consumer that never sleeps
 *	costs no wake-up at all.
 *   hostile [-S SEED] [-k ITER]
 *	kshm_gen in wait mode, a consumer and a poller running: first
 *	ITER/2 writes over every byte of the control page but the two
 *	positions, which must change nothing (records in order, not
 *	broken); then ITER/2 writes of anything. The ring ends broken (the
 *	generator stops with -EIO, POLLERR, ring_broken 1) or keeps
 *	working; broken, it stays so; the kernel's own positions stay
 *	sane either way.
 *   icmp
 *	kshm_icmp: the records written while `ping -c 5 127.0.0.1` runs
 *	match what ping reports. SKIP when the kernel cannot ping.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/kshm.h>

#include "../../examples/kernel/kshm_gen.h"
#include "../../examples/kernel/kshm_icmp.h"

#define GEN_PARAMS	"/sys/module/kshm_gen/parameters/"
#define ECHO_STATS	"/sys/module/kshm_echo/parameters/stats"
#define ICMP_STATS	"/sys/module/kshm_icmp/parameters/stats"

#define LOAD_ACQ(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define LOAD(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE_REL(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define FENCE()		__atomic_thread_fence(__ATOMIC_SEQ_CST)

static const char *group = "ring";
static const char *scenario = "";
static int failures;

/* One KSHM-RESULT line; stdout is flushed so that a fork never repeats it. */
static void result(const char *verdict, const char *check, const char *fmt, ...)
{
	va_list ap;

	printf("KSHM-RESULT %s %s/%s:%s", verdict, group, scenario, check);
	if (fmt && *fmt) {
		putchar(' ');
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
	fflush(stdout);
	if (!strcmp(verdict, "FAIL"))
		failures++;
}

#define CHECK(ok, check, ...)						\
	result((ok) ? "PASS" : "FAIL", (check), __VA_ARGS__)

static void note(const char *fmt, ...)
{
	va_list ap;

	printf("ringtest: %s: ", scenario);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rec_total(uint32_t len)
{
	return ((uint64_t)len + KSHM_REC_HDR_SIZE + KSHM_REC_ALIGN - 1) &
	       ~(uint64_t)(KSHM_REC_ALIGN - 1);
}

/* A small text file (sysfs, /proc) into buf; 0 or -errno. */
static int read_text(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int write_text(const char *path, const char *text)
{
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* /sys/class/misc/NODE/ATTR as a number, or -1. */
static int64_t sysfs_num(const char *node, const char *attr)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), "/sys/class/misc/%s/%s", node, attr);
	if (read_text(path, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 10);
}

/* A "key=N" field of a one-line status text, or -1. */
static int64_t field(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p = text;

	while ((p = strstr(p, key))) {
		if ((p == text || p[-1] == ' ') && p[n] == '=')
			return strtoll(p + n + 1, NULL, 10);
		p += n;
	}
	return -1;
}

/* ---- a mapped ring, one side of it ---- */

struct ring {
	const char *node;		/* "kshm-gen" */
	int fd;
	struct kshm_ring_ctrl *ctrl;	/* read-write */
	unsigned char *data;		/* the data, twice */
	uint64_t size;
	size_t page;
};

/*
 * Map NODE's control page read-write and its data twice (read-only for a
 * K2U ring). The size comes from sysfs, the kernel's own copy: the
 * control page is not to be trusted, least of all by a hostile test.
 */
static int ring_map(struct ring *r, const char *node, bool writable_data)
{
	char path[64];
	int64_t size;

	memset(r, 0, sizeof(*r));
	r->node = node;
	r->page = sysconf(_SC_PAGESIZE);
	snprintf(path, sizeof(path), "/dev/%s", node);
	r->fd = open(path, O_RDWR | O_CLOEXEC);
	if (r->fd < 0) {
		note("open %s: %s", path, strerror(errno));
		return -1;
	}
	size = sysfs_num(node, "ring_size");
	if (size < (int64_t)r->page || (size & (size - 1))) {
		note("%s: ring_size %" PRId64, node, size);
		close(r->fd);
		return -1;
	}
	r->size = size;
	r->ctrl = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED,
		       r->fd, 0);
	r->data = mmap(NULL, 2 * r->size,
		       writable_data ? PROT_READ | PROT_WRITE : PROT_READ,
		       MAP_SHARED, r->fd, r->page);
	if (r->ctrl == MAP_FAILED || r->data == MAP_FAILED) {
		note("mmap %s: %s", path, strerror(errno));
		close(r->fd);
		return -1;
	}
	return 0;
}

static void ring_unmap(struct ring *r)
{
	munmap(r->ctrl, r->page);
	munmap(r->data, 2 * r->size);
	close(r->fd);
}

static struct kshm_rec_hdr *ring_hdr(struct ring *r, uint64_t pos)
{
	return (struct kshm_rec_hdr *)(r->data + (pos & (r->size - 1)));
}

/*
 * K2U consumer at its own position c: 1 with a committed record (or a
 * discarded one: *flags says), 0 when there is none yet, -1 when the
 * producer position or the length is impossible.
 */
static int k2u_peek(struct ring *r, uint64_t c, struct kshm_rec_hdr **hdrp,
		    uint32_t *lenp, uint32_t *flagsp)
{
	uint64_t p = LOAD_ACQ(&r->ctrl->producer);
	struct kshm_rec_hdr *hdr;
	uint32_t flags, len;

	if (p == c)
		return 0;
	if (p < c || p - c > r->size || (p % KSHM_REC_ALIGN))
		return -1;
	hdr = ring_hdr(r, c);
	flags = LOAD_ACQ(&hdr->flags);
	if (flags & KSHM_REC_BUSY)
		return 0;
	len = LOAD(&hdr->len);
	if (rec_total(len) > p - c)
		return -1;
	*hdrp = hdr;
	*lenp = len;
	*flagsp = flags;
	return 1;
}

/* Drain whatever the ring holds; the consumer's new position. */
static uint64_t drain(struct ring *r, uint64_t c)
{
	struct kshm_rec_hdr *hdr;
	uint32_t len, flags;

	while (k2u_peek(r, c, &hdr, &len, &flags) > 0)
		c += rec_total(len);
	STORE_REL(&r->ctrl->consumer, c);
	return c;
}

/* poll() for ms; the revents, 0 on a timeout, -errno on an error. */
static int poll_fd(int fd, short events, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n = poll(&pfd, 1, ms);

	if (n < 0)
		return -errno;
	return n ? pfd.revents : 0;
}

static int ring_notify(struct ring *r)
{
	struct kshm_ring_notify args = { 0 };

	return ioctl(r->fd, KSHM_IOC_RING_NOTIFY, &args) ? -errno : 0;
}

/* ---- kshm_gen ---- */

struct gen_status {
	char text[256];
	bool done;
	int64_t count, size, produced, dropped, full;
	int err;
};

static int gen_status(struct gen_status *s)
{
	int ret = read_text(GEN_PARAMS "status", s->text, sizeof(s->text));

	if (ret)
		return ret;
	s->text[strcspn(s->text, "\n")] = '\0';
	s->done = !strncmp(s->text, "done", 4);
	s->count = field(s->text, "count");
	s->size = field(s->text, "size");
	s->produced = field(s->text, "produced");
	s->dropped = field(s->text, "dropped");
	s->full = field(s->text, "full");
	s->err = (int)field(s->text, "err");
	return 0;
}

static int gen_run(const char *fmt, ...)
{
	char cmd[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return write_text(GEN_PARAMS "run", cmd);
}

/* Wait up to ms for the run to be over; true once it is. */
static bool gen_wait_done(struct gen_status *s, int ms)
{
	double end = now() + ms / 1000.0;

	do {
		if (!gen_status(s) && s->done)
			return true;
		usleep(10000);
	} while (now() < end);
	return false;
}

/* ---- echo: a million records through kshm_echo ---- */

/*
 * Record i: its length from a seeded stream (log-uniform over 1..maxlen,
 * so that small records, and with them every padding, are common), its
 * bytes from (seed, i): a record from elsewhere in the stream, torn or
 * shifted, fails the check.
 */
struct recgen {
	uint64_t lens;		/* the length stream */
	uint64_t seed;
	uint32_t maxlen;
	int bits;		/* of maxlen */
};

static void recgen_init(struct recgen *g, uint64_t seed, uint32_t maxlen)
{
	g->lens = seed;
	g->seed = seed;
	g->maxlen = maxlen;
	for (g->bits = 0; (1ULL << g->bits) <= maxlen; g->bits++)
		;
}

static uint32_t recgen_len(struct recgen *g)
{
	uint64_t r = splitmix64(&g->lens);
	int k = r % g->bits;	/* [2^k, 2^(k+1)) */
	uint64_t len = (1ULL << k) + ((r >> 8) & ((1ULL << k) - 1));

	return len > g->maxlen ? g->maxlen : (uint32_t)len;
}

static uint64_t rec_key(uint64_t seed, uint64_t i)
{
	uint64_t s = seed ^ (i * 0xd6e8feb86659fd93ULL);

	return splitmix64(&s);
}

#define LCG(x)	((x) * 6364136223846793005ULL + 1442695040888963407ULL)

static void rec_fill(unsigned char *p, uint32_t len, uint64_t key)
{
	uint64_t x = key;
	uint32_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(p + i, &x, 8);
		x = LCG(x);
	}
	if (i < len)
		memcpy(p + i, &x, len - i);
}

/* 0, or the offset of the first bad 8-byte word plus one. */
static uint32_t rec_check(const unsigned char *p, uint32_t len, uint64_t key)
{
	uint64_t x = key, v;
	uint32_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&v, p + i, 8);
		if (v != x)
			return i + 1;
		x = LCG(x);
	}
	if (i < len && memcmp(p + i, &x, len - i))
		return i + 1;
	return 0;
}

struct echo {
	struct ring in, out;
	uint64_t n, seed;
	uint32_t maxlen;
	volatile int stop;
	/* producer */
	uint64_t sent, sent_bytes, prod_pos, notifies, room_waits;
	char prod_err[200];
	/* consumer */
	uint64_t received, recv_bytes, cons_pos, polls;
	char cons_err[200];
};

/* Wait for t bytes of room in echo-in; 0, or -1 with prod_err set. */
static int echo_wait_room(struct echo *e, uint64_t p, uint64_t t)
{
	struct ring *r = &e->in;
	uint64_t c;
	int ev, spins = 0;

	for (;;) {
		c = LOAD_ACQ(&r->ctrl->consumer);
		if (c > p || p - c > r->size || (c % KSHM_REC_ALIGN)) {
			snprintf(e->prod_err, sizeof(e->prod_err),
				 "bad consumer position %" PRIu64 " (producer %" PRIu64 ")",
				 c, p);
			return -1;
		}
		if (t <= r->size - (p - c))
			return 0;
		if (e->stop)
			return -1;
		if (++spins < 64)
			continue;
		/* Say how much room we wait for, then look once more. */
		STORE(&r->ctrl->producer_waiting, (uint32_t)t);
		FENCE();
		c = LOAD_ACQ(&r->ctrl->consumer);
		if (t <= r->size - (p - c)) {
			STORE(&r->ctrl->producer_waiting, 0);
			return 0;
		}
		e->room_waits++;
		ev = poll_fd(r->fd, POLLOUT, 20000);
		if (ev <= 0 || (ev & POLLERR)) {
			snprintf(e->prod_err, sizeof(e->prod_err),
				 "poll(POLLOUT) for %" PRIu64 " bytes at record %" PRIu64 ": %s",
				 t, e->sent, ev == 0 ? "timed out after 20 s" :
				 ev < 0 ? strerror(-ev) : "POLLERR");
			return -1;
		}
	}
}

static void *echo_producer(void *arg)
{
	struct echo *e = arg;
	struct ring *r = &e->in;
	struct kshm_rec_hdr *hdr;
	struct recgen g;
	uint64_t p = LOAD(&r->ctrl->producer), t, i;
	uint32_t len;
	int ret;

	recgen_init(&g, e->seed, e->maxlen);
	for (i = 0; i < e->n && !e->stop; i++) {
		len = recgen_len(&g);
		t = rec_total(len);
		if (echo_wait_room(e, p, t))
			break;
		hdr = ring_hdr(r, p);
		STORE(&hdr->len, len);
		STORE(&hdr->flags, KSHM_REC_BUSY);
		p += t;
		STORE_REL(&r->ctrl->producer, p);
		rec_fill((unsigned char *)(hdr + 1), len, rec_key(e->seed, i));
		STORE_REL(&hdr->flags, 0);	/* commit */
		FENCE();
		if (LOAD(&r->ctrl->consumer_waiting)) {
			STORE(&r->ctrl->consumer_waiting, 0);
			e->notifies++;
			ret = ring_notify(r);
			if (ret) {
				snprintf(e->prod_err, sizeof(e->prod_err),
					 "KSHM_IOC_RING_NOTIFY: %s", strerror(-ret));
				break;
			}
		}
		e->sent++;
		e->sent_bytes += len;
	}
	e->prod_pos = p;
	if (e->prod_err[0])
		e->stop = 1;
	return NULL;
}

static void *echo_consumer(void *arg)
{
	struct echo *e = arg;
	struct ring *r = &e->out;
	uint64_t c = LOAD(&r->ctrl->consumer), i = 0, published = c;
	struct kshm_rec_hdr *hdr;
	uint32_t len, flags, want, bad;
	struct recgen g;
	int ret, ev, spins = 0;

	recgen_init(&g, e->seed, e->maxlen);
	want = recgen_len(&g);
	while (i < e->n && !e->stop) {
		ret = k2u_peek(r, c, &hdr, &len, &flags);
		if (ret < 0) {
			snprintf(e->cons_err, sizeof(e->cons_err),
				 "impossible position or length at %" PRIu64 " (record %" PRIu64 ")",
				 c, i);
			break;
		}
		if (!ret) {
			if (++spins < 64)
				continue;
			spins = 0;
			/* Release before sleeping: echo may wait for room. */
			if (published != c)
				STORE_REL(&r->ctrl->consumer, published = c);
			e->polls++;
			ev = poll_fd(r->fd, POLLIN, 20000);
			if (ev <= 0 || (ev & POLLERR)) {
				snprintf(e->cons_err, sizeof(e->cons_err),
					 "poll(POLLIN) waiting for record %" PRIu64 ": %s",
					 i, ev == 0 ? "timed out after 20 s" :
					 ev < 0 ? strerror(-ev) : "POLLERR");
				break;
			}
			continue;
		}
		spins = 0;
		if (flags & KSHM_REC_DISCARD) {
			snprintf(e->cons_err, sizeof(e->cons_err),
				 "a discarded record at record %" PRIu64, i);
			break;
		}
		if (len != want) {
			snprintf(e->cons_err, sizeof(e->cons_err),
				 "record %" PRIu64 ": %u bytes, expected %u", i,
				 len, want);
			break;
		}
		bad = rec_check((unsigned char *)(hdr + 1), len,
				rec_key(e->seed, i));
		if (bad) {
			snprintf(e->cons_err, sizeof(e->cons_err),
				 "record %" PRIu64 " of %u bytes differs at byte %u",
				 i, len, bad - 1);
			break;
		}
		c += rec_total(len);
		e->recv_bytes += len;
		i++;
		if (i < e->n)
			want = recgen_len(&g);
		/* Release in batches of 16. */
		if (!(i % 16))
			STORE_REL(&r->ctrl->consumer, published = c);
	}
	STORE_REL(&r->ctrl->consumer, c);
	e->received = i;
	e->cons_pos = c;
	if (e->cons_err[0])
		e->stop = 1;
	return NULL;
}

static int do_echo(uint64_t n, uint64_t seed, uint32_t maxlen)
{
	struct echo *e = calloc(1, sizeof(*e));
	int64_t drops_out, drops_in, retries, echoed, lost, bytes;
	pthread_t prod, cons;
	char stats[256];
	double t0, dt;
	uint64_t extra;

	if (!e || ring_map(&e->in, "kshm-echo-in", true) ||
	    ring_map(&e->out, "kshm-echo-out", false)) {
		result("FAIL", "map", "cannot map /dev/kshm-echo-in and -out");
		return 1;
	}
	e->n = n;
	e->seed = seed;
	e->maxlen = maxlen;
	note("%" PRIu64 " records of 1..%u bytes, seed %" PRIu64
	     " (kshm-ringtest echo -n %" PRIu64 " -S %" PRIu64 " repeats it)",
	     n, maxlen, seed, n, seed);
	t0 = now();
	pthread_create(&cons, NULL, echo_consumer, e);
	pthread_create(&prod, NULL, echo_producer, e);
	pthread_join(prod, NULL);
	pthread_join(cons, NULL);
	dt = now() - t0;

	if (e->prod_err[0])
		note("producer: %s", e->prod_err);
	CHECK(e->received == n && e->sent == n && e->recv_bytes == e->sent_bytes,
	      "every_record_in_order_every_byte",
	      "sent=%" PRIu64 " received=%" PRIu64 " of %" PRIu64 " bytes=%" PRIu64
	      " seed=%" PRIu64 " maxlen=%u %.1f s (%.0f records/s)%s%s",
	      e->sent, e->received, n, e->recv_bytes, seed, maxlen, dt,
	      e->received / dt, e->cons_err[0] ? ": " : "", e->cons_err);
	note("producer notified %" PRIu64 " times, waited for room %" PRIu64
	     " times; consumer polled %" PRIu64 " times", e->notifies,
	     e->room_waits, e->polls);

	/* Nothing comes after the last record. */
	usleep(200000);
	extra = LOAD_ACQ(&e->out.ctrl->producer) - e->cons_pos;
	CHECK(!e->stop && extra == 0, "nothing_after_the_last_record",
	      "%" PRIu64 " bytes more", extra);

	read_text(ECHO_STATS, stats, sizeof(stats));
	stats[strcspn(stats, "\n")] = '\0';
	echoed = field(stats, "echoed");
	bytes = field(stats, "bytes");
	retries = field(stats, "retries");
	lost = field(stats, "lost");
	CHECK(echoed == (int64_t)n && bytes == (int64_t)e->sent_bytes && lost == 0,
	      "echo_stats_exact", "%s (expected echoed=%" PRIu64 " bytes=%" PRIu64
	      " lost=0)", stats, n, e->sent_bytes);
	/* kshm_echo retries what echo-out refused; the driver counts each. */
	drops_out = sysfs_num("kshm-echo-out", "ring_dropped");
	drops_in = sysfs_num("kshm-echo-in", "ring_dropped");
	CHECK(drops_out == retries && drops_in == 0 &&
	      LOAD(&e->out.ctrl->dropped) == (uint64_t)drops_out,
	      "drop_counters_exact",
	      "echo-out ring_dropped=%" PRId64 " ctrl.dropped=%llu retries=%" PRId64
	      ", echo-in ring_dropped=%" PRId64, drops_out,
	      (unsigned long long)LOAD(&e->out.ctrl->dropped), retries, drops_in);
	/* The kernel's positions are the ones user space published. */
	CHECK(sysfs_num("kshm-echo-in", "ring_produced") == (int64_t)e->prod_pos &&
	      sysfs_num("kshm-echo-in", "ring_consumed") == (int64_t)e->prod_pos &&
	      sysfs_num("kshm-echo-out", "ring_produced") == (int64_t)e->cons_pos &&
	      sysfs_num("kshm-echo-in", "ring_broken") == 0 &&
	      sysfs_num("kshm-echo-out", "ring_broken") == 0,
	      "kernel_positions_agree",
	      "echo-in %" PRId64 "/%" PRId64 " (mine %" PRIu64 "), echo-out produced %"
	      PRId64 " (mine %" PRIu64 "), wakeups in %" PRId64 " out %" PRId64,
	      sysfs_num("kshm-echo-in", "ring_produced"),
	      sysfs_num("kshm-echo-in", "ring_consumed"), e->prod_pos,
	      sysfs_num("kshm-echo-out", "ring_produced"), e->cons_pos,
	      sysfs_num("kshm-echo-in", "ring_wakeups"),
	      sysfs_num("kshm-echo-out", "ring_wakeups"));
	ring_unmap(&e->in);
	ring_unmap(&e->out);
	free(e);
	return failures ? 1 : 0;
}

/* ---- race: drop mode into a small ring, a consumer that stops ---- */

static int race_run(struct ring *r, uint64_t *c, uint64_t n, uint32_t size)
{
	int64_t drops0 = sysfs_num(r->node, "ring_dropped"), drops;
	uint64_t received = 0, last = 0, p, polls = 0;
	struct kshm_rec_hdr *hdr;
	uint32_t len, flags, bad;
	struct gen_status s = { .err = 1 };
	char err[200] = "";
	char name[64];
	bool any = false, done = false;
	double t0 = now();
	int ret, ev;

	ret = gen_run("%" PRIu64 " %u drop", n, size);
	if (ret) {
		snprintf(name, sizeof(name), "size_%u:run", size);
		result("FAIL", name, "write run: %s", strerror(-ret));
		return -1;
	}
	for (;;) {
		ret = k2u_peek(r, *c, &hdr, &len, &flags);
		if (ret < 0) {
			snprintf(err, sizeof(err), "impossible position or length at %" PRIu64, *c);
			break;
		}
		if (!ret) {
			if (done)
				break;	/* drained up to the final position */
			if (now() - t0 > 60) {
				snprintf(err, sizeof(err), "the run did not end in 60 s");
				break;
			}
			/* Not done yet: wait; done: drain what is left. */
			if (!gen_status(&s) && s.done) {
				done = true;
				continue;
			}
			polls++;
			ev = poll_fd(r->fd, POLLIN, 100);
			if (ev < 0 || (ev > 0 && (ev & POLLERR))) {
				snprintf(err, sizeof(err), "poll: %s", ev < 0 ?
					 strerror(-ev) : "POLLERR");
				break;
			}
			continue;
		}
		if (flags & KSHM_REC_DISCARD) {
			snprintf(err, sizeof(err), "a discarded record at %" PRIu64, *c);
			break;
		}
		p = kshm_gen_seq(hdr + 1, len);
		if (len != size) {
			snprintf(err, sizeof(err), "record %" PRIu64 ": %u bytes, not %u",
				 p, len, size);
			break;
		}
		if (any && p <= last) {
			snprintf(err, sizeof(err), "record %" PRIu64 " after %" PRIu64
				 " (duplicate or out of order)", p, last);
			break;
		}
		if (p >= n) {
			snprintf(err, sizeof(err), "record %" PRIu64 " of a run of %" PRIu64, p, n);
			break;
		}
		bad = kshm_gen_check(hdr + 1, len, p);
		if (bad) {
			snprintf(err, sizeof(err), "record %" PRIu64 " torn at byte %u", p, bad - 1);
			break;
		}
		any = true;
		last = p;
		received++;
		*c += rec_total(len);
		STORE_REL(&r->ctrl->consumer, *c);
		/* The slow consumer: stop now and then, the ring fills. */
		if (!(received % 64))
			usleep(1000);
	}
	STORE_REL(&r->ctrl->consumer, *c);
	if (!done)
		gen_wait_done(&s, 10000);
	drops = sysfs_num(r->node, "ring_dropped") - drops0;
	snprintf(name, sizeof(name), "size_%u:no_dup_no_torn_in_order", size);
	CHECK(!err[0] && s.done, name, "%" PRIu64 " records checked%s%s", received,
	      err[0] ? ": " : "", err);
	snprintf(name, sizeof(name), "size_%u:received_plus_dropped_is_N", size);
	CHECK(s.done && s.err == 0 && s.produced == (int64_t)received &&
	      (int64_t)received + s.dropped == (int64_t)n && drops == s.dropped &&
	      LOAD(&r->ctrl->dropped) == (uint64_t)sysfs_num(r->node, "ring_dropped"),
	      name, "N=%" PRIu64 " received=%" PRIu64 " dropped=%" PRId64
	      " ring_dropped+=%" PRId64 " ctrl.dropped=%llu (%s)", n, received,
	      s.dropped, drops, (unsigned long long)LOAD(&r->ctrl->dropped), s.text);
	/* Only meaningful if the ring was really full, and really drained. */
	snprintf(name, sizeof(name), "size_%u:raced_on_a_full_ring", size);
	CHECK(s.dropped > 0 && received > 0, name,
	      "%" PRIu64 " received, %" PRId64 " dropped, %" PRIu64 " polls, %.1f s",
	      received, s.dropped, polls, now() - t0);
	return 0;
}

static int do_race(uint64_t n)
{
	struct gen_status s = { .err = 1 };
	struct ring r;
	uint64_t c;

	if (ring_map(&r, "kshm-gen", false)) {
		result("FAIL", "map", "cannot map /dev/kshm-gen");
		return 1;
	}
	note("ring of %" PRIu64 " bytes, %" PRIu64 " records per run", r.size, n);
	c = LOAD(&r.ctrl->consumer);
	/* 112 bytes a record: they straddle the end of the data. */
	race_run(&r, &c, n, 100);
	/* A quarter of the ring each, odd: 4 fit, never 5. */
	race_run(&r, &c, n / 10, (uint32_t)(r.size / 4 - 20));
	/*
	 * The kernel takes the consumer position at its next reserve: one
	 * more record of 8 bytes, and it must have taken exactly mine.
	 */
	gen_run("1 8 drop");
	gen_wait_done(&s, 10000);
	CHECK(sysfs_num(r.node, "ring_broken") == 0 &&
	      sysfs_num(r.node, "ring_consumed") == (int64_t)c &&
	      sysfs_num(r.node, "ring_produced") == (int64_t)c + 16, "kernel_positions_agree",
	      "produced %" PRId64 " consumed %" PRId64 " mine %" PRIu64 " (+16 produced since)",
	      sysfs_num(r.node, "ring_produced"), sysfs_num(r.node, "ring_consumed"), c);
	drain(&r, c);
	ring_unmap(&r);
	return failures ? 1 : 0;
}

/* ---- kill: a consumer killed mid-stream, a new one carries on ---- */

struct killshare {
	volatile uint64_t progress;	/* records consumer 1 has read */
	char err1[200], err2[200];
	uint64_t n;
	uint64_t first2;		/* the first record consumer 2 saw */
	/* end[seq]: consumer 1's position after seq, stored before release */
	uint64_t end1[];
};

/*
 * One consumer process: from the control page's consumer position until
 * record n - 1, releasing in batches of batch records (so that a kill
 * leaves some read and not released). Consumer 1 records the position
 * after each record in end1[]; consumer 2 counts what it sees in seen2.
 */
static void kill_consumer(struct killshare *sh, uint8_t *seen2, int which,
			  unsigned int batch)
{
	char *err = which == 1 ? sh->err1 : sh->err2;
	struct kshm_rec_hdr *hdr;
	uint32_t len, flags, bad;
	uint64_t c, seq, expect = 0;
	bool first = true;
	struct ring r;
	int ret, ev;
	unsigned int held = 0;

	if (ring_map(&r, "kshm-gen", false)) {
		snprintf(err, 200, "cannot map /dev/kshm-gen");
		_exit(1);
	}
	/* Where the last consumer left off: the control page says. */
	c = LOAD_ACQ(&r.ctrl->consumer);
	for (;;) {
		ret = k2u_peek(&r, c, &hdr, &len, &flags);
		if (ret < 0) {
			snprintf(err, 200, "impossible position or length at %" PRIu64, c);
			_exit(1);
		}
		if (!ret) {
			STORE_REL(&r.ctrl->consumer, c);
			held = 0;
			ev = poll_fd(r.fd, POLLIN, 20000);
			if (ev <= 0 || (ev & POLLERR)) {
				snprintf(err, 200, "poll: %s after record %" PRIu64,
					 ev == 0 ? "timed out" : ev < 0 ?
					 strerror(-ev) : "POLLERR", expect);
				_exit(1);
			}
			continue;
		}
		seq = kshm_gen_seq(hdr + 1, len);
		bad = kshm_gen_check(hdr + 1, len, seq);
		if (bad || seq >= sh->n || (!first && seq != expect)) {
			snprintf(err, 200, "record %" PRIu64 " (%u bytes, torn at %u) where %" PRIu64
				 " was expected", seq, len, bad ? bad - 1 : 0, expect);
			_exit(1);
		}
		if (which == 2 && first)
			sh->first2 = seq;
		first = false;
		expect = seq + 1;
		c += rec_total(len);
		if (which == 1) {
			__atomic_store_n(&sh->end1[seq], c, __ATOMIC_SEQ_CST);
			__atomic_store_n(&sh->progress, sh->progress + 1, __ATOMIC_SEQ_CST);
		} else {
			seen2[seq]++;
		}
		if (++held >= batch) {
			STORE_REL(&r.ctrl->consumer, c);
			held = 0;
		}
		/*
		 * Consumer 1 dwells on each record, so that the kill most
		 * likely finds it holding a batch not yet released.
		 */
		if (which == 1)
			usleep(20);
		if (seq == sh->n - 1) {
			STORE_REL(&r.ctrl->consumer, c);
			_exit(0);
		}
	}
}

static int do_kill(uint64_t n, uint64_t seed)
{
	size_t shsize = sizeof(struct killshare) + n * sizeof(uint64_t);
	uint64_t released1 = 0, seen1_unreleased = 0, seen2 = 0, dup = 0, missing = 0;
	uint64_t rnd = seed, cons, i, progress_at_kill;
	struct killshare *sh;
	struct gen_status s = { .err = 1 };
	struct ring r;
	uint8_t *seen;
	pid_t pid1, pid2;
	int st1 = 0, st2 = 0, ret;
	bool reaped = false;
	double t0;

	sh = mmap(NULL, shsize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	seen = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || seen == MAP_FAILED || ring_map(&r, "kshm-gen", false)) {
		result("FAIL", "setup", "cannot map");
		return 1;
	}
	sh->n = n;
	note("%" PRIu64 " records of 40 bytes in wait mode, seed %" PRIu64, n, seed);

	pid1 = fork();
	if (!pid1)
		kill_consumer(sh, seen, 1, 8);
	ret = gen_run("%" PRIu64 " 40 wait", n);
	if (ret) {
		kill(pid1, SIGKILL);
		waitpid(pid1, NULL, 0);
		result("FAIL", "run", "write run: %s", strerror(-ret));
		return 1;
	}
	/* Kill it a third of the way in, at a random moment after that. */
	t0 = now();
	while (__atomic_load_n(&sh->progress, __ATOMIC_SEQ_CST) < n / 3 &&
	       now() - t0 < 60 && !(reaped = waitpid(pid1, &st1, WNOHANG) == pid1))
		usleep(1000);
	if (!reaped) {
		usleep(splitmix64(&rnd) % 3000);
		kill(pid1, SIGKILL);
		waitpid(pid1, &st1, 0);
	}
	progress_at_kill = __atomic_load_n(&sh->progress, __ATOMIC_SEQ_CST);
	cons = LOAD_ACQ(&r.ctrl->consumer);
	CHECK(WIFSIGNALED(st1) && WTERMSIG(st1) == SIGKILL && progress_at_kill > 0 &&
	      progress_at_kill < n, "killed_mid_stream",
	      "after %" PRIu64 " of %" PRIu64 " records, consumer position %" PRIu64 "%s%s",
	      progress_at_kill, n, cons, sh->err1[0] ? ": " : "", sh->err1);

	/* A new process attaches and carries on. */
	pid2 = fork();
	if (!pid2)
		kill_consumer(sh, seen, 2, 8);
	waitpid(pid2, &st2, 0);
	CHECK(WIFEXITED(st2) && WEXITSTATUS(st2) == 0, "new_consumer_carried_on",
	      "first record %" PRIu64 ", exit %d%s%s", sh->first2,
	      WIFEXITED(st2) ? WEXITSTATUS(st2) : -1, sh->err2[0] ? ": " : "", sh->err2);

	/*
	 * Consumer 1 saw a record for good if it released it: its end is at
	 * or below the consumer position it left. Read but not released:
	 * consumer 2 must see it again. Every record once, across the two.
	 */
	for (i = 0; i < n; i++) {
		bool rel = sh->end1[i] && sh->end1[i] <= cons;

		released1 += rel;
		seen1_unreleased += sh->end1[i] && !rel;
		seen2 += seen[i];
		if (seen[i] > 1 || (rel && seen[i]))
			dup++;
		if (!rel && !seen[i])
			missing++;
	}
	CHECK(dup == 0 && missing == 0 && released1 + seen2 == n,
	      "every_record_once_across_both",
	      "N=%" PRIu64 ": consumer 1 released %" PRIu64 " (read %" PRIu64
	      " more it had not released), consumer 2 saw %" PRIu64 ", %" PRIu64
	      " twice, %" PRIu64 " never", n, released1, seen1_unreleased, seen2, dup,
	      missing);
	CHECK(gen_wait_done(&s, 10000) && s.err == 0 && s.produced == (int64_t)n &&
	      s.dropped == 0, "generator_lost_nothing", "%s", s.text);
	ring_unmap(&r);
	munmap(sh, shsize);
	munmap(seen, n);
	return failures ? 1 : 0;
}

/* ---- poll: wakes for a record, sleeps without, busy costs nothing ---- */

struct poller {
	int fd, ms;
	volatile pid_t tid;
	int ret;
	short revents;
	double t_end;
};

static void *poller_thread(void *arg)
{
	struct poller *pl = arg;
	struct pollfd pfd = { .fd = pl->fd, .events = POLLIN | POLLRDNORM };

	pl->tid = (pid_t)syscall(SYS_gettid);
	pl->ret = poll(&pfd, 1, pl->ms);
	pl->revents = pfd.revents;
	pl->t_end = now();
	return NULL;
}

/* The state letter of a thread of this process, or '?'. */
static char thread_state(pid_t tid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	if (read_text(path, buf, sizeof(buf)))
		return '?';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static long voluntary_switches(void)
{
	char buf[2048], *p;

	if (read_text("/proc/thread-self/status", buf, sizeof(buf)))
		return -1;
	p = strstr(buf, "\nvoluntary_ctxt_switches:");
	return p ? strtol(p + 25, NULL, 10) : -1;
}

static int do_poll(void)
{
	struct kshm_rec_hdr *hdr;
	struct gen_status s = { .err = 1 };
	struct poller pl;
	pthread_t th;
	struct ring r;
	int64_t w0, w1;
	uint64_t c, i, n = 200000, seq, received = 0, spins = 0;
	uint32_t len, flags;
	long v0, v1;
	char state = '?', err[160] = "";
	double t0, t_run;
	int ret, pre;

	if (ring_map(&r, "kshm-gen", false)) {
		result("FAIL", "map", "cannot map /dev/kshm-gen");
		return 1;
	}
	c = drain(&r, LOAD(&r.ctrl->consumer));

	/* Nothing arrives: poll() times out, no event, no wake-up. */
	w0 = sysfs_num(r.node, "ring_wakeups");
	t0 = now();
	ret = poll_fd(r.fd, POLLIN, 1000);
	t0 = now() - t0;
	w1 = sysfs_num(r.node, "ring_wakeups");
	CHECK(ret == 0 && t0 >= 0.95 && w1 == w0, "times_out_when_nothing_arrives",
	      "poll returned %d after %.3f s of 1 s, wakeups %" PRId64 " -> %" PRId64,
	      ret, t0, w0, w1);

	/*
	 * A consumer asleep in poll() wakes for one record, once. The flag
	 * the timed-out poll() left set is cleared, so that seeing it set
	 * again shows this poll() got as far as saying it sleeps.
	 */
	STORE(&r.ctrl->consumer_waiting, 0);
	FENCE();
	memset(&pl, 0, sizeof(pl));
	pl.fd = r.fd;
	pl.ms = 20000;
	pthread_create(&th, NULL, poller_thread, &pl);
	t0 = now();
	while (now() - t0 < 10) {
		if (pl.tid && (state = thread_state(pl.tid)) == 'S' &&
		    LOAD(&r.ctrl->consumer_waiting))
			break;
		usleep(1000);
	}
	w0 = sysfs_num(r.node, "ring_wakeups");
	pre = pl.t_end != 0;
	t_run = now();
	ret = gen_run("1 64 drop");
	pthread_join(th, NULL);
	w1 = sysfs_num(r.node, "ring_wakeups");
	CHECK(state == 'S' && !pre && !ret && pl.ret == 1 &&
	      pl.revents == (POLLIN | POLLRDNORM) && pl.t_end - t_run < 10,
	      "wakes_for_a_record", "state %c before the run, poll returned %d revents %#x"
	      " %.3f s after the run started (timeout 20 s)", state, pl.ret, pl.revents,
	      pl.t_end - t_run);
	CHECK(w1 == w0 + 1, "one_wakeup_for_a_sleeper",
	      "ring_wakeups %" PRId64 " -> %" PRId64, w0, w1);
	ret = k2u_peek(&r, c, &hdr, &len, &flags);
	CHECK(ret == 1 && len == 64 && !kshm_gen_check(hdr + 1, len, 0),
	      "the_record_is_there", "peek %d, %u bytes", ret, ret == 1 ? len : 0);
	c = drain(&r, c);
	gen_wait_done(&s, 5000);

	/*
	 * A consumer that keeps up never sleeps and never says it would:
	 * no wake-up, however many records. The flag a timed-out poll()
	 * left is the consumer's to clear; the data is touched first, so
	 * that no page fault can put this thread to sleep.
	 */
	for (i = 0; i < 2 * r.size; i += r.page)
		(void)LOAD(&r.data[i]);
	STORE(&r.ctrl->consumer_waiting, 0);
	FENCE();
	w0 = sysfs_num(r.node, "ring_wakeups");
	ret = gen_run("%" PRIu64 " 64 wait", n);
	v0 = voluntary_switches();
	t0 = now();
	while (received < n) {
		ret = k2u_peek(&r, c, &hdr, &len, &flags);
		if (ret < 0) {
			snprintf(err, sizeof(err), "impossible position at %" PRIu64, c);
			break;
		}
		if (!ret) {
			/* Spin; look at the clock only now and then. */
			if (!(++spins & 0xfffff) && now() - t0 > 60) {
				snprintf(err, sizeof(err), "only %" PRIu64 " records in 60 s",
					 received);
				break;
			}
			continue;
		}
		seq = kshm_gen_seq(hdr + 1, len);
		if (seq != received || kshm_gen_check(hdr + 1, len, seq)) {
			snprintf(err, sizeof(err), "record %" PRIu64 " where %" PRIu64
				 " was expected, or torn", seq, received);
			break;
		}
		received++;
		c += rec_total(len);
		STORE_REL(&r.ctrl->consumer, c);
	}
	v1 = voluntary_switches();
	t0 = now() - t0;
	w1 = sysfs_num(r.node, "ring_wakeups");
	gen_wait_done(&s, 10000);
	CHECK(!err[0] && w1 == w0 && s.err == 0 && s.produced == (int64_t)n,
	      "busy_consumer_no_wakeups",
	      "%" PRIu64 " records in %.2f s, ring_wakeups %" PRId64 " -> %" PRId64
	      ", generator waited for room %" PRId64 " times%s%s", received, t0, w0, w1,
	      s.full, err[0] ? ": " : "", err);
	CHECK(v0 >= 0 && v1 == v0, "busy_consumer_never_slept",
	      "voluntary context switches %ld -> %ld", v0, v1);
	ring_unmap(&r);
	return failures ? 1 : 0;
}

/* ---- hostile: random bytes over the control page ---- */

struct hostile {
	struct ring *r;
	uint64_t seed, iters, writes, writes1;
	volatile int stop;
	volatile int phase;		/* 1: harmless writes, 2: the main thread
					 * looks, 3: anything */
	uint64_t pollerr, polls, consumed, consumed1;
	char err[160];			/* the strict consumer's, phase 1 */
};

/* Is [off, off + len) clear of the two positions? */
static bool off_harmless(size_t off, size_t len)
{
	return off >= 8 && (off >= 72 || off + len <= 64);
}

/*
 * Phase 1: bytes of the page the kernel never reads (size, flags,
 * dropped, padding, the page tail) and the waiting flags, which are only
 * hints: the ring must keep working. Every byte but the two positions.
 */
static void hostile_harmless(struct ring *r, uint64_t *rnd)
{
	unsigned char *page = (unsigned char *)r->ctrl;
	uint64_t x = splitmix64(rnd), v = splitmix64(rnd);
	size_t off;

	switch (x % 4) {
	case 0:	/* the waiting flags */
		STORE(&r->ctrl->consumer_waiting, (uint32_t)v);
		STORE(&r->ctrl->producer_waiting, (uint32_t)(v >> 32));
		break;
	case 1:	/* the fields the kernel writes and never reads back */
		STORE(&r->ctrl->size, v);
		STORE(&r->ctrl->flags, (uint32_t)(v >> 7));
		STORE(&r->ctrl->dropped, v * 3);
		break;
	default: /* 8 random bytes anywhere else in the page */
		off = ((x >> 8) % (r->page / 8)) * 8;
		if (off_harmless(off, 8))
			memcpy(page + off, &v, 8);
		break;
	}
}

/* Phase 2: random bytes, random fields, plausible and impossible positions. */
static void hostile_write(struct ring *r, uint64_t *rnd, bool u2k)
{
	unsigned char *page = (unsigned char *)r->ctrl;
	uint64_t x = splitmix64(rnd), v = splitmix64(rnd), pos;
	size_t i, off, n;

	switch (x % 8) {
	case 0:	/* every field at once */
		for (i = 0; i < sizeof(struct kshm_ring_ctrl); i += 8) {
			v = splitmix64(rnd);
			memcpy(page + i, &v, 8);
		}
		break;
	case 1:	/* a few random bytes anywhere in the structure */
		for (n = 1 + (x >> 8) % 8; n; n--)
			page[splitmix64(rnd) % sizeof(struct kshm_ring_ctrl)] = (unsigned char)v++;
		break;
	case 2:	/* the other side's position, near the truth */
		pos = u2k ? LOAD(&r->ctrl->consumer) : LOAD(&r->ctrl->producer);
		pos += (int64_t)(v % (4 * r->size)) - 2 * (int64_t)r->size;
		if (x & 0x100)
			pos &= ~7ULL;
		if (u2k)
			STORE(&r->ctrl->producer, pos);
		else
			STORE(&r->ctrl->consumer, pos);
		break;
	case 3:
	case 4:
		hostile_harmless(r, rnd);
		break;
	case 5:	/* a 64-bit extreme */
		pos = (x & 0x100) ? ~0ULL - (v & 0xff) : (v & 0xff);
		if (u2k)
			STORE(&r->ctrl->producer, pos);
		else
			STORE(&r->ctrl->consumer, pos);
		break;
	case 6:	/* U2K: a header or payload in the data */
		if (u2k) {
			off = v % (2 * r->size - 8);
			memcpy(r->data + off, &x, 8);
		}
		break;
	default: /* a whole page of noise */
		for (i = 0; i < r->page; i += 8) {
			v = splitmix64(rnd);
			memcpy(page + i, &v, 8);
		}
		break;
	}
}

static void *hostile_poller(void *arg)
{
	struct hostile *h = arg;
	int ev;

	while (!h->stop) {
		ev = poll_fd(h->r->fd, POLLIN | POLLOUT, 5);
		h->polls++;
		if (ev > 0 && (ev & POLLERR))
			h->pollerr++;
	}
	return NULL;
}

/*
 * The consumer: strict in phase 1 (every record, in order, intact); in
 * phase 2 it trusts nothing, resyncs on nonsense and never faults.
 */
static void *hostile_consumer(void *arg)
{
	struct hostile *h = arg;
	struct ring *r = h->r;
	struct kshm_rec_hdr *hdr;
	uint32_t len, flags;
	uint64_t c = LOAD(&r->ctrl->consumer), seq, expect = 0;
	int ret;

	while (!h->stop) {
		ret = k2u_peek(r, c, &hdr, &len, &flags);
		if (h->phase != 3 && !h->err[0]) {
			if (ret < 0)
				snprintf(h->err, sizeof(h->err),
					 "impossible position or length at %" PRIu64, c);
			if (ret > 0) {
				seq = kshm_gen_seq(hdr + 1, len);
				if (seq != expect || kshm_gen_check(hdr + 1, len, seq))
					snprintf(h->err, sizeof(h->err),
						 "record %" PRIu64 " where %" PRIu64
						 " was expected, or torn", seq, expect);
				expect = seq + 1;
				h->consumed1++;
			}
		}
		if (ret < 0) {
			c = LOAD(&r->ctrl->producer) & ~7ULL;
			continue;
		}
		if (ret > 0) {
			(void)kshm_gen_check(hdr + 1, len, kshm_gen_seq(hdr + 1, len));
			c += rec_total(len);
			h->consumed++;
		}
		STORE_REL(&r->ctrl->consumer, c);
	}
	return NULL;
}

static void *hostile_writer(void *arg)
{
	struct hostile *h = arg;
	uint64_t rnd = h->seed;
	double t0 = now();

	/* Phase 1: half the writes, and records flowing meanwhile. */
	for (h->writes = 0; h->writes < h->iters / 2 ||
	     (h->consumed1 < 2000 && !h->err[0] && now() - t0 < 30); h->writes++) {
		hostile_harmless(h->r, &rnd);
		if (!(h->writes % 64))
			usleep(100);
	}
	h->writes1 = h->writes;
	/* The main thread looks at the ring before phase 2 begins. */
	h->phase = 2;
	while (h->phase == 2)
		usleep(1000);
	for (; h->writes < h->writes1 + h->iters / 2; h->writes++) {
		hostile_write(h->r, &rnd, false);
		if (!(h->writes % 64))
			usleep(100);
	}
	return NULL;
}

/* The kernel's own positions never took a bad value. */
static void kernel_positions_sane(struct ring *r)
{
	int64_t prod = sysfs_num(r->node, "ring_produced");
	int64_t cons = sysfs_num(r->node, "ring_consumed");

	CHECK(prod >= 0 && cons >= 0 && cons <= prod && prod - cons <= (int64_t)r->size &&
	      !(prod % 8) && !(cons % 8), "kernel_positions_stayed_sane",
	      "ring_produced %" PRId64 " ring_consumed %" PRId64 " size %" PRIu64,
	      prod, cons, r->size);
}

static int do_hostile(uint64_t seed, uint64_t iters)
{
	struct hostile h = { .seed = seed, .iters = iters, .phase = 1 };
	pthread_t tw, tp, tc;
	struct gen_status s = { .err = 1 };
	struct ring r;
	int64_t broken, broken1, prod;
	uint64_t c, seq, got = 0, expect = 0;
	struct kshm_rec_hdr *hdr;
	uint32_t len, flags;
	double t0;
	int ret, ev;
	char err[160] = "";

	if (ring_map(&r, "kshm-gen", false)) {
		result("FAIL", "map", "cannot map /dev/kshm-gen");
		return 1;
	}
	h.r = &r;
	note("%" PRIu64 " random writes over the control page, seed %" PRIu64, iters, seed);
	drain(&r, LOAD(&r.ctrl->consumer));
	ret = gen_run("1000000000 64 wait");
	if (ret) {
		result("FAIL", "run", "write run: %s", strerror(-ret));
		return 1;
	}
	t0 = now();
	pthread_create(&tp, NULL, hostile_poller, &h);
	pthread_create(&tc, NULL, hostile_consumer, &h);
	pthread_create(&tw, NULL, hostile_writer, &h);
	while (h.phase == 1)
		usleep(1000);
	broken1 = sysfs_num(r.node, "ring_broken");
	h.phase = 3;
	pthread_join(tw, NULL);
	h.stop = 1;
	pthread_join(tp, NULL);
	pthread_join(tc, NULL);
	note("%" PRIu64 " writes in %.1f s; meanwhile %" PRIu64 " records consumed, %"
	     PRIu64 " polls (%" PRIu64 " POLLERR)", h.writes, now() - t0, h.consumed,
	     h.polls, h.pollerr);
	CHECK(!h.err[0] && h.consumed1 >= 2000 && broken1 == 0, "harmless_writes:kept_working",
	      "%" PRIu64 " writes to every byte but the positions, %" PRIu64
	      " records consumed in order meanwhile, ring_broken %" PRId64 "%s%s",
	      h.writes1, h.consumed1, broken1, h.err[0] ? ": " : "", h.err);

	/* A broken ring stops the generator at its next reserve. */
	usleep(100000);
	gen_status(&s);
	broken = sysfs_num(r.node, "ring_broken");
	if (broken == 1) {
		ev = poll_fd(r.fd, POLLIN, 1000);
		CHECK(gen_wait_done(&s, 10000) && s.err == -EIO && ev > 0 && (ev & POLLERR),
		      "broken:generator_stopped_with_EIO_and_POLLERR",
		      "poll revents %#x, %s", ev, s.text);
	} else {
		/*
		 * Not broken: the ring must still work. A consumer that
		 * resyncs to the kernel's producer position gets every record
		 * from there on, in order.
		 */
		prod = sysfs_num(r.node, "ring_produced");
		STORE(&r.ctrl->consumer_waiting, 0);
		STORE_REL(&r.ctrl->consumer, (uint64_t)prod);
		c = prod;
		t0 = now();
		while (got < 1000 && now() - t0 < 30) {
			ret = k2u_peek(&r, c, &hdr, &len, &flags);
			if (ret < 0) {
				snprintf(err, sizeof(err), "impossible position at %" PRIu64, c);
				break;
			}
			if (!ret) {
				poll_fd(r.fd, POLLIN, 100);
				continue;
			}
			seq = kshm_gen_seq(hdr + 1, len);
			if ((got && seq != expect) || kshm_gen_check(hdr + 1, len, seq)) {
				snprintf(err, sizeof(err), "record %" PRIu64 " after %" PRIu64
					 ", or torn", seq, expect - 1);
				break;
			}
			expect = seq + 1;
			got++;
			c += rec_total(len);
			STORE_REL(&r.ctrl->consumer, c);
		}
		CHECK(got == 1000 && !err[0] && !s.done, "kept_working",
		      "%" PRIu64 " records in order after the noise%s%s (%s)", got,
		      err[0] ? ": " : "", err, s.text);
		gen_run("stop");
		CHECK(gen_wait_done(&s, 10000) && s.err == -EINTR, "kept_working:stopped",
		      "%s", s.text);
		/* Then break it for certain: past the producer. */
		STORE_REL(&r.ctrl->consumer, c + 8);
		gen_run("10 64 wait");
		gen_wait_done(&s, 10000);
		ev = poll_fd(r.fd, POLLIN, 1000);
		CHECK(s.err == -EIO && ev > 0 && (ev & POLLERR) &&
		      sysfs_num(r.node, "ring_broken") == 1,
		      "broken:generator_stopped_with_EIO_and_POLLERR",
		      "poll revents %#x, %s", ev, s.text);
	}
	/* Broken for good: a new run fails at once, whatever the page says. */
	memset(r.ctrl, 0, sizeof(*r.ctrl));
	ret = gen_run("10 64 wait");
	CHECK(!ret && gen_wait_done(&s, 10000) && s.err == -EIO && s.produced == 0 &&
	      sysfs_num(r.node, "ring_broken") == 1, "stays_broken",
	      "run %d, %s", ret, s.text);
	kernel_positions_sane(&r);
	ring_unmap(&r);
	return failures ? 1 : 0;
}

/*
 * U2K: echo-in's kernel consumer reads the producer position and every
 * header. Phase 1 gives it records that are valid but random (lengths,
 * flag bits it must ignore, discards, garbage payloads): it must take
 * them all. Phase 2 is noise over the control page and the data.
 */
static int do_hostile_u2k(uint64_t seed, uint64_t iters)
{
	uint64_t rnd = seed, i, notify_ok = 0, notify_eio = 0, after_eio_ok = 0;
	uint64_t prod, room, adv, x, committed = 0, discarded = 0;
	int64_t cons, echoed0, echoed1 = -1, broken1;
	struct kshm_rec_hdr *hdr;
	struct ring r, out;
	char other[64] = "", stats[256];
	double t0;
	int ret, ev;

	if (ring_map(&r, "kshm-echo-in", true) || ring_map(&out, "kshm-echo-out", false)) {
		result("FAIL", "map", "cannot map /dev/kshm-echo-in and -out");
		return 1;
	}
	note("%" PRIu64 " records of noise, then %" PRIu64
	     " random writes over the control page and data, seed %" PRIu64,
	     iters / 2, iters, seed);
	/* What an earlier scenario left in echo-in goes through first. */
	prod = LOAD(&r.ctrl->producer);
	t0 = now();
	do {
		STORE_REL(&out.ctrl->consumer, LOAD_ACQ(&out.ctrl->producer));
		usleep(10000);
	} while (sysfs_num(r.node, "ring_consumed") != (int64_t)prod && now() - t0 < 20);
	read_text(ECHO_STATS, stats, sizeof(stats));
	echoed0 = field(stats, "echoed");
	for (i = 0; i < iters / 2; i++) {
		cons = sysfs_num(r.node, "ring_consumed");
		room = r.size - (prod - (uint64_t)cons);
		if (room < 8) {
			usleep(1000);
			continue;
		}
		x = splitmix64(&rnd);
		adv = 8 * (1 + x % (room / 8 < 512 ? room / 8 : 512));
		hdr = ring_hdr(&r, prod);
		/* A length that takes exactly adv bytes; any flags but BUSY. */
		STORE(&hdr->len, (uint32_t)(adv - 8 - (adv >= 16 ? (x >> 16) % 8 : 0)));
		STORE(&hdr->flags, (uint32_t)(x >> 32) & ~(uint32_t)KSHM_REC_BUSY);
		if ((x >> 32) & KSHM_REC_DISCARD)
			discarded++;
		else
			committed++;
		prod += adv;
		STORE_REL(&r.ctrl->producer, prod);
		FENCE();
		if (LOAD(&r.ctrl->consumer_waiting)) {
			STORE(&r.ctrl->consumer_waiting, 0);
			ring_notify(&r);
		}
		/* Whatever echo-out got, skipped: room for more. */
		STORE_REL(&out.ctrl->consumer, LOAD_ACQ(&out.ctrl->producer));
	}
	/* Everything taken, nothing broken. */
	t0 = now();
	while (now() - t0 < 20) {
		STORE_REL(&out.ctrl->consumer, LOAD_ACQ(&out.ctrl->producer));
		ring_notify(&r);
		read_text(ECHO_STATS, stats, sizeof(stats));
		echoed1 = field(stats, "echoed");
		if (echoed1 - echoed0 == (int64_t)committed &&
		    sysfs_num(r.node, "ring_consumed") == (int64_t)prod)
			break;
		usleep(10000);
	}
	broken1 = sysfs_num(r.node, "ring_broken");
	CHECK(echoed1 - echoed0 == (int64_t)committed && broken1 == 0 &&
	      sysfs_num(r.node, "ring_consumed") == (int64_t)prod,
	      "valid_noise:every_record_taken",
	      "%" PRIu64 " committed and %" PRIu64 " discarded records of random lengths and"
	      " flags: %" PRId64 " echoed, consumed %" PRId64 " of %" PRIu64
	      ", ring_broken %" PRId64, committed, discarded, echoed1 - echoed0,
	      sysfs_num(r.node, "ring_consumed"), prod, broken1);

	for (i = 0; i < iters; i++) {
		hostile_write(&r, &rnd, true);
		/* Sometimes a committed-looking record at the kernel's position. */
		if (!(i % 5)) {
			cons = sysfs_num(r.node, "ring_consumed");
			if (cons >= 0) {
				hdr = ring_hdr(&r, cons);
				STORE(&hdr->len, (uint32_t)(splitmix64(&rnd) % (2 * r.size)));
				STORE(&hdr->flags, (uint32_t)(splitmix64(&rnd) & ~1ULL));
			}
		}
		ret = ring_notify(&r);
		if (!ret) {
			notify_ok++;
			if (notify_eio)
				after_eio_ok++;
		} else if (ret == -EIO) {
			notify_eio++;
		} else if (!other[0]) {
			snprintf(other, sizeof(other), "%s", strerror(-ret));
		}
		(void)poll_fd(r.fd, POLLOUT, 0);
		STORE_REL(&out.ctrl->consumer, LOAD_ACQ(&out.ctrl->producer));
	}
	/* Then, for certain, a producer position that is not a multiple of 8. */
	cons = sysfs_num(r.node, "ring_consumed");
	STORE_REL(&r.ctrl->producer, (uint64_t)cons + 3);
	ret = ring_notify(&r);
	usleep(200000);
	ret = ring_notify(&r);
	ev = poll_fd(r.fd, POLLOUT, 1000);
	note("NOTIFY in the noise: %" PRIu64 " ok, %" PRIu64 " EIO", notify_ok, notify_eio);
	CHECK(!other[0] && !after_eio_ok, "notify_0_then_EIO_for_good",
	      "%" PRIu64 " ok after the first EIO%s%s", after_eio_ok,
	      other[0] ? ", another error: " : "", other);
	CHECK(ret == -EIO && ev > 0 && (ev & POLLERR) &&
	      sysfs_num(r.node, "ring_broken") == 1, "broken:EIO_POLLERR_ring_broken",
	      "notify %d, poll revents %#x, ring_broken %" PRId64, ret, ev,
	      sysfs_num(r.node, "ring_broken"));
	kernel_positions_sane(&r);
	ring_unmap(&r);
	ring_unmap(&out);
	return failures ? 1 : 0;
}

/* ---- icmp: the ping capture ---- */

struct ping_line {
	int seq, ttl, bytes;
	uint64_t request_ns, reply_ns;
	bool request_seen, reply_seen;
};

static int do_icmp(void)
{
	struct kshm_icmp_rec recs[64];
	struct ping_line lines[16];
	struct kshm_rec_hdr *hdr;
	int nrec = 0, nlines = 0, ifindex, sock, pipefd[2], status, i, j;
	uint32_t len, flags;
	uint64_t c, t_start, t_end;
	char out[4096], *line, *save, problem[256] = "", stats[128] = "";
	size_t outlen = 0;
	struct ifreq ifr;
	struct ring r;
	pid_t pid;
	bool eof = false, ids_ok = true, matched = true, bad_rec = false;
	int64_t dropped;

	/* What ping needs from the kernel; without it, a skip. */
	sock = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (sock < 0) {
		result("SKIP", "ping", "no raw ICMP socket: %s", strerror(errno));
		return 0;
	}
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(sock, SIOCGIFINDEX, &ifr)) {
		result("SKIP", "ping", "no loopback device: %s", strerror(errno));
		close(sock);
		return 0;
	}
	ifindex = ifr.ifr_ifindex;
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) || !(ifr.ifr_flags & IFF_UP)) {
		result("SKIP", "ping", "lo is not up");
		close(sock);
		return 0;
	}
	close(sock);

	if (ring_map(&r, "kshm-icmp", false)) {
		result("FAIL", "map", "cannot map /dev/kshm-icmp");
		return 1;
	}
	c = drain(&r, LOAD(&r.ctrl->consumer));
	dropped = sysfs_num(r.node, "ring_dropped");
	if (pipe(pipefd)) {
		result("FAIL", "pipe", "%s", strerror(errno));
		return 1;
	}
	t_start = now_ns();
	pid = fork();
	if (!pid) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		execlp("ping", "ping", "-c", "5", "127.0.0.1", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	/* Read the ring live while ping runs, and ping's output. */
	while (!eof || k2u_peek(&r, c, &hdr, &len, &flags) > 0) {
		struct pollfd pfd[2] = { { .fd = pipefd[0], .events = POLLIN },
					 { .fd = r.fd, .events = POLLIN } };
		int ret = k2u_peek(&r, c, &hdr, &len, &flags);

		if (ret > 0) {
			if (len != sizeof(struct kshm_icmp_rec) || (flags & KSHM_REC_DISCARD))
				bad_rec = true;
			else if (nrec < 64)
				memcpy(&recs[nrec++], hdr + 1, sizeof(recs[0]));
			c += rec_total(len);
			STORE_REL(&r.ctrl->consumer, c);
			continue;
		}
		if (ret < 0) {
			bad_rec = true;
			break;
		}
		if (poll(eof ? pfd + 1 : pfd, eof ? 1 : 2, eof ? 200 : 20000) <= 0)
			break;
		if (!eof && (pfd[0].revents & (POLLIN | POLLHUP))) {
			ssize_t n = read(pipefd[0], out + outlen, sizeof(out) - 1 - outlen);

			if (n <= 0)
				eof = true;
			else
				outlen += n;
		}
	}
	out[outlen] = '\0';
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	t_end = now_ns();
	printf("%s", out);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		/* The kernel had what ping needs: its failure is a failure. */
		result("FAIL", "ping", "ping -c 5 127.0.0.1 exited %d",
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		ring_unmap(&r);
		return 1;
	}
	/* "64 bytes from 127.0.0.1: seq=0 ttl=64 time=0.123 ms" */
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct ping_line pl = { 0 };
		char *s = strstr(line, " seq="), *t = strstr(line, " ttl=");

		if (!strstr(line, "bytes from 127.0.0.1") || !s || !t || nlines == 16)
			continue;
		pl.bytes = atoi(line);
		pl.seq = atoi(s + 5);
		pl.ttl = atoi(t + 5);
		lines[nlines++] = pl;
	}
	note("%d replies reported by ping, %d records read", nlines, nrec);
	for (i = 0; i < nrec; i++) {
		struct kshm_icmp_rec *x = &recs[i];
		char src[16], dst[16];

		inet_ntop(AF_INET, &x->saddr, src, sizeof(src));
		inet_ntop(AF_INET, &x->daddr, dst, sizeof(dst));
		note("record: %s -> %s type %u code %u id %u seq %u ttl %u icmp_len %u ifindex %u",
		     src, dst, x->type, x->code, x->id, x->seq, x->ttl, x->icmp_len, x->ifindex);
		if (x->id != recs[0].id || !(x->flags & KSHM_ICMP_ECHO))
			ids_ok = false;
	}
	/* Each reply ping reports: its request and its reply, as ping saw them. */
	for (i = 0; i < nlines; i++) {
		for (j = 0; j < nrec; j++) {
			struct kshm_icmp_rec *x = &recs[j];
			bool ours = x->saddr == htonl(INADDR_LOOPBACK) &&
				    x->daddr == htonl(INADDR_LOOPBACK) &&
				    x->seq == lines[i].seq && x->icmp_len == lines[i].bytes &&
				    x->code == 0 && (int)x->ifindex == ifindex &&
				    x->tstamp_ns >= t_start && x->tstamp_ns <= t_end;

			if (ours && x->type == 8) {
				if (lines[i].request_seen)
					matched = false;	/* twice */
				lines[i].request_seen = true;
				lines[i].request_ns = x->tstamp_ns;
			} else if (ours && x->type == 0 && x->ttl == lines[i].ttl) {
				if (lines[i].reply_seen)
					matched = false;
				lines[i].reply_seen = true;
				lines[i].reply_ns = x->tstamp_ns;
			}
		}
		if (!lines[i].request_seen || !lines[i].reply_seen) {
			matched = false;
			if (!problem[0])
				snprintf(problem, sizeof(problem), ": seq=%d request %s, reply %s",
					 lines[i].seq, lines[i].request_seen ? "seen" : "missing",
					 lines[i].reply_seen ? "seen" : "missing");
		}
	}
		/* The request came in before its reply. */
		if (lines[i].request_ns > lines[i].reply_ns)
			matched = false;
	CHECK(nlines == 5 && nrec == 10 && matched && !bad_rec,
	      "5_requests_5_replies_match_ping",
	      "ping reported %d replies, %d records%s%s", nlines, nrec,
	      bad_rec ? ", a record of a bad length" : "", problem);
	CHECK(nrec > 0 && ids_ok && recs[0].id == (uint16_t)pid,
	      "echo_id_is_pings", "id %u, ping's pid %d (busybox ping uses its pid)",
	      nrec ? recs[0].id : 0, (int)pid);
	read_text(ICMP_STATS, stats, sizeof(stats));
	stats[strcspn(stats, "\n")] = '\0';
	CHECK(sysfs_num(r.node, "ring_dropped") == dropped &&
	      !strcmp(stats, "captured=10 failed=0"), "nothing_dropped",
	      "ring_dropped %" PRId64 " -> %" PRId64 ", kshm_icmp %s", dropped,
	      sysfs_num(r.node, "ring_dropped"), stats);
	ring_unmap(&r);
	return failures ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: kshm-ringtest [-g GROUP] echo|hostile-u2k|race|kill|poll|hostile|icmp"
		" [-n N] [-S SEED] [-m MAXLEN] [-k ITER]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t n = 0, seed, iters = 20000;
	uint32_t maxlen = 4096;
	int opt;

	seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && !strcmp(argv[1], "-g")) {
		group = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		usage();
	scenario = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "n:S:m:k:")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoull(optarg, NULL, 0);
			break;
		case 'S':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'm':
			maxlen = strtoul(optarg, NULL, 0);
			break;
		case 'k':
			iters = strtoull(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(scenario, "echo"))
		return do_echo(n ? n : 1000000, seed, maxlen ? maxlen : 4096);
	if (!strcmp(scenario, "hostile-u2k"))
		return do_hostile_u2k(seed, iters);
	if (!strcmp(scenario, "race"))
		return do_race(n ? n : 2000000);
	if (!strcmp(scenario, "kill"))
		return do_kill(n ? n : 60000, seed);
	if (!strcmp(scenario, "poll"))
		return do_poll();
	if (!strcmp(scenario, "hostile"))
		return do_hostile(seed, iters);
	if (!strcmp(scenario, "icmp"))
		return do_icmp();
	usage();
	return 2;
}
