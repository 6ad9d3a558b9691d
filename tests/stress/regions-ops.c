// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-stress: the operations on run-time regions (--regions): create and
 * destroy (one at a time, with a bad argument, or two at the same moment
 * from the worker and its helper thread), open racing those, close, mmap,
 * munmap, touches and pread/pwrite checked against the model, LIST, INFO
 * and sysfs. How each result is predicted: regions.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ops.h"
#include "regions-model.h"

enum { RACER_IDLE, RACER_POSTED, RACER_DONE, RACER_QUIT };

/* ---- the helper thread ---- */

static void do_call(struct rt_call *call)
{
	void *p;

	if (call->path) {
		call->ret = open(call->path, call->oflags | O_CLOEXEC);
	} else if (call->maplen) {
		p = mmap(NULL, call->maplen, call->prot, MAP_SHARED, call->fd,
			 call->mapoff);
		call->ret = p == MAP_FAILED ? -1 : (long)p;
	} else {
		call->ret = ioctl(call->fd, call->cmd, call->arg);
	}
	call->err = errno;
}

static void *racer_main(void *arg)
{
	struct worker *w = arg;
	struct racer *rc = &w->racer;
	int mif = -1;

	if (fault_inject) {
		mif = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
		if (mif < 0 || write(mif, "1", 1) != 1)
			fail(NULL, "racer of worker %d: cannot set make-it-fail: %s",
			     w->id, strerror(errno));
	}
	pthread_mutex_lock(&rc->mu);
	for (;;) {
		while (rc->state != RACER_POSTED && rc->state != RACER_QUIT)
			pthread_cond_wait(&rc->cv, &rc->mu);
		if (rc->state == RACER_QUIT)
			break;
		pthread_mutex_unlock(&rc->mu);
		__atomic_store_n(&rc->armed, 1, __ATOMIC_SEQ_CST);
		while (!__atomic_load_n(&rc->go, __ATOMIC_SEQ_CST))
			sched_yield();
		do_call(&rc->call);
		pthread_mutex_lock(&rc->mu);
		rc->state = RACER_DONE;
		pthread_cond_broadcast(&rc->cv);
	}
	pthread_mutex_unlock(&rc->mu);
	if (mif >= 0)
		close(mif);
	return NULL;
}

/* Make call mine and the helper's w->racer.call at the same moment. */
void race_run(struct worker *w, struct rt_call *mine)
{
	struct racer *rc = &w->racer;

	pthread_mutex_lock(&rc->mu);
	rc->armed = 0;
	rc->go = 0;
	rc->state = RACER_POSTED;
	pthread_cond_broadcast(&rc->cv);
	pthread_mutex_unlock(&rc->mu);
	while (!__atomic_load_n(&rc->armed, __ATOMIC_SEQ_CST))
		sched_yield();
	__atomic_store_n(&rc->go, 1, __ATOMIC_SEQ_CST);
	do_call(mine);
	pthread_mutex_lock(&rc->mu);
	while (rc->state != RACER_DONE)
		pthread_cond_wait(&rc->cv, &rc->mu);
	rc->state = RACER_IDLE;
	pthread_mutex_unlock(&rc->mu);
}

bool racer_start(struct ctx *c)
{
	struct worker *w = c->w;
	struct racer *rc = &w->racer;
	pthread_condattr_t ca;

	init_pshared_mutex(&rc->mu);
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	pthread_cond_init(&rc->cv, &ca);
	pthread_condattr_destroy(&ca);
	rc->state = RACER_IDLE;
	if (pthread_create(&rc->thread, NULL, racer_main, w)) {
		fail(c, "pthread_create of the racer failed");
		return false;
	}
	rc->started = true;
	return true;
}

void racer_stop(struct worker *w)
{
	struct racer *rc = &w->racer;

	if (!rc->started)
		return;
	pthread_mutex_lock(&rc->mu);
	rc->state = RACER_QUIT;
	pthread_cond_broadcast(&rc->cv);
	pthread_mutex_unlock(&rc->mu);
	pthread_join(rc->thread, NULL);
	rc->started = false;
}

/* ---- create, destroy ---- */

/* A create with one bad argument: EINVAL, E2BIG or EBADF, nothing made. */
static void rt_create_bad(struct ctx *c)
{
	struct worker *w = c->w;
	struct kshm_create *cr = &w->bad_create.cr;
	int fd = w->ctl_fd, exp = EINVAL, v = rnd(c, 15), ret, e;
	char what[200];

	memset(w->bad_create.buf, 0, sizeof(w->bad_create.buf));
	cr->argsz = sizeof(*cr);
	cr->size = pgsz;
	snprintf(cr->name, sizeof(cr->name), "%s", BAD_NAME);
	switch (v) {
	case 0:
		cr->name[0] = 0;
		break;
	case 1:
		snprintf(cr->name, sizeof(cr->name), "Stress");
		break;
	case 2:
		snprintf(cr->name, sizeof(cr->name), "%s", rnd(c, 2) ? "a/b" : "a.b");
		break;
	case 3:				/* one character too many */
		memset(cr->name, 'a', KSHM_CREATE_NAME_LEN + 1);
		break;
	case 4:				/* no NUL */
		memset(cr->name, 'a', sizeof(cr->name));
		break;
	case 5:
		cr->size = 0;
		break;
	case 6:
		cr->max_size = pgsz + rnd(c, pgsz);
		cr->size = 2 * pgsz;
		break;
	case 7:
		cr->flags = 1U << rnd(c, 32);
		break;
	case 8:
		cr->__reserved[rnd(c, 4)] = 1 + rnd(c, 1000);
		break;
	case 9:
		cr->backing = KSHM_BACKING_HUGE + 1 + rnd(c, 100);
		break;
	case 10:			/* exec, suid, or a bit umode_t drops */
		cr->mode = rnd(c, 2) ? 0777 : 0600 | 1U << (9 + rnd(c, 23));
		break;
	case 11:
		fd = w->ctl_rofd;
		exp = EBADF;
		break;
	case 12:
		cr->argsz = rnd(c, KSHM_CREATE_SIZE_VER0);
		break;
	case 13:			/* a newer caller's field we lack */
		cr->argsz = sizeof(*cr) + 8 * (1 + rnd(c, 8));
		w->bad_create.buf[cr->argsz - 1 - rnd(c, 8)] = 1;
		exp = E2BIG;
		break;
	default:			/* max_size above 64 GiB */
		cr->max_size = (64ULL << 30) + pgsz * (1 + rnd(c, 4));
		break;
	}
	snprintf(what, sizeof(what), "KSHM_IOC_CREATE with a bad argument (case %d, argsz %u)",
		 v, cr->argsz);
	ret = ioctl(fd, KSHM_IOC_CREATE, cr);
	e = errno;
	judge(c, OP_RT_CREATE, ret, e, 0, exp, what);
}

static void rt_create(struct ctx *c)
{
	struct worker *w = c->w;
	struct rt_name *nm;
	struct rt_params p;
	char what[200];
	int k, s, exp, res, ret, e;

	if (rnd(c, 8) == 0) {
		rt_create_bad(c);
		return;
	}
	k = rnd(c, RT_NAMES);
	nm = &RT()->names[k];
	draw_params(c, &p);
	pthread_mutex_lock(&nm->lock);
	rt_lock();
	s = slot_reserve(k, &p);
	if (s >= 0)
		nm->seq++;
	rt_unlock();
	if (s < 0) {
		stat_add(c, RTS_NO_SLOT);
		pthread_mutex_unlock(&nm->lock);
		return;
	}
	fill_create(&w->create[0], k, &p, s);
	exp = nm->slot >= 0 ? EEXIST : 0;
	snprintf(what, sizeof(what), "KSHM_IOC_CREATE %s size %llu max_size %llu backing %u mode %#o (%s)",
		 rt_name(k), (unsigned long long)w->create[0].size,
		 (unsigned long long)w->create[0].max_size, p.backing, p.mode,
		 exp ? "alive" : "free");
	ret = ioctl(w->ctl_fd, KSHM_IOC_CREATE, &w->create[0]);
	e = errno;
	res = judge(c, OP_RT_CREATE, ret, e, 0, exp, what);
	rt_lock();
	if (res == OUT_OK) {
		RT()->slot[s].state = RT_ALIVE;
		nm->slot = s;
		stat_add(c, RTS_CREATED);
	} else {
		RT()->slot[s].state = RT_FREE;
	}
	nm->seq++;
	rt_unlock();
	pthread_mutex_unlock(&nm->lock);
}

/* A destroy with one bad argument, or of a name never made. */
static void rt_destroy_bad(struct ctx *c)
{
	struct worker *w = c->w;
	struct kshm_destroy *d = &w->destroy[1];
	int fd = w->ctl_fd, exp = EINVAL, v = rnd(c, 6), ret, e;
	char what[120];

	fill_destroy(d, BAD_NAME);
	switch (v) {
	case 0:
		exp = ENOENT;
		break;
	case 1:
		d->flags = 1U << rnd(c, 32);
		break;
	case 2:
		d->__pad = 1 + rnd(c, 1000);
		break;
	case 3:
		snprintf(d->name, sizeof(d->name), "%s", rnd(c, 2) ? "Bad" : "");
		break;
	case 4:
		memset(d->name, 'a', sizeof(d->name));
		break;
	default:
		fd = w->ctl_rofd;
		exp = EBADF;
		break;
	}
	snprintf(what, sizeof(what), "KSHM_IOC_DESTROY with a bad argument (case %d)", v);
	ret = ioctl(fd, KSHM_IOC_DESTROY, d);
	e = errno;
	judge(c, OP_RT_DESTROY, ret, e, 0, exp, what);
}

static void rt_destroy(struct ctx *c)
{
	struct worker *w = c->w;
	struct rt_name *nm;
	char what[120];
	int k, s, res, ret, e;

	if (rnd(c, 8) == 0) {
		rt_destroy_bad(c);
		return;
	}
	k = rnd(c, RT_NAMES);
	nm = &RT()->names[k];
	pthread_mutex_lock(&nm->lock);
	rt_lock();
	nm->seq++;
	rt_unlock();
	s = nm->slot;
	fill_destroy(&w->destroy[0], rt_name(k));
	snprintf(what, sizeof(what), "KSHM_IOC_DESTROY %s (%s)", rt_name(k),
		 s >= 0 ? "alive" : "free");
	ret = ioctl(w->ctl_fd, KSHM_IOC_DESTROY, &w->destroy[0]);
	e = errno;
	res = judge(c, OP_RT_DESTROY, ret, e, 0, s >= 0 ? 0 : ENOENT, what);
	rt_lock();
	if (res == OUT_OK && s >= 0) {
		RT()->slot[s].state = RT_DESTROYED;
		nm->slot = -1;
		stat_add(c, RTS_DESTROYED);
	}
	nm->seq++;
	rt_unlock();
	pthread_mutex_unlock(&nm->lock);
}

/* ---- two calls on one name at the same moment ---- */

struct step {
	bool create;
	int slot;			/* a create's */
	struct rt_call *call;
};

static const char *call_result(const struct rt_call *call, char *buf,
			       size_t len)
{
	if (call->ret >= 0)
		snprintf(buf, len, "success");
	else
		snprintf(buf, len, "%s", strerrorname_np(call->err) ?: "?");
	return buf;
}

/*
 * Find the order of two creates/destroys on one name, alive as slot s0
 * (or -1) before, that explains both results. Returns false if none
 * does; else *alive is the slot alive after, and dead[] the slots the
 * destroys took (-1 if none).
 */
static bool explain(const struct step st[2], int s0, int *alive, int dead[2])
{
	int o, j;

	for (o = 0; o < 2; o++) {
		const struct step *x;
		bool ok = true;
		int a = s0, nd = 0;

		dead[0] = dead[1] = -1;
		for (j = 0; j < 2 && ok; j++) {
			x = &st[o ? 1 - j : j];
			if (fault_inject && x->call->ret < 0 &&
			    x->call->err == ENOMEM)
				continue;	/* failed, changed nothing */
			if (x->create && a >= 0)
				ok = x->call->ret < 0 && x->call->err == EEXIST;
			else if (x->create)
				ok = x->call->ret == 0, a = x->slot;
			else if (a >= 0)
				ok = x->call->ret == 0, dead[nd++] = a, a = -1;
			else
				ok = x->call->ret < 0 && x->call->err == ENOENT;
		}
		if (ok) {
			*alive = a;
			return true;
		}
	}
	return false;
}

static void rt_race(struct ctx *c)
{
	static const char *const kinds[] = {
		"create/create", "destroy/destroy", "create/destroy",
		"destroy/open",
	};
	struct worker *w = c->w;
	struct rt_call *mine = &w->mycall, *his = &w->racer.call;
	int k = rnd(c, RT_NAMES), kind = rnd(c, 4), swap = rnd(c, 2);
	struct rt_name *nm = &RT()->names[k];
	struct rt_params p[2];
	struct step st[2];
	char r1[32], r2[32];
	int cs[2] = { -1, -1 }, s0, i, alive, dead[2], out = OUT_OK;

	draw_params(c, &p[0]);
	draw_params(c, &p[1]);
	if (kind == 3 && w->nrfds == RT_MAXFDS)
		kind = 1;
	pthread_mutex_lock(&nm->lock);
	rt_lock();
	s0 = nm->slot;
	for (i = 0; i < (kind == 0 ? 2 : kind == 2 ? 1 : 0); i++)
		cs[i] = slot_reserve(k, &p[i]);
	if ((kind == 0 && (cs[0] < 0 || cs[1] < 0)) || (kind == 2 && cs[0] < 0)) {
		for (i = 0; i < 2; i++)
			if (cs[i] >= 0)
				RT()->slot[cs[i]].state = RT_FREE;
		rt_unlock();
		pthread_mutex_unlock(&nm->lock);
		stat_add(c, RTS_NO_SLOT);
		return;
	}
	if (kind == 3 && s0 >= 0)
		RT()->slot[s0].holders++;	/* for the helper's open */
	if (kind == 3)
		RT()->opening++;		/* no slot freed: rt_identify() */
	nm->seq++;
	rt_unlock();

	memset(mine, 0, sizeof(*mine));
	memset(his, 0, sizeof(*his));
	mine->fd = his->fd = w->ctl_fd;
	for (i = 0; i < 2; i++) {
		struct rt_call *call = (i == 0) != (kind == 2 && swap) ? mine : his;
		bool create = kind == 0 || (kind == 2 && i == 0);

		st[call == his].call = call;
		st[call == his].create = create;
		st[call == his].slot = create ? cs[i] : -1;
		if (create) {
			fill_create(&w->create[i], k, &p[i], cs[i]);
			call->cmd = KSHM_IOC_CREATE;
			call->arg = &w->create[i];
		} else {
			fill_destroy(&w->destroy[i], rt_name(k));
			call->cmd = KSHM_IOC_DESTROY;
			call->arg = &w->destroy[i];
		}
	}
	if (kind == 3) {		/* the helper opens instead */
		snprintf(w->path[1], sizeof(w->path[1]), "/dev/kshm-%s", rt_name(k));
		his->path = w->path[1];
		his->oflags = O_RDWR;
	}
	race_run(w, mine);
	stat_add(c, RTS_RACES);

	rt_lock();
	if (kind < 3) {
		if (!explain(st, s0, &alive, dead)) {
			rt_unlock();
			fail(c, "race %s on %s (%s before): the worker's call gave %s, the helper's %s; no order of the two explains that",
			     kinds[kind], rt_name(k), s0 >= 0 ? "alive" : "free",
			     call_result(mine, r1, sizeof(r1)),
			     call_result(his, r2, sizeof(r2)));
			rt_lock();
			alive = s0;
			dead[0] = dead[1] = -1;
		}
		for (i = 0; i < 2; i++) {
			if (dead[i] >= 0) {
				RT()->slot[dead[i]].state = RT_DESTROYED;
				stat_add(c, RTS_DESTROYED);
			}
			if (st[i].create && st[i].call->ret == 0) {
				stat_add(c, RTS_CREATED);
				if (st[i].slot == alive)
					RT()->slot[alive].state = RT_ALIVE;
			} else if (st[i].create) {
				RT()->slot[st[i].slot].state = RT_FREE;
			}
			if (st[i].call->ret < 0)
				out = fault_inject && st[i].call->err == ENOMEM ?
				      OUT_NOMEM : out == OUT_OK ? OUT_ERR : out;
		}
		nm->slot = alive;
		nm->seq++;
		rt_unlock();
		if (!stopping())
			count(c, OP_RT_RACE, out);
		pthread_mutex_unlock(&nm->lock);
		return;
	}

	/* destroy (the worker) and open (the helper) */
	rt_unlock();
	if (s0 < 0) {
		bool nomem_ok = fault_inject;

		if (mine->ret >= 0 || his->ret >= 0 ||
		    (mine->err != ENOENT && !(nomem_ok && mine->err == ENOMEM)) ||
		    (his->err != ENOENT && !(nomem_ok && his->err == ENOMEM)))
			fail(c, "race destroy/open on %s (free before): destroy gave %s, open %s; expected ENOENT and ENOENT",
			     rt_name(k), call_result(mine, r1, sizeof(r1)),
			     call_result(his, r2, sizeof(r2)));
		if (his->ret >= 0)
			close(his->ret);
		out = OUT_ERR;
	} else {
		bool destroyed = mine->ret == 0;

		if (!destroyed && !(fault_inject && mine->err == ENOMEM))
			fail(c, "race destroy/open on %s (alive before): destroy gave %s",
			     rt_name(k), call_result(mine, r1, sizeof(r1)));
		if (his->ret >= 0) {
			char what[120];
			struct kshm_info *in = &w->info;
			int fd = his->ret, slot = s0, ret;
			bool other = false;

			snprintf(what, sizeof(what), "open of /dev/kshm-%s racing its destroy",
				 rt_name(k));
			if (destroyed) {
				/* The name is locked: s0, or another by its minor. */
				slot = rt_identify(c, fd, k, &other, what);
				if (!other && slot >= 0 && slot != s0) {
					fail(c, "%s: gave region slot %d, expected %d",
					     what, slot, s0);
					slot = -2;
				}
			} else {
				ret = rt_info(c, fd, in, what);
				if (ret < 0 || (!ret && !rt_info_is(c, in, s0, what)))
					slot = -2;
			}
			if (other)
				stat_add(c, RTS_RACY_OTHER);
			if (slot >= 0 && !other && w->nrfds < RT_MAXFDS) {
				rt_hold(s0);
				w->rfds[w->nrfds++] = (struct rt_fd){
					.fd = fd, .slot = s0, .mode = O_RDWR };
			} else {
				close(fd);
			}
		} else if ((his->err == ENOENT || his->err == ENODEV) && destroyed) {
			stat_add(c, his->err == ENOENT ? RTS_RACY_ENOENT :
						   RTS_RACY_ENODEV);
			out = OUT_ERR;
		} else if (fault_inject && his->err == ENOMEM) {
			out = OUT_NOMEM;
		} else {
			fail(c, "race destroy/open on %s (alive before): destroy gave %s, open %s",
			     rt_name(k), call_result(mine, r1, sizeof(r1)),
			     call_result(his, r2, sizeof(r2)));
		}
		rt_lock();
		if (destroyed) {
			RT()->slot[s0].state = RT_DESTROYED;
			nm->slot = -1;
			stat_add(c, RTS_DESTROYED);
		}
		RT()->slot[s0].holders--;
		rt_unlock();
	}
	rt_lock();
	if (kind == 3)
		RT()->opening--;
	nm->seq++;
	rt_unlock();
	pthread_mutex_unlock(&nm->lock);
	if (!stopping())
		count(c, OP_RT_RACE, out);
}

/* ---- open, close, mmap, munmap ---- */

static void rt_close(struct ctx *c);

static void rt_open(struct ctx *c)
{
	struct worker *w = c->w;
	int k, mode, s, s1, s2, fd, e, res;
	struct rt_name *nm;
	bool held;
	char what[120];

	if (w->nrfds == RT_MAXFDS) {
		rt_close(c);
		return;
	}
	k = rnd(c, RT_NAMES);
	mode = rnd(c, 4) ? O_RDWR : O_RDONLY;
	nm = &RT()->names[k];
	snprintf(w->path[0], sizeof(w->path[0]), "/dev/kshm-%s", rt_name(k));
	rt_lock();
	RT()->opening++;
	s1 = nm->seq;
	s = nm->slot;
	held = s >= 0 && !(s1 & 1);
	if (held)
		RT()->slot[s].holders++;
	rt_unlock();

	fd = open(w->path[0], mode | O_CLOEXEC);
	e = errno;

	rt_lock();
	s2 = nm->seq;
	rt_unlock();
	if (s1 == s2 && !(s1 & 1)) {
		/* Nothing made or destroyed this name meanwhile: exact. */
		snprintf(what, sizeof(what), "open %s mode %d (%s)", w->path[0],
			 mode, s >= 0 ? "alive" : "free");
		res = judge(c, OP_RT_OPEN, fd, e, -1, s >= 0 ? 0 : ENOENT, what);
		if (res == OUT_OK) {
			struct kshm_info *in = &w->info;
			int ret = rt_info(c, fd, in, what);

			if (ret < 0 || (!ret && !rt_info_is(c, in, s, what))) {
				close(fd);
			} else {
				w->rfds[w->nrfds++] = (struct rt_fd){
					.fd = fd, .slot = s, .mode = mode };
				held = false;	/* the fd holds it now */
			}
		}
	} else {
		stat_add(c, RTS_RACY_OPENS);
		snprintf(what, sizeof(what), "open %s mode %d racing a create or destroy",
			 w->path[0], mode);
		if (fd < 0 && (e == ENOENT || e == ENODEV)) {
			stat_add(c, e == ENOENT ? RTS_RACY_ENOENT : RTS_RACY_ENODEV);
			count(c, OP_RT_OPEN, OUT_ERR);
		} else if (fd < 0) {
			judge(c, OP_RT_OPEN, fd, e, -1, ENOENT, what);
		} else {
			bool other;
			int slot = rt_identify(c, fd, k, &other, what);

			count(c, OP_RT_OPEN, OUT_OK);
			if (other) {
				stat_add(c, RTS_RACY_OTHER);
				close(fd);
			} else if (slot >= 0) {
				rt_hold(slot);
				w->rfds[w->nrfds++] = (struct rt_fd){
					.fd = fd, .slot = slot, .mode = mode };
			} else {
				close(fd);
			}
		}
	}
	rt_lock();
	if (held)
		RT()->slot[s].holders--;
	RT()->opening--;
	rt_unlock();
}

static void rt_close(struct ctx *c)
{
	struct worker *w = c->w;
	struct rt_fd f;
	int i, ret, e;

	if (!w->nrfds) {
		rt_open(c);
		return;
	}
	i = rnd(c, w->nrfds);
	f = w->rfds[i];
	if (rnd(c, 2))
		rt_check_own(c, OP_RT_IO, f.fd, f.slot, "pread before close");
	ret = close(f.fd);
	e = errno;
	judge(c, OP_RT_CLOSE, ret, e, 0, 0, "close of a run-time region");
	w->rfds[i] = w->rfds[--w->nrfds];
	rt_release(f.slot);
}

static void rt_munmap(struct ctx *c);

static void rt_mmap(struct ctx *c)
{
	struct worker *w = c->w;
	struct rt_fd *f;
	uint32_t np, pgoff, len;
	int prot = PROT_READ, e;
	char what[160];
	void *addr;

	if (!w->nrfds) {
		rt_open(c);
		return;
	}
	if (w->nrmaps == RT_MAXMAPS) {
		rt_munmap(c);
		return;
	}
	f = &w->rfds[rnd(c, w->nrfds)];
	np = RT()->slot[f->slot].npages;
	pgoff = rnd(c, 2) ? 0 : rnd(c, np);
	len = pgoff ? 1 + rnd(c, np - pgoff) : np;
	if (f->mode == O_RDWR && rnd(c, 4))
		prot |= PROT_WRITE;
	snprintf(what, sizeof(what), "mmap /dev/kshm-%s pgoff %u len %u pages prot %#x (size %u pages)",
		 rt_name(RT()->slot[f->slot].name), pgoff, len, prot, np);
	pthread_mutex_lock(&vm_lock);
	addr = mmap(NULL, (size_t)len * pgsz, prot, MAP_SHARED, f->fd,
		    (off_t)pgoff * pgsz);
	e = errno;
	pthread_mutex_unlock(&vm_lock);
	if (judge(c, OP_RT_MMAP, addr == MAP_FAILED ? -1 : 0, e, 0, 0, what) != OUT_OK)
		return;
	rt_hold(f->slot);
	w->rmaps[w->nrmaps++] = (struct rt_map){
		.addr = addr, .npages = len, .pgoff = pgoff, .slot = f->slot,
		.prot = prot };
}

static void rt_munmap(struct ctx *c)
{
	struct worker *w = c->w;
	struct rt_map m;
	int i, ret, e;

	if (!w->nrmaps) {
		rt_mmap(c);
		return;
	}
	i = rnd(c, w->nrmaps);
	m = w->rmaps[i];
	ret = munmap(m.addr, (size_t)m.npages * pgsz);
	e = errno;
	if (judge(c, OP_RT_MUNMAP, ret, e, 0, 0, "munmap of a run-time region") != OUT_OK)
		return;
	w->rmaps[i] = w->rmaps[--w->nrmaps];
	rt_release(m.slot);
}

/* ---- data: through mappings and fds ---- */

/* Check (and maybe rewrite) up to 4 own pages of a mapping. */
static void rt_touch(struct ctx *c)
{
	struct worker *w = c->w;
	struct page_model pm;
	struct rt_map *m;
	char label[80];
	int k, fd;

	if (!w->nrmaps) {
		rt_mmap(c);
		return;
	}
	m = &w->rmaps[rnd(c, w->nrmaps)];
	page_model_of(c, m->slot, &pm, label, sizeof(label));
	fd = rt_fd_of(c, m->slot);
	for (k = 1 + rnd(c, 4); k > 0 && !stopping(); k--) {
		uint32_t i = rnd(c, m->npages), pgoff = m->pgoff + i;
		unsigned char *page = (unsigned char *)m->addr + (size_t)i * pgsz;
		uint32_t *ver = &RT()->slot[m->slot].ver[pgoff];

		if (!own(c, pgoff)) {
			(void)*(volatile unsigned char *)(page + rnd(c, pgsz));
			count(c, OP_RT_TOUCH, OUT_OK);
			continue;
		}
		if (!check_pages(c, &pm, (uint64_t)pgoff * pgsz, page, pgsz,
				 "a mapping of a run-time region"))
			return;
		if ((m->prot & PROT_WRITE) && rnd(c, 2)) {
			uint32_t v = next_ver(*ver);

			make_pattern(c->pat, pm.key, pgoff, v);
			memcpy(page, c->pat, pgsz);
			*ver = v;
			/* Read it back through an fd of the same region. */
			if (fd >= 0)
				rt_read_check(c, OP_RT_TOUCH, fd, m->slot,
					      (uint64_t)pgoff * pgsz, pgsz, pgsz,
					      "pread after a write through a mapping");
		}
		count(c, OP_RT_TOUCH, OUT_OK);
	}
}

/* A mapping of slot s that covers page pgoff, or NULL. */
static unsigned char *rt_map_addr(struct ctx *c, int s, uint32_t pgoff)
{
	struct worker *w = c->w;
	int i;

	for (i = 0; i < w->nrmaps; i++) {
		struct rt_map *m = &w->rmaps[i];

		if (m->slot == s && pgoff >= m->pgoff &&
		    pgoff < m->pgoff + m->npages)
			return (unsigned char *)m->addr +
			       (size_t)(pgoff - m->pgoff) * pgsz;
	}
	return NULL;
}

static void rt_io(struct ctx *c)
{
	struct worker *w = c->w;
	struct rt_fd *f;
	uint32_t np, j, n;
	long pg, ret;
	int e;

	if (!w->nrfds) {
		rt_open(c);
		return;
	}
	f = &w->rfds[rnd(c, w->nrfds)];
	np = RT()->slot[f->slot].npages;
	pg = rt_own_page(c, np);
	switch (pg < 0 ? 3 : rnd(c, 4)) {
	case 0:
	case 1: {			/* a new version of an own page */
		uint32_t *ver = &RT()->slot[f->slot].ver[pg], v = next_ver(*ver);
		uint64_t key = RT_KEY_BASE + RT()->slot[f->slot].id;
		struct page_model pm;
		unsigned char *map;
		char label[80], what[160];

		if (f->mode == O_RDONLY) {
			ret = pwrite(f->fd, c->buf, pgsz, pg * pgsz);
			e = errno;
			judge(c, OP_RT_IO, ret, e, 0, EBADF,
			      "pwrite on an O_RDONLY fd of a run-time region");
			break;
		}
		rt_read_check(c, OP_RT_IO, f->fd, f->slot, pg * pgsz, pgsz, pgsz,
			      "pread before a write");
		if (stopping())
			break;
		make_pattern(c->buf, key, pg, v);
		page_model_of(c, f->slot, &pm, label, sizeof(label));
		snprintf(what, sizeof(what), "pwrite %s pgoff %ld (version %u)",
			 label, pg, v);
		ret = pwrite(f->fd, c->buf, pgsz, pg * pgsz);
		e = errno;
		if (judge(c, OP_RT_IO, ret, e, pgsz, 0, what) != OUT_OK)
			break;
		*ver = v;
		rt_read_check(c, OP_RT_IO, f->fd, f->slot, pg * pgsz, pgsz, pgsz,
			      "pread after pwrite");
		map = rt_map_addr(c, f->slot, pg);
		if (map && !stopping())
			check_pages(c, &pm, pg * pgsz, map, pgsz,
				    "a mapping after pwrite");
		break;
	}
	case 2:
		rt_read_check(c, OP_RT_IO, f->fd, f->slot, pg * pgsz, pgsz, pgsz,
			      "pread");
		break;
	default:			/* crossing the end: short */
		j = 1 + rnd(c, np < 4 ? np : 4);
		n = j + 1 + rnd(c, 3);
		rt_read_check(c, OP_RT_IO, f->fd, f->slot,
			      (uint64_t)(np - j) * pgsz, (size_t)n * pgsz,
			      (long)j * pgsz, "pread crossing the end");
		break;
	}
}

/* Control node calls that must fail: other fds, other commands. */
static void rt_ctl_misuse(struct ctx *c, int v)
{
	struct worker *w = c->w;
	long ret;
	int e, fd;

	switch (v) {
	case 0:				/* region command on the control node */
		w->info.argsz = sizeof(w->info);
		w->info.flags = 0;
		ret = ioctl(w->ctl_fd, KSHM_IOC_INFO, &w->info);
		e = errno;
		judge(c, OP_RT_LIST, ret, e, 0, ENOTTY, "KSHM_IOC_INFO on /dev/kshm");
		break;
	case 1:				/* control command on a region node */
		fd = w->nrfds ? w->rfds[0].fd : w->nfds ? w->fds[0].fd : -1;
		if (fd < 0)
			break;
		memset(&w->list, 0, sizeof(w->list));
		w->list.argsz = sizeof(w->list);
		w->list.entry_size = sizeof(struct kshm_info);
		ret = ioctl(fd, KSHM_IOC_LIST, &w->list);
		e = errno;
		judge(c, OP_RT_LIST, ret, e, 0, ENOTTY, "KSHM_IOC_LIST on a region");
		break;
	case 2:
		ret = read(w->ctl_fd, c->buf, 8);
		e = errno;
		judge(c, OP_RT_LIST, ret, e, 0, EINVAL, "read of /dev/kshm");
		break;
	default: {
		void *p = mmap(NULL, pgsz, PROT_READ, MAP_SHARED, w->ctl_fd, 0);

		e = errno;
		if (p != MAP_FAILED)
			munmap(p, pgsz);
		judge(c, OP_RT_LIST, p == MAP_FAILED ? -1 : 0, e, 0, ENODEV,
		      "mmap of /dev/kshm");
		break;
	}
	}
}

static void rt_list(struct ctx *c)
{
	struct worker *w = c->w;
	struct kshm_list *l = &w->list;
	int v = rnd(c, 12), ret, e, exp = EINVAL;
	char what[120];

	if (v >= 4 && v < 8) {
		rt_ctl_misuse(c, v - 4);
		return;
	}
	if (v >= 3) {
		rt_list_check(c, rnd(c, 2) ? w->ctl_fd : w->ctl_rofd, l, w->lent,
			      v == 3 ? rnd(c, 2) : RT_LIST_ROOM, "a worker");
		return;
	}
	memset(l, 0, sizeof(*l));
	l->argsz = sizeof(*l);
	l->count = RT_LIST_ROOM;
	l->entry_size = sizeof(struct kshm_info);
	l->entries = (uintptr_t)w->lent;
	if (v == 0)
		l->flags = 1U << rnd(c, 32);
	else if (v == 1)
		l->entry_size = rnd(c, KSHM_INFO_SIZE_VER0);
	else
		l->argsz = rnd(c, KSHM_LIST_SIZE_VER0);
	snprintf(what, sizeof(what), "KSHM_IOC_LIST with flags %#x entry_size %u argsz %u",
		 l->flags, l->entry_size, l->argsz);
	ret = ioctl(w->ctl_rofd, KSHM_IOC_LIST, l);
	e = errno;
	judge(c, OP_RT_LIST, ret, e, 0, exp, what);
}

/* A sysfs attribute of /dev/kshm-NAME, read while NAME may come and go. */
static void rt_sysfs(struct ctx *c)
{
	int k = rnd(c, RT_NAMES), want_size = rnd(c, 2), s1, s2, s, fd, e;
	struct rt_name *nm = &RT()->names[k];
	char path[96], what[140], *end;
	uint64_t npages = 0, backing = 0, val;
	long n = -1;

	snprintf(path, sizeof(path), "/sys/class/misc/kshm-%s/%s", rt_name(k),
		 want_size ? "size" : "backing");
	rt_lock();
	s1 = nm->seq;
	s = nm->slot;
	if (s >= 0) {
		npages = RT()->slot[s].npages;
		backing = RT()->slot[s].backing;
	}
	rt_unlock();
	fd = open(path, O_RDONLY | O_CLOEXEC);
	e = errno;
	if (fd >= 0) {
		n = read(fd, c->buf, 63);
		e = errno;
		close(fd);
	}
	rt_lock();
	s2 = nm->seq;
	rt_unlock();
	if (n >= 0)
		c->buf[n] = 0;
	snprintf(what, sizeof(what), "read %s", path);
	if (s1 == s2 && !(s1 & 1)) {
		if (judge(c, OP_RT_INFO, fd < 0 ? -1 : n, e, -1,
			  s >= 0 ? 0 : ENOENT, what) != OUT_OK || s < 0)
			return;
	} else {
		if (n < 0 && (e == ENOENT || e == ENODEV)) {
			count(c, OP_RT_INFO, OUT_ERR);
			return;
		}
		if (judge(c, OP_RT_INFO, n, e, -1, 0, what) != OUT_OK)
			return;
		s = -1;
	}
	if (want_size) {
		val = strtoull((char *)c->buf, &end, 10);
		if (*end != '\n' || !val || val % pgsz ||
		    val > (uint64_t)RT_MAXPAGES * pgsz ||
		    (s >= 0 && val != npages * pgsz))
			fail(c, "%s: \"%s\", expected %s%llu", what, c->buf,
			     s >= 0 ? "" : "a size up to ",
			     (unsigned long long)(s >= 0 ? npages * pgsz :
						  RT_MAXPAGES * pgsz));
	} else if (strcmp((char *)c->buf, "pages\n") &&
		   strcmp((char *)c->buf, "vmalloc\n")) {
		fail(c, "%s: \"%s\", expected pages or vmalloc", what, c->buf);
	} else if (s >= 0 && strcmp((char *)c->buf, backing ? "vmalloc\n" : "pages\n")) {
		fail(c, "%s: \"%s\", the model says backing %llu", what, c->buf,
		     (unsigned long long)backing);
	}
}

static void rt_info_op(struct ctx *c)
{
	struct worker *w = c->w;
	struct kshm_info *in = &w->info;
	struct rt_region *r;
	struct rt_fd *f;
	int i, mine = 0, ret;
	char what[120];

	if (!w->nrfds || rnd(c, 3) == 0) {
		rt_sysfs(c);
		return;
	}
	f = &w->rfds[rnd(c, w->nrfds)];
	r = &RT()->slot[f->slot];
	for (i = 0; i < w->nrmaps; i++)
		mine += w->rmaps[i].slot == f->slot;
	snprintf(what, sizeof(what), "KSHM_IOC_INFO of /dev/kshm-%s (region #%u)",
		 rt_name(r->name), r->id);
	ret = rt_info(c, f->fd, in, what);
	count(c, OP_RT_INFO, ret > 0 ? OUT_NOMEM : OUT_OK);
	if (ret || !rt_info_is(c, in, f->slot, what))
		return;
	if (in->resident_pages > r->npages ||
	    (r->backing == KSHM_BACKING_VMALLOC && in->resident_pages != r->npages))
		fail(c, "%s: resident_pages %llu with %u pages (backing %u)", what,
		     (unsigned long long)in->resident_pages, r->npages, r->backing);
	else if (mine && !in->mappings)
		fail(c, "%s: mappings 0 while this worker maps it %d times", what,
		     mine);
}

/* ---- the entry points ---- */

void rt_enable(void)
{
	op_weight[OP_RT_CREATE] = 3;
	op_weight[OP_RT_DESTROY] = 3;
	op_weight[OP_RT_RACE] = 2;
	op_weight[OP_RT_OPEN] = 5;
	op_weight[OP_RT_CLOSE] = 3;
	op_weight[OP_RT_MMAP] = 3;
	op_weight[OP_RT_MUNMAP] = 2;
	op_weight[OP_RT_TOUCH] = 5;
	op_weight[OP_RT_IO] = 5;
	op_weight[OP_RT_LIST] = 2;
	op_weight[OP_RT_INFO] = 2;
}

void rt_run_op(struct ctx *c, int op)
{
	switch (op) {
	case OP_RT_CREATE:
		rt_create(c);
		break;
	case OP_RT_DESTROY:
		rt_destroy(c);
		break;
	case OP_RT_RACE:
		rt_race(c);
		break;
	case OP_RT_OPEN:
		rt_open(c);
		break;
	case OP_RT_CLOSE:
		rt_close(c);
		break;
	case OP_RT_MMAP:
		rt_mmap(c);
		break;
	case OP_RT_MUNMAP:
		rt_munmap(c);
		break;
	case OP_RT_TOUCH:
		rt_touch(c);
		break;
	case OP_RT_IO:
		rt_io(c);
		break;
	case OP_RT_LIST:
		rt_list(c);
		break;
	default:
		rt_info_op(c);
		break;
	}
}
