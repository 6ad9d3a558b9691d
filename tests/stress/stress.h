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

#include <poll.h>

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

/* Run-time regions (--regions, regions.c). */
#define RT_NAMES	4	/* names in the pool: stress0..stress3 */
#define RT_SLOTS	64	/* model slots: regions made and maybe held */
#define RT_MAXPAGES	64	/* largest run-time region, in pages */
#define RT_MAXFDS	3	/* open run-time region fds per worker */
#define RT_MAXMAPS	3	/* run-time region mappings per worker */
#define RT_LIST_ROOM	96	/* entries a KSHM_IOC_LIST may fill */
/*
 * The most run-time regions the kernel can hold for this program at once:
 * one alive per name; one per fd and mapping a worker holds plus one it
 * is opening, each possibly of a region destroyed since; and those a LIST
 * in progress holds (every name's) while they are destroyed: only workers
 * list while the others run, one LIST each at a time.
 */
#define RT_HELD_MAX	(RT_NAMES + NWORKERS * (RT_MAXFDS + RT_MAXMAPS + 1) + \
			 NWORKERS * RT_NAMES)

/* Rings (--rings, rings.c): regions of their own pool of names. */
#define RING_NAMES	2	/* stressring0, stressring1 */
#define RING_SLOTS	12	/* model slots */
#define RING_MAXDATA	16	/* largest ring data, in pages */
#define RING_TAG_BASE	16	/* max_size is (RING_TAG_BASE + slot) pages */
#define RING_MAXMAPS	3	/* mappings of its ring region per worker */
/*
 * The most ring regions the kernel can hold for this program at once:
 * one alive per name, one a worker holds (a worker holds one ring region
 * at a time), and those a LIST in progress holds while they are destroyed.
 */
#define RING_HELD_MAX	(RING_NAMES + NWORKERS + NWORKERS * RING_NAMES)

enum op {
	OP_OPEN, OP_CLOSE, OP_MMAP, OP_MUNMAP, OP_UNMAP_ALL, OP_MREMAP,
	OP_MPROTECT, OP_FORK, OP_READ, OP_WRITE, OP_PREAD, OP_PWRITE,
	OP_LSEEK, OP_RESIZE, OP_INFO, OP_TOUCH,
	/* Run-time regions, through the control node (regions.c). */
	OP_RT_CREATE, OP_RT_DESTROY, OP_RT_RACE, OP_RT_OPEN, OP_RT_CLOSE,
	OP_RT_MMAP, OP_RT_MUNMAP, OP_RT_TOUCH, OP_RT_IO, OP_RT_LIST,
	OP_RT_INFO,
	/* Rings (rings.c). */
	OP_RING_CREATE, OP_RING_DESTROY, OP_RING_OPEN, OP_RING_SETUP,
	OP_RING_MMAP, OP_RING_PRODUCE, OP_RING_POLL, OP_RING_HOSTILE,
	OP_RING_CHECK, NOPS
};
#define OP_RT_FIRST	OP_RT_CREATE
#define OP_RING_FIRST	OP_RING_CREATE

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
extern bool regions;		/* --regions: run-time region operations */
extern bool rings;		/* --rings: ring operations (and --regions) */
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

/* A run-time region's fd or mapping a worker holds: a model slot's. */
struct rt_fd {
	int fd;
	int slot;
	int mode;			/* O_RDONLY or O_RDWR */
};

struct rt_map {
	char *addr;
	uint32_t npages, pgoff;
	int slot;
	int prot;
};

/*
 * One call a racer makes: open(path, oflags) if path, mmap(NULL, maplen,
 * prot, MAP_SHARED, fd, mapoff) if maplen, else an ioctl. ret: the fd,
 * the address, the ioctl's result, or -1.
 */
struct rt_call {
	const char *path;
	int oflags;
	int fd;
	unsigned long cmd;
	void *arg;
	size_t maplen;
	long mapoff;
	int prot;
	long ret;
	int err;
};

/* A mapping of a ring region a worker holds. */
struct ring_map {
	char *addr;
	uint32_t pgoff, npages;
	int prot;
	bool ring;			/* made in the ring's layout */
};

/* The ring region a worker holds: an fd and mappings of one region. */
struct ring_hold {
	int slot;			/* -1: none */
	int fd;				/* -1: closed (mappings may remain) */
	int mode;			/* O_RDONLY or O_RDWR */
	struct ring_map map[RING_MAXMAPS];
	int nmaps;
};

/*
 * A worker's helper thread, which makes one call at the same moment as
 * the worker makes another (regions.c, OP_RT_RACE).
 */
struct racer {
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int state;			/* RACER_* in regions.c */
	int armed, go;			/* atomic */
	struct rt_call call;
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
	/* Run-time regions. */
	int ctl_fd, ctl_rofd;		/* the control node, O_RDWR, O_RDONLY */
	struct rt_fd rfds[RT_MAXFDS];
	int nrfds;
	struct rt_map rmaps[RT_MAXMAPS];
	int nrmaps;
	struct racer racer;
	struct rt_call mycall;
	struct kshm_create create[2];
	struct kshm_destroy destroy[2];
	union {				/* room for an argsz above ours */
		struct kshm_create cr;
		unsigned char buf[sizeof(struct kshm_create) + 64];
	} bad_create;
	struct kshm_list list;
	struct kshm_info *lent;		/* RT_LIST_ROOM + 1 entries */
	char path[2][64];
	/* Rings. */
	struct ring_hold ring;
	struct kshm_ring_setup rsetup[2];
	struct kshm_ring_notify rnotify;
	struct pollfd pfd;
};

/* The run-time regions' model: see regions.c. */
enum {
	RTS_CREATED, RTS_DESTROYED, RTS_RACES, RTS_RACY_OPENS,
	RTS_RACY_ENOENT, RTS_RACY_ENODEV, RTS_RACY_OTHER, RTS_AFTER_DESTROY,
	RTS_NO_SLOT, RTS_N
};

struct rt_model {
	pthread_mutex_t lock;		/* slots, names' seq and slot, opening */
	int opening;			/* opens in flight: no slot is freed */
	uint32_t next_id;
	struct rt_name names[RT_NAMES];
	struct rt_region slot[RT_SLOTS];
	uint64_t stat[NWORKERS][RTS_N];
};

/* The rings' model: see rings.c. */
enum {
	RGS_CREATED, RGS_DESTROYED, RGS_SETUP_K2U, RGS_SETUP_U2K, RGS_SETUP_BUSY,
	RGS_RACES, RGS_RACE_RING, RGS_RACE_PLAIN, RGS_RECORDS, RGS_BYTES,
	RGS_DROPS, RGS_NOTIFIES, RGS_TIMEOUTS, RGS_POLLOUT, RGS_NOT_WOKEN,
	RGS_BROKEN, RGS_HOSTILE, RGS_WORDS, RGS_ON_DESTROYED, RGS_NOMEM_RESIZED,
	RGS_NO_SLOT, RGS_RACY_OPENS, RGS_BAD_ROOM, RGS_N
};

struct ring_model {
	pthread_mutex_t lock;		/* slots' state and holders, names' seq and slot */
	int opening;			/* opens in flight: no slot is freed */
	uint32_t next_id;
	struct rt_name names[RING_NAMES];
	struct ring_slot slot[RING_SLOTS];
	uint64_t stat[NWORKERS][RGS_N];
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
	struct rt_model rt;
	struct ring_model ring;
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
