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

/*
 * The raw ioctls, as every caller must make them (argsz and flags set):
 * a failure then points at the driver, not at a library.
 */
int info_ioctl(int fd, struct kshm_info *in);
int resize_ioctl(int fd, struct kshm_resize *rs, uint64_t size,
		 uint64_t flags);
/* A struct kshm_info the kernel filled: whole and well-formed? */
bool info_whole(struct ctx *c, const struct kshm_info *in, const char *what);

/* Sum the weights; call after op_weight[] is final. */
void ops_init(void);
/* Pick one operation from the worker's random stream and run it. */
void run_op(struct ctx *c);
/* Unmap every piece of region r (r < 0: of every region). */
void drop_pieces(struct ctx *c, int r);

#endif /* KSHM_STRESS_OPS_H */
