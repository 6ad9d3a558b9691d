/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshm-stress: what rings.c (the rings' model and life) and rings-ops.c
 * (the operations on them) share. The rules: rings.c.
 */
#ifndef KSHM_STRESS_RINGS_MODEL_H
#define KSHM_STRESS_RINGS_MODEL_H

#include <stddef.h>

#include "regions-model.h"
#include "rings.h"

/* A set of legal results: LEGAL_OK for success, LEGAL(E) for errno E. */
#define LEGAL_OK	1ULL
#define LEGAL(e)	(1ULL << (e))

#define CTL_OFF(f)		offsetof(struct kshm_ring_ctrl, f)

struct ring_model *RG(void);
struct ring_slot *SL(int s);
void ring_lock(void);
void ring_unlock(void);
void rs_lock(int s);
void rs_unlock(int s);
void ring_stat(struct ctx *c, int what);
const char *ring_name(int k);
void ring_hold_slot(int s);
void ring_release_slot(int s);

/* The shadow control page's fields. */
uint64_t sh64(const unsigned char *p, size_t off);
uint32_t sh32(const unsigned char *p, size_t off);
void put64(unsigned char *p, size_t off, uint64_t v);
void put32(unsigned char *p, size_t off, uint32_t v);

/* Pages of the region now: 1 + N with a ring; pages a mapping may span. */
uint32_t ring_region_pages(const struct ring_slot *r);
uint32_t ring_view_pages(const struct ring_slot *r);
uint64_t ring_marker(const struct ring_slot *r);

/* Judge a call whose legal results are a set; OUT_* or -1 (failed). */
int judge_legal(struct ctx *c, int op, long ret, int err, uint64_t legal,
		const char *what);
bool legal_has(uint64_t legal, long ret, int err);

/* Slots. */
int ring_slot_reserve(int k, uint32_t npages, uint32_t backing);
void ring_became(int s, uint32_t dir, uint64_t size);
int ring_identify(struct ctx *c, int fd, int k, bool *other, const char *what);
bool ring_info_check(struct ctx *c, int fd, int s, const char *what);

/* Checks against the shadow, at byte offset off of the mmap offsets. */
bool ring_check_bytes(struct ctx *c, int s, uint64_t off,
		      const unsigned char *mem, size_t len, const char *via);
bool ring_check_pread(struct ctx *c, int op, int s, int fd, uint32_t pgoff,
		      uint32_t npages, const char *via);
bool ring_check_map(struct ctx *c, int s, const struct ring_map *m,
		    const char *via);
bool ring_check_ctrl(struct ctx *c, int s, int fd, const char *via);
void ring_sysfs_check(struct ctx *c, int s);

#endif /* KSHM_STRESS_RINGS_MODEL_H */
