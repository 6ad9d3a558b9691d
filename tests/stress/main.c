// SPDX-License-Identifier: GPL-2.0
/*
 * kshm-stress: seeded random operations on kshm regions, checked against a
 * model of every byte.
 *
 * What it tests: 4 workers (2 processes x 2 threads) run a random mix of
 * open, close, mmap (valid and invalid), munmap of whole and partial
 * ranges, mremap (shrink, move into a reserved hole, grow), mprotect,
 * fork with child activity, read, write, pread, pwrite, lseek, resize
 * (KSHM_IOC_SET_SIZE), info (KSHM_IOC_INFO) and touches through mappings,
 * on every region given, at the same time. Every call's result is
 * predicted exactly from the model and the worker's own state (success,
 * or the documented errno), and every byte read from a page the reader
 * owns is compared with what the model says it must hold: a mismatch is
 * lost or corrupted data and fails the run. After the workers finish,
 * every page of every region is checked through pread and through a
 * fresh mapping, and KSHM_IOC_INFO must report no mappings left.
 *
 * --regions adds regions made at run time through the control node
 * /dev/kshm: workers create and destroy regions of a pool of four names
 * (/dev/kshm-stress0..3; one at a time, or two calls racing on one name),
 * open them racing that, map, write and read them while others destroy
 * them (what an fd or mapping still holds must stay intact), list every
 * region, and read their sysfs attributes. Each worker has a helper
 * thread for the races. At the end every region still alive is checked
 * page by page and destroyed, whatever happened.
 *
 * --rings (which implies --regions) adds rings (Documentation/ring.md)
 * over run-time regions of a pool of their own (/dev/kshm-stressring0..1):
 * KSHM_IOC_RING_SETUP with valid and bad arguments, alone or racing an
 * mmap or another set-up of the same region; mappings in both layouts
 * (before and after a set-up), the K2U rules (no writable data mapping:
 * EPERM, EACCES from mprotect, EPERM from write); a U2K producer writing
 * records by the reserve/commit protocol into the double-mapped data;
 * poll() with its waiting flags (K2U times out with consumer_waiting set,
 * U2K gives POLLOUT only for the room asked in producer_waiting) and
 * KSHM_IOC_RING_NOTIFY; random bytes over the control page and the
 * headers, after which the ring must behave or be broken for good
 * (POLLERR, EIO, ring_broken 1); both views of the data, pread, INFO and
 * the sysfs ring_* files checked byte for byte against a shadow copy;
 * destroy while other workers hold the region. No kernel client may be
 * loaded: nobody else may produce into or consume from these rings.
 *
 * The parts: model.c (the model of every byte, and the judge of each
 * call's result), ops.c (the operations on the regions given), regions.c
 * and regions-ops.c (run-time regions: their model, and the operations),
 * rings.c and rings-ops.c (the same for rings), this file (options,
 * setup, the workers, the final check and the report).
 *
 * The model, the workers' state and all buffers the kernel writes to are
 * MAP_SHARED anonymous memory created (and touched) before the workers
 * start, so nothing is copy-on-write after a fork.
 *
 * --fault-inject: each worker thread writes 1 to
 * /proc/thread-self/make-it-fail (children inherit it), so failslab and
 * fail_page_alloc, configured by the caller with task-filter=Y, fail its
 * allocations. Every call may then also fail with ENOMEM (fork also with
 * EAGAIN), and a failed call must change nothing the model can see. The
 * main process, which prints and does the final check, never fails.
 *
 * Usage:
 *   kshm-stress [--seed S] [--ops N] [--max-pages P] [--time-limit SECS]
 *               [--fault-inject] [--regions] [--rings] [DEV...]
 * Defaults: a random seed, N=20000, P=256, 600 s, /dev/kshm0 /dev/kshm1.
 * The regions must not be mapped or used by anyone else, and each
 * region's max_size must be at least P pages. --regions needs root (the
 * control node is 0600), the module's max_regions at least RT_HELD_MAX
 * (48; 62 with --rings) above the run-time regions that exist already,
 * and destroys any /dev/kshm-stress0..3, -stressbad or -stressring0..1
 * left by an earlier run. The last line printed is
 *   KSHM-RESULT PASS stress:seed=S:ops=N
 * or KSHM-RESULT FAIL stress:seed=S:ops=N <reason>; exit status 0 or 1.
 *
 * Replaying: a failure prints the command line to rerun. Each worker's
 * sequence of random choices is a function of the seed and its number,
 * but the interleaving of the four workers is up to the scheduler, and
 * results that depend on it (a resize meeting another worker's mapping)
 * steer later choices, so a replay retries the same mix, not the same
 * exact history. Hitting the time limit is a failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ops.h"
#include "regions.h"
#include "rings.h"

struct shared *S;
size_t pgsz;
int ndevs;
uint32_t max_pages = 256;
uint64_t seed;
long nops = 20000;
bool fault_inject;
bool regions;
bool rings;
static long time_limit = 600;
static void *shm_base;
static size_t shm_len;

/* ---- workers ---- */

static void set_make_it_fail(struct worker *w, int on)
{
	if (w->mif_fd >= 0 && write(w->mif_fd, on ? "1" : "0", 1) != 1 && on)
		fail(NULL, "cannot write /proc/thread-self/make-it-fail: %s",
		     strerror(errno));
}

static void *worker_thread(void *arg)
{
	struct worker *w = arg;
	struct ctx c = { .w = w, .buf = w->buf, .pat = w->pat,
			 .rng = mix64(seed ^ (0x1000 + w->id)) };
	long per = nops / NWORKERS + (w->id < nops % NWORKERS);
	size_t slotlen = (size_t)max_pages * pgsz;
	char *res;
	int s, i;

	/* Preallocate: holes for mremap moves, buffers touched. */
	pthread_mutex_lock(&vm_lock);
	res = mmap(NULL, slotlen * NSLOTS, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	pthread_mutex_unlock(&vm_lock);
	if (res == MAP_FAILED) {
		fail(&c, "cannot reserve address space: %s", strerror(errno));
		return NULL;
	}
	for (s = 0; s < NSLOTS; s++)
		w->slot_base[s] = res + s * slotlen;
	memset(w->buf, 0, (MAXIO + 2) * pgsz);
	memset(w->pat, 0, pgsz);
	w->mif_fd = -1;
	if (regions && !rt_worker_start(&c))
		return NULL;
	if (fault_inject) {
		w->mif_fd = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
		if (w->mif_fd < 0) {
			fail(&c, "--fault-inject: cannot open /proc/thread-self/make-it-fail (%s); is CONFIG_FAULT_INJECTION set?",
			     strerror(errno));
			return NULL;
		}
		set_make_it_fail(w, 1);
	}
	for (w->opno = 0; w->opno < per && !stopping(); w->opno++) {
		run_op(&c);
		S->done[w->id]++;
	}
	set_make_it_fail(w, 0);
	/* Leave nothing mapped or open. */
	drop_pieces(&c, -1);
	if (!stopping() && w->npieces)
		fail(&c, "%d mappings could not be dropped at the end", w->npieces);
	if (rings)
		ring_worker_end(&c);
	if (regions)
		rt_worker_end(&c);
	for (i = 0; i < w->nfds; i++)
		close(w->fds[i].fd);
	w->nfds = 0;
	return NULL;
}

static void worker_process(int pi)
{
	pthread_t th[NTHREADS];
	volatile char *p;
	int t;

	/* Map every page of the shared area writable here, before any
	 * injection: the kernel then never faults on it. */
	for (p = shm_base; p < (char *)shm_base + shm_len; p += pgsz)
		__atomic_fetch_or(p, 0, __ATOMIC_RELAXED);
	for (t = 0; t < NTHREADS; t++)
		if (pthread_create(&th[t], NULL, worker_thread,
				   &S->w[pi * NTHREADS + t])) {
			fail(NULL, "pthread_create failed");
			_exit(1);
		}
	for (t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	_exit(0);
}

/* ---- setup, final check, report ---- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *shalloc(size_t *off, size_t len)
{
	void *p = (char *)shm_base + *off;

	*off += (len + pgsz - 1) / pgsz * pgsz;
	return p;
}

/* Pages a size of region @dev rounds up to: a 2 MiB block for "huge". */
static uint32_t size_granule(const char *dev)
{
	struct kshm_info in;
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	uint32_t gran = 1;

	if (fd >= 0 && !info_ioctl(fd, &in) && in.backing == KSHM_BACKING_HUGE)
		gran = (2U << 20) / pgsz;
	if (fd >= 0)
		close(fd);
	return gran;
}

static bool setup(const char *const *devs)
{
	struct ctx c = { .check_all = true };
	size_t off, i;
	int r, fd;

	/* Whole blocks of every region: the model's pages are sized by this. */
	for (r = 0; r < ndevs; r++) {
		uint32_t gran = size_granule(devs[r]);

		if (max_pages % gran) {
			max_pages = (max_pages + gran - 1) / gran * gran;
			printf("%s holds 2 MiB blocks: --max-pages %u\n", devs[r],
			       max_pages);
		}
	}
	shm_len = (sizeof(struct shared) + pgsz - 1) / pgsz * pgsz +
		  ndevs * ((max_pages * sizeof(uint32_t) + pgsz - 1) / pgsz * pgsz) +
		  (NWORKERS + 1) * (MAXIO + 2 + 1 + 2 + 1) * pgsz +
		  RT_SLOTS * ((RT_MAXPAGES * sizeof(uint32_t) + pgsz - 1) / pgsz * pgsz) +
		  NWORKERS * (((RT_LIST_ROOM + 1) * sizeof(struct kshm_info) +
			       pgsz - 1) / pgsz * pgsz) +
		  (rings ? RING_SLOTS * (1 + RING_MAXDATA) * pgsz : 0);
	shm_base = mmap(NULL, shm_len, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm_base == MAP_FAILED) {
		fail(NULL, "mmap of %zu bytes for the model: %s", shm_len,
		     strerror(errno));
		return false;
	}
	memset(shm_base, 0, shm_len);
	S = shm_base;
	for (r = 0; r < ndevs; r++)
		snprintf(S->devpath[r], sizeof(S->devpath[r]), "%s", devs[r]);
	off = (sizeof(struct shared) + pgsz - 1) / pgsz * pgsz;
	c.buf = shalloc(&off, (MAXIO + 2) * pgsz);
	c.pat = shalloc(&off, pgsz);
	for (r = 0; r < ndevs; r++)
		S->reg[r].ver = shalloc(&off, max_pages * sizeof(uint32_t));
	for (i = 0; i < NWORKERS; i++) {
		S->w[i].id = i;
		S->w[i].buf = shalloc(&off, (MAXIO + 2) * pgsz);
		S->w[i].pat = shalloc(&off, pgsz);
		S->w[i].cbuf = shalloc(&off, 2 * pgsz);
		S->w[i].cpat = shalloc(&off, pgsz);
		S->w[i].lent = shalloc(&off, (RT_LIST_ROOM + 1) *
				       sizeof(struct kshm_info));
	}
	for (i = 0; i < RT_SLOTS; i++)
		S->rt.slot[i].ver = shalloc(&off, RT_MAXPAGES * sizeof(uint32_t));
	for (i = 0; i < NWORKERS; i++) {
		S->w[i].ring.slot = -1;
		S->w[i].ring.fd = -1;
	}
	for (i = 0; rings && i < RING_SLOTS; i++) {
		S->ring.slot[i].ctrl = shalloc(&off, pgsz);
		S->ring.slot[i].data = shalloc(&off, RING_MAXDATA * pgsz);
	}

	for (r = 0; r < ndevs; r++) {
		struct region_model *m = RM(r);
		pthread_rwlockattr_t a;
		struct kshm_info in;
		struct kshm_resize rs;
		unsigned int idx;
		char tail;
		uint32_t n = max_pages / 2 ? max_pages / 2 : 1, p;
		bool ok;

		pthread_rwlockattr_init(&a);
		pthread_rwlockattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
		pthread_rwlockattr_setkind_np(&a,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
		pthread_rwlock_init(&m->lock, &a);
		pthread_rwlockattr_destroy(&a);

		fd = open(S->devpath[r], O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			fail(NULL, "open %s: %s", S->devpath[r], strerror(errno));
			return false;
		}
		if (info_ioctl(fd, &in)) {
			fail(NULL, "KSHM_IOC_INFO on %s: %s", S->devpath[r],
			     strerror(errno));
			close(fd);
			return false;
		}
		if (!info_whole(NULL, &in, S->devpath[r])) {
			close(fd);
			return false;
		}
		/* A load-time region: kshmN, index N. */
		if (sscanf(in.name, "kshm%u%c", &idx, &tail) != 1 ||
		    idx != in.index) {
			fail(NULL, "%s: KSHM_IOC_INFO gives name \"%s\" and index %u, expected kshmN and N",
			     S->devpath[r], in.name, in.index);
			close(fd);
			return false;
		}
		if (in.page_size != pgsz || in.max_size < (uint64_t)max_pages * pgsz) {
			fail(NULL, "%s: page size %u, max_size %llu: need %zu (this process's page size) and at least --max-pages %u pages",
			     S->devpath[r], in.page_size,
			     (unsigned long long)in.max_size, pgsz, max_pages);
			close(fd);
			return false;
		}
		m->max_size = in.max_size;
		m->backing = in.backing;
		m->gran = size_granule(S->devpath[r]);
		n = (n + m->gran - 1) / m->gran * m->gran;
		m->index = in.index;
		memcpy(m->name, in.name, sizeof(m->name));
		/*
		 * A known state: the smallest size (one page, or one block)
		 * zeroed, then grown with zeros.
		 */
		ok = !resize_ioctl(fd, &rs, pgsz, 0);
		for (p = 0; ok && p < m->gran; p++)
			ok = pwrite(fd, c.pat, pgsz, (off_t)p * pgsz) ==
			     (ssize_t)pgsz;
		if (!ok || resize_ioctl(fd, &rs, (uint64_t)n * pgsz, 0)) {
			fail(NULL, "cannot set up %s (is it mapped or in use?): %s",
			     S->devpath[r], strerror(errno));
			close(fd);
			return false;
		}
		m->npages = n;
		for (p = 0; p < n; p += MAXIO) {
			size_t len = (n - p < MAXIO ? n - p : MAXIO) * pgsz;

			if (pread(fd, c.buf, len, (off_t)p * pgsz) != (ssize_t)len) {
				fail(NULL, "initial pread of %s failed", S->devpath[r]);
				close(fd);
				return false;
			}
			if (!check_bytes(&c, r, (uint64_t)p * pgsz, c.buf, len,
					 "pread after the initial resize"))
				break;
		}
		close(fd);
	}
	if (regions && !rt_setup())
		return false;
	return !S->fail.set;
}

/* Every page of every region, through pread and a fresh mapping. */
static void final_check(void)
{
	struct ctx c = { .check_all = true };
	int r, fd;
	size_t off = (sizeof(struct shared) + pgsz - 1) / pgsz * pgsz;

	c.buf = shalloc(&off, (MAXIO + 2) * pgsz);
	c.pat = shalloc(&off, pgsz);
	for (r = 0; r < ndevs && !S->fail.set; r++) {
		struct region_model *m = RM(r);
		struct kshm_info in;
		uint32_t p;
		char *map;

		fd = open(S->devpath[r], O_RDONLY | O_CLOEXEC);
		if (fd < 0 || info_ioctl(fd, &in)) {
			fail(NULL, "final check: open/INFO of %s: %s",
			     S->devpath[r], strerror(errno));
			break;
		}
		if (!info_whole(NULL, &in, "final check")) {
			close(fd);
			break;
		}
		if (in.size != (uint64_t)m->npages * pgsz || in.mappings) {
			fail(NULL, "final check: %s has size %llu and %llu mappings, the model says %u pages and none",
			     S->devpath[r], (unsigned long long)in.size,
			     (unsigned long long)in.mappings, m->npages);
			close(fd);
			break;
		}
		for (p = 0; p < m->npages && !S->fail.set; p += MAXIO) {
			size_t len = (m->npages - p < MAXIO ? m->npages - p : MAXIO) * pgsz;
			ssize_t ret = pread(fd, c.buf, len, (off_t)p * pgsz);

			if (ret != (ssize_t)len)
				fail(NULL, "final check: pread of %s at page %u returned %zd",
				     S->devpath[r], p, ret);
			else
				check_bytes(&c, r, (uint64_t)p * pgsz, c.buf, len,
					    "pread (final check)");
		}
		map = mmap(NULL, (size_t)m->npages * pgsz, PROT_READ, MAP_SHARED,
			   fd, 0);
		if (map == MAP_FAILED) {
			fail(NULL, "final check: mmap of %s: %s", S->devpath[r],
			     strerror(errno));
		} else {
			if (!S->fail.set)
				check_bytes(&c, r, 0, (unsigned char *)map,
					    (size_t)m->npages * pgsz,
					    "a fresh mapping (final check)");
			munmap(map, (size_t)m->npages * pgsz);
		}
		if (!S->fail.set && (info_ioctl(fd, &in) || in.mappings))
			fail(NULL, "final check: %s still has %llu mappings after munmap",
			     S->devpath[r], (unsigned long long)in.mappings);
		close(fd);
	}
	if (regions && !S->fail.set)
		rt_final_check(&c);
	if (rings && !S->fail.set)
		ring_final_check(&c);
}


static void report(double secs)
{
	uint64_t tot[NOUT] = { 0 }, checked = 0, resized = 0, busy = 0, done = 0;
	int op, i, k;

	printf("%-10s %9s %9s %9s %9s\n", "op", "total", "ok", "errno",
	       fault_inject ? "enomem" : "");
	for (op = 0; op < (rings ? NOPS : regions ? OP_RING_FIRST : OP_RT_FIRST);
	     op++) {
		uint64_t n[NOUT] = { 0 };

		for (i = 0; i < NWORKERS; i++)
			for (k = 0; k < NOUT; k++)
				n[k] += S->counts[i][op][k];
		for (k = 0; k < NOUT; k++)
			tot[k] += n[k];
		printf("%-10s %9" PRIu64 " %9" PRIu64 " %9" PRIu64, op_name[op],
		       n[0] + n[1] + n[2], n[0], n[1]);
		if (fault_inject)
			printf(" %9" PRIu64, n[2]);
		printf("\n");
	}
	printf("%-10s %9" PRIu64 " %9" PRIu64 " %9" PRIu64, "(calls)",
	       tot[0] + tot[1] + tot[2], tot[0], tot[1]);
	if (fault_inject)
		printf(" %9" PRIu64, tot[2]);
	printf("\n");
	for (i = 0; i < NWORKERS; i++) {
		checked += S->checked[i];
		resized += S->resized[i];
		busy += S->busy[i];
		done += S->done[i];
	}
	printf("operations %" PRIu64 " in %.1f s (%.0f/s), pages checked %" PRIu64
	       ", resizes: %" PRIu64 " changed a size, %" PRIu64 " EBUSY\n",
	       done, secs, secs > 0 ? done / secs : 0.0, checked, resized, busy);
	for (i = 0; i < ndevs; i++)
		printf("%s: %u pages at the end\n", S->devpath[i], RM(i)->npages);
	if (regions)
		rt_report();
	if (rings)
		ring_report();
}

static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: kshm-stress [--seed S] [--ops N] [--max-pages P] [--time-limit SECS]\n"
		"                   [--fault-inject] [--regions] [--rings] [DEV...]\n"
		"defaults: random seed, 20000 ops, 256 pages, 600 s, /dev/kshm0 /dev/kshm1\n");
	exit(status);
}

int main(int argc, char **argv)
{
	static const char *const defdevs[] = { "/dev/kshm0", "/dev/kshm1" };
	const char *devs[MAXDEVS];
	pid_t pids[NPROCS];
	bool seeded = false, ran = false, alive[NPROCS];
	double start, secs, stop_at = 0;
	int i, nalive, status;
	long ps = sysconf(_SC_PAGESIZE);

	if (ps < 4096 || ps & (ps - 1)) {
		fprintf(stderr, "kshm-stress: unusable page size %ld\n", ps);
		return 2;
	}
	pgsz = ps;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--seed") && i + 1 < argc) {
			seed = strtoull(argv[++i], NULL, 0);
			seeded = true;
		} else if (!strcmp(a, "--ops") && i + 1 < argc) {
			nops = strtol(argv[++i], NULL, 0);
		} else if (!strcmp(a, "--max-pages") && i + 1 < argc) {
			max_pages = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(a, "--time-limit") && i + 1 < argc) {
			time_limit = strtol(argv[++i], NULL, 0);
		} else if (!strcmp(a, "--fault-inject")) {
			fault_inject = true;
		} else if (!strcmp(a, "--regions")) {
			regions = true;
		} else if (!strcmp(a, "--rings")) {
			rings = regions = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(0);
		} else if (a[0] == '-') {
			usage(2);
		} else if (ndevs < MAXDEVS) {
			devs[ndevs++] = a;
		} else {
			usage(2);
		}
	}
	if (nops < 0 || max_pages < 1 || max_pages > 65536 || time_limit < 1)
		usage(2);
	if (!ndevs)
		for (; ndevs < 2; ndevs++)
			devs[ndevs] = defdevs[ndevs];
	if (!seeded) {
		int fd = open("/dev/urandom", O_RDONLY);

		if (fd < 0 || read(fd, &seed, sizeof(seed)) != sizeof(seed))
			seed = time(NULL) ^ getpid();
		if (fd >= 0)
			close(fd);
		seed &= 0xffffffffULL;
	}
	if (regions)
		rt_enable();
	if (rings)
		ring_enable();
	ops_init();
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("kshm-stress: seed %" PRIu64 ", %ld ops, %d workers (%d processes x %d threads), max %u pages, %s",
	       seed, nops, NWORKERS, NPROCS, NTHREADS, max_pages,
	       fault_inject ? "fault injection on, " : "");
	if (regions)
		printf("run-time regions %s-stress0..%d, ", CTL_PATH, RT_NAMES - 1);
	if (rings)
		printf("rings %s-%s..%d, ", CTL_PATH, "stressring0", RING_NAMES - 1);
	printf("devices");
	for (i = 0; i < ndevs; i++)
		printf(" %s", devs[i]);
	printf("\n");

	start = now();
	if (setup(devs)) {
		ran = true;
		fflush(stdout);
		for (i = 0; i < NPROCS; i++) {
			pids[i] = fork();
			if (pids[i] == 0)
				worker_process(i);
			alive[i] = pids[i] > 0;
			if (pids[i] < 0)
				fail(NULL, "fork of a worker process: %s", strerror(errno));
		}
		for (nalive = 0, i = 0; i < NPROCS; i++)
			nalive += alive[i];
		while (nalive) {
			pid_t pid = waitpid(-1, &status, WNOHANG);
			double t = now();

			if (pid > 0) {
				for (i = 0; i < NPROCS; i++)
					if (alive[i] && pids[i] == pid)
						break;
				if (i == NPROCS)
					continue;
				alive[i] = false;
				nalive--;
				if (WIFSIGNALED(status))
					fail(NULL, "worker process %d (workers %d, %d) killed by signal %d (%s)",
					     i, i * NTHREADS, i * NTHREADS + 1,
					     WTERMSIG(status), strsignal(WTERMSIG(status)));
				else if (WEXITSTATUS(status))
					fail(NULL, "worker process %d exited with status %d",
					     i, WEXITSTATUS(status));
				continue;
			}
			if (!stop_at && t - start > time_limit) {
				fail(NULL, "time limit of %ld s reached", time_limit);
				stop_at = t;
			}
			if (!stop_at && S->fail.set)
				stop_at = t;
			/* Stopped workers get 20 s to finish, then are killed. */
			if (stop_at && t - stop_at > 20)
				for (i = 0; i < NPROCS; i++)
					if (alive[i])
						kill(pids[i], SIGKILL);
			usleep(20000);
		}
	}
	if (S && !S->fail.set)
		final_check();
	if (S && regions)
		rt_cleanup(!S->fail.set);
	secs = now() - start;
	/* Setup failed (no such device, say): the reason alone, no table. */
	if (ran)
		report(secs);
	if (!S || S->fail.set) {
		printf("kshm-stress: FAIL: %s\n", S ? S->fail.msg : "setup");
		if (S && S->fail.mismatch[0])
			printf("kshm-stress: %s\n", S->fail.mismatch);
		printf("kshm-stress: replay: kshm-stress --seed %" PRIu64 " --ops %ld --max-pages %u%s%s",
		       seed, nops, max_pages, fault_inject ? " --fault-inject" : "",
		       rings ? " --rings" : regions ? " --regions" : "");
		for (i = 0; i < ndevs; i++)
			printf(" %s", devs[i]);
		printf("\nkshm-stress: (each worker's choices follow from the seed; the interleaving of the workers does not, so a replay may take another path)\n");
		printf("KSHM-RESULT FAIL stress:seed=%" PRIu64 ":ops=%ld %s\n", seed,
		       nops, S ? S->fail.msg : "setup");
		return 1;
	}
	printf("KSHM-RESULT PASS stress:seed=%" PRIu64 ":ops=%ld\n", seed, nops);
	return 0;
}
