// SPDX-License-Identifier: GPL-2.0
/*
 * ring-bench: records from the kernel to user space through a kshm ring,
 * against the same records over netlink and through read(), and round
 * trips user->kernel->user through kshm_echo.
 *
 * Runs in the test VM (make bench: tests/vm/guest/ring-bench.sh) with
 * kshm.ko and the modules of examples/kernel/ loaded. Every method moves
 * records 0..N-1 of S bytes made by the same generator (kshm_gen.h), and
 * the consumer checks every byte of every record, in order, so each
 * method delivers and reads the same data:
 *
 *   ring-busy   kshm_gen's kernel thread produces into the ring of
 *               /dev/kshm-gen; the consumer spins on the mapped ring and
 *               makes no system call at all
 *   ring-poll   the same, but the consumer sleeps in poll() whenever the
 *               ring is empty (the producer wakes it only then)
 *   netlink     kshm_nlbench's kernel thread netlink_unicast()s one
 *               message per record; one recv() per record
 *   read        kshm_fifobench's kernel thread fills a kfifo; one read()
 *               per record
 *   echo-rtt    one record at a time into /dev/kshm-echo-in, waited for
 *               (poll()) on /dev/kshm-echo-out: round trips per second
 *   echo-stream records kept in flight both ways (at most half of
 *               echo-out's ring), consumed as they come back
 *
 * kshm_gen runs in its wait mode: when the ring is full the thread retries
 * the same record, so no record is dropped and every method moves all N.
 * The ring-* rows count the consumer wake-ups the driver made
 * (ring_wakeups in sysfs) and the refused attempts (ring full, retried).
 * Each figure is the best of RUNS runs, the methods of a size taking turns.
 *
 * The producer threads are bound to one CPU (the modules' cpu= parameter)
 * and ring-bench to another, the same for every method, so that the
 * scheduler's placement does not decide a run: a consumer that spins on
 * the CPU its producer needs would measure the time slice, not the ring.
 *
 * Usage: ring-bench [-r RUNS] [-s SIZE,...] [-t SECONDS | -n COUNT,...]
 *		     [-P CPU] [-C CPU] [-b BYTES] [METHOD...]
 *   -s  record sizes (default 64,1024,16384); -t  each run moves as many
 *   records as fill SECONDS (default 1), as a first, short run measured
 *   (1/20 of 512000000/SIZE records, within 50000 and 1000000: of 1000000,
 *   500000, 50000 for the default sizes; echo-rtt 1/1000); -n  a fixed
 *   number of records per size instead (echo-rtt a tenth); -P, -C  the
 *   producers' CPU and ring-bench's (default 0 and 1 with two CPUs or
 *   more; -1: anywhere); -b  the ring consumers publish their position
 *   once BYTES are consumed, or when they catch up (default 0: after every
 *   record)
 * Prints Markdown tables, then one "KSHM-BENCH method size records/s
 * MB/s" line per figure for tools/ring-bench-plot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/kshm.h>
#include <linux/netlink.h>

#include "../examples/kernel/kshm_gen.h"
#include "../examples/kernel/kshm_nlbench.h"

#define GEN_PARAMS	"/sys/module/kshm_gen/parameters/"
#define FIFO_DEV	"/dev/kshm_fifobench"
#define MAX_SIZES	8
#define STALL_S		10.0	/* no record for this long: stuck */

enum method { RING_BUSY, RING_POLL, NETLINK, READ, ECHO_RTT, ECHO_STREAM,
	      NR_METHODS };

static const char *const method_names[NR_METHODS] = {
	"ring-busy", "ring-poll", "netlink", "read", "echo-rtt", "echo-stream",
};

struct result {
	double rate;		/* records (round trips) per second */
	uint64_t wakeups;	/* ring: consumer wake-ups by the driver */
	uint64_t full;		/* ring: refused attempts, retried */
	uint64_t count;		/* records (round trips) per run */
	uint64_t stalls;	/* poll() timeouts (1 s) before a record came */
	bool done;
};

struct ring {
	int fd;
	struct kshm_ring_ctrl *ctrl;
	unsigned char *data;
	uint64_t size;
	uint64_t pos;		/* our side's position: consumer or producer */
	uint64_t published;	/* consumer: the position last published */
	uint64_t notifies;	/* producer: KSHM_IOC_RING_NOTIFY calls */
	char name[32];
};

static const char *const producer_modules[] = {
	"kshm_gen", "kshm_nlbench", "kshm_fifobench",
};

static int runs = 3;
static double run_seconds = 1.0;	/* -t; 0 with -n: fixed counts */
static uint64_t release_batch;	/* -b: consumer publishes after this many bytes */

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ring-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	n = write(fd, text, strlen(text));
	if (n < 0)
		die("%s: write \"%s\": %s", path, text, strerror(errno));
	close(fd);
}

static void read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	n = read(fd, buf, len - 1);
	if (n < 0)
		die("%s: %s", path, strerror(errno));
	buf[n] = '\0';
	close(fd);
}

static uint64_t ring_sysfs(const struct ring *r, const char *attr)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), "/sys/class/misc/kshm-%s/%s", r->name, attr);
	read_file(path, buf, sizeof(buf));
	return strtoull(buf, NULL, 0);
}

static uint64_t rec_total(uint32_t len)
{
	return (KSHM_REC_HDR_SIZE + (uint64_t)len + KSHM_REC_ALIGN - 1) &
	       ~(uint64_t)(KSHM_REC_ALIGN - 1);
}

/* Map the ring of /dev/kshm-NAME: the control page, then the data twice. */
static void ring_open(struct ring *r, const char *name, bool producer)
{
	long page = sysconf(_SC_PAGESIZE);
	char path[64];
	void *p;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(path, sizeof(path), "/dev/kshm-%s", name);
	r->fd = open(path, O_RDWR | O_CLOEXEC);
	if (r->fd < 0)
		die("%s: %s (is its module loaded?)", path, strerror(errno));
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (p == MAP_FAILED)
		die("%s: mmap control page: %s", path, strerror(errno));
	r->ctrl = p;
	r->size = __atomic_load_n(&r->ctrl->size, __ATOMIC_RELAXED);
	if (!r->size || (r->size & (r->size - 1)))
		die("%s: no ring (size %llu)", path, (unsigned long long)r->size);
	p = mmap(NULL, 2 * r->size, PROT_READ | (producer ? PROT_WRITE : 0),
		 MAP_SHARED, r->fd, page);
	if (p == MAP_FAILED)
		die("%s: mmap data: %s", path, strerror(errno));
	r->data = p;
	r->pos = __atomic_load_n(producer ? &r->ctrl->producer :
				 &r->ctrl->consumer, __ATOMIC_RELAXED);
	r->published = r->pos;
}

/* Consumer: give the producer back the room of what we consumed. */
static void ring_publish(struct ring *r)
{
	if (r->published != r->pos) {
		__atomic_store_n(&r->ctrl->consumer, r->pos, __ATOMIC_RELEASE);
		r->published = r->pos;
	}
}

/* Consumer: the committed record at our position, or NULL; skips discards. */
static const struct kshm_rec_hdr *ring_peek(struct ring *r)
{
	const struct kshm_rec_hdr *h;
	uint32_t flags;

	for (;;) {
		if (r->pos == __atomic_load_n(&r->ctrl->producer, __ATOMIC_ACQUIRE))
			break;
		h = (const void *)(r->data + (r->pos & (r->size - 1)));
		flags = __atomic_load_n(&h->flags, __ATOMIC_ACQUIRE);
		if (flags & KSHM_REC_BUSY)
			break;
		if (h->len > r->size - KSHM_REC_HDR_SIZE)
			die("%s: record of %u bytes at %llu", r->name, h->len,
			    (unsigned long long)r->pos);
		if (!(flags & KSHM_REC_DISCARD))
			return h;
		r->pos += rec_total(h->len);
	}
	/* Caught up: whatever we consumed goes back before we wait. */
	ring_publish(r);
	return NULL;
}

/* Done with @h: publish now, or with the batch (-b). */
static void ring_release(struct ring *r, const struct kshm_rec_hdr *h)
{
	r->pos += rec_total(h->len);
	if (r->pos - r->published >= release_batch)
		ring_publish(r);
}

/*
 * Sleep until a record is at our position, or a second passes; count the
 * second in @stalls: a record should never be that late.
 */
static void ring_wait(struct ring *r, uint64_t *stalls)
{
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	int n = poll(&pfd, 1, 1000);

	if (n < 0 && errno != EINTR)
		die("%s: poll: %s", r->name, strerror(errno));
	if (!n)
		(*stalls)++;
	if (pfd.revents & POLLERR)
		die("%s: the ring is broken", r->name);
}

/* Producer: room for a record of @len bytes, or NULL when full. */
static void *ring_reserve(struct ring *r, uint32_t len)
{
	uint64_t t = rec_total(len);
	uint64_t c = __atomic_load_n(&r->ctrl->consumer, __ATOMIC_ACQUIRE);
	struct kshm_rec_hdr *h;

	if (t > r->size - (r->pos - c))
		return NULL;
	h = (void *)(r->data + (r->pos & (r->size - 1)));
	h->len = len;
	__atomic_store_n(&h->flags, KSHM_REC_BUSY, __ATOMIC_RELAXED);
	r->pos += t;
	__atomic_store_n(&r->ctrl->producer, r->pos, __ATOMIC_RELEASE);
	return h + 1;
}

/* Commit, and wake the kernel consumer if (and only if) it sleeps. */
static void ring_commit(struct ring *r, void *rec)
{
	struct kshm_rec_hdr *h = (struct kshm_rec_hdr *)rec - 1;
	struct kshm_ring_notify n = { 0 };

	__atomic_store_n(&h->flags, 0, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&r->ctrl->consumer_waiting, __ATOMIC_RELAXED)) {
		__atomic_store_n(&r->ctrl->consumer_waiting, 0, __ATOMIC_RELAXED);
		if (ioctl(r->fd, KSHM_IOC_RING_NOTIFY, &n) < 0)
			die("%s: KSHM_IOC_RING_NOTIFY: %s", r->name, strerror(errno));
		r->notifies++;
	}
}

static void check_record(const char *what, const void *p, uint32_t len,
			 uint32_t size, uint64_t seq)
{
	uint32_t bad;

	if (len != size)
		die("%s: record %llu has %u bytes, not %u", what,
		    (unsigned long long)seq, len, size);
	bad = kshm_gen_check(p, len, seq);
	if (bad)
		die("%s: record %llu differs at byte %u (it claims to be %llu)",
		    what, (unsigned long long)seq, bad - 1,
		    (unsigned long long)kshm_gen_seq(p, len));
}

/* Both sides of a ring, as a report of where it is stuck. */
static void ring_dump(const struct ring *r)
{
	const struct kshm_ring_ctrl *c = r->ctrl;

	fprintf(stderr, "ring-bench: %s: our position %llu; control page: producer %llu consumer %llu producer_waiting %u consumer_waiting %u flags %#x dropped %llu; sysfs: produced %llu consumed %llu wakeups %llu broken %llu\n",
		r->name, (unsigned long long)r->pos,
		(unsigned long long)__atomic_load_n(&c->producer, __ATOMIC_ACQUIRE),
		(unsigned long long)__atomic_load_n(&c->consumer, __ATOMIC_ACQUIRE),
		__atomic_load_n(&c->producer_waiting, __ATOMIC_ACQUIRE),
		__atomic_load_n(&c->consumer_waiting, __ATOMIC_ACQUIRE),
		__atomic_load_n(&c->flags, __ATOMIC_ACQUIRE),
		(unsigned long long)__atomic_load_n(&c->dropped, __ATOMIC_ACQUIRE),
		(unsigned long long)ring_sysfs(r, "ring_produced"),
		(unsigned long long)ring_sysfs(r, "ring_consumed"),
		(unsigned long long)ring_sysfs(r, "ring_wakeups"),
		(unsigned long long)ring_sysfs(r, "ring_broken"));
}

/* No record since @t_last for STALL_S: say where the rings stand, and die. */
static void stall_check(double t_last, const char *what, uint64_t seq,
			const struct ring *a, const struct ring *b)
{
	if (now() - t_last <= STALL_S)
		return;
	if (a)
		ring_dump(a);
	if (b)
		ring_dump(b);
	die("%s: stuck at record %llu: nothing for %.0f s", what,
	    (unsigned long long)seq, STALL_S);
}

static const char *gen_status_text(void)
{
	static char buf[512];

	read_file(GEN_PARAMS "status", buf, sizeof(buf));
	return buf;
}

/* Where a ring consumer stands, before it dies of a bad record. */
static void ring_report(const struct ring *r, const char *what)
{
	unsigned long long prod, cons, kprod, kcons;

	prod = __atomic_load_n(&r->ctrl->producer, __ATOMIC_ACQUIRE);
	cons = __atomic_load_n(&r->ctrl->consumer, __ATOMIC_ACQUIRE);
	kprod = ring_sysfs(r, "ring_produced");
	kcons = ring_sysfs(r, "ring_consumed");
	fprintf(stderr, "ring-bench: %s: at %llu: producer %llu, consumer %llu (published), kernel: produced %llu, consumed %llu; kshm_gen: %s",
		what, (unsigned long long)r->pos, prod, cons, kprod, kcons,
		gen_status_text());
}

/* kshm_gen's last run, once over: its err= and full= fields. */
static void gen_finish(int *err, uint64_t *full, uint64_t *produced)
{
	char buf[512], *s;
	double t0 = now();

	for (;;) {
		read_file(GEN_PARAMS "status", buf, sizeof(buf));
		if (!strncmp(buf, "done", 4))
			break;
		if (now() - t0 > 10)
			die("kshm_gen did not finish: %s", buf);
		usleep(1000);
	}
	s = strstr(buf, "err=");
	*err = s ? atoi(s + 4) : -1;
	s = strstr(buf, "full=");
	*full = s ? strtoull(s + 5, NULL, 10) : 0;
	s = strstr(buf, "produced=");
	*produced = s ? strtoull(s + 9, NULL, 10) : 0;
}

static void bench_ring(uint32_t size, uint64_t count, bool busy,
		       struct result *res)
{
	const char *what = busy ? "ring-busy" : "ring-poll";
	uint64_t w0, seq = 0, full, produced;
	const struct kshm_rec_hdr *h;
	unsigned long idle = 0;
	double t0, t, t_last;
	struct ring r;
	char cmd[64];
	int err;

	ring_open(&r, KSHM_GEN_REGION, false);
	if (size > r.size - KSHM_REC_HDR_SIZE)
		die("%s: %u bytes do not fit the ring", what, size);
	w0 = ring_sysfs(&r, "ring_wakeups");
	snprintf(cmd, sizeof(cmd), "%llu %u wait", (unsigned long long)count,
		 size);
	t0 = t_last = now();
	write_file(GEN_PARAMS "run", cmd);
	while (seq < count) {
		h = ring_peek(&r);
		if (!h) {
			if (!busy) {
				ring_wait(&r, &res->stalls);
				stall_check(t_last, what, seq, &r, NULL);
			} else if (!(++idle & 0xfffff)) {
				stall_check(t_last, what, seq, &r, NULL);
			} else {
				cpu_relax();
			}
			continue;
		}
		if (!(seq & 0xffff))
			t_last = now();
		if (h->len != size || kshm_gen_check(h + 1, h->len, seq))
			ring_report(&r, what);
		check_record(what, h + 1, h->len, size, seq);
		ring_release(&r, h);
		seq++;
	}
	ring_publish(&r);
	t = now() - t0;
	gen_finish(&err, &full, &produced);
	if (err || produced != count)
		die("%s: kshm_gen produced %llu of %llu, error %d", what,
		    (unsigned long long)produced, (unsigned long long)count, err);
	res->rate = count / t;
	res->wakeups = ring_sysfs(&r, "ring_wakeups") - w0;
	res->full = full;
	munmap(r.data, 2 * r.size);
	munmap(r.ctrl, sysconf(_SC_PAGESIZE));
	close(r.fd);
}

static void bench_netlink(uint32_t size, uint64_t count, struct result *res)
{
	struct {
		struct nlmsghdr h;
		struct kshm_nlbench_run run;
	} req = {
		.h = {
			.nlmsg_len = NLMSG_LENGTH(sizeof(struct kshm_nlbench_run)),
			.nlmsg_type = KSHM_NLBENCH_MSG_RUN,
			.nlmsg_flags = NLM_F_REQUEST,
			.nlmsg_seq = 1,
		},
		.run = { .count = count, .size = size },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 10 };
	int fd, rcvbuf = 1 << 20;	/* the ring's data size */
	size_t buflen = NLMSG_SPACE(size) + 4096;
	struct nlmsghdr *nlh;
	uint64_t seq = 0;
	double t0, t;
	ssize_t n;
	void *buf;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, KSHM_NLBENCH_PROTO);
	if (fd < 0)
		die("netlink: socket(protocol %d): %s (is kshm_nlbench loaded?)",
		    KSHM_NLBENCH_PROTO, strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)))
		die("netlink: SO_RCVBUF: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("netlink: SO_RCVTIMEO: %s", strerror(errno));
	buf = malloc(buflen);
	if (!buf)
		die("out of memory");
	t0 = now();
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		die("netlink: send the request: %s", strerror(errno));
	for (;;) {
		n = recv(fd, buf, buflen, 0);
		if (n < 0)
			die("netlink: recv after %llu records: %s",
			    (unsigned long long)seq, strerror(errno));
		nlh = buf;
		if (n < (ssize_t)sizeof(*nlh) || !NLMSG_OK(nlh, (size_t)n))
			die("netlink: a short message (%zd bytes)", n);
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nlh);

			die("netlink: the request failed: %s", strerror(-e->error));
		}
		if (nlh->nlmsg_type == NLMSG_DONE)
			break;
		check_record("netlink", NLMSG_DATA(nlh),
			     nlh->nlmsg_len - NLMSG_LENGTH(0), size, seq);
		seq++;
	}
	t = now() - t0;
	{
		struct kshm_nlbench_done *d = NLMSG_DATA(nlh);

		if (seq != count || d->sent != count || d->error)
			die("netlink: %llu records of %llu, the module sent %llu, error %d",
			    (unsigned long long)seq, (unsigned long long)count,
			    (unsigned long long)d->sent, d->error);
	}
	res->rate = count / t;
	free(buf);
	close(fd);
}

static void bench_read(uint32_t size, uint64_t count, struct result *res)
{
	uint64_t seq = 0;
	char cmd[64];
	double t0, t;
	ssize_t n;
	void *buf;
	int fd;

	fd = open(FIFO_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s (is kshm_fifobench loaded?)", FIFO_DEV, strerror(errno));
	buf = malloc(size);
	if (!buf)
		die("out of memory");
	snprintf(cmd, sizeof(cmd), "%llu %u", (unsigned long long)count, size);
	t0 = now();
	if (write(fd, cmd, strlen(cmd)) < 0)
		die("%s: write \"%s\": %s", FIFO_DEV, cmd, strerror(errno));
	for (seq = 0; seq < count; seq++) {
		n = read(fd, buf, size);
		if (n < 0)
			die("read: record %llu: %s", (unsigned long long)seq,
			    strerror(errno));
		if (n == 0)
			die("read: end after %llu records of %llu",
			    (unsigned long long)seq, (unsigned long long)count);
		check_record("read", buf, n, size, seq);
	}
	t = now() - t0;
	n = read(fd, buf, size);
	if (n != 0)
		die("read: more than %llu records (%zd)", (unsigned long long)count, n);
	res->rate = count / t;
	free(buf);
	close(fd);
}

static void echo_open(struct ring *in, struct ring *out)
{
	ring_open(in, "echo-in", true);
	ring_open(out, "echo-out", false);
}

static void echo_close(struct ring *in, struct ring *out)
{
	long page = sysconf(_SC_PAGESIZE);
	struct ring *r[2] = { in, out };
	int i;

	ring_publish(out);
	for (i = 0; i < 2; i++) {
		munmap(r[i]->data, 2 * r[i]->size);
		munmap(r[i]->ctrl, page);
		close(r[i]->fd);
	}
}

/* One record in flight: produce, wait for it to come back, check it. */
static void bench_echo_rtt(uint32_t size, uint64_t count, struct result *res)
{
	const struct kshm_rec_hdr *h;
	struct ring in, out;
	uint64_t seq, w0;
	double t0, t;
	void *p;

	echo_open(&in, &out);
	w0 = ring_sysfs(&out, "ring_wakeups");
	t0 = now();
	for (seq = 0; seq < count; seq++) {
		double t_sent = now();

		p = ring_reserve(&in, size);
		if (!p)
			die("echo-rtt: echo-in is full with one record in flight");
		kshm_gen_fill(p, size, seq);
		ring_commit(&in, p);
		while (!(h = ring_peek(&out))) {
			ring_wait(&out, &res->stalls);
			stall_check(t_sent, "echo-rtt", seq, &in, &out);
		}
		check_record("echo-rtt", h + 1, h->len, size, seq);
		ring_release(&out, h);
	}
	t = now() - t0;
	res->rate = count / t;
	res->wakeups = ring_sysfs(&out, "ring_wakeups") - w0 + in.notifies;
	echo_close(&in, &out);
}

/* Records in flight both ways, at most half of echo-out's ring. */
static void bench_echo_stream(uint32_t size, uint64_t count, struct result *res)
{
	uint64_t produced = 0, consumed = 0, window, w0;
	const struct kshm_rec_hdr *h;
	struct ring in, out;
	double t0, t, t_last;
	bool progress;
	void *p;

	echo_open(&in, &out);
	window = out.size / 2 / rec_total(size);
	if (window > in.size / rec_total(size))
		window = in.size / rec_total(size);
	if (!window)
		die("echo-stream: %u bytes do not fit the rings", size);
	w0 = ring_sysfs(&out, "ring_wakeups");
	t0 = t_last = now();
	while (consumed < count) {
		progress = false;
		while (produced < count && produced - consumed < window) {
			p = ring_reserve(&in, size);
			if (!p)
				break;
			kshm_gen_fill(p, size, produced);
			ring_commit(&in, p);
			produced++;
			progress = true;
		}
		while ((h = ring_peek(&out))) {
			check_record("echo-stream", h + 1, h->len, size, consumed);
			ring_release(&out, h);
			consumed++;
			progress = true;
		}
		if (progress) {
			t_last = now();
		} else {
			ring_wait(&out, &res->stalls);
			stall_check(t_last, "echo-stream", consumed, &in, &out);
		}
	}
	t = now() - t0;
	res->rate = count / t;
	res->wakeups = ring_sysfs(&out, "ring_wakeups") - w0 + in.notifies;
	echo_close(&in, &out);
}

static void run_method(enum method m, uint32_t size, uint64_t count,
		       struct result *res)
{
	memset(res, 0, sizeof(*res));
	switch (m) {
	case RING_BUSY:
	case RING_POLL:
		bench_ring(size, count, m == RING_BUSY, res);
		break;
	case NETLINK:
		bench_netlink(size, count, res);
		break;
	case READ:
		bench_read(size, count, res);
		break;
	case ECHO_RTT:
		bench_echo_rtt(size, count, res);
		break;
	case ECHO_STREAM:
		bench_echo_stream(size, count, res);
		break;
	default:
		die("no method %d", m);
	}
}

/*
 * How many records a run of @m moves: unless -n fixed the counts, as
 * many as fill run_seconds by a first, shorter run (a twentieth of
 * @count, a thousandth for round trips), so that every method's runs last
 * about as long and meet the same share of whatever else the machine runs.
 */
static uint64_t run_count(enum method m, uint32_t size, uint64_t count,
			  struct result *best)
{
	struct result res;

	if (run_seconds > 0) {
		uint64_t first = count / (m == ECHO_RTT ? 1000 : 20);

		run_method(m, size, first ? first : 1, &res);
		best->stalls += res.stalls;
		count = res.rate * run_seconds;
		return count < 1000 ? 1000 : count;
	}
	if (m == ECHO_RTT)
		return count / 10 ? count / 10 : 1;
	return count;
}

/*
 * The best of RUNS runs of each method, taken in turns (one run of each,
 * then again), so that a busy spell of the machine falls on all alike.
 * Poll timeouts are every run's.
 */
static void run_size(const bool *want, uint32_t size, uint64_t count,
		     struct result *best[NR_METHODS])
{
	uint64_t n[NR_METHODS] = { 0 };
	struct result res;
	int i, m;

	for (m = 0; m < NR_METHODS; m++)
		if (want[m])
			n[m] = run_count(m, size, count, best[m]);
	for (i = 0; i < runs; i++) {
		for (m = 0; m < NR_METHODS; m++) {
			if (!want[m])
				continue;
			run_method(m, size, n[m], &res);
			res.count = n[m];
			res.stalls += best[m]->stalls;
			if (!best[m]->done || res.rate > best[m]->rate) {
				*best[m] = res;
				best[m]->done = true;
			} else {
				best[m]->stalls = res.stalls;
			}
		}
	}
}

static int parse_list(const char *arg, unsigned long long *v, int max)
{
	char *copy = strdup(arg), *tok, *save = NULL, *end;
	int n = 0;

	if (!copy)
		die("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == max)
			die("at most %d values: %s", max, arg);
		v[n] = strtoull(tok, &end, 0);
		if (*end || !v[n])
			die("not a positive number: %s", tok);
		n++;
	}
	free(copy);
	return n;
}

/* Bind the modules' producer threads to @prod, and ourselves to @cons. */
static void place(int prod, int cons)
{
	char path[96], val[16];
	cpu_set_t set;
	size_t i;

	snprintf(val, sizeof(val), "%d", prod);
	for (i = 0; i < sizeof(producer_modules) / sizeof(producer_modules[0]); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s/parameters/cpu",
			 producer_modules[i]);
		if (!access(path, F_OK))
			write_file(path, val);
	}
	if (cons < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cons, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("-C %d: %s", cons, strerror(errno));
}

static double ratio(const struct result *a, const struct result *b)
{
	return a->done && b->done && b->rate > 0 ? a->rate / b->rate : 0;
}

static void print_tables(bool *want, unsigned long long *sizes, int nsizes,
			 struct result res[][MAX_SIZES])
{
	int m, i;

	printf("| method | record | records/run | records/s | MB/s | wake-ups | ring full, retried |\n");
	printf("|---|---|---|---|---|---|---|\n");
	for (m = RING_BUSY; m <= READ; m++) {
		for (i = 0; want[m] && i < nsizes; i++) {
			const struct result *r = &res[m][i];

			printf("| %s | %llu B | %llu | %.0f | %.1f |",
			       method_names[m], sizes[i],
			       (unsigned long long)r->count, r->rate,
			       r->rate * sizes[i] / 1e6);
			if (m <= RING_POLL)
				printf(" %llu | %llu |\n",
				       (unsigned long long)r->wakeups,
				       (unsigned long long)r->full);
			else
				printf(" - | - |\n");
		}
	}
	printf("\n| record | ring-busy / netlink | ring-poll / netlink | ring-busy / read | ring-poll / read |\n");
	printf("|---|---|---|---|---|\n");
	for (i = 0; i < nsizes; i++)
		printf("| %llu B | %.1fx | %.1fx | %.1fx | %.1fx |\n", sizes[i],
		       ratio(&res[RING_BUSY][i], &res[NETLINK][i]),
		       ratio(&res[RING_POLL][i], &res[NETLINK][i]),
		       ratio(&res[RING_BUSY][i], &res[READ][i]),
		       ratio(&res[RING_POLL][i], &res[READ][i]));
	if (want[ECHO_RTT] || want[ECHO_STREAM]) {
		printf("\n| record | echo round trips/s | wake-ups and notifies per round trip | 1 s poll() timeouts | echo streamed records/s | streamed MB/s each way |\n");
		printf("|---|---|---|---|---|---|\n");
		for (i = 0; i < nsizes; i++)
			printf("| %llu B | %.0f | %.2f | %llu | %.0f | %.1f |\n",
			       sizes[i], res[ECHO_RTT][i].rate,
			       res[ECHO_RTT][i].count ?
			       (double)res[ECHO_RTT][i].wakeups / res[ECHO_RTT][i].count : 0,
			       (unsigned long long)res[ECHO_RTT][i].stalls,
			       res[ECHO_STREAM][i].rate,
			       res[ECHO_STREAM][i].rate * sizes[i] / 1e6);
	}
	printf("\n");
	for (m = 0; m < NR_METHODS; m++)
		for (i = 0; want[m] && i < nsizes; i++)
			printf("KSHM-BENCH %s %llu %.0f %.2f\n", method_names[m],
			       sizes[i], res[m][i].rate,
			       res[m][i].rate * sizes[i] / 1e6);
}

int main(int argc, char **argv)
{
	unsigned long long sizes[MAX_SIZES] = { 64, 1024, 16384 };
	unsigned long long counts[MAX_SIZES];
	static struct result res[NR_METHODS][MAX_SIZES];
	int nsizes = 3, ncounts = 0, opt, m, i, prod = 0, cons = 1;
	bool want[NR_METHODS] = { false }, any = false;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		prod = cons = -1;
	while ((opt = getopt(argc, argv, "r:s:n:t:P:C:b:h")) != -1) {
		switch (opt) {
		case 'b':
			release_batch = strtoull(optarg, NULL, 0);
			break;
		case 'P':
			prod = atoi(optarg);
			break;
		case 'C':
			cons = atoi(optarg);
			break;
		case 'r':
			runs = atoi(optarg);
			if (runs < 1)
				die("-r: at least 1 run");
			break;
		case 's':
			nsizes = parse_list(optarg, sizes, MAX_SIZES);
			break;
		case 'n':
			ncounts = parse_list(optarg, counts, MAX_SIZES);
			run_seconds = 0;
			break;
		case 't':
			run_seconds = atof(optarg);
			if (run_seconds <= 0)
				die("-t: a positive number of seconds");
			break;
		default:
			fprintf(stderr, "usage: %s [-r RUNS] [-s SIZE,...] [-t SECONDS | -n COUNT,...] [-P CPU] [-C CPU] [-b BYTES] [METHOD...]\nmethods:", argv[0]);
			for (m = 0; m < NR_METHODS; m++)
				fprintf(stderr, " %s", method_names[m]);
			fputc('\n', stderr);
			return 2;
		}
	}
	if (run_seconds > 0) {
		/* Only the first run's count: 1000000, 500000, 50000 by default. */
		for (i = 0; i < nsizes; i++) {
			counts[i] = 512000000ULL / sizes[i];
			if (counts[i] > 1000000)
				counts[i] = 1000000;
			if (counts[i] < 50000)
				counts[i] = 50000;
		}
	} else {
		if (ncounts != nsizes && ncounts != 1)
			die("-n: one count, or one per size");
		for (i = ncounts; i < nsizes; i++)
			counts[i] = counts[0];
	}
	for (i = 0; i < nsizes; i++)
		if (sizes[i] > KSHM_NLBENCH_MAX_SIZE)
			die("-s: at most %d bytes", KSHM_NLBENCH_MAX_SIZE);
	for (; optind < argc; optind++) {
		for (m = 0; m < NR_METHODS; m++)
			if (!strcmp(argv[optind], method_names[m]))
				break;
		if (m == NR_METHODS)
			die("no method %s", argv[optind]);
		want[m] = any = true;
	}
	if (!any)
		for (m = 0; m < NR_METHODS; m++)
			want[m] = true;

	setvbuf(stdout, NULL, _IOLBF, 0);
	place(prod, cons);
	if (run_seconds > 0)
		printf("ring-bench: best of %d runs of about %.1f s each", runs,
		       run_seconds);
	else
		printf("ring-bench: best of %d runs of the counts given", runs);
	printf("; producer threads on CPU %d, consumer on CPU %d (-1: anywhere)\n",
	       prod, cons);
	for (i = 0; i < nsizes; i++) {
		struct result *best[NR_METHODS];

		for (m = 0; m < NR_METHODS; m++)
			best[m] = &res[m][i];
		run_size(want, sizes[i], counts[i], best);
		for (m = 0; m < NR_METHODS; m++)
			if (want[m])
				fprintf(stderr, "ring-bench: %-11s %6llu B: %10.0f /s%s\n",
					method_names[m], sizes[i], res[m][i].rate,
					res[m][i].stalls ? " (a poll() timed out)" : "");
	}
	printf("\n");
	print_tables(want, sizes, nsizes, res);
	return 0;
}
