// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-stress: seeded random operations on kshm regions, checked against a
 * model of every byte.
 *
 * What it tests: 4 workers (2 processes x 2 threads) run a random mix of
 * open, close, mmap (valid and invalid), munmap of whole and partial
 * ranges, mremap (shrink, move into a reserved hole, grow), mprotect,
 * fork with child activity, read, write, pread, pwrite, lseek, resize
 * (KSHM_IOC_SET_SIZE), info (KSHM_IOC_INFO) and touches through mappings,
 * on every region given, at the same time. Every call's result is
 * predicted exactly from the model and the worker's own state (success,
 * or the documented errno), and every byte read from a page the reader
 * owns is compared with what the model says it must hold: a mismatch is
 * lost or corrupted data and fails the run. After the workers finish,
 * every page of every region is checked through pread and through a
 * fresh mapping, and KSHM_IOC_INFO must report no mappings left.
 *
 * How the model stays exact under concurrency:
 *  - worker w (0..3) owns the pages with pgoff % 4 == w of every region;
 *    only the owner writes a page, always a whole page, with a pattern
 *    derived from (region, pgoff, version). Version 0 is a zero page.
 *  - each region has a process-shared, writer-preferring rwlock in the
 *    model: every operation holds it shared, a resize exclusive, so the
 *    size cannot change during an operation.
 *  - each worker publishes how many address ranges (pieces) of each
 *    region it has mapped. Under the exclusive lock nobody maps or
 *    unmaps, so a resize must succeed exactly when no worker has a piece,
 *    and fail with EBUSY otherwise. Fork children live only inside an
 *    operation that holds every region's lock shared.
 *  - the model, the workers' state and all buffers the kernel writes to
 *    are MAP_SHARED anonymous memory created (and touched) before the
 *    workers start, so nothing is copy-on-write after a fork.
 *  - an own page is read back and checked before it is overwritten, and
 *    a resize checks (under its exclusive lock, all owners' pages) the
 *    pages a shrink drops and the pages around the old end, so a lost
 *    write cannot hide behind a later one.
 *  - mremap moves go into PROT_NONE holes each worker reserved; the
 *    threads of a process serialize address-picking mmap() against
 *    unmap-and-refill sequences, so no sibling mapping lands in a hole.
 *
 * --fault-inject: each worker thread writes 1 to
 * /proc/thread-self/make-it-fail (children inherit it), so failslab and
 * fail_page_alloc, configured by the caller with task-filter=Y, fail its
 * allocations. Every call may then also fail with ENOMEM (fork also with
 * EAGAIN), and a failed call must change nothing the model can see. The
 * main process, which prints and does the final check, never fails.
 *
 * Usage:
 *   kshm-stress [--seed S] [--ops N] [--max-pages P] [--time-limit SECS]
 *               [--fault-inject] [DEV...]
 * Defaults: a random seed, N=20000, P=256, 600 s, /dev/kshm0 /dev/kshm1.
 * The regions must not be mapped or used by anyone else, and each
 * region's max_size must be at least P pages. The last line printed is
 *   KSHM-RESULT PASS stress:seed=S:ops=N
 * or KSHM-RESULT FAIL stress:seed=S:ops=N <reason>; exit status 0 or 1.
 *
 * Replaying: a failure prints the command line to rerun. Each worker's
 * sequence of random choices is a function of the seed and its number,
 * but the interleaving of the four workers is up to the scheduler, and
 * results that depend on it (a resize meeting another worker's mapping)
 * steer later choices, so a replay retries the same mix, not the same
 * exact history. Hitting the time limit is a failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/kshm.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PG		4096UL
#define NPROCS		2
#define NTHREADS	2
#define NWORKERS	(NPROCS * NTHREADS)
#define MAXDEVS		8
#define MAXFDS		6	/* open fds per worker */
#define MAXPIECES	24	/* mapped ranges per worker */
#define NSLOTS		6	/* reserved holes per worker for mremap moves */
#define MAXIO		16	/* pages per read */
#define MAXMAP		32	/* pages per mmap */

enum op {
	OP_OPEN, OP_CLOSE, OP_MMAP, OP_MUNMAP, OP_UNMAP_ALL, OP_MREMAP,
	OP_MPROTECT, OP_FORK, OP_READ, OP_WRITE, OP_PREAD, OP_PWRITE,
	OP_LSEEK, OP_RESIZE, OP_INFO, OP_TOUCH, NOPS
};

static const char *const op_name[NOPS] = {
	"open", "close", "mmap", "munmap", "unmap-all", "mremap",
	"mprotect", "fork", "read", "write", "pread", "pwrite",
	"lseek", "resize", "info", "touch",
};

/* Relative weights of the operations a worker picks. */
static const unsigned int op_weight[NOPS] = {
	[OP_OPEN] = 5, [OP_CLOSE] = 4, [OP_MMAP] = 12, [OP_MUNMAP] = 8,
	[OP_UNMAP_ALL] = 2, [OP_MREMAP] = 5, [OP_MPROTECT] = 5,
	[OP_FORK] = 1, [OP_READ] = 5, [OP_WRITE] = 4, [OP_PREAD] = 8,
	[OP_PWRITE] = 10, [OP_LSEEK] = 4, [OP_RESIZE] = 3, [OP_INFO] = 3,
	[OP_TOUCH] = 21,
};

/* Outcomes counted per operation. */
enum { OUT_OK, OUT_ERR, OUT_NOMEM, NOUT };

struct region_model {
	pthread_rwlock_t lock;
	uint32_t npages;		/* current size */
	int want_resize;		/* workers waiting to resize (atomic) */
	uint32_t *ver;			/* per-page version, 0 = zeros */
	uint64_t max_size;		/* from KSHM_IOC_INFO at start */
	uint32_t backing, index;
};

struct failure {
	int set;			/* atomic: first failure wins */
	char msg[1024];
	char mismatch[512];
};

struct wfd {
	int fd;
	int region;
	int mode;			/* O_RDONLY, O_WRONLY, O_RDWR */
	int64_t pos;
};

struct piece {
	char *addr;
	uint32_t npages, pgoff;
	int region;
	int prot;			/* what we may rely on */
	bool fd_rw;			/* fd was O_RDWR at mmap time */
	bool maybe_split;		/* a failed call may have split its VMA */
	int slot;			/* reserved hole it lives in, or -1 */
};

struct worker {
	int id;
	long opno;
	uint64_t rng;
	struct wfd fds[MAXFDS];
	int nfds;
	struct piece pieces[MAXPIECES];
	int npieces;
	char *slot_base[NSLOTS];
	int slot_use[NSLOTS];
	bool slot_lost[NSLOTS];
	uint64_t last_faults[MAXDEVS];
	int mif_fd;			/* /proc/thread-self/make-it-fail */
	/* Everything the kernel writes to lives here (shared, touched). */
	struct kshm_info info;
	uint64_t setsize;
	int wstatus;
	unsigned char *buf;		/* MAXIO + 2 pages */
	unsigned char *pat;		/* 1 page */
	unsigned char *cbuf, *cpat;	/* the fork child's */
};

struct shared {
	int stop;			/* atomic */
	struct failure fail;
	uint64_t counts[NWORKERS][NOPS][NOUT];
	uint64_t checked[NWORKERS];	/* pages compared with the model */
	uint64_t resized[NWORKERS];	/* resizes that changed the region */
	uint64_t busy[NWORKERS];	/* resizes refused with EBUSY */
	uint64_t done[NWORKERS];	/* operations run */
	int mapped[NWORKERS][MAXDEVS];	/* pieces per worker per region */
	char devpath[MAXDEVS][256];
	struct region_model reg[MAXDEVS];
	struct worker w[NWORKERS];
};

/* One worker's view while it runs: its own state plus what differs in a
 * fork child (buffers, random stream). */
struct ctx {
	struct worker *w;
	unsigned char *buf, *pat;
	uint64_t rng;
	bool child;
	bool check_all;			/* final check: every page is ours */
};

static struct shared *S;
static int ndevs;
static uint32_t max_pages = 256;
static uint64_t seed;
static long nops = 20000;
static long time_limit = 600;
static bool fault_inject;
static void *shm_base;
static size_t shm_len;

/* ---- random numbers, patterns ---- */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint64_t next64(uint64_t *s)
{
	*s += 0x9e3779b97f4a7c15ULL;
	return mix64(*s);
}

/* Uniform in [0, n), n > 0. */
static uint32_t rnd(struct ctx *c, uint32_t n)
{
	return (uint32_t)((next64(&c->rng) >> 32) * n >> 32);
}

static void make_pattern(unsigned char *dst, int region, uint32_t pgoff,
			 uint32_t ver)
{
	uint64_t *p = (uint64_t *)dst, b;
	size_t i;

	if (!ver) {
		memset(dst, 0, PG);
		return;
	}
	b = mix64(((uint64_t)region << 56) ^ ((uint64_t)pgoff << 24) ^ ver ^
		  (seed << 1));
	for (i = 0; i < PG / 8; i++)
		p[i] = b + i * 0x9e3779b97f4a7c15ULL;
}

static uint32_t next_ver(uint32_t v)
{
	return v + 1 ? v + 1 : 1;
}

/* ---- failures and counting ---- */

static bool stopping(void)
{
	return __atomic_load_n(&S->stop, __ATOMIC_RELAXED);
}

static void __attribute__((format(printf, 2, 3)))
fail(struct ctx *c, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	int zero = 0;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (__atomic_compare_exchange_n(&S->fail.set, &zero, 1, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		if (c && c->w)
			snprintf(S->fail.msg, sizeof(S->fail.msg),
				 "worker %d%s, op %ld: %s", c->w->id,
				 c->child ? " (fork child)" : "",
				 c->w->opno, msg);
		else
			snprintf(S->fail.msg, sizeof(S->fail.msg), "%s", msg);
	}
	__atomic_store_n(&S->stop, 1, __ATOMIC_SEQ_CST);
}

static void count(struct ctx *c, enum op op, int out)
{
	if (c->w)
		S->counts[c->w->id][op][out]++;
}

/*
 * Judge a call: exp_err 0 means success returning exp_ret (exp_ret < 0:
 * any non-negative value), else failure with exp_err. With fault
 * injection ENOMEM (and EAGAIN for fork) is always allowed. Returns
 * OUT_OK, OUT_ERR (the expected errno), OUT_NOMEM, or -1 after a failure.
 */
static int judge(struct ctx *c, enum op op, long ret, int err, long exp_ret,
		 int exp_err, const char *what)
{
	if (!exp_err && ret >= 0 && (exp_ret < 0 || ret == exp_ret)) {
		count(c, op, OUT_OK);
		return OUT_OK;
	}
	if (exp_err && ret == -1 && err == exp_err) {
		count(c, op, OUT_ERR);
		return OUT_ERR;
	}
	if (fault_inject && ret == -1 &&
	    (err == ENOMEM || (op == OP_FORK && err == EAGAIN))) {
		count(c, op, OUT_NOMEM);
		return OUT_NOMEM;
	}
	if (ret == -1)
		fail(c, "%s: failed with %s, expected %s%s", what,
		     strerrorname_np(err) ?: "?",
		     exp_err ? strerrorname_np(exp_err) : "success",
		     fault_inject ? " (or ENOMEM)" : "");
	else if (exp_err)
		fail(c, "%s: returned %ld, expected %s", what, ret,
		     strerrorname_np(exp_err));
	else
		fail(c, "%s: returned %ld, expected %ld", what, ret, exp_ret);
	return -1;
}

/* ---- the model ---- */

static struct region_model *RM(int r)
{
	return &S->reg[r];
}

static void rdlock(int r)
{
	pthread_rwlock_rdlock(&RM(r)->lock);
}

static void wrlock(int r)
{
	pthread_rwlock_wrlock(&RM(r)->lock);
}

static void unlock(int r)
{
	pthread_rwlock_unlock(&RM(r)->lock);
}

static bool own(struct ctx *c, uint32_t pgoff)
{
	return c->check_all || (int)(pgoff % NWORKERS) == c->w->id;
}

/* A random page of region r that c owns, or -1 if there is none. */
static long own_page(struct ctx *c, int r)
{
	uint32_t np = RM(r)->npages, id = c->w->id;

	if (np <= id)
		return -1;
	return id + (long)NWORKERS * rnd(c, (np - id + NWORKERS - 1) / NWORKERS);
}

/*
 * Compare bytes read from region r at byte offset off with the model, for
 * the pages c owns. Returns false after recording a mismatch.
 */
static bool check_bytes(struct ctx *c, int r, uint64_t off,
			const unsigned char *data, size_t len, const char *via)
{
	while (len) {
		uint32_t pgoff = off / PG;
		size_t in = off % PG, n = PG - in;

		if (n > len)
			n = len;
		if (own(c, pgoff)) {
			uint32_t v = RM(r)->ver[pgoff];

			make_pattern(c->pat, r, pgoff, v);
			if (memcmp(c->pat + in, data, n)) {
				size_t i = 0;

				while (c->pat[in + i] == data[i])
					i++;
				char held[64] = "";
				uint32_t x;

				/* Which version is there instead, if any near? */
				for (x = v > 64 ? v - 64 : 0; n == PG && x < v + 64; x++) {
					make_pattern(c->pat, r, pgoff, x);
					if (x != v && !memcmp(c->pat, data, PG)) {
						snprintf(held, sizeof(held),
							 "; the page holds version %u", x);
						break;
					}
				}
				make_pattern(c->pat, r, pgoff, v);
				snprintf(S->fail.mismatch,
					 sizeof(S->fail.mismatch),
					 "first mismatch: region %d (%s) pgoff %u: expected version %u, byte %zu of the page is 0x%02x, expected 0x%02x (read via %s)%s",
					 r, S->devpath[r], pgoff, v, in + i,
					 data[i], c->pat[in + i], via, held);
				fail(c, "data mismatch in %s pgoff %u (version %u) via %s",
				     S->devpath[r], pgoff, v, via);
				return false;
			}
			if (c->w)
				S->checked[c->w->id]++;
		}
		off += n;
		data += n;
		len -= n;
	}
	return true;
}

/* ---- worker state helpers ---- */

static void publish_mapped(struct worker *w)
{
	int cnt[MAXDEVS] = { 0 }, i;

	for (i = 0; i < w->npieces; i++)
		cnt[w->pieces[i].region]++;
	for (i = 0; i < ndevs; i++)
		__atomic_store_n(&S->mapped[w->id][i], cnt[i], __ATOMIC_SEQ_CST);
}

static int total_mapped(int r)
{
	int i, n = 0;

	for (i = 0; i < NWORKERS; i++)
		n += __atomic_load_n(&S->mapped[i][r], __ATOMIC_SEQ_CST);
	return n;
}

static int pick_fd(struct ctx *c, int r, int want)
{
	struct worker *w = c->w;
	int idx[MAXFDS], n = 0, i;

	for (i = 0; i < w->nfds; i++) {
		int m = w->fds[i].mode;

		if (w->fds[i].region != r)
			continue;
		if (want == O_RDONLY && m == O_WRONLY)
			continue;
		if (want == O_WRONLY && m == O_RDONLY)
			continue;
		if (want == O_RDWR && m != O_RDWR)
			continue;
		idx[n++] = i;
	}
	return n ? idx[rnd(c, n)] : -1;
}

static int pick_mode_fd(struct ctx *c, int r, int mode)
{
	struct worker *w = c->w;
	int i;

	for (i = 0; i < w->nfds; i++)
		if (w->fds[i].region == r && w->fds[i].mode == mode)
			return i;
	return -1;
}

static void add_piece(struct worker *w, struct piece p)
{
	w->pieces[w->npieces++] = p;
	if (p.slot >= 0)
		w->slot_use[p.slot]++;
}

static struct piece del_piece(struct worker *w, int i)
{
	struct piece p = w->pieces[i];

	w->pieces[i] = w->pieces[--w->npieces];
	if (p.slot >= 0)
		w->slot_use[p.slot]--;
	return p;
}

/* Put a PROT_NONE reservation back where a piece in a slot was unmapped. */
/*
 * Each worker process serializes the calls that pick an address
 * (mmap(NULL)) against the sequences that leave a hole and then fill or
 * check it (munmap + re-reserve, mremap + clean-up), so that a hole a
 * thread leaves is never taken by its sibling's new mapping meanwhile.
 */
static pthread_mutex_t vm_lock = PTHREAD_MUTEX_INITIALIZER;

/* Put a PROT_NONE reservation back where a piece in a slot was unmapped. */
static void rereserve(struct worker *w, int slot, char *addr, size_t len)
{
	void *p = MAP_FAILED;
	int tries;

	if (slot < 0)
		return;
	for (tries = 0; tries < 100 && p == MAP_FAILED; tries++)
		p = mmap(addr, len, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			 MAP_FIXED_NOREPLACE, -1, 0);
	if (p != addr) {
		/* Something may sit in the hole now: never reuse it. */
		if (p != MAP_FAILED)
			munmap(p, len);
		w->slot_lost[slot] = true;
	}
}

/* munmap that retries injected failures; false if it never succeeds. */
static bool unmap_retry(char *addr, size_t len)
{
	int tries;

	for (tries = 0; tries < 1000; tries++) {
		if (!munmap(addr, len))
			return true;
		if (errno != ENOMEM)
			return false;
	}
	return false;
}

/*
 * Replace piece i by its parts outside [a, b) (pages relative to the
 * piece), plus [a, b) itself with protection mid_prot unless mid_prot < 0.
 */
static void split_piece(struct worker *w, int i, uint32_t a, uint32_t b,
			int mid_prot, bool maybe_split)
{
	struct piece p = del_piece(w, i), q;

	if (a > 0) {
		q = p;
		q.npages = a;
		q.maybe_split |= maybe_split;
		add_piece(w, q);
	}
	if (mid_prot >= 0) {
		q = p;
		q.addr = p.addr + a * PG;
		q.pgoff = p.pgoff + a;
		q.npages = b - a;
		q.prot = mid_prot;
		q.maybe_split |= maybe_split;
		add_piece(w, q);
	}
	if (b < p.npages) {
		q = p;
		q.addr = p.addr + b * PG;
		q.pgoff = p.pgoff + b;
		q.npages = p.npages - b;
		q.maybe_split |= maybe_split;
		add_piece(w, q);
	}
}

/* munmap [a, b) of piece i; the caller holds the region's lock. */
static void unmap_range(struct ctx *c, int i, uint32_t a, uint32_t b)
{
	struct worker *w = c->w;
	struct piece p = w->pieces[i];
	char what[96];
	long ret;
	int e;

	snprintf(what, sizeof(what), "munmap pages %u..%u of a %u-page mapping of %s",
		 a, b, p.npages, S->devpath[p.region]);
	pthread_mutex_lock(&vm_lock);
	ret = munmap(p.addr + a * PG, (b - a) * PG);
	e = errno;
	switch (judge(c, OP_MUNMAP, ret, e, 0, 0, what)) {
	case OUT_OK:
		split_piece(w, i, a, b, -1, false);
		rereserve(w, p.slot, p.addr + a * PG, (b - a) * PG);
		publish_mapped(w);
		break;
	case OUT_NOMEM:
		w->pieces[i].maybe_split = true;
		break;
	}
	pthread_mutex_unlock(&vm_lock);
}

/* Drop every piece of region r (r < 0: of every region). */
static void drop_pieces(struct ctx *c, int r)
{
	struct worker *w = c->w;
	int i, pr;

	for (i = w->npieces - 1; i >= 0 && !stopping(); i--) {
		if (i >= w->npieces)
			continue;
		pr = w->pieces[i].region;
		if (r >= 0 && pr != r)
			continue;
		rdlock(pr);
		unmap_range(c, i, 0, w->pieces[i].npages);
		unlock(pr);
	}
}

/* ---- operations ---- */

static void op_open(struct ctx *c, int r)
{
	static const int modes[] = { O_RDWR, O_RDWR, O_RDWR, O_RDWR,
				     O_RDONLY, O_RDONLY, O_WRONLY };
	struct worker *w = c->w;
	int mode = modes[rnd(c, sizeof(modes) / sizeof(modes[0]))];
	char what[300];
	int fd, e;

	if (w->nfds == MAXFDS)
		return;
	snprintf(what, sizeof(what), "open %s mode %d", S->devpath[r], mode);
	fd = open(S->devpath[r], mode | O_CLOEXEC);
	e = errno;
	if (judge(c, OP_OPEN, fd, e, -1, 0, what) == OUT_OK)
		w->fds[w->nfds++] = (struct wfd){ .fd = fd, .region = r,
						  .mode = mode, .pos = 0 };
}

static void op_close(struct ctx *c)
{
	struct worker *w = c->w;
	int i = rnd(c, w->nfds), ret, e;

	ret = close(w->fds[i].fd);
	e = errno;
	judge(c, OP_CLOSE, ret, e, 0, 0, "close");
	/* Closed either way (close never leaves the fd open on Linux). */
	w->fds[i] = w->fds[--w->nfds];
}

static void op_mmap(struct ctx *c, int r)
{
	struct worker *w = c->w;
	uint32_t np = RM(r)->npages, pgoff, len;
	int fi, prot = PROT_READ, flags = MAP_SHARED, exp = 0, variant;
	char what[200];
	void *addr;
	int e;

	if (w->npieces >= MAXPIECES - 2 ||
	    __atomic_load_n(&RM(r)->want_resize, __ATOMIC_SEQ_CST))
		return;
	fi = pick_fd(c, r, -1);
	if (fi < 0)
		return;
	pgoff = rnd(c, np);
	len = 1 + rnd(c, np - pgoff < MAXMAP ? np - pgoff : MAXMAP);
	variant = rnd(c, 10) < 7 ? -1 : (int)rnd(c, 5);
	if (w->fds[fi].mode == O_WRONLY) {
		exp = EACCES;		/* mmap needs a readable fd */
		variant = -2;
	}
	switch (variant) {
	case -1:
		if (w->fds[fi].mode == O_RDWR && rnd(c, 10) < 7)
			prot |= PROT_WRITE;
		break;
	case 0:
		len = 0;
		exp = EINVAL;
		break;
	case 1:
		pgoff = rnd(c, np + 2);
		len = (pgoff < np ? np - pgoff : 0) + 1 + rnd(c, 4);
		exp = EINVAL;
		break;
	case 2:
		flags = MAP_PRIVATE;
		exp = EINVAL;
		break;
	case 3:
		prot |= PROT_EXEC;
		exp = EPERM;
		break;
	case 4:
		fi = pick_mode_fd(c, r, O_RDONLY);
		if (fi < 0)
			return;
		prot |= PROT_WRITE;
		exp = EACCES;
		break;
	}
	snprintf(what, sizeof(what),
		 "mmap %s pgoff %u len %u pages prot %#x flags %#x fd mode %d (size %u pages)",
		 S->devpath[r], pgoff, len, prot, flags, w->fds[fi].mode, np);
	pthread_mutex_lock(&vm_lock);
	addr = mmap(NULL, (size_t)len * PG, prot, flags, w->fds[fi].fd,
		    (off_t)pgoff * PG);
	e = errno;
	if (judge(c, OP_MMAP, addr == MAP_FAILED ? -1 : 0, e, 0, exp, what) != OUT_OK) {
		if (addr != MAP_FAILED)
			munmap(addr, (size_t)len * PG);
		pthread_mutex_unlock(&vm_lock);
		return;
	}
	pthread_mutex_unlock(&vm_lock);
	add_piece(w, (struct piece){ .addr = addr, .npages = len,
				     .pgoff = pgoff, .region = r,
				     .prot = prot,
				     .fd_rw = w->fds[fi].mode == O_RDWR,
				     .slot = -1 });
	publish_mapped(w);
}

static void op_munmap(struct ctx *c, int i)
{
	struct worker *w = c->w;
	uint32_t n = w->pieces[i].npages, a = 0, b = n;

	switch (rnd(c, 4)) {
	case 0:				/* whole */
		break;
	case 1:				/* prefix */
		b = 1 + rnd(c, n);
		break;
	case 2:				/* suffix */
		a = rnd(c, n);
		break;
	case 3:				/* middle */
		if (n >= 3 && w->npieces < MAXPIECES) {
			a = 1 + rnd(c, n - 2);
			b = a + 1 + rnd(c, n - 1 - a);
		}
		break;
	}
	unmap_range(c, i, a, b);
}

static int free_slot(struct ctx *c)
{
	struct worker *w = c->w;
	int s, cand[NSLOTS], n = 0;

	for (s = 0; s < NSLOTS; s++)
		if (!w->slot_use[s] && !w->slot_lost[s])
			cand[n++] = s;
	return n ? cand[rnd(c, n)] : -1;
}

static void do_mremap(struct ctx *c, int i);

static void op_mremap(struct ctx *c, int i)
{
	pthread_mutex_lock(&vm_lock);
	do_mremap(c, i);
	pthread_mutex_unlock(&vm_lock);
}

static void do_mremap(struct ctx *c, int i)
{
	struct worker *w = c->w;
	struct piece *p = &w->pieces[i];
	size_t old = (size_t)p->npages * PG, new;
	char what[200];
	void *ret;
	int v = rnd(c, 10), e, s, res;

	if (v < 2) {			/* grow: VM_DONTEXPAND */
		int flags = rnd(c, 2) ? MREMAP_MAYMOVE : 0;

		new = old + (1 + rnd(c, 3)) * PG;
		snprintf(what, sizeof(what), "mremap grow %zu -> %zu pages flags %#x",
			 old / PG, new / PG, flags);
		ret = mremap(p->addr, old, new, flags);
		e = errno;
		judge(c, OP_MREMAP, ret == MAP_FAILED ? -1 : 0, e, 0, EFAULT, what);
		return;
	}
	if (v < 5 && p->npages >= 2) {	/* shrink in place */
		new = (1 + rnd(c, p->npages - 1)) * PG;
		snprintf(what, sizeof(what), "mremap shrink %zu -> %zu pages",
			 old / PG, new / PG);
		ret = mremap(p->addr, old, new, 0);
		e = errno;
		res = judge(c, OP_MREMAP, ret == MAP_FAILED ? -1 :
			    ret == p->addr ? 0 : 1, e, 0, 0, what);
		if (res == OUT_OK) {
			rereserve(w, p->slot, p->addr + new, old - new);
			p->npages = new / PG;
		} else if (res == OUT_NOMEM) {
			p->maybe_split = true;
		}
		return;
	}
	s = free_slot(c);		/* move into a reserved hole */
	if (s < 0)
		return;
	snprintf(what, sizeof(what), "mremap move %zu pages of %s to a reserved hole",
		 old / PG, S->devpath[p->region]);
	ret = mremap(p->addr, old, old, MREMAP_MAYMOVE | MREMAP_FIXED,
		     w->slot_base[s]);
	e = errno;
	if (fault_inject && p->maybe_split && ret == MAP_FAILED && e == EFAULT)
		e = ENOMEM;		/* a failed split left two VMAs */
	res = judge(c, OP_MREMAP, ret == MAP_FAILED ? -1 :
		    ret == w->slot_base[s] ? 0 : 1, e, 0, 0, what);
	if (res == OUT_OK) {
		struct piece q = del_piece(w, i);

		/*
		 * When unmapping the old range fails after the move, the
		 * kernel keeps the old VMA and still reports success (see
		 * move_vma()). Unmap what may be left, then re-reserve.
		 */
		if (!unmap_retry(q.addr, old))
			fail(c, "munmap of the old range after mremap: %s",
			     strerror(errno));
		rereserve(w, q.slot, q.addr, old);
		q.addr = w->slot_base[s];
		q.slot = s;
		q.maybe_split = false;
		add_piece(w, q);
		publish_mapped(w);
	} else if (res == OUT_NOMEM) {
		/* The target may hold the new VMA still, or a hole. */
		if (!unmap_retry(w->slot_base[s], old))
			fail(c, "munmap of the target after a failed mremap: %s",
			     strerror(errno));
		rereserve(w, s, w->slot_base[s], old);
	}
}

static void op_mprotect(struct ctx *c, int i)
{
	struct worker *w = c->w;
	struct piece p = w->pieces[i];
	uint32_t a = 0, b = p.npages;
	int prot, exp = 0, res, ret, e;
	char what[200];

	if (rnd(c, 2) && w->npieces <= MAXPIECES - 2) {
		a = rnd(c, p.npages);
		b = a + 1 + rnd(c, p.npages - a);
	}
	switch (rnd(c, 6)) {
	case 0:
	case 1:
		prot = PROT_READ;
		break;
	case 2:
	case 3:
		prot = PROT_READ | PROT_WRITE;
		exp = p.fd_rw ? 0 : EACCES;
		break;
	case 4:
		prot = PROT_READ | PROT_EXEC;
		exp = EACCES;
		break;
	default:
		prot = PROT_READ | PROT_WRITE | PROT_EXEC;
		exp = EACCES;
		break;
	}
	snprintf(what, sizeof(what),
		 "mprotect pages %u..%u of a %u-page mapping (fd %s) to %#x",
		 a, b, p.npages, p.fd_rw ? "O_RDWR" : "read-only", prot);
	ret = mprotect(p.addr + a * PG, (size_t)(b - a) * PG, prot);
	e = errno;
	res = judge(c, OP_MPROTECT, ret, e, 0, exp, what);
	if (res == OUT_OK)
		split_piece(w, i, a, b, prot, false);
	else if (res == OUT_NOMEM)	/* either protection may hold */
		split_piece(w, i, a, b, prot & p.prot, true);
}

/* Touch up to 8 pages of piece i: check own pages, rewrite some. */
static void touch_piece(struct ctx *c, struct piece *p)
{
	int k = 1 + rnd(c, 8);

	while (k-- && !stopping()) {
		uint32_t i = rnd(c, p->npages), pgoff = p->pgoff + i;
		unsigned char *page = (unsigned char *)p->addr + i * PG;
		uint32_t *ver = &RM(p->region)->ver[pgoff];

		if (!own(c, pgoff)) {
			/* Exercise the fault path; the owner may be writing. */
			(void)*(volatile unsigned char *)(page + rnd(c, PG));
			count(c, OP_TOUCH, OUT_OK);
			continue;
		}
		if (!check_bytes(c, p->region, (uint64_t)pgoff * PG, page, PG,
				 c->child ? "an inherited mapping (fork child)" :
				 "a mapping"))
			return;
		if ((p->prot & PROT_WRITE) && rnd(c, 2)) {
			uint32_t v = next_ver(*ver);

			make_pattern(c->pat, p->region, pgoff, v);
			memcpy(page, c->pat, PG);
			*ver = v;
		}
		count(c, OP_TOUCH, OUT_OK);
	}
}

static void read_check(struct ctx *c, enum op op, int fd, int r, uint64_t off,
		       size_t len, long exp, const char *via)
{
	char what[200];
	long ret;
	int e;

	snprintf(what, sizeof(what), "%s %s offset %" PRIu64 " count %zu (size %u pages)",
		 via, S->devpath[r], off, len, RM(r)->npages);
	ret = pread(fd, c->buf, len, off);
	e = errno;
	if (judge(c, op, ret, e, exp, 0, what) == OUT_OK)
		check_bytes(c, r, off, c->buf, ret, via);
}

/*
 * Check an own page before it is overwritten, so that a write the driver
 * lost cannot hide behind the next one.
 */
static void precheck(struct ctx *c, int r, long pgoff)
{
	int fi = pick_fd(c, r, O_RDONLY);

	if (fi >= 0)
		read_check(c, OP_PREAD, c->w->fds[fi].fd, r, pgoff * PG, PG, PG,
			   c->child ? "pread before a write (fork child)" :
			   "pread before a write");
}

/* pwrite a new version of own page pgoff; the model follows the result. */
static void write_page(struct ctx *c, enum op op, int fd, int r, long pgoff)
{
	uint32_t *ver = &RM(r)->ver[pgoff];
	uint32_t v = next_ver(*ver);
	char what[160];
	long ret;
	int e;

	precheck(c, r, pgoff);
	if (stopping())
		return;
	make_pattern(c->buf, r, pgoff, v);
	snprintf(what, sizeof(what), "pwrite %s pgoff %ld (version %u)",
		 S->devpath[r], pgoff, v);
	ret = pwrite(fd, c->buf, PG, pgoff * PG);
	e = errno;
	if (judge(c, op, ret, e, PG, 0, what) == OUT_OK)
		*ver = v;
}

/*
 * The fork child: the same worker, while its parent waits. Checks and
 * rewrites own pages through inherited mappings and pread/pwrite. Only
 * the model (shared) and the counters change; the worker's own tables
 * are the parent's and stay as they are.
 */
static int child_main(struct ctx *pc, uint64_t cseed)
{
	struct ctx cc = *pc, *c = &cc;
	struct worker *w = pc->w;
	size_t i;
	int k;

	c->child = true;
	c->buf = w->cbuf;
	c->pat = w->cpat;
	c->rng = cseed;
	/* Map the buffers from user space: a fault there is retried. */
	for (i = 0; i < 2 * PG; i += 64)
		w->cbuf[i] = 0;
	for (i = 0; i < PG; i += 64)
		w->cpat[i] = 0;
	for (k = 1 + rnd(c, 6); k > 0 && !stopping(); k--) {
		int v = rnd(c, 3), r = rnd(c, ndevs), fi;
		long pg;

		if (v == 0 && w->npieces) {
			touch_piece(c, &w->pieces[rnd(c, w->npieces)]);
			continue;
		}
		pg = own_page(c, r);
		if (pg < 0)
			continue;
		if (v == 1 && (fi = pick_fd(c, r, O_RDONLY)) >= 0)
			read_check(c, OP_PREAD, w->fds[fi].fd, r, pg * PG, PG, PG,
				   "pread (fork child)");
		else if ((fi = pick_fd(c, r, O_WRONLY)) >= 0)
			write_page(c, OP_PWRITE, w->fds[fi].fd, r, pg);
	}
	return S->fail.set ? 2 : 0;
}

static void op_fork(struct ctx *c)
{
	struct worker *w = c->w;
	uint64_t cseed = next64(&c->rng);
	pid_t pid;
	int r, e, res;

	/* Children hold copies of all mappings: keep resizes out. */
	for (r = 0; r < ndevs; r++)
		rdlock(r);
	pid = fork();
	if (pid == 0)
		_exit(child_main(c, cseed));
	e = errno;
	res = judge(c, OP_FORK, pid < 0 ? -1 : 0, e, 0, 0, "fork");
	if (res == OUT_OK) {
		while (waitpid(pid, &w->wstatus, 0) < 0 && errno == EINTR)
			;
		if (WIFSIGNALED(w->wstatus))
			fail(c, "fork child killed by signal %d (%s)",
			     WTERMSIG(w->wstatus), strsignal(WTERMSIG(w->wstatus)));
		else if (WEXITSTATUS(w->wstatus) == 2)
			fail(c, "fork child reported a failure");
		else if (WEXITSTATUS(w->wstatus))
			fail(c, "fork child exited with status %d",
			     WEXITSTATUS(w->wstatus));
	}
	for (r = ndevs - 1; r >= 0; r--)
		unlock(r);
}

static void op_read(struct ctx *c, int r)
{
	struct worker *w = c->w;
	int fi = pick_fd(c, r, -1), e;
	uint64_t size = (uint64_t)RM(r)->npages * PG;
	size_t len;
	long ret, exp;
	struct wfd *f;
	char what[160];
	int64_t pos;

	if (fi < 0)
		return;
	f = &w->fds[fi];
	pos = f->pos;
	len = 1 + rnd(c, MAXIO * PG);
	if (rnd(c, 4) == 0)
		len = PG;
	exp = f->mode == O_WRONLY ? -1 : (uint64_t)pos >= size ? 0 :
	      (long)(size - pos < len ? size - pos : len);
	snprintf(what, sizeof(what), "read %s at position %" PRId64 " count %zu (size %" PRIu64 ")",
		 S->devpath[r], pos, len, size);
	ret = read(f->fd, c->buf, len);
	e = errno;
	if (judge(c, OP_READ, ret, e, exp, f->mode == O_WRONLY ? EBADF : 0,
		  what) != OUT_OK)
		return;
	f->pos += ret;
	check_bytes(c, r, pos, c->buf, ret, "read");
}

static void do_lseek(struct ctx *c, struct wfd *f, int64_t off, int whence,
		     int64_t exp, int exp_err)
{
	char what[160];
	off_t ret;
	int e;

	snprintf(what, sizeof(what), "lseek %s offset %" PRId64 " whence %d from %" PRId64,
		 S->devpath[f->region], off, whence, f->pos);
	ret = lseek(f->fd, off, whence);
	e = errno;
	if (judge(c, OP_LSEEK, ret, e, exp, exp_err, what) == OUT_OK)
		f->pos = ret;
}

static void op_write(struct ctx *c, int r)
{
	struct worker *w = c->w;
	int fi = pick_fd(c, r, -1), e, res;
	uint64_t size = (uint64_t)RM(r)->npages * PG;
	long pg = own_page(c, r), ret;
	struct wfd *f;
	char what[160];
	uint32_t v = 0;

	if (fi < 0)
		return;
	f = &w->fds[fi];
	if (f->mode == O_RDONLY) {
		ret = write(f->fd, c->buf, PG);
		e = errno;
		judge(c, OP_WRITE, ret, e, 0, EBADF, "write on an O_RDONLY fd");
		return;
	}
	switch (pg < 0 ? 2 : rnd(c, 6)) {
	case 0:
		ret = write(f->fd, c->buf, 0);
		e = errno;
		judge(c, OP_WRITE, ret, e, 0, 0, "write of 0 bytes");
		return;
	case 1:
	case 2:				/* at or past the end */
		do_lseek(c, f, size + rnd(c, 3) * PG + rnd(c, 2) * rnd(c, PG),
			 SEEK_SET, -1, 0);
		if ((uint64_t)f->pos < size)
			return;
		snprintf(what, sizeof(what), "write at %" PRId64 ", at or past the end (%" PRIu64 ")",
			 f->pos, size);
		ret = write(f->fd, c->buf, PG);
		e = errno;
		judge(c, OP_WRITE, ret, e, 0, ENOSPC, what);
		return;
	default:			/* a new version of an own page */
		if (f->pos != pg * (long)PG)
			do_lseek(c, f, pg * PG, SEEK_SET, pg * PG, 0);
		if (f->pos != pg * (long)PG)
			return;
		precheck(c, r, pg);
		v = next_ver(RM(r)->ver[pg]);
		make_pattern(c->buf, r, pg, v);
		snprintf(what, sizeof(what), "write %s pgoff %ld (version %u)",
			 S->devpath[r], pg, v);
		ret = write(f->fd, c->buf, PG);
		e = errno;
		res = judge(c, OP_WRITE, ret, e, PG, 0, what);
		if (res == OUT_OK) {
			RM(r)->ver[pg] = v;
			f->pos += PG;
		}
	}
}

/* A piece of region r that maps own page pgoff writable (or any prot). */
static char *map_addr_of(struct ctx *c, int r, long *pgoff, bool writable)
{
	struct worker *w = c->w;
	int i, start = w->npieces ? rnd(c, w->npieces) : 0;

	for (i = 0; i < w->npieces; i++) {
		struct piece *p = &w->pieces[(start + i) % w->npieces];
		uint32_t j;

		if (p->region != r || (writable && !(p->prot & PROT_WRITE)))
			continue;
		for (j = 0; j < p->npages; j++)
			if (own(c, p->pgoff + j)) {
				*pgoff = p->pgoff + j;
				return p->addr + j * PG;
			}
	}
	return NULL;
}

/*
 * pread/pwrite between a page and its own mapping: the copy path faults
 * on a mapping of the same region. The page must not change. With fault
 * injection the fault may fail, so the copy may be cut short (EFAULT).
 */
static void self_copy(struct ctx *c, enum op op, int fd, int r)
{
	long pg, ret;
	char *addr = map_addr_of(c, r, &pg, op == OP_PREAD), what[160];
	int e;

	if (!addr)
		return;
	snprintf(what, sizeof(what), "%s %s pgoff %ld to/from its own mapping",
		 op_name[op], S->devpath[r], pg);
	ret = op == OP_PREAD ? pread(fd, addr, PG, pg * PG) :
			       pwrite(fd, addr, PG, pg * PG);
	e = errno;
	if (fault_inject && ((ret >= 0 && ret < (long)PG) ||
			     (ret < 0 && e == EFAULT))) {
		count(c, op, OUT_NOMEM);
	} else if (judge(c, op, ret, e, PG, 0, what) < 0) {
		return;
	}
	check_bytes(c, r, pg * PG, (unsigned char *)addr, PG,
		    "a mapping after a self-copy");
}

static void op_pread(struct ctx *c, int r)
{
	struct worker *w = c->w;
	int fi = pick_fd(c, r, -1), e;
	uint32_t np = RM(r)->npages, a, n, j;
	long pg = own_page(c, r), ret;

	if (fi < 0)
		return;
	if (w->fds[fi].mode == O_WRONLY) {
		ret = pread(w->fds[fi].fd, c->buf, PG, 0);
		e = errno;
		judge(c, OP_PREAD, ret, e, 0, EBADF, "pread on an O_WRONLY fd");
		return;
	}
	switch (rnd(c, 7)) {
	case 0:				/* an own page */
		if (pg >= 0) {
			read_check(c, OP_PREAD, w->fds[fi].fd, r, pg * PG, PG, PG,
				   "pread");
			break;
		}
		/* fall through */
	case 1:				/* a range inside */
		a = rnd(c, np);
		n = 1 + rnd(c, np - a < MAXIO ? np - a : MAXIO);
		read_check(c, OP_PREAD, w->fds[fi].fd, r, (uint64_t)a * PG,
			   (size_t)n * PG, (long)n * PG, "pread");
		break;
	case 2:				/* crossing the end: short */
		j = 1 + rnd(c, np < 4 ? np : 4);
		n = j + 1 + rnd(c, 4);
		read_check(c, OP_PREAD, w->fds[fi].fd, r,
			   (uint64_t)(np - j) * PG, (size_t)n * PG, (long)j * PG,
			   "pread crossing the end");
		break;
	case 3:				/* at or past the end: 0 */
		read_check(c, OP_PREAD, w->fds[fi].fd, r,
			   (uint64_t)(np + rnd(c, 3)) * PG + rnd(c, 2) * rnd(c, PG),
			   1 + rnd(c, 2 * PG), 0, "pread at or past the end");
		break;
	case 4:				/* unaligned, small */
		a = rnd(c, np * PG);
		n = 1 + rnd(c, 3 * PG);
		read_check(c, OP_PREAD, w->fds[fi].fd, r, a, n,
			   np * PG - a < n ? (long)(np * PG - a) : (long)n,
			   "unaligned pread");
		break;
	default:
		self_copy(c, OP_PREAD, w->fds[fi].fd, r);
		break;
	}
}

static void op_pwrite(struct ctx *c, int r)
{
	struct worker *w = c->w;
	int fi = pick_fd(c, r, -1), e;
	uint32_t np = RM(r)->npages;
	long pg = own_page(c, r), ret;
	char what[160];

	if (fi < 0)
		return;
	if (w->fds[fi].mode == O_RDONLY) {
		ret = pwrite(w->fds[fi].fd, c->buf, PG, 0);
		e = errno;
		judge(c, OP_PWRITE, ret, e, 0, EBADF, "pwrite on an O_RDONLY fd");
		return;
	}
	switch (pg < 0 ? 1 : rnd(c, 8)) {
	case 0:				/* crossing the end, if the last page is ours */
		if (own(c, np - 1)) {
			uint32_t v = next_ver(RM(r)->ver[np - 1]);

			precheck(c, r, np - 1);
			make_pattern(c->buf, r, np - 1, v);
			snprintf(what, sizeof(what), "pwrite crossing the end of %s (%u pages)",
				 S->devpath[r], np);
			ret = pwrite(w->fds[fi].fd, c->buf, (2 + rnd(c, 3)) * PG,
				     (off_t)(np - 1) * PG);
			e = errno;
			if (judge(c, OP_PWRITE, ret, e, PG, 0, what) == OUT_OK)
				RM(r)->ver[np - 1] = v;
			break;
		}
		/* fall through */
	case 1:				/* at or past the end */
		snprintf(what, sizeof(what), "pwrite past the end of %s (%u pages)",
			 S->devpath[r], np);
		ret = pwrite(w->fds[fi].fd, c->buf, 1 + rnd(c, PG),
			     (off_t)(np + rnd(c, 3)) * PG + rnd(c, 2) * rnd(c, PG));
		e = errno;
		judge(c, OP_PWRITE, ret, e, 0, ENOSPC, what);
		break;
	case 2:
		self_copy(c, OP_PWRITE, w->fds[fi].fd, r);
		break;
	default:
		write_page(c, OP_PWRITE, w->fds[fi].fd, r, pg);
		break;
	}
}

static void op_lseek(struct ctx *c, int r)
{
	struct worker *w = c->w;
	int fi = pick_fd(c, r, -1);
	int64_t size = (int64_t)RM(r)->npages * PG, off, pos;
	struct wfd *f;

	if (fi < 0)
		return;
	f = &w->fds[fi];
	pos = f->pos;
	switch (rnd(c, 6)) {
	case 0:
	case 1:
		off = rnd(c, size + 3 * PG);
		do_lseek(c, f, off, SEEK_SET, off, 0);
		break;
	case 2:
		off = (int64_t)rnd(c, 4 * PG) - 2 * (int64_t)PG;
		if (pos + off < 0)
			do_lseek(c, f, off, SEEK_CUR, 0, EINVAL);
		else
			do_lseek(c, f, off, SEEK_CUR, pos + off, 0);
		break;
	case 3:
		off = -(int64_t)rnd(c, size + 2 * PG) + rnd(c, 2) * (int64_t)PG;
		if (size + off < 0)
			do_lseek(c, f, off, SEEK_END, 0, EINVAL);
		else
			do_lseek(c, f, off, SEEK_END, size + off, 0);
		break;
	case 4:
		do_lseek(c, f, -1 - (int64_t)rnd(c, PG), SEEK_SET, 0, EINVAL);
		break;
	default:
		do_lseek(c, f, 0, 7, 0, EINVAL);
		break;
	}
}

static void op_info(struct ctx *c, int r)
{
	struct worker *w = c->w;
	struct region_model *m = RM(r);
	struct kshm_info *in = &w->info;
	int fi = pick_fd(c, r, -1), ret, e, mine = S->mapped[w->id][r];

	if (fi < 0)
		return;
	ret = ioctl(w->fds[fi].fd, KSHM_IOC_INFO, in);
	e = errno;
	if (judge(c, OP_INFO, ret, e, 0, 0, "KSHM_IOC_INFO") != OUT_OK)
		return;
	if (in->size != (uint64_t)m->npages * PG)
		fail(c, "INFO of %s: size %llu, the model says %u pages",
		     S->devpath[r], (unsigned long long)in->size, m->npages);
	else if (in->max_size != m->max_size || in->page_size != PG ||
		 in->backing != m->backing || in->index != m->index)
		fail(c, "INFO of %s: max_size/page_size/backing/index changed",
		     S->devpath[r]);
	else if (in->resident_pages > m->npages ||
		 (m->backing == KSHM_BACKING_VMALLOC &&
		  in->resident_pages != m->npages))
		fail(c, "INFO of %s: resident_pages %llu with %u pages (backing %u)",
		     S->devpath[r], (unsigned long long)in->resident_pages,
		     m->npages, m->backing);
	else if (mine && !in->mappings)
		fail(c, "INFO of %s: mappings 0 while this worker maps %d ranges",
		     S->devpath[r], mine);
	else if (in->faults < w->last_faults[r])
		fail(c, "INFO of %s: faults went back from %llu to %llu",
		     S->devpath[r], (unsigned long long)w->last_faults[r],
		     (unsigned long long)in->faults);
	w->last_faults[r] = in->faults;
}

/*
 * Check pages [from, to) of region r, whoever owns them: only with the
 * region's lock held exclusive, when nobody else can write.
 */
static void verify_all(struct ctx *c, int r, int fi, uint32_t from,
		       uint32_t to, const char *via)
{
	struct ctx all = *c;

	all.check_all = true;
	while (from < to && !stopping()) {
		uint32_t n = to - from < MAXIO ? to - from : MAXIO;

		read_check(&all, OP_PREAD, c->w->fds[fi].fd, r, (uint64_t)from * PG,
			   (size_t)n * PG, (long)n * PG, via);
		from += n;
	}
}

static void op_resize(struct ctx *c, int r)
{
	struct worker *w = c->w;
	struct region_model *m = RM(r);
	int fi = pick_fd(c, r, O_WRONLY), v = rnd(c, 10), ret, e, exp, res;
	uint32_t n = 1 + rnd(c, max_pages), p, old, keep;
	int rfi;
	uint64_t bytes = (uint64_t)(n - 1) * PG + 1 + rnd(c, PG);
	bool coop = rnd(c, 2);
	char what[160];
	struct timespec ts;
	int spins;

	if (fi < 0)
		return;
	if (v == 0) {			/* out of range */
		static const uint64_t bad[] = { 0, 0, ~0ULL };

		bytes = bad[rnd(c, 3)];
		if (bytes == 0 && rnd(c, 2))
			bytes = m->max_size + 1 + rnd(c, 2 * PG);
		rdlock(r);
		snprintf(what, sizeof(what), "SET_SIZE %s to %" PRIu64, S->devpath[r], bytes);
		w->setsize = bytes;
		ret = ioctl(w->fds[fi].fd, KSHM_IOC_SET_SIZE, &w->setsize);
		e = errno;
		judge(c, OP_RESIZE, ret, e, 0, EINVAL, what);
		unlock(r);
		return;
	}
	if (v == 1 && (fi = pick_mode_fd(c, r, O_RDONLY)) >= 0) {
		rdlock(r);
		w->setsize = bytes;
		ret = ioctl(w->fds[fi].fd, KSHM_IOC_SET_SIZE, &w->setsize);
		e = errno;
		judge(c, OP_RESIZE, ret, e, 0, EBADF, "SET_SIZE on an O_RDONLY fd");
		unlock(r);
		return;
	}
	fi = pick_fd(c, r, O_WRONLY);
	if (coop) {
		/* Ask the others to drop their mappings of r, and wait a bit. */
		__atomic_add_fetch(&m->want_resize, 1, __ATOMIC_SEQ_CST);
		drop_pieces(c, r);
		for (spins = 0; spins < 40 && total_mapped(r) && !stopping(); spins++) {
			ts.tv_sec = 0;
			ts.tv_nsec = 1000000;
			nanosleep(&ts, NULL);
		}
	}
	wrlock(r);
	/* Nobody maps or unmaps now: the driver must agree with the model. */
	exp = total_mapped(r) ? EBUSY : 0;
	old = m->npages;
	rfi = pick_fd(c, r, O_RDONLY);
	/* Pages about to go must hold what the model says, even unchecked. */
	if (rfi >= 0 && n < old && !exp)
		verify_all(c, r, rfi, n, old, "pread of pages a shrink drops");
	snprintf(what, sizeof(what), "SET_SIZE %s from %u to %u pages (%" PRIu64 " bytes), %d ranges mapped",
		 S->devpath[r], m->npages, n, bytes, total_mapped(r));
	w->setsize = bytes;
	ret = ioctl(w->fds[fi].fd, KSHM_IOC_SET_SIZE, &w->setsize);
	e = errno;
	res = judge(c, OP_RESIZE, ret, e, 0, exp, what);
	if (res == OUT_ERR)
		S->busy[w->id]++;
	if (res == OUT_OK) {
		if (n != m->npages)
			S->resized[w->id]++;
		/* Shrinking frees the pages, growing brings zeros. */
		for (p = n; p < max_pages; p++)
			m->ver[p] = 0;
		m->npages = n;
		/* Kept pages keep their data, new ones are zero. */
		keep = old < n ? old : n;
		if (rfi >= 0 && rnd(c, 4) == 0)
			verify_all(c, r, rfi, 0, n, "pread of the whole region after a resize");
		else if (rfi >= 0)
			verify_all(c, r, rfi, keep > 2 ? keep - 2 : 0,
				   keep + 2 < n ? keep + 2 : n,
				   "pread at the old end after a resize");
	}
	unlock(r);
	if (coop)
		__atomic_sub_fetch(&m->want_resize, 1, __ATOMIC_SEQ_CST);
}

/* ---- workers ---- */

static unsigned int weight_total;

static enum op pick_op(struct ctx *c)
{
	unsigned int x, i;

	x = rnd(c, weight_total);
	for (i = 0; x >= op_weight[i]; i++)
		x -= op_weight[i];
	return i;
}

static void run_op(struct ctx *c)
{
	struct worker *w = c->w;
	enum op op = pick_op(c);
	int r = rnd(c, ndevs), i;

	/* Someone wants to resize: drop our mappings of that region. */
	for (i = 0; i < ndevs; i++)
		if (__atomic_load_n(&RM(i)->want_resize, __ATOMIC_SEQ_CST) &&
		    S->mapped[w->id][i])
			drop_pieces(c, i);
	i = 0;

	/* Operations on a mapping pick one of ours, and its region. */
	if (op == OP_MUNMAP || op == OP_MREMAP || op == OP_MPROTECT ||
	    op == OP_TOUCH) {
		if (!w->npieces)
			op = OP_MMAP;
		else
			i = rnd(c, w->npieces), r = w->pieces[i].region;
	}
	if (op == OP_CLOSE && !w->nfds)
		op = OP_OPEN;
	if (op == OP_OPEN && w->nfds == MAXFDS)
		op = OP_CLOSE;
	if (op != OP_OPEN && op != OP_CLOSE && pick_fd(c, r, -1) < 0 &&
	    op != OP_MUNMAP && op != OP_MREMAP && op != OP_MPROTECT &&
	    op != OP_TOUCH && op != OP_UNMAP_ALL && op != OP_FORK)
		op = w->nfds == MAXFDS ? OP_CLOSE : OP_OPEN;

	switch (op) {
	case OP_OPEN:
		op_open(c, r);
		return;
	case OP_CLOSE:
		op_close(c);
		return;
	case OP_UNMAP_ALL:
		count(c, OP_UNMAP_ALL, OUT_OK);
		drop_pieces(c, -1);
		return;
	case OP_FORK:
		op_fork(c);
		return;
	case OP_RESIZE:
		op_resize(c, r);
		return;
	default:
		break;
	}
	rdlock(r);
	switch (op) {
	case OP_MMAP:
		op_mmap(c, r);
		break;
	case OP_MUNMAP:
		op_munmap(c, i);
		break;
	case OP_MREMAP:
		op_mremap(c, i);
		break;
	case OP_MPROTECT:
		op_mprotect(c, i);
		break;
	case OP_TOUCH:
		touch_piece(c, &w->pieces[i]);
		break;
	case OP_READ:
		op_read(c, r);
		break;
	case OP_WRITE:
		op_write(c, r);
		break;
	case OP_PREAD:
		op_pread(c, r);
		break;
	case OP_PWRITE:
		op_pwrite(c, r);
		break;
	case OP_LSEEK:
		op_lseek(c, r);
		break;
	case OP_INFO:
		op_info(c, r);
		break;
	default:
		break;
	}
	unlock(r);
}

static void set_make_it_fail(struct worker *w, int on)
{
	if (w->mif_fd >= 0 && write(w->mif_fd, on ? "1" : "0", 1) != 1 && on)
		fail(NULL, "cannot write /proc/thread-self/make-it-fail: %s",
		     strerror(errno));
}

static void *worker_thread(void *arg)
{
	struct worker *w = arg;
	struct ctx c = { .w = w, .buf = w->buf, .pat = w->pat,
			 .rng = mix64(seed ^ (0x1000 + w->id)) };
	long per = nops / NWORKERS + (w->id < nops % NWORKERS);
	size_t slotlen = (size_t)max_pages * PG;
	char *res;
	int s, i;

	/* Preallocate: holes for mremap moves, buffers touched. */
	pthread_mutex_lock(&vm_lock);
	res = mmap(NULL, slotlen * NSLOTS, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	pthread_mutex_unlock(&vm_lock);
	if (res == MAP_FAILED) {
		fail(&c, "cannot reserve address space: %s", strerror(errno));
		return NULL;
	}
	for (s = 0; s < NSLOTS; s++)
		w->slot_base[s] = res + s * slotlen;
	memset(w->buf, 0, (MAXIO + 2) * PG);
	memset(w->pat, 0, PG);
	w->mif_fd = -1;
	if (fault_inject) {
		w->mif_fd = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
		if (w->mif_fd < 0) {
			fail(&c, "--fault-inject: cannot open /proc/thread-self/make-it-fail (%s); is CONFIG_FAULT_INJECTION set?",
			     strerror(errno));
			return NULL;
		}
		set_make_it_fail(w, 1);
	}
	for (w->opno = 0; w->opno < per && !stopping(); w->opno++) {
		run_op(&c);
		S->done[w->id]++;
	}
	set_make_it_fail(w, 0);
	/* Leave nothing mapped or open. */
	drop_pieces(&c, -1);
	if (!stopping() && w->npieces)
		fail(&c, "%d mappings could not be dropped at the end", w->npieces);
	for (i = 0; i < w->nfds; i++)
		close(w->fds[i].fd);
	w->nfds = 0;
	return NULL;
}

static void worker_process(int pi)
{
	pthread_t th[NTHREADS];
	volatile char *p;
	int t;

	/* Map every page of the shared area writable here, before any
	 * injection: the kernel then never faults on it. */
	for (p = shm_base; p < (char *)shm_base + shm_len; p += PG)
		__atomic_fetch_or(p, 0, __ATOMIC_RELAXED);
	for (t = 0; t < NTHREADS; t++)
		if (pthread_create(&th[t], NULL, worker_thread,
				   &S->w[pi * NTHREADS + t])) {
			fail(NULL, "pthread_create failed");
			_exit(1);
		}
	for (t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	_exit(0);
}

/* ---- setup, final check, report ---- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *shalloc(size_t *off, size_t len)
{
	void *p = (char *)shm_base + *off;

	*off += (len + PG - 1) / PG * PG;
	return p;
}

static bool setup(const char *const *devs)
{
	struct ctx c = { .check_all = true };
	size_t off, i;
	int r, fd;

	shm_len = (sizeof(struct shared) + PG - 1) / PG * PG +
		  ndevs * ((max_pages * sizeof(uint32_t) + PG - 1) / PG * PG) +
		  (NWORKERS + 1) * (MAXIO + 2 + 1 + 2 + 1) * PG;
	shm_base = mmap(NULL, shm_len, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm_base == MAP_FAILED) {
		fail(NULL, "mmap of %zu bytes for the model: %s", shm_len,
		     strerror(errno));
		return false;
	}
	memset(shm_base, 0, shm_len);
	S = shm_base;
	for (r = 0; r < ndevs; r++)
		snprintf(S->devpath[r], sizeof(S->devpath[r]), "%s", devs[r]);
	off = (sizeof(struct shared) + PG - 1) / PG * PG;
	c.buf = shalloc(&off, (MAXIO + 2) * PG);
	c.pat = shalloc(&off, PG);
	for (r = 0; r < ndevs; r++)
		S->reg[r].ver = shalloc(&off, max_pages * sizeof(uint32_t));
	for (i = 0; i < NWORKERS; i++) {
		S->w[i].id = i;
		S->w[i].buf = shalloc(&off, (MAXIO + 2) * PG);
		S->w[i].pat = shalloc(&off, PG);
		S->w[i].cbuf = shalloc(&off, 2 * PG);
		S->w[i].cpat = shalloc(&off, PG);
	}

	for (r = 0; r < ndevs; r++) {
		struct region_model *m = RM(r);
		pthread_rwlockattr_t a;
		struct kshm_info in;
		uint64_t bytes;
		uint32_t n = max_pages / 2 ? max_pages / 2 : 1, p;

		pthread_rwlockattr_init(&a);
		pthread_rwlockattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
		pthread_rwlockattr_setkind_np(&a,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
		pthread_rwlock_init(&m->lock, &a);
		pthread_rwlockattr_destroy(&a);

		fd = open(S->devpath[r], O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			fail(NULL, "open %s: %s", S->devpath[r], strerror(errno));
			return false;
		}
		if (ioctl(fd, KSHM_IOC_INFO, &in)) {
			fail(NULL, "KSHM_IOC_INFO on %s: %s", S->devpath[r],
			     strerror(errno));
			close(fd);
			return false;
		}
		if (in.page_size != PG || in.max_size < (uint64_t)max_pages * PG) {
			fail(NULL, "%s: page size %u, max_size %llu: need 4096 and at least --max-pages %u pages",
			     S->devpath[r], in.page_size,
			     (unsigned long long)in.max_size, max_pages);
			close(fd);
			return false;
		}
		m->max_size = in.max_size;
		m->backing = in.backing;
		m->index = in.index;
		/* A known state: one zeroed page, then grown with zeros. */
		bytes = PG;
		if (ioctl(fd, KSHM_IOC_SET_SIZE, &bytes) ||
		    pwrite(fd, c.pat, PG, 0) != (ssize_t)PG ||
		    (bytes = (uint64_t)n * PG,
		     ioctl(fd, KSHM_IOC_SET_SIZE, &bytes))) {
			fail(NULL, "cannot set up %s (is it mapped or in use?): %s",
			     S->devpath[r], strerror(errno));
			close(fd);
			return false;
		}
		m->npages = n;
		for (p = 0; p < n; p += MAXIO) {
			size_t len = (n - p < MAXIO ? n - p : MAXIO) * PG;

			if (pread(fd, c.buf, len, (off_t)p * PG) != (ssize_t)len) {
				fail(NULL, "initial pread of %s failed", S->devpath[r]);
				close(fd);
				return false;
			}
			if (!check_bytes(&c, r, (uint64_t)p * PG, c.buf, len,
					 "pread after the initial resize"))
				break;
		}
		close(fd);
	}
	return !S->fail.set;
}

/* Every page of every region, through pread and a fresh mapping. */
static void final_check(void)
{
	struct ctx c = { .check_all = true };
	int r, fd;
	size_t off = (sizeof(struct shared) + PG - 1) / PG * PG;

	c.buf = shalloc(&off, (MAXIO + 2) * PG);
	c.pat = shalloc(&off, PG);
	for (r = 0; r < ndevs && !S->fail.set; r++) {
		struct region_model *m = RM(r);
		struct kshm_info in;
		uint32_t p;
		char *map;

		fd = open(S->devpath[r], O_RDONLY | O_CLOEXEC);
		if (fd < 0 || ioctl(fd, KSHM_IOC_INFO, &in)) {
			fail(NULL, "final check: open/INFO of %s: %s",
			     S->devpath[r], strerror(errno));
			break;
		}
		if (in.size != (uint64_t)m->npages * PG || in.mappings) {
			fail(NULL, "final check: %s has size %llu and %llu mappings, the model says %u pages and none",
			     S->devpath[r], (unsigned long long)in.size,
			     (unsigned long long)in.mappings, m->npages);
			close(fd);
			break;
		}
		for (p = 0; p < m->npages && !S->fail.set; p += MAXIO) {
			size_t len = (m->npages - p < MAXIO ? m->npages - p : MAXIO) * PG;
			ssize_t ret = pread(fd, c.buf, len, (off_t)p * PG);

			if (ret != (ssize_t)len)
				fail(NULL, "final check: pread of %s at page %u returned %zd",
				     S->devpath[r], p, ret);
			else
				check_bytes(&c, r, (uint64_t)p * PG, c.buf, len,
					    "pread (final check)");
		}
		map = mmap(NULL, (size_t)m->npages * PG, PROT_READ, MAP_SHARED,
			   fd, 0);
		if (map == MAP_FAILED) {
			fail(NULL, "final check: mmap of %s: %s", S->devpath[r],
			     strerror(errno));
		} else {
			if (!S->fail.set)
				check_bytes(&c, r, 0, (unsigned char *)map,
					    (size_t)m->npages * PG,
					    "a fresh mapping (final check)");
			munmap(map, (size_t)m->npages * PG);
		}
		if (!S->fail.set && (ioctl(fd, KSHM_IOC_INFO, &in) || in.mappings))
			fail(NULL, "final check: %s still has %llu mappings after munmap",
			     S->devpath[r], (unsigned long long)in.mappings);
		close(fd);
	}
}

static void report(double secs)
{
	uint64_t tot[NOUT] = { 0 }, checked = 0, resized = 0, busy = 0, done = 0;
	int op, i, k;

	printf("%-10s %9s %9s %9s %9s\n", "op", "total", "ok", "errno",
	       fault_inject ? "enomem" : "");
	for (op = 0; op < NOPS; op++) {
		uint64_t n[NOUT] = { 0 };

		for (i = 0; i < NWORKERS; i++)
			for (k = 0; k < NOUT; k++)
				n[k] += S->counts[i][op][k];
		for (k = 0; k < NOUT; k++)
			tot[k] += n[k];
		printf("%-10s %9" PRIu64 " %9" PRIu64 " %9" PRIu64, op_name[op],
		       n[0] + n[1] + n[2], n[0], n[1]);
		if (fault_inject)
			printf(" %9" PRIu64, n[2]);
		printf("\n");
	}
	printf("%-10s %9" PRIu64 " %9" PRIu64 " %9" PRIu64, "(calls)",
	       tot[0] + tot[1] + tot[2], tot[0], tot[1]);
	if (fault_inject)
		printf(" %9" PRIu64, tot[2]);
	printf("\n");
	for (i = 0; i < NWORKERS; i++) {
		checked += S->checked[i];
		resized += S->resized[i];
		busy += S->busy[i];
		done += S->done[i];
	}
	printf("operations %" PRIu64 " in %.1f s (%.0f/s), pages checked %" PRIu64
	       ", resizes: %" PRIu64 " changed a size, %" PRIu64 " EBUSY\n",
	       done, secs, secs > 0 ? done / secs : 0.0, checked, resized, busy);
	for (i = 0; i < ndevs; i++)
		printf("%s: %u pages at the end\n", S->devpath[i], RM(i)->npages);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: kshm-stress [--seed S] [--ops N] [--max-pages P] [--time-limit SECS]\n"
		"                   [--fault-inject] [DEV...]\n"
		"defaults: random seed, 20000 ops, 256 pages, 600 s, /dev/kshm0 /dev/kshm1\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const char *const defdevs[] = { "/dev/kshm0", "/dev/kshm1" };
	const char *devs[MAXDEVS];
	pid_t pids[NPROCS];
	bool seeded = false, alive[NPROCS];
	double start, secs, stop_at = 0;
	int i, nalive, status;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--seed") && i + 1 < argc) {
			seed = strtoull(argv[++i], NULL, 0);
			seeded = true;
		} else if (!strcmp(a, "--ops") && i + 1 < argc) {
			nops = strtol(argv[++i], NULL, 0);
		} else if (!strcmp(a, "--max-pages") && i + 1 < argc) {
			max_pages = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(a, "--time-limit") && i + 1 < argc) {
			time_limit = strtol(argv[++i], NULL, 0);
		} else if (!strcmp(a, "--fault-inject")) {
			fault_inject = true;
		} else if (a[0] == '-') {
			usage();
		} else if (ndevs < MAXDEVS) {
			devs[ndevs++] = a;
		} else {
			usage();
		}
	}
	if (nops < 0 || max_pages < 1 || max_pages > 65536 || time_limit < 1)
		usage();
	if (!ndevs)
		for (; ndevs < 2; ndevs++)
			devs[ndevs] = defdevs[ndevs];
	if (!seeded) {
		int fd = open("/dev/urandom", O_RDONLY);

		if (fd < 0 || read(fd, &seed, sizeof(seed)) != sizeof(seed))
			seed = time(NULL) ^ getpid();
		if (fd >= 0)
			close(fd);
		seed &= 0xffffffffULL;
	}
	for (i = 0; i < NOPS; i++)
		weight_total += op_weight[i];
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("kshm-stress: seed %" PRIu64 ", %ld ops, %d workers (%d processes x %d threads), max %u pages, %s",
	       seed, nops, NWORKERS, NPROCS, NTHREADS, max_pages,
	       fault_inject ? "fault injection on, " : "");
	printf("devices");
	for (i = 0; i < ndevs; i++)
		printf(" %s", devs[i]);
	printf("\n");

	start = now();
	if (setup(devs)) {
		fflush(stdout);
		for (i = 0; i < NPROCS; i++) {
			pids[i] = fork();
			if (pids[i] == 0)
				worker_process(i);
			alive[i] = pids[i] > 0;
			if (pids[i] < 0)
				fail(NULL, "fork of a worker process: %s", strerror(errno));
		}
		for (nalive = 0, i = 0; i < NPROCS; i++)
			nalive += alive[i];
		while (nalive) {
			pid_t pid = waitpid(-1, &status, WNOHANG);
			double t = now();

			if (pid > 0) {
				for (i = 0; i < NPROCS; i++)
					if (alive[i] && pids[i] == pid)
						break;
				if (i == NPROCS)
					continue;
				alive[i] = false;
				nalive--;
				if (WIFSIGNALED(status))
					fail(NULL, "worker process %d (workers %d, %d) killed by signal %d (%s)",
					     i, i * NTHREADS, i * NTHREADS + 1,
					     WTERMSIG(status), strsignal(WTERMSIG(status)));
				else if (WEXITSTATUS(status))
					fail(NULL, "worker process %d exited with status %d",
					     i, WEXITSTATUS(status));
				continue;
			}
			if (!stop_at && t - start > time_limit) {
				fail(NULL, "time limit of %ld s reached", time_limit);
				stop_at = t;
			}
			if (!stop_at && S->fail.set)
				stop_at = t;
			/* Stopped workers get 20 s to finish, then are killed. */
			if (stop_at && t - stop_at > 20)
				for (i = 0; i < NPROCS; i++)
					if (alive[i])
						kill(pids[i], SIGKILL);
			usleep(20000);
		}
	}
	if (S && !S->fail.set)
		final_check();
	secs = now() - start;
	if (S)
		report(secs);
	if (!S || S->fail.set) {
		printf("kshm-stress: FAIL: %s\n", S ? S->fail.msg : "setup");
		if (S && S->fail.mismatch[0])
			printf("kshm-stress: %s\n", S->fail.mismatch);
		printf("kshm-stress: replay: kshm-stress --seed %" PRIu64 " --ops %ld --max-pages %u%s",
		       seed, nops, max_pages, fault_inject ? " --fault-inject" : "");
		for (i = 0; i < ndevs; i++)
			printf(" %s", devs[i]);
		printf("\nkshm-stress: (each worker's choices follow from the seed; the interleaving of the workers does not, so a replay may take another path)\n");
		printf("KSHM-RESULT FAIL stress:seed=%" PRIu64 ":ops=%ld %s\n", seed,
		       nops, S ? S->fail.msg : "setup");
		return 1;
	}
	printf("KSHM-RESULT PASS stress:seed=%" PRIu64 ":ops=%ld\n", seed, nops);
	return 0;
}
