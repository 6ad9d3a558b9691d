/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshm-stress: the model of every byte, and the judge of every call.
 *
 * Worker w (0..NWORKERS-1) owns the pages with pgoff % NWORKERS == w of
 * every region; only the owner writes a page, always a whole page, with
 * a pattern derived from (region, pgoff, version). Version 0 is a zero
 * page. Each region has a process-shared, writer-preferring rwlock: every
 * operation holds it shared, a resize exclusive, so the size cannot
 * change during an operation.
 *
 * Run-time regions (--regions) follow the same page ownership; their
 * slots and names are below, and regions.c says how they stay exact.
 */
#ifndef KSHM_STRESS_MODEL_H
#define KSHM_STRESS_MODEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kshm.h>

struct ctx;

struct region_model {
	pthread_rwlock_t lock;
	uint32_t npages;		/* current size */
	uint32_t gran;			/* sizes round up to this many pages:
					 * 1, or a 2 MiB block (backing huge) */
	int want_resize;		/* workers waiting to resize (atomic) */
	uint32_t *ver;			/* per-page version, 0 = zeros */
	uint64_t max_size;		/* from KSHM_IOC_INFO at start */
	uint32_t backing, index;
	char name[KSHM_NAME_MAX];	/* KSHM_IOC_INFO's name ("kshm0") */
};

/* Run-time regions: the pool's names, and one slot per region made. */
#define RT_NAME_LEN	16

enum { RT_FREE, RT_RESERVED, RT_ALIVE, RT_DESTROYED };

struct rt_region {
	int state;			/* RT_*, under rt_model.lock */
	int holders;			/* fds, mappings, opens; under the lock */
	int name;			/* index in rt_model.names */
	uint32_t id;			/* creation number from 1: pattern key */
	uint32_t npages;		/* size; run-time regions never resize */
	uint64_t max_size;		/* in bytes, as KSHM_IOC_INFO gives it */
	uint32_t backing;
	uint32_t *ver;			/* per-page version, 0 = zeros */
};

struct rt_name {
	pthread_mutex_t lock;		/* held across a create or destroy */
	int seq;			/* odd while one runs; under rt_model.lock */
	int slot;			/* the region alive by this name, or -1 */
	char name[RT_NAME_LEN];		/* "stress0": the node is /dev/kshm-stress0 */
};

/*
 * A region of the rings' pool: a plain region until KSHM_IOC_RING_SETUP,
 * then a ring. Everything below "lock" is under it, and so are the
 * region's pages: every call that reads or writes them, maps or unmaps
 * the region, or can change what the kernel keeps (poll, notify, set-up)
 * is made with it held, so that each result is exact (rings.c).
 */
struct ring_slot {
	int state;			/* RT_*, under ring_model.lock */
	int holders;			/* workers holding it, opens; same lock */
	int name;			/* index in ring_model.names */
	uint32_t id;			/* creation number from 1 */
	uint32_t max_pages;		/* RING_TAG_BASE + slot */
	uint32_t backing;
	pthread_mutex_t lock;
	uint32_t npages;		/* the region's size */
	int maps;			/* mappings all workers hold */
	bool marked;			/* page 0 starts with the marker */
	uint32_t dir;			/* 0 (no ring), KSHM_RING_K2U or _U2K */
	uint64_t size;			/* data bytes */
	uint64_t prod;			/* the producer's own position (U2K) */
	uint64_t accepted;		/* the highest producer a poll() took */
	bool broken;			/* the kernel said so: sticky */
	uint64_t notifies;		/* KSHM_IOC_RING_NOTIFY that succeeded */
	unsigned char *ctrl;		/* page 0 as it must be (one page) */
	unsigned char *data;		/* the data as it must be */
};

/* What the pages of a region must hold, for check_pages(). */
struct page_model {
	uint64_t key;			/* make_pattern()'s key */
	const uint32_t *ver;
	int region;			/* load-time region index, or -1 */
	const char *name;		/* for messages */
	uint64_t *after_destroy;	/* counts pages checked, or NULL */
};

/* Random numbers: splitmix64, one stream per worker and fork child. */
uint64_t mix64(uint64_t x);
uint64_t next64(uint64_t *s);
uint32_t rnd(struct ctx *c, uint32_t n);	/* uniform in [0, n), n > 0 */

/* The content of a page: key names the region, 0 is a zero page. */
void make_pattern(unsigned char *dst, uint64_t key, uint32_t pgoff,
		  uint32_t ver);
uint32_t next_ver(uint32_t v);

/* Failures: the first one is kept, and every worker stops. */
bool stopping(void);
void fail(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void count(struct ctx *c, int op, int out);
int judge(struct ctx *c, int op, long ret, int err, long exp_ret,
	  int exp_err, const char *what);

/* The load-time regions given on the command line. */
struct region_model *RM(int r);
void rdlock(int r);
void wrlock(int r);
void unlock(int r);
bool own(struct ctx *c, uint32_t pgoff);
long own_page(struct ctx *c, int r);
bool check_bytes(struct ctx *c, int r, uint64_t off,
		 const unsigned char *data, size_t len, const char *via);
bool check_pages(struct ctx *c, const struct page_model *pm, uint64_t off,
		 const unsigned char *data, size_t len, const char *via);

#endif /* KSHM_STRESS_MODEL_H */
