// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-stress: run-time regions (--regions), made and destroyed through
 * the control node /dev/kshm while the workers use them. This file: their
 * model, how an fd is told to be which region, the LIST check, and the
 * life of the whole (setup, each worker's start and end, the final check,
 * the clean-up); regions-ops.c: the operations.
 *
 * The pool: names stress0..stress3 (nodes /dev/kshm-stress0...). Each
 * region made gets a model slot, with its size, backing, max_size and a
 * version per page; pages are owned as in model.h (pgoff % NWORKERS). The
 * rule checked: the data a worker reads through an fd or a mapping it
 * holds is what the model says, whether the region is still alive or was
 * destroyed by another worker meanwhile (destroy is like unlink).
 *
 * How every result stays predictable:
 *  - a create or destroy of a name holds that name's lock and makes the
 *    name's seq odd for the duration of the call, so it knows whether
 *    the name is alive: EEXIST and ENOENT are predicted exactly. Races of
 *    two such calls on one name are made on purpose (OP_RT_RACE): the
 *    worker and its helper thread make them at the same moment, and the
 *    two results must be explained by one of the two orders (exactly one
 *    create of a free name wins, exactly one destroy of an alive one).
 *  - an open of /dev/kshm-NAME takes no name lock. If the name's seq did
 *    not move across the open, nothing was created or destroyed meanwhile
 *    and the result is exact (success, or ENOENT). Otherwise it raced: a
 *    success, ENOENT, or ENODEV (the node went away between the path
 *    lookup and the device's open) are all legal, and a success must be a
 *    region this run made: of that name, or, when a new node took the
 *    misc minor of the one destroyed (design.md), of another name.
 *  - which region an fd is: max_size encodes the slot (max_size = size +
 *    (1 + slot) pages; one create in four passes max_size 0 instead, and
 *    such a region is told apart only when the open was exact). A slot
 *    is freed only once destroyed, held by no worker, and no open is in
 *    flight, so a tag never names two regions the kernel still has.
 *  - LIST runs with no lock: every entry must be whole and consistent;
 *    a name of the pool whose seq did not move must be listed exactly
 *    when it is alive, with the model's size, max_size and backing.
 *  - the worst case of regions the kernel holds for this program is
 *    RT_HELD_MAX (plus RING_HELD_MAX with --rings), checked against the
 *    max_regions parameter at start: an ENOSPC is never legal. A region
 *    of the rings' pool (rings.c) reached by a reused minor counts as
 *    another region.
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
#include "regions-model.h"
#include "rings.h"

static int main_ctl = -1;	/* the main process's control node fd */

struct rt_model *RT(void)
{
	return &S->rt;
}

void rt_lock(void)
{
	pthread_mutex_lock(&RT()->lock);
}

void rt_unlock(void)
{
	pthread_mutex_unlock(&RT()->lock);
}

void stat_add(struct ctx *c, int what)
{
	if (c->w)
		__atomic_add_fetch(&RT()->stat[c->w->id][what], 1, __ATOMIC_RELAXED);
}

const char *rt_name(int k)
{
	return RT()->names[k].name;
}

/* Drop a worker's hold on a slot. */
void rt_release(int s)
{
	rt_lock();
	RT()->slot[s].holders--;
	rt_unlock();
}

void rt_hold(int s)
{
	rt_lock();
	RT()->slot[s].holders++;
	rt_unlock();
}

/* What slot s's pages must hold, for check_pages(); label: room for the name. */
void page_model_of(struct ctx *c, int s, struct page_model *pm,
			  char *label, size_t len)
{
	struct rt_region *r = &RT()->slot[s];

	snprintf(label, len, "/dev/kshm-%s (run-time region #%u%s)",
		 rt_name(r->name), r->id,
		 __atomic_load_n(&r->state, __ATOMIC_RELAXED) == RT_DESTROYED ?
		 ", destroyed" : "");
	*pm = (struct page_model){
		.key = RT_KEY_BASE + r->id, .ver = r->ver, .region = -1,
		.name = label,
	};
	if (c->w && __atomic_load_n(&r->state, __ATOMIC_RELAXED) == RT_DESTROYED)
		pm->after_destroy = &RT()->stat[c->w->id][RTS_AFTER_DESTROY];
}

/* A random page of an npages region that c owns, or -1. */
long rt_own_page(struct ctx *c, uint32_t np)
{
	uint32_t id = c->w->id;

	if (np <= id)
		return -1;
	return id + (long)NWORKERS * rnd(c, (np - id + NWORKERS - 1) / NWORKERS);
}

/* ---- slots ---- */

void draw_params(struct ctx *c, struct rt_params *p)
{
	static const uint32_t modes[] = { 0, 0600, 0640, 0660 };
	uint32_t most = max_pages < RT_MAXPAGES ? max_pages : RT_MAXPAGES;

	p->npages = 1 + rnd(c, most);
	p->size = (uint64_t)(p->npages - 1) * pgsz + 1 + rnd(c, pgsz);
	p->backing = rnd(c, 2);
	p->tagged = rnd(c, 4) != 0;
	p->jitter = rnd(c, 2) ? rnd(c, pgsz) : 0;
	p->mode = modes[rnd(c, 4)];
}

/*
 * A slot for a region about to be made of name k, RT_RESERVED, or -1
 * when all are in use. Called with the model's lock held.
 */
int slot_reserve(int k, const struct rt_params *p)
{
	struct rt_model *m = RT();
	struct rt_region *r;
	int i, s = -1;

	/* A destroyed region nobody holds is gone; not while an open runs. */
	if (!m->opening)
		for (i = 0; i < RT_SLOTS; i++)
			if (m->slot[i].state == RT_DESTROYED && !m->slot[i].holders)
				m->slot[i].state = RT_FREE;
	for (i = 0; i < RT_SLOTS && s < 0; i++)
		if (m->slot[i].state == RT_FREE && !m->slot[i].holders)
			s = i;
	if (s < 0)
		return -1;
	r = &m->slot[s];
	r->state = RT_RESERVED;
	r->name = k;
	r->id = ++m->next_id;
	r->npages = p->npages;
	r->backing = p->backing;
	r->max_size = (uint64_t)(p->tagged ? p->npages + 1 + s : p->npages) * pgsz;
	memset(r->ver, 0, RT_MAXPAGES * sizeof(*r->ver));
	return s;
}

void fill_create(struct kshm_create *cr, int k,
			const struct rt_params *p, int s)
{
	memset(cr, 0, sizeof(*cr));
	cr->argsz = sizeof(*cr);
	cr->size = p->size;
	cr->max_size = p->tagged ?
		(uint64_t)(p->npages + 1 + s) * pgsz + p->jitter : 0;
	cr->backing = p->backing;
	cr->mode = p->mode;
	snprintf(cr->name, sizeof(cr->name), "%s", rt_name(k));
}

void fill_destroy(struct kshm_destroy *d, const char *name)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
}

/* ---- checking what an fd is ---- */

/* INFO of fd into c->w->info (or a local one); false after a failure. */
int rt_info(struct ctx *c, int fd, struct kshm_info *in,
		   const char *what)
{
	int ret = info_ioctl(fd, in), e = errno;

	if (!ret)
		return info_whole(c, in, what) ? 0 : -1;
	if (fault_inject && e == ENOMEM)
		return 1;		/* cannot tell; not a failure */
	fail(c, "%s: KSHM_IOC_INFO failed with %s", what,
	     strerrorname_np(e) ?: "?");
	return -1;
}

/* Does INFO describe slot s (of name k)? Fails the run if not. */
bool rt_info_is(struct ctx *c, const struct kshm_info *in, int s,
		       const char *what)
{
	struct rt_region *r = &RT()->slot[s];
	char want[KSHM_NAME_MAX];

	snprintf(want, sizeof(want), "kshm-%s", rt_name(r->name));
	if (strcmp(in->name, want) || in->index != KSHM_INDEX_NONE ||
	    in->size != (uint64_t)r->npages * pgsz ||
	    in->max_size != r->max_size || in->backing != r->backing) {
		fail(c, "%s: INFO says %s index %u size %llu max_size %llu backing %u; the model: %s (region #%u) index none size %llu max_size %llu backing %u",
		     what, in->name, in->index, (unsigned long long)in->size,
		     (unsigned long long)in->max_size, in->backing, want,
		     r->id, (unsigned long long)r->npages * pgsz,
		     (unsigned long long)r->max_size, r->backing);
		return false;
	}
	return true;
}

/*
 * The slot of the region behind fd, opened as /dev/kshm-NAME(k) while a
 * create or destroy of k may have run: from max_size's tag. -1: cannot
 * tell (made with max_size 0, or INFO failed by injection); -2: failure.
 * *other: the fd is a region of another name of the pool. Only an open
 * that raced a destroy of k may give that: the node went away between
 * the path lookup and misc_open(), and a new node took its misc minor
 * (design.md: the misc minor caveats).
 */
int rt_identify(struct ctx *c, int fd, int k, bool *other, const char *what)
{
	struct kshm_info *in = &c->w->info;
	uint64_t tag;
	int ret, s, k2;
	bool match;

	*other = false;
	ret = rt_info(c, fd, in, what);
	if (ret)
		return ret > 0 ? -1 : -2;
	for (k2 = 0; k2 < RT_NAMES; k2++)
		if (!strncmp(in->name, "kshm-", 5) &&
		    !strcmp(in->name + 5, rt_name(k2)))
			break;
	/* A region of the rings' pool: another region this run made. */
	if (k2 == RT_NAMES && in->index == KSHM_INDEX_NONE && rings &&
	    ring_name_of(in->name) >= 0) {
		*other = true;
		return -1;
	}
	if (k2 == RT_NAMES || in->index != KSHM_INDEX_NONE) {
		fail(c, "%s: the fd is region \"%s\" index %u, not one this run made",
		     what, in->name, in->index);
		return -2;
	}
	*other = k2 != k;
	if (in->max_size == in->size)
		return -1;
	tag = (in->max_size - in->size) / pgsz;
	if (in->max_size < in->size || tag < 1 || tag > RT_SLOTS) {
		fail(c, "%s: %s size %llu max_size %llu: not a region this run made",
		     what, in->name, (unsigned long long)in->size,
		     (unsigned long long)in->max_size);
		return -2;
	}
	s = tag - 1;
	rt_lock();
	/* RESERVED: its create has made the node but not returned yet. */
	match = RT()->slot[s].state != RT_FREE && RT()->slot[s].name == k2;
	rt_unlock();
	if (!match) {
		fail(c, "%s: %s size %llu max_size %llu names slot %d, which holds no region of that name",
		     what, in->name, (unsigned long long)in->size,
		     (unsigned long long)in->max_size, s);
		return -2;
	}
	return rt_info_is(c, in, s, what) ? s : -2;
}

/* ---- reading and checking ---- */

int rt_fd_of(struct ctx *c, int s)
{
	struct worker *w = c->w;
	int i;

	for (i = 0; i < w->nrfds; i++)
		if (w->rfds[i].slot == s)
			return w->rfds[i].fd;
	return -1;
}

void rt_read_check(struct ctx *c, int op, int fd, int s, uint64_t off,
			  size_t len, long exp, const char *via)
{
	struct page_model pm;
	char label[80], what[200];
	long ret;
	int e;

	page_model_of(c, s, &pm, label, sizeof(label));
	snprintf(what, sizeof(what), "%s %s offset %" PRIu64 " count %zu (size %u pages)",
		 via, label, off, len, RT()->slot[s].npages);
	ret = pread(fd, c->buf, len, off);
	e = errno;
	if (judge(c, op, ret, e, exp, 0, what) == OUT_OK)
		check_pages(c, &pm, off, c->buf, ret, via);
}

/* Every own page of slot s, through fd. */
void rt_check_own(struct ctx *c, int op, int fd, int s, const char *via)
{
	uint32_t p, np = RT()->slot[s].npages;

	for (p = c->w->id; p < np && !stopping(); p += NWORKERS)
		rt_read_check(c, op, fd, s, (uint64_t)p * pgsz, pgsz, pgsz, via);
}

void rt_check_map(struct ctx *c, const struct rt_map *m, const char *via)
{
	struct page_model pm;
	char label[80];

	page_model_of(c, m->slot, &pm, label, sizeof(label));
	check_pages(c, &pm, (uint64_t)m->pgoff * pgsz, (unsigned char *)m->addr,
		    (size_t)m->npages * pgsz, via);
}

/* ---- list, info ---- */

/*
 * KSHM_IOC_LIST with room entries (ent has one more, to see that nothing
 * is written past them), every entry checked; then the pool's names whose
 * seq did not move across the call: listed exactly when alive, as the
 * model says. Returns the count, or -1.
 */
long rt_list_check(struct ctx *c, int fd, struct kshm_list *l,
			  struct kshm_info *ent, uint32_t room, const char *via)
{
	int seq[RT_NAMES], slot[RT_NAMES], seen[RT_NAMES], k, ret, e;
	unsigned char *b = (unsigned char *)ent;
	size_t i, n, filled, all = (RT_LIST_ROOM + 1) * sizeof(*ent);
	bool runtime = false;
	uint32_t last_index = 0;
	char what[160];

	memset(b, 0xa5, all);
	rt_lock();
	for (k = 0; k < RT_NAMES; k++) {
		seq[k] = RT()->names[k].seq;
		slot[k] = RT()->names[k].slot;
		seen[k] = -1;
	}
	rt_unlock();
	memset(l, 0, sizeof(*l));
	l->argsz = sizeof(*l);
	l->count = room;
	l->entry_size = sizeof(*ent);
	l->entries = (uintptr_t)ent;
	snprintf(what, sizeof(what), "KSHM_IOC_LIST (%s) room %u", via, room);
	ret = ioctl(fd, KSHM_IOC_LIST, l);
	e = errno;
	if (judge(c, OP_RT_LIST, ret, e, 0, 0, what) != OUT_OK)
		return -1;
	n = l->count;
	filled = n < room ? n : room;
	for (i = filled * sizeof(*ent); i < all; i++)
		if (b[i] != 0xa5) {
			fail(c, "%s: %zu regions, byte %zu past the %zu entries filled was written",
			     what, n, i, filled);
			return -1;
		}
	for (i = 0; i < filled; i++) {
		struct kshm_info *in = &ent[i];
		char ewhat[240];
		unsigned int idx;
		size_t j;
		char tail;

		snprintf(ewhat, sizeof(ewhat), "%s: entry %zu (%.32s)", what, i,
			 in->name);
		if (!info_whole(c, in, ewhat))
			return -1;
		if (in->index != KSHM_INDEX_NONE) {
			if (sscanf(in->name, "kshm%u%c", &idx, &tail) != 1 ||
			    idx != in->index || runtime ||
			    (i && idx <= last_index)) {
				fail(c, "%s: a load-time region out of order or misnamed (index %u)",
				     ewhat, in->index);
				return -1;
			}
			last_index = idx;
		} else {
			if (strncmp(in->name, "kshm-", 5) || !in->name[5] ||
			    strlen(in->name + 5) > KSHM_CREATE_NAME_LEN ||
			    strspn(in->name + 5, "abcdefghijklmnopqrstuvwxyz0123456789_-") !=
			    strlen(in->name + 5)) {
				fail(c, "%s: a run-time region with a bad name", ewhat);
				return -1;
			}
			runtime = true;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(ent[j].name, in->name)) {
				fail(c, "%s: listed twice", ewhat);
				return -1;
			}
		for (j = 0; j < (size_t)ndevs; j++)
			if (!strcmp(RM(j)->name, in->name) &&
			    (in->max_size != RM(j)->max_size ||
			     in->backing != RM(j)->backing)) {
				fail(c, "%s: max_size %llu backing %u, expected %llu and %u",
				     ewhat, (unsigned long long)in->max_size,
				     in->backing,
				     (unsigned long long)RM(j)->max_size,
				     RM(j)->backing);
				return -1;
			}
		for (k = 0; k < RT_NAMES; k++)
			if (!strncmp(in->name, "kshm-", 5) &&
			    !strcmp(in->name + 5, rt_name(k)))
				seen[k] = i;
	}
	rt_lock();
	for (k = 0; k < RT_NAMES; k++)
		if (RT()->names[k].seq != seq[k] || (seq[k] & 1))
			seq[k] = -1;		/* moved: cannot tell */
	rt_unlock();
	for (k = 0; k < RT_NAMES && filled == n; k++) {
		if (seq[k] < 0)
			continue;
		if (slot[k] < 0 && seen[k] >= 0) {
			fail(c, "%s: lists kshm-%s, which is not alive", what,
			     rt_name(k));
			return -1;
		}
		if (slot[k] >= 0 && seen[k] < 0) {
			fail(c, "%s: does not list kshm-%s, which is alive", what,
			     rt_name(k));
			return -1;
		}
		if (slot[k] >= 0 && !rt_info_is(c, &ent[seen[k]], slot[k], what))
			return -1;
	}
	return n;
}

void init_pshared_mutex(pthread_mutex_t *mu)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(mu, &a);
	pthread_mutexattr_destroy(&a);
}

/* A module parameter, or -1 if it cannot be read. */
static long long read_param(const char *name)
{
	char path[96], buf[32];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/kshm/parameters/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f) || sscanf(buf, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

bool rt_setup(void)
{
	struct ctx c = { .check_all = true };
	struct kshm_destroy d;
	struct kshm_list l;
	struct kshm_info *ent;
	long long max_regions, max_total;
	uint64_t others = 0, worst;
	int k, i, nothers = 0, held;

	init_pshared_mutex(&RT()->lock);
	for (k = 0; k < RT_NAMES; k++) {
		init_pshared_mutex(&RT()->names[k].lock);
		RT()->names[k].slot = -1;
		snprintf(RT()->names[k].name, sizeof(RT()->names[k].name),
			 "stress%d", k);
	}
	main_ctl = open(CTL_PATH, O_RDWR | O_CLOEXEC);
	if (main_ctl < 0) {
		fail(NULL, "--regions: open %s: %s (is kshm loaded, and are we root?)",
		     CTL_PATH, strerror(errno));
		return false;
	}
	/* What a run killed before its clean-up left behind. */
	for (k = 0; k <= RT_NAMES; k++) {
		fill_destroy(&d, k < RT_NAMES ? rt_name(k) : BAD_NAME);
		if (!ioctl(main_ctl, KSHM_IOC_DESTROY, &d)) {
			printf("kshm-stress: destroyed /dev/kshm-%s, left over from an earlier run\n",
			       d.name);
		} else if (errno != ENOENT) {
			fail(NULL, "--regions: KSHM_IOC_DESTROY %s at start: %s",
			     d.name, strerror(errno));
			return false;
		}
	}
	if (rings && !ring_setup(main_ctl))
		return false;
	/* The limits must allow the most this run may hold, on top of others'. */
	ent = calloc(RT_LIST_ROOM + 1, sizeof(*ent));
	if (!ent)
		return false;
	if (rt_list_check(&c, main_ctl, &l, ent, RT_LIST_ROOM, "at start") < 0) {
		free(ent);
		return false;
	}
	for (i = 0; i < (int)l.count && i < RT_LIST_ROOM; i++)
		if (ent[i].index == KSHM_INDEX_NONE) {
			nothers++;
			others += ent[i].max_size;
		}
	free(ent);
	max_regions = read_param("max_regions");
	max_total = read_param("max_total_size");
	worst = (uint64_t)RT_HELD_MAX * (RT_MAXPAGES + 1 + RT_SLOTS) * pgsz;
	held = RT_HELD_MAX;
	if (rings) {
		worst += (uint64_t)RING_HELD_MAX * (RING_TAG_BASE + RING_SLOTS) * pgsz;
		held += RING_HELD_MAX;
	}
	if (max_regions >= 0 && max_regions < nothers + held) {
		fail(NULL, "--regions: the module's max_regions is %lld; this run may hold %d run-time regions, and %d exist already",
		     max_regions, held, nothers);
		return false;
	}
	if (max_total >= 0 && (uint64_t)max_total < others + worst) {
		fail(NULL, "--regions: the module's max_total_size is %lld; this run may need %llu bytes, and %llu are taken already",
		     max_total, (unsigned long long)worst,
		     (unsigned long long)others);
		return false;
	}
	return true;
}

bool rt_worker_start(struct ctx *c)
{
	struct worker *w = c->w;

	w->ctl_fd = open(CTL_PATH, O_RDWR | O_CLOEXEC);
	w->ctl_rofd = open(CTL_PATH, O_RDONLY | O_CLOEXEC);
	if (w->ctl_fd < 0 || w->ctl_rofd < 0) {
		fail(c, "open %s: %s", CTL_PATH, strerror(errno));
		return false;
	}
	memset(w->lent, 0, (RT_LIST_ROOM + 1) * sizeof(*w->lent));
	return racer_start(c);
}

void rt_worker_end(struct ctx *c)
{
	struct worker *w = c->w;
	int i, tries;

	racer_stop(w);
	/* What this worker still holds must hold what it wrote. */
	for (i = 0; i < w->nrmaps; i++) {
		struct rt_map *m = &w->rmaps[i];

		if (!stopping())
			rt_check_map(c, m, "a mapping held to the end");
		for (tries = 0; tries < 1000; tries++)
			if (!munmap(m->addr, (size_t)m->npages * pgsz) ||
			    errno != ENOMEM)
				break;
		rt_release(m->slot);
	}
	w->nrmaps = 0;
	for (i = 0; i < w->nrfds; i++) {
		if (!stopping())
			rt_check_own(c, OP_RT_IO, w->rfds[i].fd, w->rfds[i].slot,
				     "pread of an fd held to the end");
		close(w->rfds[i].fd);
		rt_release(w->rfds[i].slot);
	}
	w->nrfds = 0;
	close(w->ctl_fd);
	close(w->ctl_rofd);
}

void rt_final_check(struct ctx *c)
{
	struct kshm_info in, *ent;
	struct kshm_list l;
	int k;

	for (k = 0; k < RT_NAMES && !S->fail.set; k++) {
		int s = RT()->names[k].slot, fd;
		struct page_model pm;
		uint32_t p, np;
		char path[64], label[80];
		unsigned char *map;

		if (s < 0)
			continue;
		np = RT()->slot[s].npages;
		snprintf(path, sizeof(path), "/dev/kshm-%s", rt_name(k));
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fail(NULL, "final check: open %s: %s", path, strerror(errno));
			return;
		}
		if (rt_info(c, fd, &in, "final check") ||
		    !rt_info_is(c, &in, s, "final check")) {
			close(fd);
			return;
		}
		if (in.mappings)
			fail(NULL, "final check: %s has %llu mappings, expected none",
			     path, (unsigned long long)in.mappings);
		page_model_of(c, s, &pm, label, sizeof(label));
		for (p = 0; p < np && !S->fail.set; p += MAXIO) {
			size_t len = (np - p < MAXIO ? np - p : MAXIO) * pgsz;
			ssize_t ret = pread(fd, c->buf, len, (off_t)p * pgsz);

			if (ret != (ssize_t)len)
				fail(NULL, "final check: pread of %s at page %u returned %zd",
				     path, p, ret);
			else
				check_pages(c, &pm, (uint64_t)p * pgsz, c->buf, len,
					    "pread (final check)");
		}
		map = mmap(NULL, (size_t)np * pgsz, PROT_READ, MAP_SHARED, fd, 0);
		if (map == MAP_FAILED) {
			fail(NULL, "final check: mmap of %s: %s", path,
			     strerror(errno));
		} else {
			if (!S->fail.set)
				check_pages(c, &pm, 0, map, (size_t)np * pgsz,
					    "a fresh mapping (final check)");
			munmap(map, (size_t)np * pgsz);
		}
		close(fd);
	}
	ent = calloc(RT_LIST_ROOM + 1, sizeof(*ent));
	if (ent && !S->fail.set)
		rt_list_check(c, main_ctl, &l, ent, RT_LIST_ROOM, "final check");
	free(ent);
}

void rt_cleanup(bool exact)
{
	struct kshm_destroy d;
	struct kshm_list l;
	struct kshm_info *ent;
	struct ctx c = { .check_all = true };
	int k, ret, e, exp;

	if (main_ctl < 0)
		return;
	for (k = 0; k <= RT_NAMES; k++) {
		fill_destroy(&d, k < RT_NAMES ? rt_name(k) : BAD_NAME);
		exp = k < RT_NAMES && RT()->names[k].slot >= 0 ? 0 : ENOENT;
		ret = ioctl(main_ctl, KSHM_IOC_DESTROY, &d);
		e = errno;
		if (exact && !S->fail.set && (ret ? e != exp : exp != 0))
			fail(NULL, "clean-up: KSHM_IOC_DESTROY %s gave %s, expected %s",
			     d.name, ret ? strerrorname_np(e) : "success",
			     exp ? strerrorname_np(exp) : "success");
		if (k < RT_NAMES && RT()->names[k].slot >= 0) {
			RT()->slot[RT()->names[k].slot].state = RT_DESTROYED;
			RT()->names[k].slot = -1;
		}
	}
	if (rings)
		ring_cleanup(main_ctl, exact);
	/* None of the pool's names may be listed now. */
	ent = calloc(RT_LIST_ROOM + 1, sizeof(*ent));
	if (ent && exact && !S->fail.set)
		rt_list_check(&c, main_ctl, &l, ent, RT_LIST_ROOM, "after the clean-up");
	free(ent);
	close(main_ctl);
	main_ctl = -1;
}

void rt_report(void)
{
	uint64_t t[RTS_N] = { 0 };
	int i, k;

	for (i = 0; i < NWORKERS; i++)
		for (k = 0; k < RTS_N; k++)
			t[k] += RT()->stat[i][k];
	printf("run-time regions: %" PRIu64 " created, %" PRIu64 " destroyed, %" PRIu64
	       " races, %" PRIu64 " opens raced a create or destroy (%" PRIu64
	       " ENOENT, %" PRIu64 " ENODEV, %" PRIu64
	       " another region by a reused minor), %" PRIu64
	       " pages checked after their region was destroyed, %" PRIu64
	       " creates skipped (no model slot free)\n",
	       t[RTS_CREATED], t[RTS_DESTROYED], t[RTS_RACES], t[RTS_RACY_OPENS],
	       t[RTS_RACY_ENOENT], t[RTS_RACY_ENODEV], t[RTS_RACY_OTHER],
	       t[RTS_AFTER_DESTROY], t[RTS_NO_SLOT]);
}

