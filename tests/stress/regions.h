/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshm-stress: regions made at run time through the control node
 * (--regions). Workers create and destroy regions of a small pool of
 * names, open them racing those, map, write and read them while others
 * destroy them, and list every region; see regions.c.
 */
#ifndef KSHM_STRESS_REGIONS_H
#define KSHM_STRESS_REGIONS_H

#include "stress.h"

#define CTL_PATH	"/dev/kshm"

/* Give the run-time region operations their weights. */
void rt_enable(void);
/* Before the workers start: the control node, leftovers, the limits. */
bool rt_setup(void);
/* In each worker thread, before its first and after its last operation. */
bool rt_worker_start(struct ctx *c);
void rt_worker_end(struct ctx *c);
/* One operation, OP_RT_FIRST or later. */
void rt_run_op(struct ctx *c, int op);
/* After the workers: every region alive checked, then all destroyed. */
void rt_final_check(struct ctx *c);
/* Destroy the pool's regions; exact: each result must be the predicted one. */
void rt_cleanup(bool exact);
void rt_report(void);

#endif /* KSHM_STRESS_REGIONS_H */
