// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-stress: the model of every byte (patterns, versions, ownership,
 * the regions' locks) and the judge that compares each call's result
 * with what the model predicts. See model.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "stress.h"

/* ---- random numbers, patterns ---- */

uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t next64(uint64_t *s)
{
	*s += 0x9e3779b97f4a7c15ULL;
	return mix64(*s);
}

uint32_t rnd(struct ctx *c, uint32_t n)
{
	return (uint32_t)((next64(&c->rng) >> 32) * n >> 32);
}

void make_pattern(unsigned char *dst, uint64_t key, uint32_t pgoff,
		  uint32_t ver)
{
	uint64_t *p = (uint64_t *)dst, b;
	size_t i;

	if (!ver) {
		memset(dst, 0, pgsz);
		return;
	}
	/* Load-time regions: key < 256, as ever; run-time ones: any key. */
	b = mix64((key < 256 ? key << 56 : mix64(key)) ^
		  ((uint64_t)pgoff << 24) ^ ver ^ (seed << 1));
	for (i = 0; i < pgsz / 8; i++)
		p[i] = b + i * 0x9e3779b97f4a7c15ULL;
}

uint32_t next_ver(uint32_t v)
{
	return v + 1 ? v + 1 : 1;
}

/* ---- failures and counting ---- */

bool stopping(void)
{
	return __atomic_load_n(&S->stop, __ATOMIC_RELAXED);
}

void fail(struct ctx *c, const char *fmt, ...)
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

void count(struct ctx *c, int op, int out)
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
int judge(struct ctx *c, int op, long ret, int err, long exp_ret,
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

/* ---- the load-time regions ---- */

struct region_model *RM(int r)
{
	return &S->reg[r];
}

void rdlock(int r)
{
	pthread_rwlock_rdlock(&RM(r)->lock);
}

void wrlock(int r)
{
	pthread_rwlock_wrlock(&RM(r)->lock);
}

void unlock(int r)
{
	pthread_rwlock_unlock(&RM(r)->lock);
}

bool own(struct ctx *c, uint32_t pgoff)
{
	return c->check_all || (int)(pgoff % NWORKERS) == c->w->id;
}

/* A random page of region r that c owns, or -1 if there is none. */
long own_page(struct ctx *c, int r)
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
bool check_bytes(struct ctx *c, int r, uint64_t off,
		 const unsigned char *data, size_t len, const char *via)
{
	struct page_model pm = {
		.key = r, .ver = RM(r)->ver, .region = r,
		.name = S->devpath[r],
	};

	return check_pages(c, &pm, off, data, len, via);
}

/* The same for any region pm describes. */
bool check_pages(struct ctx *c, const struct page_model *pm, uint64_t off,
		 const unsigned char *data, size_t len, const char *via)
{
	while (len) {
		uint32_t pgoff = off / pgsz;
		size_t in = off % pgsz, n = pgsz - in;

		if (n > len)
			n = len;
		if (own(c, pgoff)) {
			uint32_t v = pm->ver[pgoff];

			make_pattern(c->pat, pm->key, pgoff, v);
			if (memcmp(c->pat + in, data, n)) {
				size_t i = 0;

				while (c->pat[in + i] == data[i])
					i++;
				char held[64] = "", region[300];
				uint32_t x;

				/* Which version is there instead, if any near? */
				for (x = v > 64 ? v - 64 : 0; n == pgsz && x < v + 64; x++) {
					make_pattern(c->pat, pm->key, pgoff, x);
					if (x != v && !memcmp(c->pat, data, pgsz)) {
						snprintf(held, sizeof(held),
							 "; the page holds version %u", x);
						break;
					}
				}
				make_pattern(c->pat, pm->key, pgoff, v);
				if (pm->region >= 0)
					snprintf(region, sizeof(region), "region %d (%s)",
						 pm->region, pm->name);
				else
					snprintf(region, sizeof(region), "%s", pm->name);
				snprintf(S->fail.mismatch,
					 sizeof(S->fail.mismatch),
					 "first mismatch: %s pgoff %u: expected version %u, byte %zu of the page is 0x%02x, expected 0x%02x (read via %s)%s",
					 region, pgoff, v, in + i,
					 data[i], c->pat[in + i], via, held);
				fail(c, "data mismatch in %s pgoff %u (version %u) via %s",
				     pm->name, pgoff, v, via);
				return false;
			}
			if (c->w) {
				S->checked[c->w->id]++;
				if (pm->after_destroy)
					(*pm->after_destroy)++;
			}
		}
		off += n;
		data += n;
		len -= n;
	}
	return true;
}
