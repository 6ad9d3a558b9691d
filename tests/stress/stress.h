/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshm-stress: what every part shares. The limits, the options (set by
 * main.c before the workers start and read-only after), each worker's
 * own state, and the one block of shared memory that holds the model,
 * the workers and every buffer the kernel writes to (see main.c).
 */
#ifndef KSHM_STRESS_H
#define KSHM_STRESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kshm.h>

#include "model.h"

#define NPROCS		2
#define NTHREADS	2
#define NWORKERS	(NPROCS * NTHREADS)
#define MAXDEVS		8
#define MAXFDS		6	/* open fds per worker */
#define MAXPIECES	24	/* mapped ranges per worker */
#define NSLOTS		6	/* reserved holes per worker for mremap moves */
#define MAXIO		16	/* pages per read */
#define MAXMAP		32	/* pages per mmap */

enum op {
	OP_OPEN, OP_CLOSE, OP_MMAP, OP_MUNMAP, OP_UNMAP_ALL, OP_MREMAP,
	OP_MPROTECT, OP_FORK, OP_READ, OP_WRITE, OP_PREAD, OP_PWRITE,
	OP_LSEEK, OP_RESIZE, OP_INFO, OP_TOUCH, NOPS
};

/* Outcomes counted per operation. */
enum { OUT_OK, OUT_ERR, OUT_NOMEM, NOUT };

extern const char *const op_name[NOPS];
extern unsigned int op_weight[NOPS];

/* Options and what the run found out at start; fixed once workers run. */
extern size_t pgsz;		/* sysconf(_SC_PAGESIZE) */
extern uint64_t seed;
extern long nops;
extern uint32_t max_pages;
extern bool fault_inject;
extern int ndevs;

struct failure {
	int set;			/* atomic: first failure wins */
	char msg[1024];
	char mismatch[512];
};

struct wfd {
	int fd;
	int region;
	int mode;			/* O_RDONLY, O_WRONLY, O_RDWR */
	int64_t pos;
};

struct piece {
	char *addr;
	uint32_t npages, pgoff;
	int region;
	int prot;			/* what we may rely on */
	bool fd_rw;			/* fd was O_RDWR at mmap time */
	bool maybe_split;		/* a failed call may have split its VMA */
	int slot;			/* reserved hole it lives in, or -1 */
};

struct worker {
	int id;
	long opno;
	uint64_t rng;
	struct wfd fds[MAXFDS];
	int nfds;
	struct piece pieces[MAXPIECES];
	int npieces;
	char *slot_base[NSLOTS];
	int slot_use[NSLOTS];
	bool slot_lost[NSLOTS];
	uint64_t last_faults[MAXDEVS];
	int mif_fd;			/* /proc/thread-self/make-it-fail */
	/* Everything the kernel writes to lives here (shared, touched). */
	union {				/* room for an argsz above ours */
		struct kshm_info info;
		unsigned char infobuf[sizeof(struct kshm_info) + 64];
	};
	struct kshm_resize resize;
	int wstatus;
	unsigned char *buf;		/* MAXIO + 2 pages */
	unsigned char *pat;		/* 1 page */
	unsigned char *cbuf, *cpat;	/* the fork child's */
};

struct shared {
	int stop;			/* atomic */
	struct failure fail;
	uint64_t counts[NWORKERS][NOPS][NOUT];
	uint64_t checked[NWORKERS];	/* pages compared with the model */
	uint64_t resized[NWORKERS];	/* resizes that changed the region */
	uint64_t busy[NWORKERS];	/* resizes refused with EBUSY */
	uint64_t done[NWORKERS];	/* operations run */
	int mapped[NWORKERS][MAXDEVS];	/* pieces per worker per region */
	char devpath[MAXDEVS][256];
	struct region_model reg[MAXDEVS];
	struct worker w[NWORKERS];
};

/*
 * One worker's view while it runs: its own state plus what differs in a
 * fork child (buffers, random stream).
 */
struct ctx {
	struct worker *w;
	unsigned char *buf, *pat;
	uint64_t rng;
	bool child;
	bool check_all;			/* final check: every page is ours */
};

extern struct shared *S;

/* The fields of struct kshm_info this program reads. */
#define INFO_MASK_USED	(KSHM_INFO_SIZE | KSHM_INFO_MAX_SIZE | \
			 KSHM_INFO_RESIDENT_PAGES | KSHM_INFO_FAULTS | \
			 KSHM_INFO_MAPPINGS | KSHM_INFO_BACKING | \
			 KSHM_INFO_INDEX | KSHM_INFO_PAGE_SIZE | KSHM_INFO_NAME)

#endif /* KSHM_STRESS_H */
