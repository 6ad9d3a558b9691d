// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-stress: the operations on the load-time regions, each one's
 * result predicted from the model (model.h) and the worker's own state,
 * and the pick of the next operation.
 *
 * How the model stays exact under concurrency:
 *  - each worker publishes how many address ranges (pieces) of each
 *    region it has mapped. Under a region's exclusive lock nobody maps or
 *    unmaps, so a resize must succeed exactly when no worker has a piece,
 *    and fail with EBUSY otherwise. Fork children live only inside an
 *    operation that holds every region's lock shared.
 *  - an own page is read back and checked before it is overwritten, and
 *    a resize checks (under its exclusive lock, all owners' pages) the
 *    pages a shrink drops and the pages around the old end, so a lost
 *    write cannot hide behind a later one.
 *  - mremap moves go into PROT_NONE holes each worker reserved; the
 *    threads of a process serialize address-picking mmap() against
 *    unmap-and-refill sequences, so no sibling mapping lands in a hole.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ops.h"
#include "regions.h"
#include "rings.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

const char *const op_name[NOPS] = {
	"open", "close", "mmap", "munmap", "unmap-all", "mremap",
	"mprotect", "fork", "read", "write", "pread", "pwrite",
	"lseek", "resize", "info", "touch",
	"rt-create", "rt-destroy", "rt-race", "rt-open", "rt-close",
	"rt-mmap", "rt-munmap", "rt-touch", "rt-io", "rt-list", "rt-info",
	"ring-create", "ring-destroy", "ring-open", "ring-setup", "ring-mmap",
	"ring-produce", "ring-poll", "ring-hostile", "ring-check",
};

/* Relative weights of the operations a worker picks; --regions, --rings add. */
unsigned int op_weight[NOPS] = {
	[OP_OPEN] = 5, [OP_CLOSE] = 4, [OP_MMAP] = 12, [OP_MUNMAP] = 8,
	[OP_UNMAP_ALL] = 2, [OP_MREMAP] = 5, [OP_MPROTECT] = 5,
	[OP_FORK] = 1, [OP_READ] = 5, [OP_WRITE] = 4, [OP_PREAD] = 8,
	[OP_PWRITE] = 10, [OP_LSEEK] = 4, [OP_RESIZE] = 3, [OP_INFO] = 3,
	[OP_TOUCH] = 21,
};

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

/*
 * Each worker process serializes the calls that pick an address
 * (mmap(NULL)) against the sequences that leave a hole and then fill or
 * check it (munmap + re-reserve, mremap + clean-up), so that a hole a
 * thread leaves is never taken by its sibling's new mapping meanwhile.
 */
pthread_mutex_t vm_lock = PTHREAD_MUTEX_INITIALIZER;

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
		q.addr = p.addr + a * pgsz;
		q.pgoff = p.pgoff + a;
		q.npages = b - a;
		q.prot = mid_prot;
		q.maybe_split |= maybe_split;
		add_piece(w, q);
	}
	if (b < p.npages) {
		q = p;
		q.addr = p.addr + b * pgsz;
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
	ret = munmap(p.addr + a * pgsz, (b - a) * pgsz);
	e = errno;
	switch (judge(c, OP_MUNMAP, ret, e, 0, 0, what)) {
	case OUT_OK:
		split_piece(w, i, a, b, -1, false);
		rereserve(w, p.slot, p.addr + a * pgsz, (b - a) * pgsz);
		publish_mapped(w);
		break;
	case OUT_NOMEM:
		w->pieces[i].maybe_split = true;
		break;
	}
	pthread_mutex_unlock(&vm_lock);
}

/* Drop every piece of region r (r < 0: of every region). */
void drop_pieces(struct ctx *c, int r)
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
	addr = mmap(NULL, (size_t)len * pgsz, prot, flags, w->fds[fi].fd,
		    (off_t)pgoff * pgsz);
	e = errno;
	if (judge(c, OP_MMAP, addr == MAP_FAILED ? -1 : 0, e, 0, exp, what) != OUT_OK) {
		if (addr != MAP_FAILED)
			munmap(addr, (size_t)len * pgsz);
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
	int s, cand[NSLOTS] = { 0 }, n = 0;

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
	size_t old = (size_t)p->npages * pgsz, new;
	char what[200];
	void *ret;
	int v = rnd(c, 10), e, s, res;

	if (v < 2) {			/* grow: VM_DONTEXPAND */
		int flags = rnd(c, 2) ? MREMAP_MAYMOVE : 0;

		new = old + (1 + rnd(c, 3)) * pgsz;
		snprintf(what, sizeof(what), "mremap grow %zu -> %zu pages flags %#x",
			 old / pgsz, new / pgsz, flags);
		ret = mremap(p->addr, old, new, flags);
		e = errno;
		judge(c, OP_MREMAP, ret == MAP_FAILED ? -1 : 0, e, 0, EFAULT, what);
		return;
	}
	if (v < 5 && p->npages >= 2) {	/* shrink in place */
		new = (1 + rnd(c, p->npages - 1)) * pgsz;
		snprintf(what, sizeof(what), "mremap shrink %zu -> %zu pages",
			 old / pgsz, new / pgsz);
		ret = mremap(p->addr, old, new, 0);
		e = errno;
		res = judge(c, OP_MREMAP, ret == MAP_FAILED ? -1 :
			    ret == p->addr ? 0 : 1, e, 0, 0, what);
		if (res == OUT_OK) {
			rereserve(w, p->slot, p->addr + new, old - new);
			p->npages = new / pgsz;
		} else if (res == OUT_NOMEM) {
			p->maybe_split = true;
		}
		return;
	}
	s = free_slot(c);		/* move into a reserved hole */
	if (s < 0)
		return;
	snprintf(what, sizeof(what), "mremap move %zu pages of %s to a reserved hole",
		 old / pgsz, S->devpath[p->region]);
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
	ret = mprotect(p.addr + a * pgsz, (size_t)(b - a) * pgsz, prot);
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
		unsigned char *page = (unsigned char *)p->addr + i * pgsz;
		uint32_t *ver = &RM(p->region)->ver[pgoff];

		if (!own(c, pgoff)) {
			/* Exercise the fault path; the owner may be writing. */
			(void)*(volatile unsigned char *)(page + rnd(c, pgsz));
			count(c, OP_TOUCH, OUT_OK);
			continue;
		}
		if (!check_bytes(c, p->region, (uint64_t)pgoff * pgsz, page, pgsz,
				 c->child ? "an inherited mapping (fork child)" :
				 "a mapping"))
			return;
		if ((p->prot & PROT_WRITE) && rnd(c, 2)) {
			uint32_t v = next_ver(*ver);

			make_pattern(c->pat, p->region, pgoff, v);
			memcpy(page, c->pat, pgsz);
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
		read_check(c, OP_PREAD, c->w->fds[fi].fd, r, pgoff * pgsz, pgsz, pgsz,
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
	ret = pwrite(fd, c->buf, pgsz, pgoff * pgsz);
	e = errno;
	if (judge(c, op, ret, e, pgsz, 0, what) == OUT_OK)
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
	for (i = 0; i < 2 * pgsz; i += 64)
		w->cbuf[i] = 0;
	for (i = 0; i < pgsz; i += 64)
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
			read_check(c, OP_PREAD, w->fds[fi].fd, r, pg * pgsz, pgsz, pgsz,
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
	/* Not between a ring mapping's mmap and its MADV_DONTFORK. */
	pthread_mutex_lock(&vm_lock);
	pid = fork();
	if (pid == 0)
		_exit(child_main(c, cseed));
	e = errno;
	pthread_mutex_unlock(&vm_lock);
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
	uint64_t size = (uint64_t)RM(r)->npages * pgsz;
	size_t len;
	long ret, exp;
	struct wfd *f;
	char what[160];
	int64_t pos;

	if (fi < 0)
		return;
	f = &w->fds[fi];
	pos = f->pos;
	len = 1 + rnd(c, MAXIO * pgsz);
	if (rnd(c, 4) == 0)
		len = pgsz;
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
	uint64_t size = (uint64_t)RM(r)->npages * pgsz;
	long pg = own_page(c, r), ret;
	struct wfd *f;
	char what[160];
	uint32_t v = 0;

	if (fi < 0)
		return;
	f = &w->fds[fi];
	if (f->mode == O_RDONLY) {
		ret = write(f->fd, c->buf, pgsz);
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
		do_lseek(c, f, size + rnd(c, 3) * pgsz + rnd(c, 2) * rnd(c, pgsz),
			 SEEK_SET, -1, 0);
		if ((uint64_t)f->pos < size)
			return;
		snprintf(what, sizeof(what), "write at %" PRId64 ", at or past the end (%" PRIu64 ")",
			 f->pos, size);
		ret = write(f->fd, c->buf, pgsz);
		e = errno;
		judge(c, OP_WRITE, ret, e, 0, ENOSPC, what);
		return;
	default:			/* a new version of an own page */
		if (f->pos != pg * (long)pgsz)
			do_lseek(c, f, pg * pgsz, SEEK_SET, pg * pgsz, 0);
		if (f->pos != pg * (long)pgsz)
			return;
		precheck(c, r, pg);
		v = next_ver(RM(r)->ver[pg]);
		make_pattern(c->buf, r, pg, v);
		snprintf(what, sizeof(what), "write %s pgoff %ld (version %u)",
			 S->devpath[r], pg, v);
		ret = write(f->fd, c->buf, pgsz);
		e = errno;
		res = judge(c, OP_WRITE, ret, e, pgsz, 0, what);
		if (res == OUT_OK) {
			RM(r)->ver[pg] = v;
			f->pos += pgsz;
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
				return p->addr + j * pgsz;
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
	ret = op == OP_PREAD ? pread(fd, addr, pgsz, pg * pgsz) :
			       pwrite(fd, addr, pgsz, pg * pgsz);
	e = errno;
	if (fault_inject && ((ret >= 0 && ret < (long)pgsz) ||
			     (ret < 0 && e == EFAULT))) {
		count(c, op, OUT_NOMEM);
	} else if (judge(c, op, ret, e, pgsz, 0, what) < 0) {
		return;
	}
	check_bytes(c, r, pg * pgsz, (unsigned char *)addr, pgsz,
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
		ret = pread(w->fds[fi].fd, c->buf, pgsz, 0);
		e = errno;
		judge(c, OP_PREAD, ret, e, 0, EBADF, "pread on an O_WRONLY fd");
		return;
	}
	switch (rnd(c, 7)) {
	case 0:				/* an own page */
		if (pg >= 0) {
			read_check(c, OP_PREAD, w->fds[fi].fd, r, pg * pgsz, pgsz, pgsz,
				   "pread");
			break;
		}
		/* fall through */
	case 1:				/* a range inside */
		a = rnd(c, np);
		n = 1 + rnd(c, np - a < MAXIO ? np - a : MAXIO);
		read_check(c, OP_PREAD, w->fds[fi].fd, r, (uint64_t)a * pgsz,
			   (size_t)n * pgsz, (long)n * pgsz, "pread");
		break;
	case 2:				/* crossing the end: short */
		j = 1 + rnd(c, np < 4 ? np : 4);
		n = j + 1 + rnd(c, 4);
		read_check(c, OP_PREAD, w->fds[fi].fd, r,
			   (uint64_t)(np - j) * pgsz, (size_t)n * pgsz, (long)j * pgsz,
			   "pread crossing the end");
		break;
	case 3:				/* at or past the end: 0 */
		read_check(c, OP_PREAD, w->fds[fi].fd, r,
			   (uint64_t)(np + rnd(c, 3)) * pgsz + rnd(c, 2) * rnd(c, pgsz),
			   1 + rnd(c, 2 * pgsz), 0, "pread at or past the end");
		break;
	case 4:				/* unaligned, small */
		a = rnd(c, np * pgsz);
		n = 1 + rnd(c, 3 * pgsz);
		read_check(c, OP_PREAD, w->fds[fi].fd, r, a, n,
			   np * pgsz - a < n ? (long)(np * pgsz - a) : (long)n,
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
		ret = pwrite(w->fds[fi].fd, c->buf, pgsz, 0);
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
			ret = pwrite(w->fds[fi].fd, c->buf, (2 + rnd(c, 3)) * pgsz,
				     (off_t)(np - 1) * pgsz);
			e = errno;
			if (judge(c, OP_PWRITE, ret, e, pgsz, 0, what) == OUT_OK)
				RM(r)->ver[np - 1] = v;
			break;
		}
		/* fall through */
	case 1:				/* at or past the end */
		snprintf(what, sizeof(what), "pwrite past the end of %s (%u pages)",
			 S->devpath[r], np);
		ret = pwrite(w->fds[fi].fd, c->buf, 1 + rnd(c, pgsz),
			     (off_t)(np + rnd(c, 3)) * pgsz + rnd(c, 2) * rnd(c, pgsz));
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
	int64_t size = (int64_t)RM(r)->npages * pgsz, off, pos;
	struct wfd *f;

	if (fi < 0)
		return;
	f = &w->fds[fi];
	pos = f->pos;
	switch (rnd(c, 6)) {
	case 0:
	case 1:
		off = rnd(c, size + 3 * pgsz);
		do_lseek(c, f, off, SEEK_SET, off, 0);
		break;
	case 2:
		off = (int64_t)rnd(c, 4 * pgsz) - 2 * (int64_t)pgsz;
		if (pos + off < 0)
			do_lseek(c, f, off, SEEK_CUR, 0, EINVAL);
		else
			do_lseek(c, f, off, SEEK_CUR, pos + off, 0);
		break;
	case 3:
		off = -(int64_t)rnd(c, size + 2 * pgsz) + rnd(c, 2) * (int64_t)pgsz;
		if (size + off < 0)
			do_lseek(c, f, off, SEEK_END, 0, EINVAL);
		else
			do_lseek(c, f, off, SEEK_END, size + off, 0);
		break;
	case 4:
		do_lseek(c, f, -1 - (int64_t)rnd(c, pgsz), SEEK_SET, 0, EINVAL);
		break;
	default:
		do_lseek(c, f, 0, 7, 0, EINVAL);
		break;
	}
}

/* ---- the raw ioctls ---- */

int info_ioctl(int fd, struct kshm_info *in)
{
	in->argsz = sizeof(*in);
	in->flags = 0;
	return ioctl(fd, KSHM_IOC_INFO, in);
}

int resize_ioctl(int fd, struct kshm_resize *rs, uint64_t size,
		 uint64_t flags)
{
	rs->size = size;
	rs->flags = flags;
	return ioctl(fd, KSHM_IOC_SET_SIZE, rs);
}

bool info_whole(struct ctx *c, const struct kshm_info *in, const char *what)
{
	size_t i;

	if (in->argsz != sizeof(*in)) {
		fail(c, "%s: argsz %u after the call, expected %zu", what,
		     in->argsz, sizeof(*in));
		return false;
	}
	if ((in->mask & INFO_MASK_USED) != INFO_MASK_USED) {
		fail(c, "%s: mask %#llx lacks %#llx", what,
		     (unsigned long long)in->mask,
		     (unsigned long long)(INFO_MASK_USED & ~in->mask));
		return false;
	}
	if (!memchr(in->name, 0, sizeof(in->name)) ||
	    strncmp(in->name, "kshm", 4)) {
		fail(c, "%s: name \"%.*s\" is not kshm... with a NUL", what,
		     (int)sizeof(in->name), in->name);
		return false;
	}
	if (in->page_size != pgsz || in->backing > KSHM_BACKING_HUGE ||
	    !in->size || in->size % pgsz || in->size > in->max_size) {
		fail(c, "%s: page_size %u, backing %u, size %llu, max_size %llu: inconsistent",
		     what, in->page_size, in->backing,
		     (unsigned long long)in->size,
		     (unsigned long long)in->max_size);
		return false;
	}
	/* Only fields a newer driver announces may be non-zero. */
	for (i = 0; !(in->mask & ~(KSHM_INFO_NAME * 2 - 1)) &&
		    i < sizeof(in->__reserved) / sizeof(in->__reserved[0]); i++)
		if (in->__reserved[i] || in->__pad) {
			fail(c, "%s: __pad or __reserved not zero", what);
			return false;
		}
	return true;
}

/* KSHM_IOC_INFO with a bad argsz or flags (EINVAL), or a larger argsz. */
static void info_variant(struct ctx *c, int r, int fd, int v)
{
	struct kshm_info *in = &c->w->info;
	unsigned char *b = c->w->infobuf;
	size_t big = sizeof(c->w->infobuf), i;
	char what[160];
	int ret, e;

	memset(b, 0xa5, big);
	if (v == 0) {
		in->argsz = sizeof(*in);
		in->flags = 1U << rnd(c, 32);
	} else if (v == 1) {
		in->argsz = rnd(c, KSHM_INFO_SIZE_VER0);
		in->flags = 0;
	} else {
		in->argsz = sizeof(*in) + 8 * (1 + rnd(c, (big - sizeof(*in)) / 8));
		in->flags = 0;
	}
	snprintf(what, sizeof(what), "KSHM_IOC_INFO on %s with argsz %u flags %#x",
		 S->devpath[r], in->argsz, in->flags);
	ret = ioctl(fd, KSHM_IOC_INFO, in);
	e = errno;
	if (judge(c, OP_INFO, ret, e, 0, v < 2 ? EINVAL : 0, what) != OUT_OK)
		return;
	if (!info_whole(c, in, what))
		return;
	for (i = in->argsz; i < big; i++)
		if (b[i] != 0xa5) {
			fail(c, "%s: byte %zu, past the %u filled, was written",
			     what, i, in->argsz);
			return;
		}
}

static void op_info(struct ctx *c, int r)
{
	struct worker *w = c->w;
	struct region_model *m = RM(r);
	struct kshm_info *in = &w->info;
	int fi = pick_fd(c, r, -1), ret, e, mine = S->mapped[w->id][r];
	int v = rnd(c, 10);

	if (fi < 0)
		return;
	if (v < 3) {
		info_variant(c, r, w->fds[fi].fd, v);
		return;
	}
	ret = info_ioctl(w->fds[fi].fd, in);
	e = errno;
	if (judge(c, OP_INFO, ret, e, 0, 0, "KSHM_IOC_INFO") != OUT_OK ||
	    !info_whole(c, in, "KSHM_IOC_INFO"))
		return;
	if (in->size != (uint64_t)m->npages * pgsz)
		fail(c, "INFO of %s: size %llu, the model says %u pages",
		     S->devpath[r], (unsigned long long)in->size, m->npages);
	else if (in->max_size != m->max_size || in->page_size != pgsz ||
		 in->backing != m->backing || in->index != m->index ||
		 strcmp(in->name, m->name))
		fail(c, "INFO of %s: max_size/page_size/backing/index/name changed",
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

		read_check(&all, OP_PREAD, c->w->fds[fi].fd, r, (uint64_t)from * pgsz,
			   (size_t)n * pgsz, (long)n * pgsz, via);
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
	uint64_t bytes = (uint64_t)(n - 1) * pgsz + 1 + rnd(c, pgsz);
	bool coop = rnd(c, 2);
	char what[160];
	struct timespec ts;
	int spins;

	/* The size the region takes: whole 2 MiB blocks for "huge". */
	n = (n + m->gran - 1) / m->gran * m->gran;
	if (fi < 0)
		return;
	if (v == 0) {			/* out of range, or flags */
		static const uint64_t bad[] = { 0, 0, ~0ULL };
		uint64_t flags = 0;

		if (rnd(c, 4) == 0) {
			flags = 1ULL << rnd(c, 64);
		} else {
			bytes = bad[rnd(c, 3)];
			if (bytes == 0 && rnd(c, 2))
				bytes = m->max_size + 1 + rnd(c, 2 * pgsz);
		}
		rdlock(r);
		snprintf(what, sizeof(what), "SET_SIZE %s to %" PRIu64 " flags %#" PRIx64,
			 S->devpath[r], bytes, flags);
		ret = resize_ioctl(w->fds[fi].fd, &w->resize, bytes, flags);
		e = errno;
		judge(c, OP_RESIZE, ret, e, 0, EINVAL, what);
		unlock(r);
		return;
	}
	if (v == 1 && (fi = pick_mode_fd(c, r, O_RDONLY)) >= 0) {
		rdlock(r);
		ret = resize_ioctl(w->fds[fi].fd, &w->resize, bytes, 0);
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
	ret = resize_ioctl(w->fds[fi].fd, &w->resize, bytes, 0);
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

/* ---- picking the next operation ---- */

static unsigned int weight_total;

void ops_init(void)
{
	unsigned int i;

	for (weight_total = 0, i = 0; i < NOPS; i++)
		weight_total += op_weight[i];
}

static enum op pick_op(struct ctx *c)
{
	unsigned int x, i;

	x = rnd(c, weight_total);
	for (i = 0; x >= op_weight[i]; i++)
		x -= op_weight[i];
	return i;
}

void run_op(struct ctx *c)
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

	if (op >= OP_RING_FIRST) {
		ring_run_op(c, op);
		return;
	}
	if (op >= OP_RT_FIRST) {
		rt_run_op(c, op);
		return;
	}

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
