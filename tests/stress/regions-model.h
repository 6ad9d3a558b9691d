/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshm-stress: what regions.c (the run-time regions' model and life) and
 * regions-ops.c (the operations on them) share. Slots and names are in
 * model.h; the locking rules in regions.c.
 */
#ifndef KSHM_STRESS_REGIONS_MODEL_H
#define KSHM_STRESS_REGIONS_MODEL_H

#include "regions.h"

#define RT_KEY_BASE	0x100	/* pattern keys: RT_KEY_BASE + region id */
#define BAD_NAME	"stressbad"	/* valid, never made: for bad arguments */

/* What a create asks for; max_size names the slot unless !tagged. */
struct rt_params {
	uint32_t npages;
	uint64_t size;			/* bytes asked for, rounded up */
	uint32_t jitter;		/* added to max_size, rounded down */
	bool tagged;			/* max_size names the slot; else 0 */
	uint32_t backing;
	uint32_t mode;
};

struct rt_model *RT(void);
void rt_lock(void);
void rt_unlock(void);
void stat_add(struct ctx *c, int what);
const char *rt_name(int k);
void init_pshared_mutex(pthread_mutex_t *mu);

/* A worker's hold on a slot: an fd, a mapping, an open in flight. */
void rt_hold(int s);
void rt_release(int s);

/* Making regions: parameters drawn, a slot, the ioctl arguments. */
void draw_params(struct ctx *c, struct rt_params *p);
int slot_reserve(int k, const struct rt_params *p);
void fill_create(struct kshm_create *cr, int k, const struct rt_params *p,
		 int s);
void fill_destroy(struct kshm_destroy *d, const char *name);

/* Which region an fd is. */
int rt_info(struct ctx *c, int fd, struct kshm_info *in, const char *what);
bool rt_info_is(struct ctx *c, const struct kshm_info *in, int s,
		const char *what);
int rt_identify(struct ctx *c, int fd, int k, bool *other, const char *what);

/* The data of slot s, checked against the model. */
void page_model_of(struct ctx *c, int s, struct page_model *pm,
		   char *label, size_t len);
long rt_own_page(struct ctx *c, uint32_t np);
int rt_fd_of(struct ctx *c, int s);
void rt_read_check(struct ctx *c, int op, int fd, int s, uint64_t off,
		   size_t len, long exp, const char *via);
void rt_check_own(struct ctx *c, int op, int fd, int s, const char *via);
void rt_check_map(struct ctx *c, const struct rt_map *m, const char *via);

/* KSHM_IOC_LIST, every entry and the pool's names checked. */
long rt_list_check(struct ctx *c, int fd, struct kshm_list *l,
		   struct kshm_info *ent, uint32_t room, const char *via);

/* The worker's helper thread (regions-ops.c). */
bool racer_start(struct ctx *c);
void racer_stop(struct worker *w);
/* Make call mine and the helper's w->racer.call at the same moment. */
void race_run(struct worker *w, struct rt_call *mine);

#endif /* KSHM_STRESS_REGIONS_MODEL_H */
