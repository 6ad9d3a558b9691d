// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for the kshm driver, for testing kshm-stress itself on a
 * machine without the module: an LD_PRELOAD library that turns
 * /dev/kshm0, /dev/kshm1, /dev/kshm and /dev/kshm-NAME into files in a
 * tmpfs directory ($KSHM_FAKE_DIR) and emulates, on top of them, what the
 * stress tester predicts: the ioctls (INFO, SET_SIZE, CREATE, DESTROY,
 * LIST, by the UAPI's rules), ENOSPC at the end, EBUSY while mapped
 * (counted from /proc/PID/maps of this program's processes), and the
 * refused mmap, mprotect and mremap cases. It is not the driver: a pass
 * here says the tester's model and bookkeeping hold together, nothing
 * about the kernel.
 *
 * KSHM_FAKE_MISC=1 behaves as misc devices do when a node goes away while
 * an open() is between its path lookup and misc_open(): the open of
 * /dev/kshm-NAME waits a little after finding the node, and if the node
 * was destroyed meanwhile it fails with ENODEV, or opens the newest other
 * run-time region, as if that one's new node had taken the freed minor.
 *
 * KSHM_FAKE_ENOMEM=N stands in for failslab and fail_page_alloc: the
 * threads that wrote 1 to /proc/thread-self/make-it-fail (emulated, and
 * inherited over fork as the real one is) get ENOMEM from N% of the
 * emulated calls that allocate (open, mmap, write, SET_SIZE, CREATE,
 * LIST) and EAGAIN from N% of forks, each failing before it changes
 * anything.
 *
 * Rings (KSHM_IOC_RING_SETUP, KSHM_IOC_RING_NOTIFY) as ring.md has them,
 * with no kernel client: set-up resizes and clears the file and writes
 * size and flags; a mapping of a ring is built page run by page run with
 * MAP_FIXED (offset 0 the control page, 1..2N the data pages twice) and
 * counted here, not from /proc/PID/maps; K2U data cannot be mapped or
 * mprotect()ed writable nor written; poll() of a region fd computes the
 * ring's readiness from the control page, stores the waiting flags and
 * breaks a K2U ring on a bad consumer position, as the driver does; the
 * sysfs ring_* files. Injection: ENOMEM from mmap, and from set-up, which
 * may have resized the region first, as the driver's may.
 *
 * KSHM_FAKE_BUG plants a bug, to see that the tester catches it:
 *   destroy-zeroes  destroy wipes the data of a region still held
 *   destroy-keeps   every 4th destroy reports success and keeps the node
 *   create-twice    create of an alive name replaces it instead of EEXIST
 *   list-skips      LIST leaves out the newest run-time region
 *   open-other      every 4th open of /dev/kshm-NAME gives another region
 *   ring-views      the second view of a ring's data is one page off
 *   ring-nobreak    poll() never breaks a K2U ring: a bad consumer is "not ready"
 *   ring-k2u-write  a K2U ring's data can be mapped writable
 *   ring-early-pollout  POLLOUT for any room, not for the room asked
 *   ring-setup-mapped   set-up succeeds while the region is mapped
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

#include <linux/kshm.h>

#define NLOADED		2
#define LOADED_MAX	(64ULL << 20)
#define MAXMETA		8192
#define MAXPIDS		256
#define MAXALIVE	128
#define MAXRMAPS	256

struct meta {
	ino_t ino;
	uint64_t max_size;
	uint32_t backing, index;
	char name[KSHM_NAME_MAX];	/* node name: kshm0, kshm-foo */
	uint32_t ring;			/* KSHM_RING_K2U or _U2K, 0: none */
	uint64_t ring_size;
	bool broken;
	uint64_t wakeups;
};

/*
 * A mapping of a run-time region, counted here: a ring's is several VMAs,
 * and two mappings of a tmpfs file may merge into one VMA, which the
 * driver's (with a close method) never do.
 */
struct rmap {
	pid_t pid;
	unsigned long start, len;
	ino_t ino;
	bool k2u_data;			/* covers K2U data: never writable */
};

struct registry {
	pthread_mutex_t lock;
	int nmeta;
	struct meta meta[MAXMETA];
	int npids;
	pid_t pids[MAXPIDS];
	int nalive;			/* run-time regions with a node, in order */
	int alive[MAXALIVE];		/* indexes in meta */
	int nrmaps;
	struct rmap rmaps[MAXRMAPS];
};

static struct registry *R;
static char dir[PATH_MAX];
static dev_t dir_dev;
static ino_t ctl_ino;
static long pg;
static const char *bug = "";
static unsigned int bug_count;
static unsigned int enomem_pct;
static bool misc_like;
static __thread bool make_it_fail;
static __thread int mif_fd = -1;
static __thread uint64_t fi_rng;

/* Should this call fail, as an injected allocation failure would? */
static bool injected(void)
{
	if (!make_it_fail || !enomem_pct)
		return false;
	fi_rng = fi_rng * 6364136223846793005ULL + 1442695040888963407ULL +
		 (uint64_t)gettid();
	return (fi_rng >> 33) % 100 < enomem_pct;
}

static bool planted(const char *name)
{
	return !strcmp(bug, name);
}

static int (*real_open)(const char *, int, ...);
static int (*real_ioctl)(int, unsigned long, ...);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static int (*real_munmap)(void *, size_t);
static int (*real_poll)(struct pollfd *, nfds_t, int);
static int (*real_mprotect)(void *, size_t, int);
static void *(*real_mremap)(void *, size_t, size_t, int, ...);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_read)(int, void *, size_t);
static pid_t (*real_fork)(void);

static void lock(void)
{
	pthread_mutex_lock(&R->lock);
}

static void unlock(void)
{
	pthread_mutex_unlock(&R->lock);
}

static void add_pid(pid_t pid)
{
	lock();
	if (R->npids < MAXPIDS)
		R->pids[R->npids++] = pid;
	unlock();
}

static struct meta *meta_of_ino(ino_t ino)
{
	int i;

	for (i = R->nmeta - 1; i >= 0; i--)
		if (R->meta[i].ino == ino)
			return &R->meta[i];
	return NULL;
}

/* 1: a region (meta set), 2: the control node, 0: not ours. */
static int kind_of_fd(int fd, struct stat *st, struct meta *m)
{
	struct meta *x;

	if (!R || fstat(fd, st) || st->st_dev != dir_dev)
		return 0;
	if (st->st_ino == ctl_ino)
		return 2;
	lock();
	x = meta_of_ino(st->st_ino);
	if (x)
		*m = *x;
	unlock();
	return x ? 1 : 0;
}

/* VMAs of inode ino in this program's processes; a ring's as counted. */
static uint64_t mappings_of(ino_t ino, bool locked)
{
	char path[64], line[512];
	pid_t pids[MAXPIDS];
	struct meta *m;
	uint64_t n = 0;
	int i, np;

	if (!locked)
		lock();
	m = meta_of_ino(ino);
	if (m && m->index == KSHM_INDEX_NONE) {
		for (i = 0; i < R->nrmaps; i++)
			n += R->rmaps[i].ino == ino;
		if (!locked)
			unlock();
		return n;
	}
	np = R->npids;
	memcpy(pids, R->pids, sizeof(pids));
	if (!locked)
		unlock();
	for (i = 0; i < np; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/maps", pids[i]);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			unsigned long long in;
			unsigned int maj, min;

			if (sscanf(line, "%*x-%*x %*s %*x %x:%x %llu", &maj, &min,
				   &in) == 3 && in == ino &&
			    makedev(maj, min) == dir_dev)
				n++;
		}
		fclose(f);
	}
	return n;
}

/* Is [addr, addr+len) (partly) a mapping of one of our regions? */
static bool addr_is_region(void *addr, size_t len)
{
	unsigned long a = (unsigned long)addr, lo, hi;
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long long in;
		unsigned int maj, min;

		if (sscanf(line, "%lx-%lx %*s %*x %x:%x %llu", &lo, &hi, &maj,
			   &min, &in) != 5)
			continue;
		if (hi <= a || lo >= a + len || makedev(maj, min) != dir_dev)
			continue;
		lock();
		found = meta_of_ino(in) != NULL;
		unlock();
	}
	fclose(f);
	return found;
}

static void fill_info(bool locked, const struct stat *st,
		      const struct meta *m, struct kshm_info *in)
{
	uint64_t np = st->st_size / pg, res = st->st_blocks * 512 / pg;

	memset(in, 0, sizeof(*in));
	in->mask = (KSHM_INFO_NAME << 1) - 1;
	in->size = st->st_size;
	in->max_size = m->max_size;
	in->resident_pages = m->backing == KSHM_BACKING_VMALLOC || m->ring ? np :
			     res < np ? res : np;
	in->mappings = mappings_of(st->st_ino, locked);
	in->backing = m->backing;
	in->index = m->index;
	in->page_size = pg;
	memcpy(in->name, m->name, sizeof(in->name));
}

static int ret_err(int e)
{
	errno = e;
	return -1;
}

static int ring_setup(int fd, const struct stat *st, const struct meta *m,
		      const struct kshm_ring_setup *a)
{
	uint64_t n = a->size / pg;
	uint32_t v32;
	struct meta *x;
	int ret = 0;

	if ((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY)
		return ret_err(EBADF);
	if (a->__pad || (a->flags != KSHM_RING_K2U && a->flags != KSHM_RING_U2K) ||
	    a->size < (uint64_t)pg || (a->size & (a->size - 1)) ||
	    n + 1 > m->max_size / pg)
		return ret_err(EINVAL);
	lock();
	x = meta_of_ino(st->st_ino);
	if (x->ring || (!planted("ring-setup-mapped") &&
			mappings_of(st->st_ino, true))) {
		ret = ret_err(EBUSY);
	} else if (injected()) {
		/* As the driver may: resized, then out of memory for the pages. */
		if (fi_rng & (1ULL << 40) && ftruncate(fd, (n + 1) * pg))
			abort();
		ret = ret_err(ENOMEM);
	} else if (ftruncate(fd, 0) || ftruncate(fd, (n + 1) * pg) ||
		   real_pwrite(fd, &a->size, 8, offsetof(struct kshm_ring_ctrl, size)) != 8 ||
		   (v32 = a->flags,
		    real_pwrite(fd, &v32, 4, offsetof(struct kshm_ring_ctrl, flags)) != 4)) {
		ret = -1;
	} else {
		x->ring = a->flags;
		x->ring_size = a->size;
		x->broken = false;
		x->wakeups = 0;
	}
	unlock();
	return ret;
}

static int region_ioctl(int fd, const struct stat *st, const struct meta *m,
			unsigned long cmd, void *arg)
{
	if (cmd == KSHM_IOC_INFO) {
		struct kshm_info *u = arg, in;
		uint32_t argsz = u->argsz;

		if (argsz < KSHM_INFO_SIZE_VER0 || u->flags)
			return ret_err(EINVAL);
		fill_info(false, st, m, &in);
		in.argsz = argsz < sizeof(in) ? argsz : sizeof(in);
		memcpy(u, &in, in.argsz);
		return 0;
	}
	if (cmd == KSHM_IOC_SET_SIZE) {
		struct kshm_resize *rs = arg;
		uint64_t size;

		if ((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY)
			return ret_err(EBADF);
		if (rs->flags || !rs->size || rs->size > m->max_size)
			return ret_err(EINVAL);
		size = (rs->size + pg - 1) / pg * pg;
		if (m->ring || mappings_of(st->st_ino, false))
			return ret_err(EBUSY);
		if (injected())
			return ret_err(ENOMEM);
		return ftruncate(fd, size);
	}
	if (cmd == KSHM_IOC_RING_SETUP)
		return ring_setup(fd, st, m, arg);
	if (cmd == KSHM_IOC_RING_NOTIFY) {
		struct kshm_ring_notify *a = arg;
		struct meta *x;
		int ret = 0;

		if (a->flags || a->__pad || m->ring != KSHM_RING_U2K)
			return ret_err(EINVAL);
		lock();
		x = meta_of_ino(st->st_ino);
		if (x->broken)
			ret = ret_err(EIO);
		else
			x->wakeups++;
		unlock();
		return ret;
	}
	return ret_err(ENOTTY);
}

static bool name_ok(const char *name)
{
	size_t len = strnlen(name, KSHM_NAME_MAX);

	return len && len <= KSHM_CREATE_NAME_LEN &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == len;
}

static int ctl_create(int fd, struct kshm_create *u)
{
	struct kshm_create cr;
	unsigned char *b = (unsigned char *)u;
	char path[PATH_MAX + 40], tmp[PATH_MAX + 40], node[KSHM_NAME_MAX];
	uint64_t size, max;
	struct stat st;
	size_t i;
	int rfd;

	if ((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY)
		return ret_err(EBADF);
	if (injected())
		return ret_err(ENOMEM);
	if (u->argsz < KSHM_CREATE_SIZE_VER0)
		return ret_err(EINVAL);
	for (i = sizeof(cr); i < u->argsz; i++)
		if (b[i])
			return ret_err(E2BIG);
	memset(&cr, 0, sizeof(cr));
	memcpy(&cr, u, u->argsz < sizeof(cr) ? u->argsz : sizeof(cr));
	for (i = 0; i < 4; i++)
		if (cr.__reserved[i])
			return ret_err(EINVAL);
	if (cr.flags || !memchr(cr.name, 0, sizeof(cr.name)) ||
	    !name_ok(cr.name) || !cr.size || cr.size > (64ULL << 30) ||
	    cr.backing > KSHM_BACKING_VMALLOC || (cr.mode & ~0666))
		return ret_err(EINVAL);
	size = (cr.size + pg - 1) / pg * pg;
	max = cr.max_size ? cr.max_size / pg * pg : size;
	if (max > (64ULL << 30) || size > max)
		return ret_err(EINVAL);
	snprintf(node, sizeof(node), "kshm-%s", cr.name);
	snprintf(path, sizeof(path), "%s/%s", dir, node);
	lock();
	if (!stat(path, &st) && planted("create-twice")) {
		for (i = 0; i < (size_t)R->nalive; i++)
			if (!strcmp(R->meta[R->alive[i]].name, node))
				break;
		for (; i + 1 < (size_t)R->nalive; i++)
			R->alive[i] = R->alive[i + 1];
		R->nalive--;
		unlink(path);
	}
	if (!stat(path, &st)) {
		unlock();
		return ret_err(EEXIST);
	}
	if (R->nmeta == MAXMETA || R->nalive == MAXALIVE) {
		unlock();
		return ret_err(ENOSPC);
	}
	/* Sized first, then linked into place: never seen half made. */
	snprintf(tmp, sizeof(tmp), "%s/.new-%d", dir, (int)gettid());
	rfd = real_open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (rfd < 0 || ftruncate(rfd, size) || fstat(rfd, &st) ||
	    link(tmp, path)) {
		int e = errno;

		unlink(tmp);
		unlock();
		return ret_err(e);
	}
	unlink(tmp);
	close(rfd);
	R->meta[R->nmeta] = (struct meta){ .ino = st.st_ino, .max_size = max,
					   .backing = cr.backing,
					   .index = KSHM_INDEX_NONE };
	memcpy(R->meta[R->nmeta].name, node, sizeof(node));
	R->alive[R->nalive++] = R->nmeta++;
	unlock();
	return 0;
}

static int ctl_destroy(int fd, struct kshm_destroy *u)
{
	char path[PATH_MAX + 40];
	int i, j;

	if ((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY)
		return ret_err(EBADF);
	if (u->flags || u->__pad || !memchr(u->name, 0, sizeof(u->name)) ||
	    !name_ok(u->name))
		return ret_err(EINVAL);
	snprintf(path, sizeof(path), "%s/kshm-%s", dir, u->name);
	lock();
	if (planted("destroy-keeps") && !access(path, F_OK) &&
	    ++bug_count % 4 == 0) {
		unlock();
		return 0;
	}
	if (planted("destroy-zeroes")) {
		int fd = real_open(path, O_RDWR | O_CLOEXEC);
		struct stat st;

		if (fd >= 0 && !fstat(fd, &st) && !ftruncate(fd, 0) &&
		    ftruncate(fd, st.st_size))
			abort();
		if (fd >= 0)
			close(fd);
	}
	if (unlink(path)) {
		unlock();
		return ret_err(ENOENT);
	}
	for (i = 0; i < R->nalive; i++)
		if (!strcmp(R->meta[R->alive[i]].name + 5, u->name))
			break;
	for (j = i; j + 1 < R->nalive; j++)
		R->alive[j] = R->alive[j + 1];
	if (i < R->nalive)
		R->nalive--;
	unlock();
	return 0;
}

static int ctl_list(struct kshm_list *u)
{
	struct kshm_list l;
	int idx[NLOADED + MAXALIVE], n = 0, i;
	char path[PATH_MAX + 40];

	if (u->argsz < KSHM_LIST_SIZE_VER0)
		return ret_err(EINVAL);
	memcpy(&l, u, sizeof(l));
	if (l.flags || l.entry_size < KSHM_INFO_SIZE_VER0)
		return ret_err(EINVAL);
	if (injected())
		return ret_err(ENOMEM);
	/* One snapshot, as the driver takes it: nothing made or destroyed. */
	lock();
	for (i = 0; i < NLOADED; i++)
		idx[n++] = i;
	for (i = 0; i < R->nalive; i++)
		idx[n++] = R->alive[i];
	if (planted("list-skips") && n > NLOADED)
		n--;
	for (i = 0; i < n && (uint32_t)i < l.count; i++) {
		struct meta m = R->meta[idx[i]];
		struct kshm_info in;
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, m.name);
		if (stat(path, &st))
			abort();
		fill_info(true, &st, &m, &in);
		in.argsz = l.entry_size < sizeof(in) ? l.entry_size : sizeof(in);
		memcpy((char *)(uintptr_t)l.entries + (size_t)i * l.entry_size,
		       &in, in.argsz);
	}
	unlock();
	u->count = n;
	return 0;
}

int ioctl(int fd, unsigned long cmd, ...)
{
	struct stat st;
	struct meta m;
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	switch (kind_of_fd(fd, &st, &m)) {
	case 1:
		return region_ioctl(fd, &st, &m, cmd, arg);
	case 2:
		if (cmd == KSHM_IOC_CREATE)
			return ctl_create(fd, arg);
		if (cmd == KSHM_IOC_DESTROY)
			return ctl_destroy(fd, arg);
		if (cmd == KSHM_IOC_LIST)
			return ctl_list(arg);
		return ret_err(ENOTTY);
	default:
		return real_ioctl(fd, cmd, arg);
	}
}

/* /dev/kshm... to the directory; other paths as they are. */
static const char *map_path(const char *path, char *buf, size_t len)
{
	if (!R || strncmp(path, "/dev/kshm", 9))
		return path;
	if (!path[9])
		snprintf(buf, len, "%s/.ctl", dir);
	else
		snprintf(buf, len, "%s/%s", dir, path + 5);
	return buf;
}

/* /sys/class/misc/kshm-NAME/{size,backing}: a snapshot in a memfd. */
static int sysfs_open(const char *path)
{
	char node[64], attr[32], file[PATH_MAX + 80], text[64];
	struct meta *m;
	struct stat st;
	int fd;

	if (sscanf(path, "/sys/class/misc/%63[^/]/%31s", node, attr) != 2)
		return ret_err(ENOENT);
	snprintf(file, sizeof(file), "%s/%s", dir, node);
	lock();
	if (stat(file, &st) || !(m = meta_of_ino(st.st_ino))) {
		unlock();
		return ret_err(ENOENT);
	}
	if (!strcmp(attr, "size"))
		snprintf(text, sizeof(text), "%llu\n",
			 (unsigned long long)st.st_size);
	else if (!strcmp(attr, "backing"))
		snprintf(text, sizeof(text), "%s\n",
			 m->backing ? "vmalloc" : "pages");
	else if (!strcmp(attr, "ring_size"))
		snprintf(text, sizeof(text), "%llu\n",
			 (unsigned long long)(m->ring ? m->ring_size : 0));
	else if (!strcmp(attr, "ring_broken"))
		snprintf(text, sizeof(text), "%d\n", m->broken);
	else if (!strcmp(attr, "ring_wakeups"))
		snprintf(text, sizeof(text), "%llu\n",
			 (unsigned long long)m->wakeups);
	else if (!strcmp(attr, "ring_produced") || !strcmp(attr, "ring_consumed"))
		snprintf(text, sizeof(text), "0\n");
	else if (!strcmp(attr, "ring_dropped")) {
		uint64_t d = 0;
		int rfd = m->ring == KSHM_RING_U2K ?
			  real_open(file, O_RDONLY | O_CLOEXEC) : -1;

		if (rfd >= 0) {
			if (pread(rfd, &d, 8, offsetof(struct kshm_ring_ctrl, dropped)) != 8)
				d = ~0ULL;
			close(rfd);
		}
		snprintf(text, sizeof(text), "%llu\n", (unsigned long long)d);
	} else
		text[0] = 0;
	unlock();
	if (!text[0])
		return ret_err(ENOENT);
	fd = memfd_create("fake-sysfs", MFD_CLOEXEC);
	if (fd < 0 || real_pwrite(fd, text, strlen(text), 0) < 0)
		return -1;
	return fd;
}

static int do_open(const char *path, int flags, mode_t mode)
{
	char buf[PATH_MAX + 40];

	if (R && !strcmp(path, "/proc/thread-self/make-it-fail")) {
		mif_fd = real_open("/dev/null", O_WRONLY | O_CLOEXEC);
		return mif_fd;
	}
	if (R && (!strncmp(path, "/sys/class/misc/kshm", 20) ||
		  !strncmp(path, "/dev/kshm", 9)) && injected())
		return ret_err(ENOMEM);
	if (R && !strncmp(path, "/sys/class/misc/kshm", 20))
		return sysfs_open(path);
	if (R && misc_like && !strncmp(path, "/dev/kshm-", 10)) {
		int fd;

		map_path(path, buf, sizeof(buf));
		if (access(buf, F_OK))
			return ret_err(ENOENT);
		usleep(200);
		fd = real_open(buf, flags, mode);
		if (fd >= 0 || errno != ENOENT)
			return fd;
		lock();
		if (R->nalive && ++bug_count % 2) {
			snprintf(buf, sizeof(buf), "%s/%s", dir,
				 R->meta[R->alive[R->nalive - 1]].name);
			fd = real_open(buf, flags, mode);
		}
		unlock();
		return fd >= 0 ? fd : ret_err(ENODEV);
	}
	if (R && planted("open-other") && !strncmp(path, "/dev/kshm-", 10)) {
		int i, fd = -1;

		lock();
		for (i = 0; i < R->nalive && fd < 0; i++)
			if (strcmp(R->meta[R->alive[i]].name, path + 5) &&
			    ++bug_count % 4 == 0) {
				snprintf(buf, sizeof(buf), "%s/%s", dir,
					 R->meta[R->alive[i]].name);
				fd = real_open(buf, flags, mode);
			}
		unlock();
		if (fd >= 0)
			return fd;
	}
	return real_open(map_path(path, buf, sizeof(buf)), flags, mode);
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return do_open(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return do_open(path, flags, mode);
}

/* Called with the lock held, as the mapping is made: set-up sees it. */
static void add_rmap(void *addr, size_t len, ino_t ino, bool k2u_data)
{
	if (R->nrmaps < MAXRMAPS)
		R->rmaps[R->nrmaps++] = (struct rmap){
			.pid = getpid(), .start = (unsigned long)addr,
			.len = len, .ino = ino, .k2u_data = k2u_data };
}

/* File page of mmap page k of a ring of n data pages. */
static uint64_t ring_file_page(uint64_t k, uint64_t n)
{
	if (!k)
		return 0;
	if (k > n && planted("ring-views"))
		k++;
	return 1 + (k - 1) % n;
}

/* A mapping of a ring: its page runs, each a MAP_FIXED of the file. Locked. */
static void *ring_mmap(size_t len, int prot, int fd, off_t off,
		       const struct stat *st, const struct meta *m)
{
	uint64_t n = m->ring_size / pg, pgoff = off / pg, np = len / pg, k, f, run;
	bool k2u_data = m->ring == KSHM_RING_K2U && pgoff + np > 1;
	char *base;

	if (off % pg || len % pg || pgoff + np > 1 + 2 * n) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	if (k2u_data && (prot & PROT_WRITE) && !planted("ring-k2u-write")) {
		errno = EPERM;
		return MAP_FAILED;
	}
	if (injected()) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	base = real_mmap(NULL, len, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return MAP_FAILED;
	for (k = pgoff; k < pgoff + np; k += run) {
		f = ring_file_page(k, n);
		for (run = 1; k + run < pgoff + np &&
			      ring_file_page(k + run, n) == f + run; run++)
			;
		if (real_mmap(base + (k - pgoff) * pg, run * pg, prot,
			      MAP_SHARED | MAP_FIXED, fd, f * pg) == MAP_FAILED) {
			int e = errno;

			real_munmap(base, len);
			errno = e;
			return MAP_FAILED;
		}
	}
	add_rmap(base, len, st->st_ino, k2u_data && !planted("ring-k2u-write"));
	return base;
}

int munmap(void *addr, size_t len)
{
	unsigned long a = (unsigned long)addr;
	int ret, i;

	if (!R)
		return real_munmap(addr, len);
	/* Locked: a sibling's new mapping may take the address at once. */
	lock();
	ret = real_munmap(addr, len);
	for (i = R->nrmaps - 1; i >= 0 && !ret; i--)
		if (R->rmaps[i].pid == getpid() && R->rmaps[i].start >= a &&
		    R->rmaps[i].start + R->rmaps[i].len <= a + len)
			R->rmaps[i] = R->rmaps[--R->nrmaps];
	unlock();
	return ret;
}

/* Does [addr, addr+len) touch a mapping of K2U ring data? */
static bool addr_is_k2u_data(void *addr, size_t len)
{
	unsigned long a = (unsigned long)addr;
	bool found = false;
	int i;

	lock();
	for (i = 0; i < R->nrmaps && !found; i++)
		found = R->rmaps[i].pid == getpid() && R->rmaps[i].k2u_data &&
			R->rmaps[i].start < a + len &&
			R->rmaps[i].start + R->rmaps[i].len > a;
	unlock();
	return found;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct stat st;
	struct meta m;

	switch (fd >= 0 ? kind_of_fd(fd, &st, &m) : 0) {
	case 1:
		if (!len || (flags & MAP_TYPE) != MAP_SHARED) {
			errno = EINVAL;
			return MAP_FAILED;
		}
		if ((fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY ||
		    ((prot & PROT_WRITE) &&
		     (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY)) {
			errno = EACCES;
			return MAP_FAILED;
		}
		if (prot & PROT_EXEC) {
			errno = EPERM;
			return MAP_FAILED;
		}
		if (m.index == KSHM_INDEX_NONE) {
			void *p;

			/* Against a set-up: the ring is there or not. */
			lock();
			m = *meta_of_ino(st.st_ino);
			if (!m.ring && fstat(fd, &st))
				abort();
			if (m.ring) {
				p = ring_mmap(len, prot, fd, off, &st, &m);
			} else if (off < 0 || (uint64_t)off + len > (uint64_t)st.st_size) {
				errno = EINVAL;
				p = MAP_FAILED;
			} else if (injected()) {
				errno = ENOMEM;
				p = MAP_FAILED;
			} else {
				p = real_mmap(addr, len, prot, flags, fd, off);
				if (p != MAP_FAILED)
					add_rmap(p, len, st.st_ino, false);
			}
			unlock();
			return p;
		}
		if (off < 0 || (uint64_t)off + len > (uint64_t)st.st_size) {
			errno = EINVAL;
			return MAP_FAILED;
		}
		if (injected()) {
			errno = ENOMEM;
			return MAP_FAILED;
		}
		break;
	case 2:
		errno = ENODEV;
		return MAP_FAILED;
	}
	return real_mmap(addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

int mprotect(void *addr, size_t len, int prot)
{
	if ((prot & PROT_EXEC) && addr_is_region(addr, len))
		return ret_err(EACCES);
	if ((prot & PROT_WRITE) && R && addr_is_k2u_data(addr, len))
		return ret_err(EACCES);
	return real_mprotect(addr, len, prot);
}

void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	void *new_addr = NULL;
	va_list ap;

	if (flags & MREMAP_FIXED) {
		va_start(ap, flags);
		new_addr = va_arg(ap, void *);
		va_end(ap);
	}
	if (new_len > old_len && addr_is_region(old, old_len)) {
		errno = EFAULT;
		return MAP_FAILED;
	}
	return real_mremap(old, old_len, new_len, flags, new_addr);
}

/* A write at off: short at the end, ENOSPC at or past it. */
static ssize_t region_write(int fd, const struct stat *st, const struct meta *m,
			    const void *buf, size_t len, off_t off, bool positioned)
{
	ssize_t ret;

	if ((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY)
		return ret_err(EBADF);
	if (m->ring == KSHM_RING_K2U)
		return ret_err(EPERM);
	if (!len)
		return 0;
	if (off >= st->st_size)
		return ret_err(ENOSPC);
	if (injected())
		return ret_err(ENOMEM);
	if ((uint64_t)off + len > (uint64_t)st->st_size)
		len = st->st_size - off;
	ret = real_pwrite(fd, buf, len, off);
	if (ret > 0 && !positioned)
		lseek(fd, off + ret, SEEK_SET);
	return ret;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	struct stat st;
	struct meta m;

	switch (kind_of_fd(fd, &st, &m)) {
	case 1:
		return region_write(fd, &st, &m, buf, len, off, true);
	case 2:
		return ret_err(EINVAL);
	}
	return real_pwrite(fd, buf, len, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	return pwrite(fd, buf, len, off);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	struct stat st;
	struct meta m;

	if (fd >= 0 && fd == mif_fd) {
		make_it_fail = len && *(const char *)buf == '1';
		return len;
	}
	switch (kind_of_fd(fd, &st, &m)) {
	case 1:
		return region_write(fd, &st, &m, buf, len,
				    lseek(fd, 0, SEEK_CUR), false);
	case 2:
		return ret_err(EINVAL);
	}
	return real_write(fd, buf, len);
}

ssize_t read(int fd, void *buf, size_t len)
{
	struct stat st;
	struct meta m;

	if (kind_of_fd(fd, &st, &m) == 2)
		return ret_err(EINVAL);
	return real_read(fd, buf, len);
}

/*
 * A ring's readiness, as the driver's poll: the waiting flag stored
 * before the look (1, or at least 8) and never cleared; a bad K2U
 * consumer breaks the ring, a bad U2K producer is "room" (the kernel
 * consumer, which there is none of here, would break it).
 */
static short ring_revents(int ufd, const struct stat *st, short events)
{
	struct kshm_ring_ctrl ctl;
	struct meta *x;
	bool k2u, ok, ready;
	uint32_t *waiting, v;
	uint64_t want;
	char path[64];
	short rev;
	int fd;

	/* The driver writes the page whatever the caller's fd may do. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", ufd);
	fd = real_open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		abort();
	lock();
	x = meta_of_ino(st->st_ino);
	k2u = x->ring == KSHM_RING_K2U;
	if (x->broken) {
		unlock();
		close(fd);
		return POLLERR;
	}
	if (pread(fd, &ctl, sizeof(ctl), 0) != sizeof(ctl))
		abort();
	waiting = k2u ? &ctl.consumer_waiting : &ctl.producer_waiting;
	v = k2u ? 1 : *waiting > KSHM_REC_ALIGN ? *waiting : KSHM_REC_ALIGN;
	real_pwrite(fd, &v, 4, (char *)waiting - (char *)&ctl);
	if (k2u) {		/* nothing produced: the consumer must be at 0 */
		ok = ctl.consumer == 0 || planted("ring-nobreak");
		ready = false;
	} else {		/* nothing consumed: from 0 */
		ok = true;
		want = v > x->ring_size ? x->ring_size : v;
		ready = ctl.producer % KSHM_REC_ALIGN || ctl.producer > x->ring_size ||
			(planted("ring-early-pollout") ?
			 ctl.producer < x->ring_size :
			 x->ring_size - ctl.producer >= want);
	}
	if (!ok) {
		x->broken = true;
		x->wakeups++;
		v = x->ring | KSHM_RING_BROKEN;
		real_pwrite(fd, &v, 4, offsetof(struct kshm_ring_ctrl, flags));
		unlock();
		close(fd);
		return POLLERR;
	}
	rev = 0;
	if (ready)
		rev = (k2u ? POLLIN | POLLRDNORM : POLLOUT | POLLWRNORM) & events;
	unlock();
	close(fd);
	return rev;
}

/* poll() of region fds only: a ring as above, a plain region ready. */
int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	struct stat st;
	struct meta m;
	nfds_t i;
	int cnt, pass;

	if (!R)
		return real_poll(fds, n, timeout);
	for (i = 0; i < n; i++)
		if (kind_of_fd(fds[i].fd, &st, &m) != 1)
			return real_poll(fds, n, timeout);
	for (pass = 0; pass < 2; pass++) {
		for (cnt = 0, i = 0; i < n; i++) {
			kind_of_fd(fds[i].fd, &st, &m);
			fds[i].revents = m.ring ? ring_revents(fds[i].fd, &st, fds[i].events) :
					 fds[i].events & (POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
			cnt += !!fds[i].revents;
		}
		if (cnt || !timeout)
			return cnt;
		usleep(timeout > 0 ? timeout * 1000 : 100000);
	}
	return 0;
}

pid_t fork(void)
{
	pid_t pid;

	if (injected()) {
		errno = EAGAIN;
		return -1;
	}
	pid = real_fork();
	if (pid == 0 && R)
		add_pid(getpid());
	return pid;
}

__attribute__((constructor)) static void fake_init(void)
{
	const char *d = getenv("KSHM_FAKE_DIR");
	pthread_mutexattr_t a;
	char path[PATH_MAX + 40];
	struct stat st;
	int i, fd;

	real_open = dlsym(RTLD_NEXT, "open");
	real_ioctl = dlsym(RTLD_NEXT, "ioctl");
	real_mmap = dlsym(RTLD_NEXT, "mmap");
	real_munmap = dlsym(RTLD_NEXT, "munmap");
	real_poll = dlsym(RTLD_NEXT, "poll");
	real_mprotect = dlsym(RTLD_NEXT, "mprotect");
	real_mremap = dlsym(RTLD_NEXT, "mremap");
	real_pwrite = dlsym(RTLD_NEXT, "pwrite");
	real_write = dlsym(RTLD_NEXT, "write");
	real_read = dlsym(RTLD_NEXT, "read");
	real_fork = dlsym(RTLD_NEXT, "fork");
	pg = sysconf(_SC_PAGESIZE);
	if (getenv("KSHM_FAKE_BUG"))
		bug = getenv("KSHM_FAKE_BUG");
	misc_like = getenv("KSHM_FAKE_MISC") != NULL;
	if (getenv("KSHM_FAKE_ENOMEM"))
		enomem_pct = atoi(getenv("KSHM_FAKE_ENOMEM"));
	if (!d)
		return;
	snprintf(dir, sizeof(dir), "%s", d);
	if (mkdir(dir, 0700) && errno != EEXIST)
		return;
	R = real_mmap(NULL, sizeof(*R), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (R == MAP_FAILED) {
		R = NULL;
		return;
	}
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&R->lock, &a);
	R->pids[R->npids++] = getpid();
	snprintf(path, sizeof(path), "%s/.ctl", dir);
	fd = real_open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	fstat(fd, &st);
	close(fd);
	dir_dev = st.st_dev;
	ctl_ino = st.st_ino;
	for (i = 0; i < NLOADED; i++) {
		struct meta *m = &R->meta[R->nmeta++];

		snprintf(path, sizeof(path), "%s/kshm%d", dir, i);
		fd = real_open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (ftruncate(fd, pg) || fstat(fd, &st))
			abort();
		close(fd);
		*m = (struct meta){ .ino = st.st_ino, .max_size = LOADED_MAX,
				    .backing = i % 2, .index = i };
		snprintf(m->name, sizeof(m->name), "kshm%d", i);
	}
}
