// SPDX-License-Identifier: MIT
/*
 * ring-echo: round-trip records through the kernel and check every byte.
 *
 * kshm_echo.ko consumes the user->kernel ring of /dev/kshm-echo-in and
 * produces each record back on the kernel->user ring of
 * /dev/kshm-echo-out. This program is the other end of both: it
 * produces COUNT records of random sizes (0 bytes, odd sizes, up to the
 * largest a ring holds) with kshm_ring_reserve()/kshm_ring_commit(),
 * filled from a seeded generator, and takes them back with
 * kshm_ring_wait()/kshm_ring_peek()/kshm_ring_release(), checking that
 * each has the length and the bytes it was sent with, in order.
 *
 * It never has more bytes in flight than echo-out holds, so the echo
 * always finds room, and it waits for room in echo-in rather than have
 * a reserve refused: a correct run drops nothing on either ring.
 *
 * Build: cc -o ring-echo ring-echo.c $(pkg-config --cflags --libs libkshm)
 * Run:   sudo insmod kshm_echo.ko; sudo ./ring-echo [COUNT [SEED]]
 *        (COUNT defaults to 100000; SEED to a random one, printed)
 * Exits 0 when every record came back intact and in order, 1 otherwise,
 * 77 when /dev/kshm-echo-in or /dev/kshm-echo-out does not exist (the
 * module is not loaded).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kshm.h>

#define IN_NODE		"/dev/kshm-echo-in"
#define OUT_NODE	"/dev/kshm-echo-out"
#define STALL_MS	10000		/* no progress for this long: fail */
#define RANDOM_MAX	65536		/* random sizes stay below this */

/* splitmix64: one well-mixed word from any other. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * The length of record @seq: the edge cases first (empty, odd, one
 * word, the largest), then mostly small records with the odd large one.
 */
static uint32_t rec_len(uint64_t seed, uint64_t seq, uint32_t max)
{
	const uint32_t edge[] = { 0, 1, 7, 8, 9, 4095, 4096, max, 0, max };
	uint64_t r = mix(seed ^ mix(seq));
	uint32_t lim = max < RANDOM_MAX ? max + 1 : RANDOM_MAX;

	if (seq < sizeof(edge) / sizeof(edge[0]))
		return edge[seq] < max ? edge[seq] : max;
	switch (r % 64) {
	case 0:
		return (uint32_t)((r >> 8) % lim);
	case 1 ... 8:
		return (uint32_t)((r >> 8) % (lim < 4096 ? lim : 4096));
	default:
		return (uint32_t)((r >> 8) % (lim < 256 ? lim : 256));
	}
}

static uint64_t rec_total(uint32_t len)
{
	return ((uint64_t)KSHM_REC_HDR_SIZE + len + KSHM_REC_ALIGN - 1) &
	       ~(uint64_t)(KSHM_REC_ALIGN - 1);
}

/* The 8 bytes at offset 8 * @word of record @seq. */
static uint64_t rec_word(uint64_t seed, uint64_t seq, uint64_t word)
{
	return mix(seed + (seq << 24) + word);
}

static void rec_fill(unsigned char *p, uint64_t seed, uint64_t seq, uint32_t len)
{
	for (uint32_t off = 0; off < len; off += 8) {
		uint64_t v = rec_word(seed, seq, off / 8);

		memcpy(p + off, &v, len - off < 8 ? len - off : 8);
	}
}

/* The first offset where @p differs from record @seq, or -1. */
static int64_t rec_diff(const unsigned char *p, uint64_t seed, uint64_t seq,
			uint32_t len)
{
	for (uint32_t off = 0; off < len; off += 8) {
		uint64_t v = rec_word(seed, seq, off / 8);
		uint32_t n = len - off < 8 ? len - off : 8;

		if (memcmp(p + off, &v, n))
			for (uint32_t i = 0; i < n; i++)
				if (p[off + i] != ((unsigned char *)&v)[i])
					return off + i;
	}
	return -1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Maps the ring of @path; NULL after printing why (*@missing: ENOENT). */
static struct kshm_ring *map_ring(const char *path, int *missing)
{
	struct kshm_ring *ring;
	struct kshm *k = kshm_open(path, O_RDWR);

	if (!k) {
		fprintf(stderr, "ring-echo: %s: %s\n", path, strerror(errno));
		*missing |= errno == ENOENT;
		return NULL;
	}
	ring = kshm_ring_map(k);
	if (!ring)
		fprintf(stderr, "ring-echo: kshm_ring_map %s: %s\n", path,
			strerror(errno));
	kshm_close(k);
	return ring;
}

/* Takes whatever a run before this one left in echo-out. */
static uint64_t drain_stale(struct kshm_ring *out)
{
	uint64_t n = 0;
	void *data;
	uint32_t len;

	while (kshm_ring_wait(out, 200) > 0) {
		while (!kshm_ring_peek(out, &data, &len))
			n++;
		kshm_ring_release(out);
	}
	return n;
}

struct run {
	struct kshm_ring *in, *out;
	uint64_t seed, count;
	uint32_t max;			/* the largest payload */
	uint64_t sent, back, bytes;
	uint64_t in_flight;		/* bytes of ring the echoes may take */
};

/* Produces what echo-out can hold and echo-in has room for; 0 or -errno. */
static int send_some(struct run *r)
{
	uint64_t out_size = kshm_ring_size(r->out);

	while (r->sent < r->count) {
		uint32_t len = rec_len(r->seed, r->sent, r->max);
		void *p;
		int ret;

		if (r->in_flight + rec_total(len) > out_size)
			return 0;
		/* Look before reserving: a refused reserve counts a drop. */
		ret = kshm_ring_wait_room(r->in, len, 0);
		if (ret <= 0)
			return ret;
		p = kshm_ring_reserve(r->in, len);
		if (!p)
			return -errno;
		rec_fill(p, r->seed, r->sent, len);
		ret = kshm_ring_commit(r->in, p);
		if (ret < 0)
			return ret;
		r->sent++;
		r->in_flight += rec_total(len);
	}
	return 0;
}

/* Checks every record that came back; the count, or -errno, or -EBADMSG. */
static int64_t take_back(struct run *r)
{
	int64_t n = 0;
	void *data;
	uint32_t len;
	int ret;

	while (!(ret = kshm_ring_peek(r->out, &data, &len))) {
		uint32_t want = rec_len(r->seed, r->back, r->max);
		int64_t off;

		if (r->back >= r->sent) {
			fprintf(stderr, "ring-echo: a record of %u bytes came back that was never sent (%" PRIu64 " sent)\n",
				len, r->sent);
			return -EBADMSG;
		}
		if (len != want) {
			fprintf(stderr, "ring-echo: record %" PRIu64 ": %u bytes came back, %u were sent\n",
				r->back, len, want);
			return -EBADMSG;
		}
		off = rec_diff(data, r->seed, r->back, len);
		if (off >= 0) {
			fprintf(stderr, "ring-echo: record %" PRIu64 " (%u bytes): byte %" PRId64 " differs\n",
				r->back, len, off);
			return -EBADMSG;
		}
		r->in_flight -= rec_total(len);
		r->bytes += len;
		r->back++;
		n++;
	}
	/* One release for the batch. */
	kshm_ring_release(r->out);
	return ret == -EAGAIN ? n : ret;
}

static int run(struct run *r)
{
	while (r->back < r->count) {
		int64_t n;
		int ret;

		ret = send_some(r);
		if (ret < 0) {
			fprintf(stderr, "ring-echo: sending record %" PRIu64 ": %s\n",
				r->sent, strerror(-ret));
			return ret;
		}
		n = take_back(r);
		if (n < 0) {
			if (n != -EBADMSG)
				fprintf(stderr, "ring-echo: kshm_ring_peek: %s\n",
					strerror((int)-n));
			return (int)n;
		}
		if (n)
			continue;
		/* Nothing came back: sleep until something does, or room. */
		if (r->in_flight)
			ret = kshm_ring_wait(r->out, STALL_MS);
		else
			ret = kshm_ring_wait_room(r->in,
				rec_len(r->seed, r->sent, r->max), STALL_MS);
		if (ret < 0 && ret != -EINTR) {
			fprintf(stderr, "ring-echo: waiting: %s\n", strerror(-ret));
			return ret;
		}
		if (!ret) {
			fprintf(stderr, "ring-echo: nothing moved for %d s: %" PRIu64 " sent, %" PRIu64 " back\n",
				STALL_MS / 1000, r->sent, r->back);
			return -ETIMEDOUT;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct run r = { .count = 100000 };
	uint64_t in_dropped, out_dropped, stale;
	int missing = 0, ret;
	double t0, t;

	if (argc > 3 || (argc > 1 && !strcmp(argv[1], "-h"))) {
		fprintf(stderr, "usage: ring-echo [COUNT [SEED]]\n");
		return 2;
	}
	if (argc > 1)
		r.count = strtoull(argv[1], NULL, 0);
	r.seed = argc > 2 ? strtoull(argv[2], NULL, 0) :
			    mix((uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32));

	r.in = map_ring(IN_NODE, &missing);
	r.out = map_ring(OUT_NODE, &missing);
	if (!r.in || !r.out) {
		kshm_ring_unmap(r.in);
		kshm_ring_unmap(r.out);
		if (missing)
			fprintf(stderr, "ring-echo: load kshm_echo.ko first\n");
		return missing ? 77 : 1;
	}
	r.max = (uint32_t)((kshm_ring_size(r.in) < kshm_ring_size(r.out) ?
			    kshm_ring_size(r.in) : kshm_ring_size(r.out)) -
			   KSHM_REC_HDR_SIZE);
	stale = drain_stale(r.out);
	if (stale)
		printf("ring-echo: skipped %" PRIu64 " records a run before left in %s\n",
		       stale, OUT_NODE);
	in_dropped = kshm_ring_dropped(r.in);
	out_dropped = kshm_ring_dropped(r.out);
	printf("ring-echo: %" PRIu64 " records of 0 to %u bytes through %s and %s, seed %" PRIu64 "\n",
	       r.count, r.max, IN_NODE, OUT_NODE, r.seed);

	t0 = now_s();
	ret = run(&r);
	t = now_s() - t0;
	in_dropped = kshm_ring_dropped(r.in) - in_dropped;
	out_dropped = kshm_ring_dropped(r.out) - out_dropped;

	printf("ring-echo: %" PRIu64 " of %" PRIu64 " records back intact and in order, %" PRIu64 " bytes, %.2f s, %.0f round trips/s\n",
	       r.back, r.count, r.bytes, t, t > 0 ? r.back / t : 0.0);
	printf("ring-echo: dropped: %" PRIu64 " in %s, %" PRIu64 " in %s\n",
	       in_dropped, IN_NODE, out_dropped, OUT_NODE);
	kshm_ring_unmap(r.in);
	kshm_ring_unmap(r.out);
	return ret ? 1 : 0;
}
