// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-stress: the operations on rings (--rings): create and destroy of
 * the pool's regions, open and close, KSHM_IOC_RING_SETUP (valid and bad
 * arguments, alone or at the same moment as an mmap or another set-up
 * from the worker's helper thread), mmap in both layouts (valid, past the
 * end, writable where it may not be), munmap and mprotect, producing
 * records into a U2K ring by the protocol, poll() and
 * KSHM_IOC_RING_NOTIFY, random bytes over the control page and the
 * headers, and checks: both views of the data, pread, INFO, sysfs, the
 * K2U write rules. How each result is predicted: rings.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "ops.h"
#include "rings-model.h"

#define K2U	KSHM_RING_K2U
#define U2K	KSHM_RING_U2K

static struct ring_hold *HOLD(struct ctx *c)
{
	return &c->w->ring;
}

static const char *dir_name(uint32_t dir)
{
	return dir == K2U ? "K2U ring" : dir == U2K ? "U2K ring" : "no ring";
}

static void note_destroyed(struct ctx *c, int s)
{
	if (__atomic_load_n(&SL(s)->state, __ATOMIC_RELAXED) == RT_DESTROYED)
		ring_stat(c, RGS_ON_DESTROYED);
}

/* c->buf filled with n random bytes. */
static void random_bytes(struct ctx *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i += 8) {
		uint64_t v = next64(&c->rng);

		memcpy(c->buf + i, &v, n - i < 8 ? n - i : 8);
	}
}

/* The data as it must be: n bytes at data offset off, wrapping. */
static void shadow_data(struct ring_slot *r, uint64_t off, const void *src,
			size_t n)
{
	size_t first;

	off &= r->size - 1;
	first = r->size - off < n ? r->size - off : n;
	memcpy(r->data + off, src, first);
	memcpy(r->data, (const char *)src + first, n - first);
}

/* ---- mappings ---- */

/* A ring mapping may not be inherited: see rings.c (under vm_lock). */
static bool dontfork(struct ctx *c, void *addr, size_t len)
{
	int tries, ret = -1;

	for (tries = 0; tries < 100; tries++) {
		ret = madvise(addr, len, MADV_DONTFORK);
		if (!ret || errno != ENOMEM)
			break;
	}
	if (ret)
		fail(c, "madvise(MADV_DONTFORK) of a ring region's mapping: %s",
		     strerror(errno));
	return !ret;
}

/* Unmap mapping i of the worker's hold; slot lock held. */
static void unmap_one(struct ctx *c, int i, bool check)
{
	struct ring_hold *h = HOLD(c);
	struct ring_map m = h->map[i];
	int ret, e, tries;

	if (check && rnd(c, 2))
		ring_check_map(c, h->slot, &m, "a ring region's mapping before munmap");
	for (tries = 0;; tries++) {
		ret = munmap(m.addr, (size_t)m.npages * pgsz);
		e = errno;
		if (!ret || e != ENOMEM || tries == 100)
			break;
	}
	if (judge(c, OP_RING_MMAP, ret, e, 0, 0, "munmap of a ring region") != OUT_OK)
		return;
	SL(h->slot)->maps--;
	h->map[i] = h->map[--h->nmaps];
}

/* What the region is now, for the legal results of a call. */
struct rstate {
	uint32_t dir, npages, max_pages;
	uint64_t size;
	int maps;
};

static struct rstate state_of(const struct ring_slot *r)
{
	return (struct rstate){ .dir = r->dir, .npages = ring_region_pages(r),
				.max_pages = r->max_pages, .size = r->size,
				.maps = r->maps };
}

static uint64_t mmap_legal(const struct rstate *st, uint32_t pgoff,
			   uint32_t np, int prot, int flags, int mode)
{
	uint64_t m = 0, end = (uint64_t)pgoff + np;

	if ((flags & MAP_TYPE) != MAP_SHARED)
		m |= LEGAL(EINVAL);
	else if ((prot & PROT_WRITE) && mode == O_RDONLY)
		m |= LEGAL(EACCES);
	if (st->dir) {
		if (end > 1 + 2 * (st->size / pgsz))
			m |= LEGAL(EINVAL);
		if (st->dir == K2U && (prot & PROT_WRITE) && end > 1)
			m |= LEGAL(EPERM);
	} else if (end > st->npages) {
		m |= LEGAL(EINVAL);
	}
	return m ? m : LEGAL_OK;
}

/* mmap of the hold's fd, made MADV_DONTFORK; slot lock held. */
static bool map_new(struct ctx *c, int s, uint32_t pgoff, uint32_t np,
		    int prot, int flags, int op)
{
	struct ring_hold *h = HOLD(c);
	struct ring_slot *r = SL(s);
	struct rstate st = state_of(r);
	uint64_t legal = mmap_legal(&st, pgoff, np, prot, flags, h->mode);
	size_t len = (size_t)np * pgsz;
	char what[200];
	bool kept = true;
	void *addr;
	int e, res;

	snprintf(what, sizeof(what),
		 "mmap /dev/kshm-%s (%s, %u pages) pgoff %u len %u pages prot %#x flags %#x fd mode %d",
		 ring_name(r->name), dir_name(r->dir), st.npages, pgoff, np,
		 prot, flags, h->mode);
	pthread_mutex_lock(&vm_lock);
	addr = mmap(NULL, len, prot, flags, h->fd, (off_t)pgoff * pgsz);
	e = errno;
	if (addr != MAP_FAILED && (legal & LEGAL_OK))
		kept = dontfork(c, addr, len);
	pthread_mutex_unlock(&vm_lock);
	res = judge_legal(c, op, addr == MAP_FAILED ? -1 : 0, e, legal, what);
	if (addr != MAP_FAILED && (res != OUT_OK || !kept)) {
		munmap(addr, len);
		return false;
	}
	if (res != OUT_OK)
		return false;
	h->map[h->nmaps++] = (struct ring_map){
		.addr = addr, .pgoff = pgoff, .npages = np, .prot = prot,
		.ring = r->dir != 0 };
	r->maps++;
	ring_check_map(c, s, &h->map[h->nmaps - 1], "a new mapping of a ring region");
	return true;
}

/* mprotect of one mapping: K2U data can never be made writable. */
static void ring_mprotect(struct ctx *c, int s)
{
	struct ring_hold *h = HOLD(c);
	struct ring_map *m = &h->map[rnd(c, h->nmaps)];
	struct ring_slot *r = SL(s);
	int want = rnd(c, 2) ? PROT_READ | PROT_WRITE : PROT_READ, ret, e;
	uint64_t legal = LEGAL_OK;
	char what[200];

	if (want & PROT_WRITE) {
		if (h->mode == O_RDONLY)
			legal = LEGAL(EACCES);
		else if (m->ring && r->dir == K2U && m->pgoff + m->npages > 1)
			legal = LEGAL(EACCES);
	}
	snprintf(what, sizeof(what), "mprotect %#x of a mapping of /dev/kshm-%s (%s) pgoff %u len %u pages, fd mode %d",
		 want, ring_name(r->name), dir_name(r->dir), m->pgoff,
		 m->npages, h->mode);
	ret = mprotect(m->addr, (size_t)m->npages * pgsz, want);
	e = errno;
	if (judge_legal(c, OP_RING_MMAP, ret, e, legal, what) == OUT_OK)
		m->prot = want;
}

/* ---- create, destroy, open, close ---- */

static void ring_create(struct ctx *c)
{
	struct worker *w = c->w;
	int k = rnd(c, RING_NAMES), s, exp, res, ret, e;
	struct rt_name *nm = &RG()->names[k];
	uint32_t np = 1 + rnd(c, RING_TAG_BASE), backing = rnd(c, 2);
	struct kshm_create *cr = &w->create[0];
	char what[200];

	pthread_mutex_lock(&nm->lock);
	ring_lock();
	s = ring_slot_reserve(k, np, backing);
	if (s >= 0)
		nm->seq++;
	ring_unlock();
	if (s < 0) {
		ring_stat(c, RGS_NO_SLOT);
		pthread_mutex_unlock(&nm->lock);
		return;
	}
	memset(cr, 0, sizeof(*cr));
	cr->argsz = sizeof(*cr);
	cr->size = (uint64_t)(np - 1) * pgsz + 1 + rnd(c, pgsz);
	cr->max_size = (uint64_t)SL(s)->max_pages * pgsz;
	cr->backing = backing;
	cr->mode = rnd(c, 2) ? 0 : 0600;
	snprintf(cr->name, sizeof(cr->name), "%s", ring_name(k));
	exp = nm->slot >= 0 ? EEXIST : 0;
	snprintf(what, sizeof(what), "KSHM_IOC_CREATE %s size %llu max_size %llu backing %u (%s)",
		 ring_name(k), (unsigned long long)cr->size,
		 (unsigned long long)cr->max_size, backing,
		 exp ? "alive" : "free");
	ret = ioctl(w->ctl_fd, KSHM_IOC_CREATE, cr);
	e = errno;
	res = judge(c, OP_RING_CREATE, ret, e, 0, exp, what);
	ring_lock();
	if (res == OUT_OK) {
		SL(s)->state = RT_ALIVE;
		nm->slot = s;
		ring_stat(c, RGS_CREATED);
	} else {
		SL(s)->state = RT_FREE;
	}
	nm->seq++;
	ring_unlock();
	pthread_mutex_unlock(&nm->lock);
}

static void ring_destroy(struct ctx *c)
{
	struct worker *w = c->w;
	int k = rnd(c, RING_NAMES), s, res, ret, e;
	struct rt_name *nm = &RG()->names[k];
	char what[120];

	pthread_mutex_lock(&nm->lock);
	ring_lock();
	nm->seq++;
	ring_unlock();
	s = nm->slot;
	fill_destroy(&w->destroy[0], ring_name(k));
	snprintf(what, sizeof(what), "KSHM_IOC_DESTROY %s (%s)", ring_name(k),
		 s >= 0 ? "alive" : "free");
	ret = ioctl(w->ctl_fd, KSHM_IOC_DESTROY, &w->destroy[0]);
	e = errno;
	res = judge(c, OP_RING_DESTROY, ret, e, 0, s >= 0 ? 0 : ENOENT, what);
	ring_lock();
	if (res == OUT_OK && s >= 0) {
		SL(s)->state = RT_DESTROYED;
		nm->slot = -1;
		ring_stat(c, RGS_DESTROYED);
	}
	nm->seq++;
	ring_unlock();
	pthread_mutex_unlock(&nm->lock);
}

static void take(struct ctx *c, int s, int fd, int mode, const char *what)
{
	struct ring_hold *h = HOLD(c);

	h->slot = s;
	h->fd = fd;
	h->mode = mode;
	h->nmaps = 0;
	rs_lock(s);
	ring_info_check(c, fd, s, what);
	rs_unlock(s);
}

static void ring_open(struct ctx *c)
{
	struct worker *w = c->w;
	int k = rnd(c, RING_NAMES), mode = rnd(c, 4) ? O_RDWR : O_RDONLY;
	struct rt_name *nm = &RG()->names[k];
	int s, s1, s2, fd, e;
	char what[120];
	bool held;

	snprintf(w->path[0], sizeof(w->path[0]), "/dev/kshm-%s", ring_name(k));
	ring_lock();
	RG()->opening++;
	s1 = nm->seq;
	s = nm->slot;
	held = s >= 0 && !(s1 & 1);
	if (held)
		SL(s)->holders++;
	ring_unlock();

	fd = open(w->path[0], mode | O_CLOEXEC);
	e = errno;

	ring_lock();
	s2 = nm->seq;
	ring_unlock();
	if (s1 == s2 && !(s1 & 1)) {
		/* Nothing made or destroyed this name meanwhile: exact. */
		snprintf(what, sizeof(what), "open %s mode %d (%s)", w->path[0],
			 mode, s >= 0 ? "alive" : "free");
		if (judge(c, OP_RING_OPEN, fd, e, -1, s >= 0 ? 0 : ENOENT,
			  what) == OUT_OK) {
			take(c, s, fd, mode, what);
			held = false;		/* the hold's now */
		}
	} else {
		ring_stat(c, RGS_RACY_OPENS);
		snprintf(what, sizeof(what), "open %s mode %d racing a create or destroy",
			 w->path[0], mode);
		if (fd < 0 && (e == ENOENT || e == ENODEV)) {
			count(c, OP_RING_OPEN, OUT_ERR);
		} else if (fd < 0) {
			judge(c, OP_RING_OPEN, fd, e, -1, ENOENT, what);
		} else {
			bool other;
			int slot = ring_identify(c, fd, k, &other, what);

			count(c, OP_RING_OPEN, OUT_OK);
			if (other || slot < 0) {
				close(fd);
			} else {
				ring_hold_slot(slot);
				take(c, slot, fd, mode, what);
			}
		}
	}
	ring_lock();
	if (held)
		SL(s)->holders--;
	RG()->opening--;
	ring_unlock();
}

static void ring_close(struct ctx *c)
{
	struct ring_hold *h = HOLD(c);
	int s = h->slot, i, ret, e;

	if (h->fd >= 0 && h->nmaps && rnd(c, 4) == 0) {
		/* The mappings hold the region on their own. */
		ret = close(h->fd);
		e = errno;
		judge(c, OP_RING_OPEN, ret, e, 0, 0,
		      "close of a ring region's fd (its mappings kept)");
		h->fd = -1;
		return;
	}
	rs_lock(s);
	note_destroyed(c, s);
	if (h->fd >= 0 && rnd(c, 2))
		ring_check_pread(c, OP_RING_OPEN, s, h->fd, 0, MAXIO + 2,
				 "pread before close");
	for (i = h->nmaps - 1; i >= 0 && !stopping(); i--)
		unmap_one(c, i, true);
	rs_unlock(s);
	if (h->nmaps)
		return;			/* a failure stops the run */
	if (h->fd >= 0) {
		ret = close(h->fd);
		e = errno;
		judge(c, OP_RING_OPEN, ret, e, 0, 0, "close of a ring region");
	}
	h->fd = -1;
	h->slot = -1;
	ring_release_slot(s);
}

static void ring_open_close(struct ctx *c)
{
	if (HOLD(c)->slot < 0)
		ring_open(c);
	else
		ring_close(c);
}

/* ---- set-up ---- */

static void ring_produce(struct ctx *c);

static uint64_t setup_legal(const struct rstate *st,
			    const struct kshm_ring_setup *a, int mode)
{
	uint64_t m = 0;

	if (mode == O_RDONLY)
		m |= LEGAL(EBADF);
	if ((a->flags != K2U && a->flags != U2K) || a->__pad ||
	    a->size < pgsz || (a->size & (a->size - 1)) ||
	    a->size / pgsz >= st->max_pages)
		m |= LEGAL(EINVAL);
	if (st->dir || st->maps)
		m |= LEGAL(EBUSY);
	return m ? m : LEGAL_OK;
}

/* The state after a set-up call of args a returned ret. */
static struct rstate after_setup(struct rstate st, long ret,
				 const struct kshm_ring_setup *a)
{
	if (ret == 0) {
		st.dir = a->flags;
		st.size = a->size;
		st.npages = 1 + a->size / pgsz;
	}
	return st;
}

static void draw_setup(struct ctx *c, const struct ring_slot *r,
		       struct kshm_ring_setup *a)
{
	static const uint64_t bad[] = {
		0, 8, 2048, 4088, 3 * 4096, 4096 + 8, 24 * 4096,
		1ULL << 40, 1ULL << 63, ~0ULL,
	};
	uint32_t dir = rnd(c, 2) ? K2U : U2K, n;

	memset(a, 0, sizeof(*a));
	a->flags = dir;
	a->size = (uint64_t)pgsz << rnd(c, 5);		/* 1 to 16 pages */
	switch (rnd(c, 16)) {
	case 0:
		a->flags = 0;
		break;
	case 1:
		a->flags = K2U | U2K;
		break;
	case 2:				/* another bit, KSHM_RING_BROKEN too */
		a->flags = dir | 1U << (2 + rnd(c, 30));
		break;
	case 3:
		a->__pad = 1 + rnd(c, 1000);
		break;
	case 4:
		a->size = bad[rnd(c, sizeof(bad) / sizeof(bad[0]))];
		if (a->size && a->size < (1ULL << 20))
			a->size = a->size / 4096 * pgsz + a->size % 4096;
		break;
	case 5:				/* a power of two too big for max_size */
		for (n = 1; n < r->max_pages; n *= 2)
			;
		a->size = (uint64_t)n * pgsz;
		break;
	}
}

/* A set-up failed with ENOMEM: it may have resized the region (rings.c). */
static void after_nomem(struct ctx *c, int s, int fd)
{
	struct ring_slot *r = SL(s);
	struct kshm_info in;
	int i, ret = 1;

	if (r->dir)
		return;
	for (i = 0; i < 100 && ret > 0; i++)
		ret = rt_info(c, fd, &in, "KSHM_IOC_INFO after a set-up failed with ENOMEM");
	if (ret) {
		if (ret > 0)
			fail(c, "KSHM_IOC_INFO after a set-up fails with ENOMEM 100 times");
		return;
	}
	if (in.size == (uint64_t)r->npages * pgsz)
		return;
	if (!in.size || in.size % pgsz || in.size > (uint64_t)r->max_pages * pgsz) {
		fail(c, "after a set-up failed with ENOMEM, /dev/kshm-%s has size %llu",
		     ring_name(r->name), (unsigned long long)in.size);
		return;
	}
	r->npages = in.size / pgsz;
	ring_stat(c, RGS_NOMEM_RESIZED);
}

static void setup_done(struct ctx *c, int s, int fd, long ret, int err,
		       const struct kshm_ring_setup *a)
{
	if (ret == 0) {
		ring_became(s, a->flags, a->size);
		ring_stat(c, a->flags == K2U ? RGS_SETUP_K2U : RGS_SETUP_U2K);
	} else if (err == EBUSY) {
		ring_stat(c, RGS_SETUP_BUSY);
	} else if (err == ENOMEM) {
		after_nomem(c, s, fd);
	}
}

static void setup_what(char *what, size_t len, const struct ring_slot *r,
		       const struct kshm_ring_setup *a, int mode,
		       const char *how)
{
	snprintf(what, len, "KSHM_IOC_RING_SETUP flags %#x __pad %u size %llu%s on /dev/kshm-%s (%s, %u pages, max %u, %d mappings), fd mode %d",
		 a->flags, a->__pad, (unsigned long long)a->size, how,
		 ring_name(r->name), dir_name(r->dir), ring_region_pages(r),
		 r->max_pages, r->maps, mode);
}

static bool call_ok(uint64_t legal, const struct rt_call *x)
{
	return legal_has(legal, x->ret < 0 ? -1 : 0, x->err);
}

static const char *call_res(const struct rt_call *x, char *buf, size_t len)
{
	if (x->ret >= 0)
		snprintf(buf, len, "success");
	else
		snprintf(buf, len, "%s", strerrorname_np(x->err) ?: "?");
	return buf;
}

/*
 * The set-up (the worker) at the same moment as an mmap or another
 * set-up (its helper thread) on the same fd: one of the two orders must
 * explain both results.
 */
static void setup_race(struct ctx *c, int s, bool with_mmap)
{
	struct worker *w = c->w;
	struct ring_hold *h = HOLD(c);
	struct ring_slot *r = SL(s);
	struct rt_call *mine = &w->mycall, *his = &w->racer.call;
	/* With an mmap, either thread may make either call. */
	bool swap = with_mmap && rnd(c, 2);
	struct rt_call *sc = swap ? his : mine, *oc = swap ? mine : his;
	struct kshm_ring_setup *a = &w->rsetup[0], *b = &w->rsetup[1];
	struct rstate st0 = state_of(r), st1;
	uint32_t np = 1;
	int prot = PROT_READ;
	char what[300], r1[32], r2[32];
	bool okA, okB, kept = true;

	memset(mine, 0, sizeof(*mine));
	memset(his, 0, sizeof(*his));
	mine->fd = his->fd = h->fd;
	sc->cmd = KSHM_IOC_RING_SETUP;
	sc->arg = a;
	if (with_mmap) {
		if (rnd(c, 4) == 0)
			np = ring_view_pages(r);
		if (h->mode == O_RDWR && rnd(c, 2))
			prot |= PROT_WRITE;
		oc->maplen = (size_t)np * pgsz;
		oc->prot = prot;
	} else {
		draw_setup(c, r, b);
		oc->cmd = KSHM_IOC_RING_SETUP;
		oc->arg = b;
	}
	setup_what(what, sizeof(what), r, a, h->mode,
		   with_mmap ? " racing an mmap" : " racing another set-up");
	pthread_mutex_lock(&vm_lock);
	race_run(w, mine);
	if (with_mmap && oc->ret >= 0)
		kept = dontfork(c, (void *)oc->ret, oc->maplen);
	pthread_mutex_unlock(&vm_lock);
	ring_stat(c, RGS_RACES);

	if (with_mmap) {
		/* The mmap first: the set-up sees its mapping. */
		st1 = st0;
		st1.maps += oc->ret >= 0;
		okA = call_ok(mmap_legal(&st0, 0, np, prot, MAP_SHARED, h->mode), oc) &&
		      call_ok(setup_legal(&st1, a, h->mode), sc);
		st1 = after_setup(st0, sc->ret, a);
		okB = call_ok(setup_legal(&st0, a, h->mode), sc) &&
		      call_ok(mmap_legal(&st1, 0, np, prot, MAP_SHARED, h->mode), oc);
		/* A set-up that failed with ENOMEM may have resized (rings.c). */
		if (!okB && fault_inject && sc->ret < 0 && sc->err == ENOMEM &&
		    setup_legal(&st0, a, h->mode) == LEGAL_OK) {
			st1.npages = 1 + a->size / pgsz;
			okB = call_ok(mmap_legal(&st1, 0, np, prot, MAP_SHARED,
						 h->mode), oc);
		}
	} else {
		st1 = after_setup(st0, sc->ret, a);
		okA = call_ok(setup_legal(&st0, a, h->mode), sc) &&
		      call_ok(setup_legal(&st1, b, h->mode), oc);
		st1 = after_setup(st0, oc->ret, b);
		okB = call_ok(setup_legal(&st0, b, h->mode), oc) &&
		      call_ok(setup_legal(&st1, a, h->mode), sc);
	}
	if (!okA && !okB) {
		fail(c, "%s: the set-up gave %s, the other %s %s; no order of the two explains that",
		     what, call_res(sc, r1, sizeof(r1)),
		     with_mmap ? "thread's mmap of" : "set-up with size",
		     call_res(oc, r2, sizeof(r2)));
	}
	count(c, OP_RING_SETUP, sc->ret >= 0 ? OUT_OK :
	      fault_inject && sc->err == ENOMEM ? OUT_NOMEM : OUT_ERR);
	setup_done(c, s, h->fd, sc->ret, sc->err, a);
	if (!with_mmap)
		setup_done(c, s, h->fd, oc->ret, oc->err, b);
	if (with_mmap && oc->ret >= 0) {
		if (!kept || stopping()) {
			munmap((void *)oc->ret, oc->maplen);
		} else {
			/* Made after a set-up that succeeded, else before it. */
			h->map[h->nmaps++] = (struct ring_map){
				.addr = (char *)oc->ret, .pgoff = 0,
				.npages = np, .prot = prot, .ring = r->dir != 0 };
			r->maps++;
			ring_stat(c, sc->ret == 0 ? RGS_RACE_RING : RGS_RACE_PLAIN);
			ring_check_map(c, s, &h->map[h->nmaps - 1],
				       "the mapping made racing a set-up");
		}
	}
}

static void ring_setup_op(struct ctx *c)
{
	struct worker *w = c->w;
	struct ring_hold *h = HOLD(c);
	struct kshm_ring_setup *a = &w->rsetup[0];
	struct ring_slot *r;
	struct rstate st;
	int s = h->slot, race, ret, e;
	char what[300];

	if (s < 0 || h->fd < 0) {
		ring_open_close(c);
		return;
	}
	r = SL(s);
	/* On a ring, EBUSY is all a set-up gives: mostly use the ring. */
	if (__atomic_load_n(&r->dir, __ATOMIC_RELAXED) && rnd(c, 4)) {
		ring_produce(c);
		return;
	}
	race = rnd(c, 4) ? 0 : rnd(c, 4) ? 1 : 2;
	rs_lock(s);
	note_destroyed(c, s);
	draw_setup(c, r, a);
	/* A marker in page 0 tells the two layouts apart in a mapping. */
	if (!r->dir && !r->marked && h->mode == O_RDWR) {
		uint64_t mk = ring_marker(r);
		long n;

		memcpy(c->buf, &mk, sizeof(mk));
		n = pwrite(h->fd, c->buf, sizeof(mk), 0);
		e = errno;
		if (judge(c, OP_RING_SETUP, n, e, sizeof(mk), 0,
			  "pwrite of a marker into page 0 before a set-up") == OUT_OK) {
			put64(r->ctrl, 0, mk);
			r->marked = true;
		}
	}
	if (race == 1 && h->nmaps == RING_MAXMAPS)
		unmap_one(c, rnd(c, h->nmaps), false);
	if (race) {
		setup_race(c, s, race == 1);
	} else {
		st = state_of(r);
		setup_what(what, sizeof(what), r, a, h->mode, "");
		ret = ioctl(h->fd, KSHM_IOC_RING_SETUP, a);
		e = errno;
		if (judge_legal(c, OP_RING_SETUP, ret, e,
				setup_legal(&st, a, h->mode), what) >= 0)
			setup_done(c, s, h->fd, ret, e, a);
	}
	/* Cleared by the set-up, with size and flags written: every byte. */
	if (r->dir && rnd(c, 2) && !stopping())
		ring_check_pread(c, OP_RING_SETUP, s, h->fd, 0, MAXIO + 2,
				 "pread after a set-up");
	rs_unlock(s);
}

/* ---- mapping ---- */

static void ring_mmap_op(struct ctx *c)
{
	struct ring_hold *h = HOLD(c);
	int s = h->slot, prot = PROT_READ, flags = MAP_SHARED, rw;
	uint32_t pgoff = 0, np = 1, n, v;
	struct ring_slot *r;

	if (s < 0 || h->fd < 0) {
		ring_open_close(c);
		return;
	}
	r = SL(s);
	rw = h->mode == O_RDWR ? PROT_WRITE : 0;
	rs_lock(s);
	note_destroyed(c, s);
	if (h->nmaps && (h->nmaps == RING_MAXMAPS || rnd(c, 3) == 0)) {
		unmap_one(c, rnd(c, h->nmaps), true);
		goto out;
	}
	if (h->nmaps && rnd(c, 4) == 0) {
		ring_mprotect(c, s);
		goto out;
	}
	if (!r->dir) {
		/* A mapping keeps a set-up out (EBUSY): not too often. */
		if (rnd(c, 2)) {
			rs_unlock(s);
			ring_setup_op(c);
			return;
		}
		n = r->npages;
		pgoff = rnd(c, n);
		np = 1 + rnd(c, n - pgoff);
		if (rnd(c, 6) == 0)
			np = n - pgoff + 1 + rnd(c, 3);
		if (rnd(c, 2))
			prot |= rnd(c, 4) ? rw : PROT_WRITE;
		map_new(c, s, pgoff, np, prot, flags, OP_RING_MMAP);
		goto out;
	}
	n = r->size / pgsz;
	switch (v = rnd(c, 10)) {
	case 0:
	case 1:				/* the control page */
		if (rnd(c, 4))
			prot |= rw;
		break;
	case 2:
	case 3:				/* the data, twice */
		pgoff = 1;
		np = 2 * n;
		if (r->dir == U2K && rnd(c, 4))
			prot |= rw;
		break;
	case 4:				/* all of it */
		np = 1 + 2 * n;
		if (r->dir == U2K && rnd(c, 2))
			prot |= rw;
		break;
	case 5:				/* anywhere, maybe writable */
		pgoff = rnd(c, 1 + 2 * n);
		np = 1 + rnd(c, 1 + 2 * n - pgoff);
		if (rnd(c, 2))
			prot |= PROT_WRITE;
		break;
	case 6:				/* past the two views */
		pgoff = rnd(c, 2 + 2 * n);
		np = (1 + 2 * n > pgoff ? 1 + 2 * n - pgoff : 0) + 1 + rnd(c, 3);
		break;
	case 7:				/* a data page, writable */
		pgoff = 1 + rnd(c, 2 * n);
		prot |= PROT_WRITE;
		break;
	case 8:
		flags = MAP_PRIVATE;
		break;
	default:			/* the control page, writable */
		prot |= PROT_WRITE;
		break;
	}
	map_new(c, s, pgoff, np, prot, flags, OP_RING_MMAP);
out:
	rs_unlock(s);
}

/* ---- producing (U2K) ---- */

static void ring_notify(struct ctx *c, int s, int fd, bool bad);

/* The worker's writable mappings of the control page and the data. */
static void rw_maps(struct ctx *c, int s, char **ctrl, char **data)
{
	struct ring_hold *h = HOLD(c);
	uint32_t views = ring_view_pages(SL(s));
	int i;

	*ctrl = *data = NULL;
	for (i = 0; i < h->nmaps; i++) {
		struct ring_map *m = &h->map[i];

		if (!m->ring || !(m->prot & PROT_WRITE))
			continue;
		if (m->pgoff == 0)
			*ctrl = m->addr;
		if (m->pgoff <= 1 && m->pgoff + m->npages >= views)
			*data = m->addr + (size_t)(1 - m->pgoff) * pgsz;
	}
}

/*
 * Records by the protocol of ring.md: reserve against the consumer
 * position read from the page, header with BUSY, position published with
 * release, the payload in place, BUSY cleared with release, a full
 * barrier, and a notify if the consumer said it waits. No room: the
 * record is refused and counted in dropped.
 */
static void produce(struct ctx *c, int s, char *ctrl_m, char *data_m)
{
	struct ring_slot *r = SL(s);
	struct kshm_ring_ctrl *ctrl = (struct kshm_ring_ctrl *)ctrl_m;
	uint64_t size = r->size, t, cons, off;
	int n = 1 + rnd(c, 6);

	for (; n > 0 && !stopping(); n--) {
		struct kshm_rec_hdr hh, *hdr;
		bool discard = rnd(c, 8) == 0;
		char *at;
		uint32_t len;

		switch (rnd(c, 4)) {
		case 0:
			len = rnd(c, 17);
			break;
		case 1:
			len = 17 + rnd(c, 240);
			break;
		case 2:
			len = rnd(c, pgsz);
			break;
		default:		/* up to the largest: size - 8 */
			len = rnd(c, size - KSHM_REC_HDR_SIZE + 1);
			break;
		}
		t = (KSHM_REC_HDR_SIZE + (uint64_t)len + KSHM_REC_ALIGN - 1) &
		    ~(uint64_t)(KSHM_REC_ALIGN - 1);
		cons = __atomic_load_n(&ctrl->consumer, __ATOMIC_ACQUIRE);
		if (cons != sh64(r->ctrl, CTL_OFF(consumer))) {
			fail(c, "U2K ring /dev/kshm-%s: consumer reads %llu, the model says %llu (no kernel consumer)",
			     ring_name(r->name), (unsigned long long)cons,
			     (unsigned long long)sh64(r->ctrl, CTL_OFF(consumer)));
			return;
		}
		/* A lie in the page (a hostile write): a library says EIO. */
		if (cons % KSHM_REC_ALIGN || cons > r->prod || r->prod - cons > size) {
			count(c, OP_RING_PRODUCE, OUT_ERR);
			return;
		}
		if (t > size - (r->prod - cons)) {
			__atomic_fetch_add(&ctrl->dropped, 1, __ATOMIC_RELAXED);
			put64(r->ctrl, CTL_OFF(dropped), sh64(r->ctrl, CTL_OFF(dropped)) + 1);
			ring_stat(c, RGS_DROPS);
			count(c, OP_RING_PRODUCE, OUT_ERR);
			continue;
		}
		off = r->prod & (size - 1);
		/* The record where it fits whole: in the first view, or the second. */
		at = data_m + off + (off + t <= size && rnd(c, 4) == 0 ? size : 0);
		hdr = (struct kshm_rec_hdr *)at;
		__atomic_store_n(&hdr->len, len, __ATOMIC_RELAXED);
		__atomic_store_n(&hdr->flags, KSHM_REC_BUSY, __ATOMIC_RELAXED);
		hh = (struct kshm_rec_hdr){ .len = len, .flags = KSHM_REC_BUSY };
		shadow_data(r, off, &hh, sizeof(hh));
		r->prod += t;
		__atomic_store_n(&ctrl->producer, r->prod, __ATOMIC_RELEASE);
		put64(r->ctrl, CTL_OFF(producer), r->prod);
		random_bytes(c, len);
		memcpy(at + KSHM_REC_HDR_SIZE, c->buf, len);
		shadow_data(r, off + KSHM_REC_HDR_SIZE, c->buf, len);
		hh.flags = discard ? KSHM_REC_DISCARD : 0;
		__atomic_store_n(&hdr->flags, hh.flags, __ATOMIC_RELEASE);
		shadow_data(r, off, &hh, sizeof(hh));
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&ctrl->consumer_waiting, __ATOMIC_RELAXED)) {
			__atomic_store_n(&ctrl->consumer_waiting, 0, __ATOMIC_RELAXED);
			put32(r->ctrl, CTL_OFF(consumer_waiting), 0);
			if (HOLD(c)->fd >= 0)
				ring_notify(c, s, HOLD(c)->fd, false);
		} else if (HOLD(c)->fd >= 0 && rnd(c, 16) == 0) {
			ring_notify(c, s, HOLD(c)->fd, false);
		}
		count(c, OP_RING_PRODUCE, OUT_OK);
		ring_stat(c, RGS_RECORDS);
		__atomic_add_fetch(&RG()->stat[c->w->id][RGS_BYTES], t, __ATOMIC_RELAXED);
	}
}

static void ring_check_op(struct ctx *c);
static void ring_poll_op(struct ctx *c);

static void ring_produce(struct ctx *c)
{
	struct ring_hold *h = HOLD(c);
	int s = h->slot;
	char *ctrl_m, *data_m;
	struct ring_slot *r;
	uint32_t n;

	if (s < 0) {
		ring_open(c);
		return;
	}
	r = SL(s);
	rs_lock(s);
	if (r->dir != U2K || r->broken || h->mode == O_RDONLY) {
		rs_unlock(s);
		if (h->fd >= 0 && r->dir)
			ring_poll_op(c);
		else
			ring_check_op(c);
		return;
	}
	note_destroyed(c, s);
	rw_maps(c, s, &ctrl_m, &data_m);
	if (ctrl_m && data_m) {
		produce(c, s, ctrl_m, data_m);
	} else if (h->nmaps == RING_MAXMAPS) {
		unmap_one(c, rnd(c, h->nmaps), false);
	} else if (h->fd >= 0) {
		/* Map what a producer needs. */
		n = r->size / pgsz;
		if (!ctrl_m && !data_m && rnd(c, 2))
			map_new(c, s, 0, 1 + 2 * n, PROT_READ | PROT_WRITE,
				MAP_SHARED, OP_RING_PRODUCE);
		else if (!ctrl_m)
			map_new(c, s, 0, 1, PROT_READ | PROT_WRITE, MAP_SHARED,
				OP_RING_PRODUCE);
		else
			map_new(c, s, 1, 2 * n, PROT_READ | PROT_WRITE,
				MAP_SHARED, OP_RING_PRODUCE);
	}
	rs_unlock(s);
}

/* ---- poll, notify ---- */

static const char *revents_str(short ev, char *buf, size_t len)
{
	static const struct { short bit; const char *name; } b[] = {
		{ POLLIN, "POLLIN" }, { POLLRDNORM, "POLLRDNORM" },
		{ POLLOUT, "POLLOUT" }, { POLLWRNORM, "POLLWRNORM" },
		{ POLLERR, "POLLERR" }, { POLLHUP, "POLLHUP" },
		{ POLLNVAL, "POLLNVAL" },
	};
	size_t n = 0, i;

	buf[0] = 0;
	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		if (ev & b[i].bit)
			n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
				      b[i].name);
	if (ev & ~(POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLERR |
		   POLLHUP | POLLNVAL))
		snprintf(buf + n, len - n, "%s%#x", n ? "|" : "", (unsigned short)ev);
	else if (!n)
		snprintf(buf, len, "0");
	return buf;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * poll() of the hold's fd, slot s's lock held: revents exact (rings.c),
 * the control page's waiting flag and flags updated as the kernel must.
 */
static void ring_poll(struct ctx *c, int s, int fd, int timeout)
{
	struct ring_slot *r = SL(s);
	struct pollfd *p = &c->w->pfd;
	short events = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM, exp, alt = -1, got;
	bool k2u = r->dir == K2U, bad = false, may_break = false;
	bool was_broken = r->broken;
	size_t woff = k2u ? CTL_OFF(consumer_waiting) : CTL_OFF(producer_waiting);
	uint64_t pos = 0, wanted;
	uint32_t old = 0, keep = 0, fill = 0, v;
	char what[300], evs[64], got_s[96], exp_s[96], alt_s[96];
	double t0, ms;
	int ret, e, tries;
	long n;

	if (r->dir && rnd(c, 2))
		events = k2u ? POLLIN | POLLRDNORM : POLLOUT | POLLWRNORM;
	if (!r->dir) {
		exp = events;		/* a region is ready, as a file */
	} else if (r->broken) {
		exp = POLLERR;
	} else {
		/*
		 * "About to sleep", before the look: ring.md makes 0 into 1
		 * (K2U) or 8 (U2K) and clears the flag when ready; the driver
		 * stores 1, or at least 8, and never clears it. The room a
		 * U2K producer waits for is the same either way.
		 */
		old = sh32(r->ctrl, woff);
		keep = old ? old : k2u ? 1 : KSHM_REC_ALIGN;
		fill = k2u ? 1 : old > KSHM_REC_ALIGN ? old : KSHM_REC_ALIGN;
		if (k2u) {
			/* Nothing produced: consumer must be 0, else broken. */
			pos = sh64(r->ctrl, CTL_OFF(consumer));
			bad = pos != 0;
			exp = bad ? POLLERR : 0;
		} else {
			pos = sh64(r->ctrl, CTL_OFF(producer));
			bad = pos % KSHM_REC_ALIGN || pos > r->size;
			may_break = !bad && pos < r->accepted;
			wanted = fill > r->size ? r->size : fill;
			exp = r->size - pos >= wanted ? (POLLOUT | POLLWRNORM) & events : 0;
			/*
			 * A bad producer: ring.md breaks the ring; the driver
			 * says "room" and leaves the break to the consumer.
			 */
			if (bad)
				exp = POLLERR, alt = (POLLOUT | POLLWRNORM) & events;
			else if (may_break)
				alt = POLLERR;
		}
	}
	snprintf(what, sizeof(what), "poll(%s, %d ms) of /dev/kshm-%s (%s%s, %s %llu, %s %u)",
		 revents_str(events, evs, sizeof(evs)), timeout,
		 ring_name(r->name), dir_name(r->dir),
		 r->broken ? ", broken" : "", k2u ? "consumer" : "producer",
		 (unsigned long long)pos, k2u ? "consumer_waiting" : "producer_waiting",
		 old);
	for (tries = 0;; tries++) {
		p->fd = fd;
		p->events = events;
		p->revents = 0;
		t0 = now_ms();
		ret = poll(p, 1, timeout);
		e = errno;
		ms = now_ms() - t0;
		/* Injected: maybe after the driver's part; again finds the same. */
		if (ret >= 0 || !fault_inject || e != ENOMEM || tries == 100)
			break;
		timeout = 0;
	}
	if (ret < 0) {
		judge(c, OP_RING_POLL, ret, e, 0, 0, what);
		return;
	}
	got = p->revents;
	if ((got != exp && (alt < 0 || got != alt)) || ret != (got != 0)) {
		fail(c, "%s: returned %d with revents %s, expected %s%s%s", what,
		     ret, revents_str(got, got_s, sizeof(got_s)),
		     revents_str(exp, exp_s, sizeof(exp_s)), alt >= 0 ? " or " : "",
		     alt >= 0 ? revents_str(alt, alt_s, sizeof(alt_s)) : "");
		return;
	}
	count(c, OP_RING_POLL, OUT_OK);
	if (!r->dir || was_broken)
		return;
	if (got == POLLERR) {
		r->broken = true;
		put32(r->ctrl, CTL_OFF(flags), r->dir | KSHM_RING_BROKEN);
		ring_stat(c, RGS_BROKEN);
	} else if (bad) {
		ring_stat(c, RGS_BAD_ROOM);
	}
	/* The flag as poll() left it: one of the two rules above. */
	n = pread(fd, c->buf, sizeof(v), woff);
	e = errno;
	if (judge(c, OP_RING_POLL, n, e, sizeof(v), 0,
		  "pread of the waiting flag after poll()") != OUT_OK)
		return;
	memcpy(&v, c->buf, sizeof(v));
	if (v != fill && v != keep && !(v == 0 && got && got != POLLERR)) {
		fail(c, "%s: %s is %u after it, expected %u%s%s", what,
		     k2u ? "consumer_waiting" : "producer_waiting", v, fill,
		     keep != fill ? " or the value before" : "",
		     got && got != POLLERR ? " or 0" : "");
		return;
	}
	put32(r->ctrl, woff, v);
	if (got == POLLERR || bad)
		return;
	if (!k2u)
		r->accepted = pos > r->accepted ? pos : r->accepted;
	if (got) {
		ring_stat(c, RGS_POLLOUT);
	} else {
		if (!k2u && r->size - pos)
			ring_stat(c, RGS_NOT_WOKEN);
		if (timeout) {
			ring_stat(c, RGS_TIMEOUTS);
			if (ms < timeout - 0.5)
				fail(c, "%s: returned 0 after %.3f ms", what, ms);
		}
	}
}

static void ring_notify(struct ctx *c, int s, int fd, bool bad)
{
	struct ring_slot *r = SL(s);
	struct kshm_ring_notify *a = &c->w->rnotify;
	uint64_t legal;
	char what[160];
	int ret, e;

	memset(a, 0, sizeof(*a));
	if (bad && rnd(c, 2))
		a->flags = 1U << rnd(c, 32);
	else if (bad)
		a->__pad = 1 + rnd(c, 1000);
	if (bad || r->dir != U2K)
		legal = LEGAL(EINVAL) | (r->dir == U2K && r->broken ? LEGAL(EIO) : 0);
	else
		legal = r->broken ? LEGAL(EIO) : LEGAL_OK;
	snprintf(what, sizeof(what), "KSHM_IOC_RING_NOTIFY flags %#x __pad %u on /dev/kshm-%s (%s%s)",
		 a->flags, a->__pad, ring_name(r->name), dir_name(r->dir),
		 r->broken ? ", broken" : "");
	ret = ioctl(fd, KSHM_IOC_RING_NOTIFY, a);
	e = errno;
	if (judge_legal(c, OP_RING_POLL, ret, e, legal, what) == OUT_OK) {
		r->notifies++;
		ring_stat(c, RGS_NOTIFIES);
	}
}

/*
 * Write n bytes at off of the control page as user space may: through a
 * writable mapping of it, else pwrite() (U2K, or no ring). Returns false
 * if neither is there, or the write failed.
 */
static bool write_ctrl(struct ctx *c, int s, size_t off, const void *src,
		       size_t n, int op)
{
	struct ring_hold *h = HOLD(c);
	struct ring_slot *r = SL(s);
	char what[120];
	long ret;
	int i, e;

	for (i = 0; i < h->nmaps; i++)
		if (h->map[i].ring == (r->dir != 0) && h->map[i].pgoff == 0 &&
		    (h->map[i].prot & PROT_WRITE)) {
			memcpy(h->map[i].addr + off, src, n);
			memcpy(r->ctrl + off, src, n);
			return true;
		}
	if (h->fd < 0 || h->mode == O_RDONLY || r->dir == K2U)
		return false;
	snprintf(what, sizeof(what), "pwrite of %zu bytes at %zu of /dev/kshm-%s (%s)",
		 n, off, ring_name(r->name), dir_name(r->dir));
	memcpy(c->buf, src, n);
	ret = pwrite(h->fd, c->buf, n, off);
	e = errno;
	if (judge(c, op, ret, e, n, 0, what) != OUT_OK)
		return false;
	memcpy(r->ctrl + off, src, n);
	return true;
}

static void ring_poll_op(struct ctx *c)
{
	struct ring_hold *h = HOLD(c);
	int s = h->slot, timeout = 0;
	struct ring_slot *r;
	uint32_t v;

	if (s < 0 || h->fd < 0) {
		ring_open_close(c);
		return;
	}
	r = SL(s);
	rs_lock(s);
	note_destroyed(c, s);
	if (!r->dir) {
		if (rnd(c, 2))
			ring_poll(c, s, h->fd, 0);
		else
			ring_notify(c, s, h->fd, rnd(c, 4) == 0);
	} else if (r->dir == K2U) {
		/* A consumer (re)starting may clear its flag; poll() sets it. */
		if (rnd(c, 8) == 0) {
			v = 0;
			write_ctrl(c, s, CTL_OFF(consumer_waiting), &v, sizeof(v),
				   OP_RING_POLL);
		}
		if (rnd(c, 3) == 0)
			timeout = 1 + rnd(c, 2);
		ring_poll(c, s, h->fd, timeout);
		if (rnd(c, 4) == 0)
			ring_notify(c, s, h->fd, rnd(c, 4) == 0);
	} else {
		/* The room a producer waits for (0: poll() makes it 8). */
		switch (rnd(c, 6)) {
		case 0:
			v = 0;
			break;
		case 1:
			v = KSHM_REC_ALIGN;
			break;
		case 2:
			v = KSHM_REC_ALIGN * (1 + rnd(c, r->size / KSHM_REC_ALIGN));
			break;
		case 3:
			v = r->size;
			break;
		case 4:
			v = r->size + KSHM_REC_ALIGN * (1 + rnd(c, 4));
			break;
		default:
			v = next64(&c->rng);
			break;
		}
		write_ctrl(c, s, CTL_OFF(producer_waiting), &v, sizeof(v),
			   OP_RING_POLL);
		if (rnd(c, 4) == 0)
			timeout = 1;
		ring_poll(c, s, h->fd, timeout);
		if (rnd(c, 3) == 0)
			ring_notify(c, s, h->fd, rnd(c, 4) == 0);
	}
	if (!stopping())
		ring_check_ctrl(c, s, h->fd, "the control page after poll()");
	rs_unlock(s);
}

/* ---- hostile writes ---- */

static uint64_t hostile_pos(struct ctx *c, const struct ring_slot *r)
{
	switch (rnd(c, 10)) {
	case 0:
		return 0;
	case 1:
		return r->prod;
	case 2:
		return r->size;
	case 3:
		return r->size + KSHM_REC_ALIGN;
	case 4:
		return r->prod + 1 + rnd(c, 7);
	case 5:
		return KSHM_REC_ALIGN * (uint64_t)rnd(c, r->size / KSHM_REC_ALIGN + 1);
	case 6:
		return r->prod - KSHM_REC_ALIGN;
	case 7:
		return 1ULL << (3 + rnd(c, 61));
	case 8:
		return ~0ULL - rnd(c, 16);
	default:
		return next64(&c->rng);
	}
}

static uint32_t hostile_u32(struct ctx *c, const struct ring_slot *r)
{
	static const uint32_t v[] = { 0, 1, 8, 0x80000000U, ~0U };

	switch (rnd(c, 3)) {
	case 0:
		return v[rnd(c, 5)];
	case 1:
		return r->size + KSHM_REC_ALIGN * rnd(c, 3);
	default:
		return next64(&c->rng);
	}
}

/* Random bytes over the control page: a field, or anything anywhere. */
static void hostile_ctrl(struct ctx *c, int s)
{
	struct ring_hold *h = HOLD(c);
	struct ring_slot *r = SL(s);
	unsigned char b[16];
	size_t off, n = 8;
	uint64_t v64;
	uint32_t v32;
	char what[120];
	int v = rnd(c, 12), ret, e;

	switch (v) {
	case 0:
	case 1:
	case 10:
	case 11:
		off = v & 1 ? CTL_OFF(consumer) : CTL_OFF(producer);
		v64 = hostile_pos(c, r);
		memcpy(b, &v64, 8);
		break;
	case 2:
	case 3:
		off = v == 2 ? CTL_OFF(producer_waiting) : CTL_OFF(consumer_waiting);
		n = 4;
		v32 = hostile_u32(c, r);
		memcpy(b, &v32, 4);
		break;
	case 4:
		off = CTL_OFF(flags);
		n = 4;
		v32 = rnd(c, 2) ? 0 : next64(&c->rng);
		memcpy(b, &v32, 4);
		break;
	case 5:
		off = rnd(c, 2) ? CTL_OFF(size) : CTL_OFF(dropped);
		v64 = rnd(c, 2) ? hostile_pos(c, r) : 0;
		memcpy(b, &v64, 8);
		break;
	default:
		n = 1 + rnd(c, sizeof(b));
		off = rnd(c, 3) ? rnd(c, sizeof(struct kshm_ring_ctrl)) :
			rnd(c, pgsz - n + 1);
		if (off + n > pgsz)
			off = pgsz - n;
		random_bytes(c, n);
		memcpy(b, c->buf, n);
		break;
	}
	if (write_ctrl(c, s, off, b, n, OP_RING_HOSTILE)) {
		ring_stat(c, RGS_HOSTILE);
		return;
	}
	if (r->dir != K2U || h->fd < 0)
		return;
	/* The copy path cannot write a K2U ring either. */
	snprintf(what, sizeof(what), "pwrite of %zu bytes at %zu of a K2U ring (/dev/kshm-%s), fd mode %d",
		 n, off, ring_name(r->name), h->mode);
	memcpy(c->buf, b, n);
	ret = pwrite(h->fd, c->buf, n, off);
	e = errno;
	judge_legal(c, OP_RING_HOSTILE, ret, e,
		    h->mode == O_RDONLY ? LEGAL(EBADF) : LEGAL(EPERM), what);
}

/* U2K: a header's worth of nonsense somewhere in the data. */
static void hostile_header(struct ctx *c, int s)
{
	struct ring_hold *h = HOLD(c);
	struct ring_slot *r = SL(s);
	static const uint32_t flags[] = {
		0, KSHM_REC_BUSY, KSHM_REC_DISCARD,
		KSHM_REC_BUSY | KSHM_REC_DISCARD, 0xfffffffcU,
	};
	struct kshm_rec_hdr hh;
	uint64_t p = KSHM_REC_ALIGN * (uint64_t)rnd(c, r->size / KSHM_REC_ALIGN);
	uint32_t pgoff;
	char what[120];
	long ret;
	int i, e;

	if (rnd(c, 2))
		p = r->prod & (r->size - 1);	/* where the next record goes */
	pgoff = 1 + p / pgsz;
	hh.len = hostile_u32(c, r);
	hh.flags = rnd(c, 2) ? flags[rnd(c, 5)] : (uint32_t)next64(&c->rng);
	for (i = 0; i < h->nmaps; i++) {
		struct ring_map *m = &h->map[i];
		uint32_t pg = pgoff;

		if (!m->ring || !(m->prot & PROT_WRITE))
			continue;
		if (pg < m->pgoff)
			pg += r->size / pgsz;		/* the second view */
		if (pg < m->pgoff || pg >= m->pgoff + m->npages)
			continue;
		memcpy(m->addr + (size_t)(pg - m->pgoff) * pgsz + p % pgsz, &hh,
		       sizeof(hh));
		shadow_data(r, p, &hh, sizeof(hh));
		ring_stat(c, RGS_HOSTILE);
		return;
	}
	if (h->fd < 0 || h->mode == O_RDONLY)
		return;
	snprintf(what, sizeof(what), "pwrite of a header at data byte %llu of /dev/kshm-%s",
		 (unsigned long long)p, ring_name(r->name));
	memcpy(c->buf, &hh, sizeof(hh));
	ret = pwrite(h->fd, c->buf, sizeof(hh), pgsz + p);
	e = errno;
	if (judge(c, OP_RING_HOSTILE, ret, e, sizeof(hh), 0, what) == OUT_OK) {
		shadow_data(r, p, &hh, sizeof(hh));
		ring_stat(c, RGS_HOSTILE);
	}
}

/* What a sane user would have left in the control page. */
static void repair(struct ctx *c, int s)
{
	struct ring_slot *r = SL(s);
	unsigned char *page = c->pat;

	memset(page, 0, pgsz);
	put64(page, CTL_OFF(producer), r->dir == U2K ? r->prod : 0);
	put64(page, CTL_OFF(size), r->size);
	put32(page, CTL_OFF(flags), r->dir | (r->broken ? KSHM_RING_BROKEN : 0));
	put64(page, CTL_OFF(dropped), sh64(r->ctrl, CTL_OFF(dropped)));
	write_ctrl(c, s, 0, page, pgsz, OP_RING_HOSTILE);
}

static void ring_hostile(struct ctx *c)
{
	struct ring_hold *h = HOLD(c);
	int s = h->slot, n;
	struct ring_slot *r;

	if (s < 0) {
		ring_open(c);
		return;
	}
	r = SL(s);
	rs_lock(s);
	if (!r->dir) {
		rs_unlock(s);
		ring_setup_op(c);
		return;
	}
	note_destroyed(c, s);
	/* Mostly through a writable mapping of the control page. */
	if (h->fd >= 0 && h->mode == O_RDWR && h->nmaps < RING_MAXMAPS &&
	    rnd(c, 4)) {
		for (n = 0; n < h->nmaps; n++)
			if (h->map[n].ring && !h->map[n].pgoff &&
			    (h->map[n].prot & PROT_WRITE))
				break;
		if (n == h->nmaps)
			map_new(c, s, 0, 1, PROT_READ | PROT_WRITE, MAP_SHARED,
				OP_RING_HOSTILE);
	}
	for (n = 1 + rnd(c, 4); n > 0; n--)
		hostile_ctrl(c, s);
	if (r->dir == U2K && rnd(c, 2))
		for (n = 1 + rnd(c, 3); n > 0; n--)
			hostile_header(c, s);
	count(c, OP_RING_HOSTILE, OUT_OK);
	if (h->fd >= 0) {
		switch (rnd(c, 4)) {
		case 0:
			ring_poll(c, s, h->fd, 0);
			break;
		case 1:
			ring_notify(c, s, h->fd, false);
			break;
		case 2:
			ring_poll(c, s, h->fd, 0);
			ring_notify(c, s, h->fd, false);
			break;
		}
	}
	if (rnd(c, 2))
		repair(c, s);
	if (!stopping())
		ring_check_ctrl(c, s, h->fd, "the control page after hostile writes");
	rs_unlock(s);
}

/* ---- checks ---- */

/* A mapping of the worker's in the ring layout that covers mmap page pg. */
static char *page_addr(struct ctx *c, uint32_t pg, int *prot)
{
	struct ring_hold *h = HOLD(c);
	int i;

	for (i = 0; i < h->nmaps; i++) {
		struct ring_map *m = &h->map[i];

		if (m->ring && pg >= m->pgoff && pg < m->pgoff + m->npages) {
			if (prot)
				*prot = m->prot;
			return m->addr + (size_t)(pg - m->pgoff) * pgsz;
		}
	}
	return NULL;
}

/*
 * Data words through both views (data byte i is mmap byte page + i and
 * page + size + i) and through pread; U2K: written through one first.
 */
static void check_views(struct ctx *c, int s)
{
	struct ring_hold *h = HOLD(c);
	struct ring_slot *r = SL(s);
	uint32_t n = r->size / pgsz, pg, twin;
	int k, prot, e;
	char *a, *b;

	if (!r->dir || !h->nmaps) {
		if (h->nmaps)
			ring_check_map(c, s, &h->map[rnd(c, h->nmaps)],
				       "a mapping of a ring region (no ring)");
		return;
	}
	/* A mapping of both views whole: the same bytes. */
	for (k = 0; k < h->nmaps; k++) {
		struct ring_map *m = &h->map[k];
		size_t i = 0;

		if (!m->ring || m->pgoff > 1 || m->pgoff + m->npages < 1 + 2 * n)
			continue;
		a = m->addr + (size_t)(1 - m->pgoff) * pgsz;
		b = a + r->size;
		if (!memcmp(a, b, r->size))
			break;
		while (a[i] == b[i])
			i++;
		fail(c, "/dev/kshm-%s: data byte %zu is 0x%02x in the first view, 0x%02x in the second",
		     ring_name(r->name), i, (unsigned char)a[i], (unsigned char)b[i]);
		return;
	}
	for (k = 1 + rnd(c, 4); k > 0 && !stopping(); k--) {
		size_t w = KSHM_REC_ALIGN * rnd(c, pgsz / KSHM_REC_ALIGN);
		uint64_t d, v;
		long ret;

		pg = 1 + rnd(c, 2 * n);
		a = page_addr(c, pg, &prot);
		if (!a)
			continue;
		a += w;
		d = (uint64_t)((pg - 1) % n) * pgsz + w;
		if (r->dir == U2K && (prot & PROT_WRITE) && rnd(c, 2)) {
			v = next64(&c->rng);
			__atomic_store_n((uint64_t *)a, v, __ATOMIC_RELAXED);
			put64(r->data, d, v);
		}
		if (!ring_check_bytes(c, s, (uint64_t)pg * pgsz + w,
				      (unsigned char *)a, 8, "a data word"))
			return;
		twin = pg <= n ? pg + n : pg - n;
		b = page_addr(c, twin, NULL);
		if (b && !ring_check_bytes(c, s, (uint64_t)twin * pgsz + w,
					   (unsigned char *)b + w, 8,
					   "the same data word through the other view"))
			return;
		if (h->fd >= 0) {
			ret = pread(h->fd, c->buf, 8, pgsz + d);
			e = errno;
			if (judge(c, OP_RING_CHECK, ret, e, 8, 0,
				  "pread of a data word") == OUT_OK &&
			    !ring_check_bytes(c, s, pgsz + d, c->buf, 8,
					      "pread of the same data word"))
				return;
		}
		ring_stat(c, RGS_WORDS);
	}
}

/* K2U: no write but the kernel's; a ring: no resize; else a resize. */
static void check_rules(struct ctx *c, int s)
{
	struct ring_hold *h = HOLD(c);
	struct ring_slot *r = SL(s);
	struct kshm_resize *rs = &c->w->resize;
	uint64_t end = (uint64_t)ring_region_pages(r) * pgsz, off, legal;
	size_t n = 1 + rnd(c, 64);
	char what[200];
	long ret;
	int e;

	if (h->fd < 0)
		return;
	if (r->dir && rnd(c, 2)) {
		off = rnd(c, 4) ? rnd(c, end) : end + rnd(c, pgsz);
		legal = h->mode == O_RDONLY ? LEGAL(EBADF) :
			r->dir == K2U ? LEGAL(EPERM) :
			off >= end ? LEGAL(ENOSPC) : 0;
		if (!legal)
			return;			/* U2K: a hostile write, elsewhere */
		snprintf(what, sizeof(what), "pwrite of %zu bytes at %llu of /dev/kshm-%s (%s, %llu bytes), fd mode %d",
			 n, (unsigned long long)off, ring_name(r->name),
			 dir_name(r->dir), (unsigned long long)end, h->mode);
		memset(c->buf, 0x5a, n);
		ret = pwrite(h->fd, c->buf, n, off);
		e = errno;
		judge_legal(c, OP_RING_CHECK, ret, e, legal, what);
		return;
	}
	memset(rs, 0, sizeof(*rs));
	rs->size = (uint64_t)(1 + rnd(c, r->max_pages)) * pgsz;
	legal = h->mode == O_RDONLY ? LEGAL(EBADF) : 0;
	if (r->dir || r->maps)
		legal |= LEGAL(EBUSY);
	snprintf(what, sizeof(what), "KSHM_IOC_SET_SIZE %llu of /dev/kshm-%s (%s, %d mappings), fd mode %d",
		 (unsigned long long)rs->size, ring_name(r->name), dir_name(r->dir),
		 r->maps, h->mode);
	ret = ioctl(h->fd, KSHM_IOC_SET_SIZE, rs);
	e = errno;
	if (judge_legal(c, OP_RING_CHECK, ret, e, legal ? legal : LEGAL_OK,
			what) == OUT_OK)
		r->npages = rs->size / pgsz;	/* page 0 kept, the rest zeros */
}

static void ring_check_op(struct ctx *c)
{
	struct ring_hold *h = HOLD(c);
	int s = h->slot, i;
	struct ring_slot *r;

	if (s < 0) {
		ring_open(c);
		return;
	}
	r = SL(s);
	rs_lock(s);
	note_destroyed(c, s);
	switch (rnd(c, 8)) {
	case 0:
	case 1:
		check_views(c, s);
		break;
	case 2:
		if (h->fd >= 0)
			ring_check_pread(c, OP_RING_CHECK, s, h->fd, 0, MAXIO + 2,
					 "pread of a ring region");
		break;
	case 3:
		if (h->fd >= 0)
			ring_info_check(c, h->fd, s, "KSHM_IOC_INFO of a ring region");
		break;
	case 4:
		ring_sysfs_check(c, s);
		break;
	case 5:
		check_rules(c, s);
		break;
	case 6:
		for (i = 0; i < h->nmaps && !stopping(); i++)
			ring_check_map(c, s, &h->map[i], "a mapping of a ring region");
		break;
	default:
		ring_check_ctrl(c, s, rnd(c, 2) ? h->fd : -1,
				r->dir ? "the control page" : "page 0");
		break;
	}
	count(c, OP_RING_CHECK, OUT_OK);
	rs_unlock(s);
}

/* ---- the entry points ---- */

void ring_enable(void)
{
	op_weight[OP_RING_CREATE] = 2;
	op_weight[OP_RING_DESTROY] = 1;
	op_weight[OP_RING_OPEN] = 2;
	op_weight[OP_RING_SETUP] = 2;
	op_weight[OP_RING_MMAP] = 3;
	op_weight[OP_RING_PRODUCE] = 3;
	op_weight[OP_RING_POLL] = 3;
	op_weight[OP_RING_HOSTILE] = 2;
	op_weight[OP_RING_CHECK] = 3;
}

void ring_run_op(struct ctx *c, int op)
{
	switch (op) {
	case OP_RING_CREATE:
		ring_create(c);
		break;
	case OP_RING_DESTROY:
		ring_destroy(c);
		break;
	case OP_RING_OPEN:
		ring_open_close(c);
		break;
	case OP_RING_SETUP:
		ring_setup_op(c);
		break;
	case OP_RING_MMAP:
		ring_mmap_op(c);
		break;
	case OP_RING_PRODUCE:
		ring_produce(c);
		break;
	case OP_RING_POLL:
		ring_poll_op(c);
		break;
	case OP_RING_HOSTILE:
		ring_hostile(c);
		break;
	default:
		ring_check_op(c);
		break;
	}
}
