// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-stress: rings (--rings), laid over run-time regions of a pool of
 * their own while the workers use them. This file: the model, how an fd
 * is told to be which region, the checks against the model, and the life
 * of the whole (setup, each worker's end, the final check, the clean-up);
 * rings-ops.c: the operations.
 *
 * The pool: names stressring0..1 (nodes /dev/kshm-stressring0...), made
 * and destroyed as the --regions pool is (regions.c: a name's lock and
 * seq make EEXIST and ENOENT exact, an open that raced a create or
 * destroy may fail with ENOENT or ENODEV or reach another region). Each
 * region made gets a slot; its max_size is (RING_TAG_BASE + slot) pages,
 * which names the slot whatever the region's size, before and after a
 * ring resizes it. A worker holds at most one region of the pool at a
 * time: an fd, and up to RING_MAXMAPS mappings of it.
 *
 * The shadow: each slot keeps a copy of what the region's pages must
 * hold. Before set-up, page 0 (which may start with a marker word, so
 * that a mapping shows which layout it has) and zeros. After set-up, the
 * control page and the data exactly, byte for byte: the kernel cleared
 * them and wrote size and flags, the producer wrote records, poll()
 * wrote the waiting flags, a break wrote KSHM_RING_BROKEN, and a hostile
 * worker wrote random bytes. With no kernel client loaded nobody else
 * writes a ring of this pool: the kernel itself writes only from the
 * calls this program makes.
 *
 * How every result stays exact: a slot's lock is held across every call
 * that reads, writes, maps or unmaps its pages, sets a ring up, polls or
 * notifies it. So under the lock the model knows:
 *  - how many mappings the region has (every mapping of the pool is made
 *    and unmapped under it, and made MADV_DONTFORK at once, under the
 *    worker process's vm_lock, which fork() takes too: a fork child never
 *    holds a copy), so KSHM_IOC_RING_SETUP's EBUSY is exact, and so are
 *    KSHM_IOC_INFO's mappings and resident_pages;
 *  - every byte of the control page, so the outcome of poll() is exact:
 *    K2U (no producer): POLLERR if broken, or if consumer is not 0 (which
 *    breaks it: nothing was produced); else nothing, at the timeout, with
 *    consumer_waiting set. U2K (no consumer): POLLERR if broken; else
 *    POLLOUT exactly when size - producer >= the room asked for in
 *    producer_waiting (clamped to 8 .. size; 0 means 8). Where ring.md
 *    and the driver part, either is legal: the waiting flag after poll()
 *    is ring.md's (0 made 1 or 8, cleared when ready) or the driver's (1,
 *    or at least 8, never cleared), read back into the shadow; a producer
 *    not a multiple of 8 or above size breaks the ring (ring.md) or is
 *    "room" (the driver leaves the break to its consumer, and there is
 *    none here); a producer below a value an earlier poll() took may
 *    break the ring or not;
 *  - KSHM_IOC_RING_NOTIFY: 0 on a U2K ring, EIO once broken, EINVAL on a
 *    K2U ring, on a region without one, or with flags or __pad set;
 *  - the sysfs ring_* files: ring_size, ring_broken, ring_dropped (U2K:
 *    the control page's dropped, as the producer counted it), ring_consumed
 *    0, ring_produced 0 (or a position a poll() took), ring_wakeups the
 *    notifies that succeeded, plus one once broken (the break's wake-up
 *    runs from irq_work, a moment later).
 * A ring broken is broken for good: every later poll() must give
 * POLLERR and every notify EIO, whatever is written over the page since.
 *
 * One latitude under --fault-inject: a set-up that fails with ENOMEM may
 * have resized the region to 1 + N pages already (the driver resizes
 * before it allocates the ring's pages); the size is read back with
 * KSHM_IOC_INFO and each time is counted in the report.
 * Every other errno, and ENOMEM outside --fault-inject, fails the run.
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
#include <unistd.h>

#include "ops.h"
#include "rings-model.h"

static const char *const pool[RING_NAMES] = { "stressring0", "stressring1" };
static unsigned char *zero_page;	/* pgsz zeros, made before the fork */

struct ring_model *RG(void)
{
	return &S->ring;
}

struct ring_slot *SL(int s)
{
	return &S->ring.slot[s];
}

void ring_lock(void)
{
	pthread_mutex_lock(&RG()->lock);
}

void ring_unlock(void)
{
	pthread_mutex_unlock(&RG()->lock);
}

void rs_lock(int s)
{
	pthread_mutex_lock(&SL(s)->lock);
}

void rs_unlock(int s)
{
	pthread_mutex_unlock(&SL(s)->lock);
}

void ring_stat(struct ctx *c, int what)
{
	if (c->w)
		__atomic_add_fetch(&RG()->stat[c->w->id][what], 1, __ATOMIC_RELAXED);
}

const char *ring_name(int k)
{
	return pool[k];
}

const char *ring_pool_name(int k)
{
	return pool[k];
}

int ring_name_of(const char *node)
{
	int k;

	if (strncmp(node, "kshm-", 5))
		return -1;
	for (k = 0; k < RING_NAMES; k++)
		if (!strcmp(node + 5, pool[k]))
			return k;
	return -1;
}

void ring_hold_slot(int s)
{
	ring_lock();
	SL(s)->holders++;
	ring_unlock();
}

void ring_release_slot(int s)
{
	ring_lock();
	SL(s)->holders--;
	ring_unlock();
}

uint64_t sh64(const unsigned char *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

uint32_t sh32(const unsigned char *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

void put64(unsigned char *p, size_t off, uint64_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

void put32(unsigned char *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

uint32_t ring_region_pages(const struct ring_slot *r)
{
	return r->dir ? 1 + r->size / pgsz : r->npages;
}

uint32_t ring_view_pages(const struct ring_slot *r)
{
	return r->dir ? 1 + 2 * (r->size / pgsz) : r->npages;
}

uint64_t ring_marker(const struct ring_slot *r)
{
	return mix64(seed ^ 0x72696e676d61726bULL ^ r->id) | 1;
}

/* ---- judging ---- */

static void legal_str(uint64_t legal, char *buf, size_t len)
{
	size_t n = 0;
	int e;

	buf[0] = 0;
	if (legal & LEGAL_OK)
		n += snprintf(buf + n, len - n, "success");
	for (e = 1; e < 64 && n < len; e++)
		if (legal & LEGAL(e))
			n += snprintf(buf + n, len - n, "%s%s", n ? " or " : "",
				      strerrorname_np(e) ?: "?");
}

bool legal_has(uint64_t legal, long ret, int err)
{
	if (ret >= 0)
		return legal & LEGAL_OK;
	if (fault_inject && err == ENOMEM)
		return true;
	return err > 0 && err < 64 && (legal & LEGAL(err));
}

int judge_legal(struct ctx *c, int op, long ret, int err, uint64_t legal,
		const char *what)
{
	char exp[120];

	if (ret >= 0 && (legal & LEGAL_OK)) {
		count(c, op, OUT_OK);
		return OUT_OK;
	}
	if (ret < 0 && err > 0 && err < 64 && (legal & LEGAL(err))) {
		count(c, op, OUT_ERR);
		return OUT_ERR;
	}
	if (fault_inject && ret < 0 && err == ENOMEM) {
		count(c, op, OUT_NOMEM);
		return OUT_NOMEM;
	}
	legal_str(legal, exp, sizeof(exp));
	if (ret < 0)
		fail(c, "%s: failed with %s, expected %s%s", what,
		     strerrorname_np(err) ?: "?", exp,
		     fault_inject ? " (or ENOMEM)" : "");
	else
		fail(c, "%s: returned %ld, expected %s", what, ret, exp);
	return -1;
}

/* ---- slots ---- */

/*
 * A slot for a region about to be made of name k, RT_RESERVED, or -1
 * when all are in use. Called with the model's lock held.
 */
int ring_slot_reserve(int k, uint32_t npages, uint32_t backing)
{
	struct ring_model *m = RG();
	struct ring_slot *r;
	int i, s = -1;

	/* A destroyed region nobody holds is gone; not while an open runs. */
	if (!m->opening)
		for (i = 0; i < RING_SLOTS; i++)
			if (m->slot[i].state == RT_DESTROYED && !m->slot[i].holders)
				m->slot[i].state = RT_FREE;
	for (i = 0; i < RING_SLOTS && s < 0; i++)
		if (m->slot[i].state == RT_FREE && !m->slot[i].holders)
			s = i;
	if (s < 0)
		return -1;
	/* Nobody holds it: its own lock guards nothing yet. */
	r = &m->slot[s];
	r->state = RT_RESERVED;
	r->name = k;
	r->id = ++m->next_id;
	r->max_pages = RING_TAG_BASE + s;
	r->backing = backing;
	r->npages = npages;
	r->maps = 0;
	r->marked = false;
	r->dir = 0;
	r->size = 0;
	r->prod = 0;
	r->accepted = 0;
	r->broken = false;
	r->notifies = 0;
	memset(r->ctrl, 0, pgsz);
	memset(r->data, 0, RING_MAXDATA * pgsz);
	return s;
}

/* A set-up of slot s succeeded: what the kernel has made of the pages. */
void ring_became(int s, uint32_t dir, uint64_t size)
{
	struct ring_slot *r = SL(s);

	r->dir = dir;
	r->size = size;
	r->npages = 1 + size / pgsz;
	r->prod = 0;
	r->accepted = 0;
	r->broken = false;
	r->notifies = 0;
	memset(r->ctrl, 0, pgsz);
	put64(r->ctrl, CTL_OFF(size), size);
	put32(r->ctrl, CTL_OFF(flags), dir);
	memset(r->data, 0, size);
}

/* Does INFO describe slot s? Only under its lock: exact. */
static bool ring_info_is(struct ctx *c, const struct kshm_info *in, int s,
			 const char *what)
{
	struct ring_slot *r = SL(s);
	char want[KSHM_NAME_MAX];
	uint64_t np = ring_region_pages(r);
	bool res_ok;

	snprintf(want, sizeof(want), "kshm-%s", ring_name(r->name));
	res_ok = r->dir || r->backing == KSHM_BACKING_VMALLOC ?
		 in->resident_pages == np : in->resident_pages <= np;
	if (strcmp(in->name, want) || in->index != KSHM_INDEX_NONE ||
	    in->size != np * pgsz || in->max_size != (uint64_t)r->max_pages * pgsz ||
	    in->backing != r->backing || in->mappings != (uint64_t)r->maps ||
	    !res_ok) {
		fail(c, "%s: INFO says %s size %llu max_size %llu backing %u mappings %llu resident_pages %llu; the model: %s (ring region #%u, %s) size %llu max_size %llu backing %u mappings %d resident_pages %s%llu",
		     what, in->name, (unsigned long long)in->size,
		     (unsigned long long)in->max_size, in->backing,
		     (unsigned long long)in->mappings,
		     (unsigned long long)in->resident_pages, want, r->id,
		     r->dir == KSHM_RING_K2U ? "K2U ring" :
		     r->dir ? "U2K ring" : "no ring",
		     (unsigned long long)np * pgsz,
		     (unsigned long long)r->max_pages * pgsz, r->backing,
		     r->maps, r->dir || r->backing ? "" : "at most ",
		     (unsigned long long)np);
		return false;
	}
	return true;
}

/* INFO of fd, slot s's, under its lock. */
bool ring_info_check(struct ctx *c, int fd, int s, const char *what)
{
	struct kshm_info in;
	int ret = rt_info(c, fd, &in, what);

	if (ret)
		return ret > 0;
	return ring_info_is(c, &in, s, what);
}

/*
 * The slot of the region behind fd, opened as /dev/kshm-NAME(k) while a
 * create or destroy of k may have run: from max_size's tag. -1: cannot
 * tell (INFO failed by injection); -2: failure. *other: the fd is another
 * region this run made (by the misc minor a new node took: regions.c).
 */
int ring_identify(struct ctx *c, int fd, int k, bool *other, const char *what)
{
	struct kshm_info in;
	uint64_t tag;
	int ret, s, k2, i;
	bool match;

	*other = false;
	ret = rt_info(c, fd, &in, what);
	if (ret)
		return ret > 0 ? -1 : -2;
	k2 = ring_name_of(in.name);
	if (k2 < 0) {
		for (i = 0; i < RT_NAMES; i++)
			if (!strncmp(in.name, "kshm-", 5) &&
			    !strcmp(in.name + 5, rt_name(i)))
				break;
		if (i == RT_NAMES || in.index != KSHM_INDEX_NONE) {
			fail(c, "%s: the fd is region \"%s\" index %u, not one this run made",
			     what, in.name, in.index);
			return -2;
		}
		*other = true;
		return -1;
	}
	*other = k2 != k;
	tag = in.max_size / pgsz;
	if (in.index != KSHM_INDEX_NONE || in.max_size % pgsz ||
	    tag < RING_TAG_BASE || tag >= RING_TAG_BASE + RING_SLOTS) {
		fail(c, "%s: %s index %u max_size %llu: not a region this run made",
		     what, in.name, in.index, (unsigned long long)in.max_size);
		return -2;
	}
	s = tag - RING_TAG_BASE;
	ring_lock();
	match = SL(s)->state != RT_FREE && SL(s)->name == k2 &&
		SL(s)->backing == in.backing;
	ring_unlock();
	if (!match) {
		fail(c, "%s: %s max_size %llu backing %u names slot %d, which holds no such region",
		     what, in.name, (unsigned long long)in.max_size, in.backing, s);
		return -2;
	}
	return s;
}

/* ---- checks against the shadow ---- */

static const char *ctrl_field(size_t off)
{
	static const struct { size_t end; const char *name; } f[] = {
		{ 8, "producer" }, { 12, "producer_waiting" }, { 16, "__pad0" },
		{ 64, "__line0" }, { 72, "consumer" },
		{ 76, "consumer_waiting" }, { 80, "__pad1" },
		{ 128, "__line1" }, { 136, "size" }, { 140, "flags" },
		{ 144, "__pad2" }, { 152, "dropped" }, { 192, "__reserved" },
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (off < f[i].end)
			return f[i].name;
	return "past struct kshm_ring_ctrl";
}

/* What page pgoff of the mmap offsets (or of the region) must hold. */
static const unsigned char *expected_page(const struct ring_slot *r,
					  uint32_t pgoff)
{
	if (!pgoff)
		return r->ctrl;
	if (!r->dir)
		return zero_page;
	return r->data + (size_t)((pgoff - 1) % (r->size / pgsz)) * pgsz;
}

bool ring_check_bytes(struct ctx *c, int s, uint64_t off,
		      const unsigned char *mem, size_t len, const char *via)
{
	struct ring_slot *r = SL(s);

	while (len && !stopping()) {
		uint32_t pgoff = off / pgsz;
		size_t in = off % pgsz, n = pgsz - in, i;
		const unsigned char *exp = expected_page(r, pgoff);
		char where[96];

		if (n > len)
			n = len;
		if (memcmp(exp + in, mem, n)) {
			for (i = 0; exp[in + i] == mem[i]; i++)
				;
			if (!pgoff && r->dir)
				snprintf(where, sizeof(where), "control page byte %zu (%s)",
					 in + i, ctrl_field(in + i));
			else if (r->dir)
				snprintf(where, sizeof(where), "data byte %llu (mmap page %u)",
					 (unsigned long long)((pgoff - 1) % (r->size / pgsz) *
							      pgsz + in + i), pgoff);
			else
				snprintf(where, sizeof(where), "page %u byte %zu (no ring)",
					 pgoff, in + i);
			snprintf(S->fail.mismatch, sizeof(S->fail.mismatch),
				 "first mismatch: /dev/kshm-%s (ring region #%u, %s, size %llu) %s is 0x%02x, expected 0x%02x (read via %s)",
				 ring_name(r->name), r->id,
				 r->dir == KSHM_RING_K2U ? "K2U" :
				 r->dir ? "U2K" : "no ring",
				 (unsigned long long)r->size, where, mem[i],
				 exp[in + i], via);
			fail(c, "ring data mismatch in /dev/kshm-%s at %s via %s",
			     ring_name(r->name), where, via);
			return false;
		}
		off += n;
		mem += n;
		len -= n;
	}
	return true;
}

/* pread npages of the region from pgoff (c->buf holds MAXIO + 2 pages). */
bool ring_check_pread(struct ctx *c, int op, int s, int fd, uint32_t pgoff,
		      uint32_t npages, const char *via)
{
	struct ring_slot *r = SL(s);
	uint32_t np = ring_region_pages(r);
	char what[160];
	size_t len;
	long ret;
	int e;

	if (pgoff >= np)
		return true;
	if (npages > np - pgoff)
		npages = np - pgoff;
	if (npages > MAXIO + 2)
		npages = MAXIO + 2;
	len = (size_t)npages * pgsz;
	snprintf(what, sizeof(what), "%s: pread of /dev/kshm-%s pages %u..%u (%u pages)",
		 via, ring_name(r->name), pgoff, pgoff + npages - 1, np);
	ret = pread(fd, c->buf, len, (off_t)pgoff * pgsz);
	e = errno;
	if (judge(c, op, ret, e, len, 0, what) != OUT_OK)
		return !stopping();
	return ring_check_bytes(c, s, (uint64_t)pgoff * pgsz, c->buf, len, via);
}

bool ring_check_map(struct ctx *c, int s, const struct ring_map *m,
		    const char *via)
{
	if (m->ring != (SL(s)->dir != 0)) {
		fail(c, "%s: a mapping made %s a ring was set up is still there, and the ring %s",
		     via, m->ring ? "after" : "before",
		     m->ring ? "is gone" : "was set up");
		return false;
	}
	return ring_check_bytes(c, s, (uint64_t)m->pgoff * pgsz,
				(unsigned char *)m->addr, (size_t)m->npages * pgsz,
				via);
}

/* The control page (page 0), through fd or else a mapping of the worker. */
bool ring_check_ctrl(struct ctx *c, int s, int fd, const char *via)
{
	struct ring_hold *h = c->w ? &c->w->ring : NULL;
	int i;

	if (fd >= 0)
		return ring_check_pread(c, OP_RING_CHECK, s, fd, 0, 1, via);
	for (i = 0; h && i < h->nmaps; i++)
		if (h->map[i].pgoff == 0)
			return ring_check_bytes(c, s, 0,
						(unsigned char *)h->map[i].addr,
						pgsz, via);
	return true;
}

/* A sysfs file of slot s's node into buf; false if the node changed. */
static bool read_attr(struct ctx *c, int s, const char *attr, char *buf,
		      size_t len)
{
	struct ring_slot *r = SL(s);
	struct rt_name *nm = &RG()->names[r->name];
	char path[96], what[140];
	int s1, s2, fd, e;
	bool alive;
	long n = -1;

	snprintf(path, sizeof(path), "/sys/class/misc/kshm-%s/%s",
		 ring_name(r->name), attr);
	ring_lock();
	s1 = nm->seq;
	alive = nm->slot == s;
	ring_unlock();
	if (!alive || (s1 & 1))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	e = errno;
	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		e = errno;
		close(fd);
	}
	ring_lock();
	s2 = nm->seq;
	ring_unlock();
	if (s1 != s2)
		return false;
	snprintf(what, sizeof(what), "read %s", path);
	if (judge(c, OP_RING_CHECK, fd < 0 ? -1 : n, e, -1, 0, what) != OUT_OK)
		return false;
	buf[n] = 0;
	return true;
}

/*
 * The ring_* files of slot s's node, under its lock, while its name is
 * alive and not being made or destroyed.
 */
void ring_sysfs_check(struct ctx *c, int s)
{
	static const char *const attrs[] = {
		"ring_size", "ring_broken", "ring_dropped", "ring_produced",
		"ring_consumed", "ring_wakeups",
	};
	struct ring_slot *r = SL(s);
	uint64_t v, lo, hi;
	char buf[64], *end;
	unsigned int i;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]) && !stopping(); i++) {
		if (!read_attr(c, s, attrs[i], buf, sizeof(buf)))
			return;
		v = strtoull(buf, &end, 10);
		lo = hi = 0;
		switch (i) {
		case 0:
			lo = hi = r->size;
			break;
		case 1:
			lo = hi = r->broken;
			break;
		case 2:			/* U2K: the producer's count */
			if (r->dir == KSHM_RING_U2K)
				lo = hi = sh64(r->ctrl, CTL_OFF(dropped));
			break;
		case 3:			/* 0, or a position a poll() took */
			if (r->dir == KSHM_RING_U2K)
				hi = r->accepted;
			break;
		case 5:			/* notifies, and the break's wake-up */
			lo = r->notifies;
			hi = lo + r->broken;
			break;
		}
		if (i == 3 && v % KSHM_REC_ALIGN)
			hi = 0, lo = 1;		/* never a position */
		if (*end != '\n' || end == buf || v < lo || v > hi) {
			char exp[48];

			if (lo == hi)
				snprintf(exp, sizeof(exp), "%llu",
					 (unsigned long long)lo);
			else if (lo < hi)
				snprintf(exp, sizeof(exp), "%llu..%llu",
					 (unsigned long long)lo,
					 (unsigned long long)hi);
			else
				snprintf(exp, sizeof(exp), "a multiple of 8");
			fail(c, "/sys/class/misc/kshm-%s/%s reads \"%.*s\", the model says %s (%s ring, %s)",
			     ring_name(r->name), attrs[i], (int)strcspn(buf, "\n"),
			     buf, exp, r->dir == KSHM_RING_K2U ? "a K2U" :
			     r->dir ? "a U2K" : "no",
			     r->broken ? "broken" : "not broken");
		}
	}
}

/* ---- life ---- */

bool ring_setup(int ctl)
{
	struct kshm_destroy d;
	int k, i;

	zero_page = calloc(1, pgsz);
	if (!zero_page)
		return false;
	init_pshared_mutex(&RG()->lock);
	for (k = 0; k < RING_NAMES; k++) {
		init_pshared_mutex(&RG()->names[k].lock);
		RG()->names[k].slot = -1;
		snprintf(RG()->names[k].name, sizeof(RG()->names[k].name), "%s",
			 pool[k]);
	}
	for (i = 0; i < RING_SLOTS; i++)
		init_pshared_mutex(&SL(i)->lock);
	/* What a run killed before its clean-up left behind. */
	for (k = 0; k < RING_NAMES; k++) {
		fill_destroy(&d, pool[k]);
		if (!ioctl(ctl, KSHM_IOC_DESTROY, &d)) {
			printf("kshm-stress: destroyed /dev/kshm-%s, left over from an earlier run\n",
			       d.name);
		} else if (errno != ENOENT) {
			fail(NULL, "--rings: KSHM_IOC_DESTROY %s at start: %s",
			     d.name, strerror(errno));
			return false;
		}
	}
	return true;
}

void ring_worker_end(struct ctx *c)
{
	struct ring_hold *h = &c->w->ring;
	int i, tries, s = h->slot;

	if (s < 0)
		return;
	rs_lock(s);
	for (i = 0; i < h->nmaps; i++) {
		if (!stopping())
			ring_check_map(c, s, &h->map[i], "a ring mapping held to the end");
		for (tries = 0; tries < 1000; tries++)
			if (!munmap(h->map[i].addr, (size_t)h->map[i].npages * pgsz) ||
			    errno != ENOMEM)
				break;
		SL(s)->maps--;
	}
	h->nmaps = 0;
	if (h->fd >= 0 && !stopping())
		ring_check_pread(c, OP_RING_CHECK, s, h->fd, 0, MAXIO + 2,
				 "an fd of a ring region held to the end");
	rs_unlock(s);
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	h->slot = -1;
	ring_release_slot(s);
}

/*
 * Every region of the pool alive: INFO, pread, a fresh mapping of every
 * page (the data twice), sysfs. Workers are gone: no lock is contended.
 */
void ring_final_check(struct ctx *c)
{
	int k;

	for (k = 0; k < RING_NAMES && !S->fail.set; k++) {
		int s = RG()->names[k].slot, fd;
		struct ring_slot *r;
		unsigned char *map;
		uint32_t nv;
		char path[64];

		if (s < 0)
			continue;
		r = SL(s);
		snprintf(path, sizeof(path), "/dev/kshm-%s", ring_name(k));
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fail(NULL, "final check: open %s: %s", path, strerror(errno));
			return;
		}
		if (r->maps)
			fail(NULL, "final check: the model counts %d mappings of %s after the workers",
			     r->maps, path);
		if (!ring_info_check(c, fd, s, "final check") ||
		    !ring_check_pread(c, OP_RING_CHECK, s, fd, 0, MAXIO + 2,
				      "pread (final check)")) {
			close(fd);
			return;
		}
		nv = ring_view_pages(r);
		map = mmap(NULL, (size_t)nv * pgsz, PROT_READ, MAP_SHARED, fd, 0);
		if (map == MAP_FAILED) {
			fail(NULL, "final check: mmap of %u pages of %s: %s", nv,
			     path, strerror(errno));
		} else {
			ring_check_bytes(c, s, 0, map, (size_t)nv * pgsz,
					 "a fresh mapping of every page (final check)");
			munmap(map, (size_t)nv * pgsz);
		}
		if (!S->fail.set)
			ring_sysfs_check(c, s);
		close(fd);
	}
}

void ring_cleanup(int ctl, bool exact)
{
	struct kshm_destroy d;
	int k, ret, e, exp;

	for (k = 0; k < RING_NAMES; k++) {
		fill_destroy(&d, pool[k]);
		exp = RG()->names[k].slot >= 0 ? 0 : ENOENT;
		ret = ioctl(ctl, KSHM_IOC_DESTROY, &d);
		e = errno;
		if (exact && !S->fail.set && (ret ? e != exp : exp != 0))
			fail(NULL, "clean-up: KSHM_IOC_DESTROY %s gave %s, expected %s",
			     d.name, ret ? strerrorname_np(e) : "success",
			     exp ? strerrorname_np(exp) : "success");
		if (RG()->names[k].slot >= 0) {
			SL(RG()->names[k].slot)->state = RT_DESTROYED;
			RG()->names[k].slot = -1;
		}
	}
}

void ring_report(void)
{
	uint64_t t[RGS_N] = { 0 };
	int i, k;

	for (i = 0; i < NWORKERS; i++)
		for (k = 0; k < RGS_N; k++)
			t[k] += RG()->stat[i][k];
	printf("rings: %" PRIu64 " regions made, %" PRIu64 " destroyed; set up %" PRIu64
	       " K2U and %" PRIu64 " U2K, %" PRIu64 " set-ups EBUSY; %" PRIu64
	       " races with an mmap or a set-up (%" PRIu64 " set up first, %" PRIu64
	       " mapped first); %" PRIu64 " opens raced a create or destroy\n",
	       t[RGS_CREATED], t[RGS_DESTROYED], t[RGS_SETUP_K2U],
	       t[RGS_SETUP_U2K], t[RGS_SETUP_BUSY], t[RGS_RACES],
	       t[RGS_RACE_RING], t[RGS_RACE_PLAIN], t[RGS_RACY_OPENS]);
	printf("rings: %" PRIu64 " records (%" PRIu64 " bytes) produced, %" PRIu64
	       " refused and counted, %" PRIu64 " notifies; poll(): %" PRIu64
	       " timed out, %" PRIu64 " POLLOUT, %" PRIu64
	       " not woken for less room than asked; %" PRIu64
	       " hostile writes, %" PRIu64 " rings broken, %" PRIu64
	       " polls of a U2K ring with a bad producer said \"room\"; %" PRIu64
	       " words checked through both views; %" PRIu64
	       " operations on a ring region already destroyed; %" PRIu64
	       " set-ups failed with ENOMEM and left the region resized; %" PRIu64
	       " creates skipped (no model slot free)\n",
	       t[RGS_RECORDS], t[RGS_BYTES], t[RGS_DROPS], t[RGS_NOTIFIES],
	       t[RGS_TIMEOUTS], t[RGS_POLLOUT], t[RGS_NOT_WOKEN], t[RGS_HOSTILE],
	       t[RGS_BROKEN], t[RGS_BAD_ROOM], t[RGS_WORDS], t[RGS_ON_DESTROYED],
	       t[RGS_NOMEM_RESIZED], t[RGS_NO_SLOT]);
}
