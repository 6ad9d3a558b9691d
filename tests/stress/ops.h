/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshm-stress: the operations a worker runs on the load-time regions
 * (open, close, mmap, munmap, mremap, mprotect, fork, read, write, pread,
 * pwrite, lseek, resize, info, touch), each checked against the model.
 */
#ifndef KSHM_STRESS_OPS_H
#define KSHM_STRESS_OPS_H

#include <pthread.h>

#include "stress.h"

/*
 * Serializes, within a worker process, address-picking mmap() against
 * the sequences that leave a hole in a reserved slot and fill it again.
 */
extern pthread_mutex_t vm_lock;

/* Sum the weights; call after op_weight[] is final. */
void ops_init(void);
/* Pick one operation from the worker's random stream and run it. */
void run_op(struct ctx *c);
/* Unmap every piece of region r (r < 0: of every region). */
void drop_pieces(struct ctx *c, int r);

#endif /* KSHM_STRESS_OPS_H */
