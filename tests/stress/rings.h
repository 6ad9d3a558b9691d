/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshm-stress: rings (--rings). Workers make regions of a pool of their
 * own (/dev/kshm-stressring0..1), lay rings over them with
 * KSHM_IOC_RING_SETUP, map them, produce records into U2K rings by the
 * protocol of Documentation/ring.md, wait in poll(), write random bytes
 * over them, and destroy them while others hold them; see rings.c.
 */
#ifndef KSHM_STRESS_RINGS_H
#define KSHM_STRESS_RINGS_H

#include "stress.h"

/* Give the ring operations their weights. */
void ring_enable(void);
/* Before the workers start (from rt_setup(), ctl: the control node). */
bool ring_setup(int ctl);
/* In each worker thread, after its last operation. */
void ring_worker_end(struct ctx *c);
/* One operation, OP_RING_FIRST or later. */
void ring_run_op(struct ctx *c, int op);
/* After the workers: every ring region alive checked. */
void ring_final_check(struct ctx *c);
/* Destroy the pool's regions; exact: each result must be the predicted one. */
void ring_cleanup(int ctl, bool exact);
void ring_report(void);
/* The pool name a node name ("kshm-stressring0") is of, or -1. */
int ring_name_of(const char *node);
/* The pool's names, for the leftovers of an earlier run. */
const char *ring_pool_name(int k);

#endif /* KSHM_STRESS_RINGS_H */
