// SPDX-License-Identifier: GPL-2.0
/*
 * fault-bench: what a first touch of a kshm mapping costs, per page and in
 * faults, with fault-around, prefault and 2 MiB backing, against memfd and
 * anonymous shared memory; and what reading data the kernel wrote costs
 * through the mapping against read().
 *
 * Runs in the test VM (make bench: tests/vm/guest/fault-bench.sh) with
 * kshm.ko loaded. Each configuration gets a fresh 64 MiB region, made
 * through the control node /dev/kshm (KSHM_IOC_CREATE) and destroyed
 * after, its policy set with KSHM_IOC_SET_FAULT_POLICY. Three touches:
 *
 *   write   a fresh region: mmap() and one store per page (the time
 *           includes the mmap(), which is all a prefaulted mapping costs
 *           up front)
 *   read    pages that exist (the write touch's), from a second process:
 *           a forked child maps the region and reads one byte per page,
 *           checks them, and reports its time and minflt through a pipe
 *           (anonymous memory: the child reads the mapping it inherited;
 *           fork copies no page table entry of a shared mapping)
 *   populate  a fresh region: the time of mmap(MAP_POPULATE)
 *
 * Faults are counted exactly twice: the region's own counter
 * (KSHM_IOC_INFO faults, before and after) and the process's minor faults
 * (getrusage), both per MiB. Times are per page, the best of RUNS runs;
 * the counts are those of the best run (a count that differs between runs
 * is flagged). The consumption table fills a region with pwrite() (the
 * kernel copying) and sums every 64-bit word of it through the mapping
 * (faulted in beforehand) and through read() into a buffer, 4 KiB to
 * 1 MiB per call, the sizes and the two methods taking turns; both sums
 * must be right.
 *
 * Usage: fault-bench [-r RUNS] [-m MIB]   (default 5 runs, 64 MiB)
 * Prints Markdown tables, one "KSHM-FAULT config touch ns/page
 * faults/MiB minflt/MiB around/MiB prefault/MiB huge-maps huge-fallbacks"
 * line per figure ("-" where memfd and anonymous memory have no counter),
 * one "KSHM-CONSUME backing chunk mapping-MiB/s read-MiB/s" line per
 * chunk size, and one "KSHM-TARGET met|missed ..." line per target of
 * Documentation/performance.md, for tools/fault-bench-plot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/kshm.h>

#define CTL		"/dev/kshm"
#define NAME		"fault-bench"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum kind { KSHM, MEMFD, ANON };
enum touch { WRITE, READ, POPULATE, NR_TOUCHES };
static const char *const touch_names[] = { "write", "read", "populate" };
static const char *const touch_titles[] = {
	"write first touch (fresh region: mmap() and one store per page)",
	"read touch of existing pages, from a second process (mmap() and one load per page)",
	"mmap(MAP_POPULATE) of a fresh region",
};

/* What a touch changed: the region's counters and the minor faults. */
struct counts {
	uint64_t faults, around, prefault, huge_maps, huge_fallbacks, minflt;
};

/* One figure: the time of the best run and the counts of that run. */
struct figure {
	double ns;		/* per page */
	struct counts n;
	bool varied;		/* a count differed between runs */
	int runs;
};

struct config {
	const char *name;
	enum kind kind;
	uint32_t backing;
	uint32_t window;	/* 0: the module's fault_around */
	uint32_t flags;		/* KSHM_FAULT_* */
	struct figure fig[NR_TOUCHES];
};

static struct config configs[] = {
	{ .name = "pages-fa1", .kind = KSHM, .backing = KSHM_BACKING_PAGES,
	  .window = 1, .flags = 0 },
	{ .name = "pages-fa16", .kind = KSHM, .backing = KSHM_BACKING_PAGES,
	  .window = 16, .flags = 0 },
	{ .name = "pages-fa64", .kind = KSHM, .backing = KSHM_BACKING_PAGES,
	  .window = 64, .flags = 0 },
	{ .name = "pages-fa16-resident", .kind = KSHM, .backing = KSHM_BACKING_PAGES,
	  .window = 16, .flags = KSHM_FAULT_RESIDENT },
	{ .name = "pages-fa64-resident", .kind = KSHM, .backing = KSHM_BACKING_PAGES,
	  .window = 64, .flags = KSHM_FAULT_RESIDENT },
	{ .name = "pages-prefault", .kind = KSHM, .backing = KSHM_BACKING_PAGES,
	  .window = 0, .flags = KSHM_FAULT_PREFAULT },
	{ .name = "vmalloc-fa1", .kind = KSHM, .backing = KSHM_BACKING_VMALLOC,
	  .window = 1, .flags = 0 },
	{ .name = "vmalloc-fa16", .kind = KSHM, .backing = KSHM_BACKING_VMALLOC,
	  .window = 16, .flags = 0 },
	{ .name = "vmalloc-fa64", .kind = KSHM, .backing = KSHM_BACKING_VMALLOC,
	  .window = 64, .flags = 0 },
	{ .name = "vmalloc-prefault", .kind = KSHM, .backing = KSHM_BACKING_VMALLOC,
	  .window = 0, .flags = KSHM_FAULT_PREFAULT },
	{ .name = "huge", .kind = KSHM, .backing = KSHM_BACKING_HUGE,
	  .window = 0, .flags = 0 },
	{ .name = "huge-prefault", .kind = KSHM, .backing = KSHM_BACKING_HUGE,
	  .window = 0, .flags = KSHM_FAULT_PREFAULT },
	{ .name = "memfd", .kind = MEMFD },
	{ .name = "anon", .kind = ANON },
};

static size_t page, region, npages;
static int runs = 5;
static int ctl = -1;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fault-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* The byte the write touch stores in page @i, and the read touch checks. */
static uint8_t page_byte(size_t i)
{
	return (uint8_t)(i * 7 + 1);
}

/* A region, a memfd or nothing (anonymous memory) to map. */
struct obj {
	enum kind kind;
	int fd;
};

static void region_info(int fd, struct kshm_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	if (ioctl(fd, KSHM_IOC_INFO, info))
		die("KSHM_IOC_INFO: %s", strerror(errno));
}

static void take(const struct obj *o, struct counts *s)
{
	struct kshm_info info;

	memset(s, 0, sizeof(*s));
	if (o->kind == KSHM) {
		region_info(o->fd, &info);
		s->faults = info.faults;
		s->around = info.around_pages;
		s->prefault = info.prefault_pages;
		s->huge_maps = info.huge_maps;
		s->huge_fallbacks = info.huge_fallbacks;
	}
	s->minflt = minflt();
}

static void region_destroy(void)
{
	struct kshm_destroy d = { 0 };

	snprintf(d.name, sizeof(d.name), "%s", NAME);
	if (ioctl(ctl, KSHM_IOC_DESTROY, &d))
		die("KSHM_IOC_DESTROY: %s", strerror(errno));
}

/* Make /dev/kshm-NAME with @c's backing and policy, and open it. */
static int region_make(const struct config *c)
{
	const uint64_t need = KSHM_INFO_FAULTS | KSHM_INFO_BACKING |
			      KSHM_INFO_AROUND_PAGES | KSHM_INFO_PREFAULT_PAGES |
			      KSHM_INFO_HUGE_MAPS | KSHM_INFO_HUGE_FALLBACKS |
			      KSHM_INFO_FAULT_POLICY | KSHM_INFO_SIZE;
	struct kshm_create cr = {
		.argsz = sizeof(cr), .size = region, .backing = c->backing,
	};
	struct kshm_fault_policy pol = {
		.flags = c->flags, .fault_around = c->window,
	};
	struct kshm_info info;
	int fd;

	snprintf(cr.name, sizeof(cr.name), "%s", NAME);
	if (ioctl(ctl, KSHM_IOC_CREATE, &cr))
		die("%s: KSHM_IOC_CREATE of %zu bytes: %s", c->name, region,
		    strerror(errno));
	fd = open("/dev/kshm-" NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("/dev/kshm-" NAME ": %s", strerror(errno));
	if (ioctl(fd, KSHM_IOC_SET_FAULT_POLICY, &pol))
		die("%s: KSHM_IOC_SET_FAULT_POLICY: %s", c->name, strerror(errno));
	region_info(fd, &info);
	/* Measure only what was asked for: an older driver lacks these. */
	if ((info.mask & need) != need)
		die("%s: the driver reports mask %#llx, without the fault counters or policy",
		    c->name, (unsigned long long)info.mask);
	if (info.backing != c->backing || info.size != region ||
	    info.fault_flags != c->flags ||
	    (c->window && c->backing != KSHM_BACKING_HUGE &&
	     info.fault_around != c->window))
		die("%s: the region reports backing %u size %llu window %u flags %#x",
		    c->name, info.backing, (unsigned long long)info.size,
		    info.fault_around, info.fault_flags);
	return fd;
}

static void obj_open(struct obj *o, const struct config *c)
{
	o->kind = c->kind;
	o->fd = -1;
	if (c->kind == KSHM) {
		o->fd = region_make(c);
	} else if (c->kind == MEMFD) {
		o->fd = memfd_create("fault-bench", MFD_CLOEXEC);
		if (o->fd < 0 || ftruncate(o->fd, region))
			die("memfd: %s", strerror(errno));
	}
}

static void obj_close(struct obj *o)
{
	if (o->fd >= 0)
		close(o->fd);
	if (o->kind == KSHM)
		region_destroy();
}

static char *obj_map(const struct obj *o, int prot, int extra)
{
	void *p;

	if (o->kind == ANON)
		p = mmap(NULL, region, prot, MAP_SHARED | MAP_ANONYMOUS | extra,
			 -1, 0);
	else
		p = mmap(NULL, region, prot, MAP_SHARED | extra, o->fd, 0);
	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	return p;
}

/* Add a run to @f: its time, and the counters between @a and @b. */
static void record(struct figure *f, double ns, const struct counts *a,
		   const struct counts *b, uint64_t minflt_delta)
{
	struct counts n = {
		.faults = b->faults - a->faults,
		.around = b->around - a->around,
		.prefault = b->prefault - a->prefault,
		.huge_maps = b->huge_maps - a->huge_maps,
		.huge_fallbacks = b->huge_fallbacks - a->huge_fallbacks,
		.minflt = minflt_delta,
	};

	if (f->runs && memcmp(&n, &f->n, sizeof(n)))
		f->varied = true;
	if (!f->runs || ns / npages < f->ns) {
		f->ns = ns / npages;
		f->n = n;
	}
	f->runs++;
}

static char *touch_write(const struct obj *o, struct figure *f)
{
	struct counts a, b;
	double t;
	char *p;
	size_t i;

	take(o, &a);
	t = now_ns();
	p = obj_map(o, PROT_READ | PROT_WRITE, 0);
	for (i = 0; i < npages; i++)
		((volatile char *)p)[i * page] = page_byte(i);
	t = now_ns() - t;
	take(o, &b);
	record(f, t, &a, &b, b.minflt - a.minflt);
	return p;
}

struct child_report {
	double ns;
	uint64_t minflt;
	size_t bad;		/* pages that read back wrong */
};

/* In the child: map (or use the inherited @inherited) and read. */
static void read_child(const struct obj *o, char *inherited, int wfd)
{
	struct child_report r = { 0 };
	uint64_t m0 = minflt();
	double t = now_ns();
	const volatile char *q;
	size_t i;

	q = inherited ? inherited : obj_map(o, PROT_READ, 0);
	for (i = 0; i < npages; i++)
		if ((uint8_t)q[i * page] != page_byte(i))
			r.bad++;
	r.ns = now_ns() - t;
	r.minflt = minflt() - m0;
	if (write(wfd, &r, sizeof(r)) != sizeof(r))
		_exit(2);
	_exit(0);
}

static void touch_read(const struct obj *o, char *inherited, struct figure *f)
{
	struct child_report r;
	struct counts a, b;
	int pfd[2], st;
	pid_t pid;

	if (pipe(pfd))
		die("pipe: %s", strerror(errno));
	fflush(stdout);
	take(o, &a);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		close(pfd[0]);
		read_child(o, inherited, pfd[1]);
	}
	close(pfd[1]);
	if (read(pfd[0], &r, sizeof(r)) != sizeof(r))
		die("the reading child reported nothing");
	close(pfd[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("the reading child failed (status %#x)", st);
	if (r.bad)
		die("the reading child saw %zu of %zu pages wrong", r.bad, npages);
	take(o, &b);
	record(f, r.ns, &a, &b, r.minflt);
}

static void touch_populate(const struct obj *o, struct figure *f)
{
	struct counts a, b;
	double t;
	char *p;

	take(o, &a);
	t = now_ns();
	p = obj_map(o, PROT_READ | PROT_WRITE, MAP_POPULATE);
	t = now_ns() - t;
	take(o, &b);
	record(f, t, &a, &b, b.minflt - a.minflt);
	munmap(p, region);
}

static void run_config(struct config *c)
{
	struct obj o;
	char *p;

	obj_open(&o, c);
	p = touch_write(&o, &c->fig[WRITE]);
	/* A kshm mapping's PTEs would be copied by fork(): unmap first. */
	if (o.kind != ANON) {
		munmap(p, region);
		p = NULL;
	}
	touch_read(&o, p, &c->fig[READ]);
	if (p)
		munmap(p, region);
	obj_close(&o);

	obj_open(&o, c);
	touch_populate(&o, &c->fig[POPULATE]);
	obj_close(&o);
}

static const struct config *config_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(configs); i++)
		if (!strcmp(configs[i].name, name))
			return &configs[i];
	return NULL;
}

static double per_mib(uint64_t n)
{
	return n / (double)(region >> 20);
}

static void print_count(const struct config *c, uint64_t n)
{
	if (c->kind == KSHM)
		printf(" %.2f |", per_mib(n));
	else
		printf(" - |");
}

static void print_fault_tables(void)
{
	const struct config *memfd = config_by_name("memfd");
	size_t i;
	int t;

	for (t = 0; t < NR_TOUCHES; t++) {
		printf("\n%s, %zu MiB, best of %d:\n\n", touch_titles[t],
		       region >> 20, runs);
		printf("| configuration | ns/page | time / memfd's | faults/MiB (region) | minflt/MiB | pages mapped around/MiB | prefaulted/MiB | PMDs | 4 KiB fallbacks |\n");
		printf("|---|---|---|---|---|---|---|---|---|\n");
		for (i = 0; i < ARRAY_SIZE(configs); i++) {
			const struct config *c = &configs[i];
			const struct figure *f = &c->fig[t];

			printf("| %s | %.0f | %.2fx |", c->name, f->ns,
			       f->ns / memfd->fig[t].ns);
			print_count(c, f->n.faults);
			printf(" %.2f%s |", per_mib(f->n.minflt),
			       f->varied ? " (varied)" : "");
			print_count(c, f->n.around);
			print_count(c, f->n.prefault);
			if (c->kind == KSHM)
				printf(" %llu | %llu |\n",
				       (unsigned long long)f->n.huge_maps,
				       (unsigned long long)f->n.huge_fallbacks);
			else
				printf(" - | - |\n");
		}
	}
}

static void print_fault_lines(void)
{
	size_t i;
	int t;

	for (i = 0; i < ARRAY_SIZE(configs); i++) {
		const struct config *c = &configs[i];

		for (t = 0; t < NR_TOUCHES; t++) {
			const struct figure *f = &c->fig[t];

			printf("KSHM-FAULT %s %s %.1f", c->name, touch_names[t],
			       f->ns);
			if (c->kind == KSHM)
				printf(" %.3f %.3f %.3f %.3f %llu %llu\n",
				       per_mib(f->n.faults), per_mib(f->n.minflt),
				       per_mib(f->n.around), per_mib(f->n.prefault),
				       (unsigned long long)f->n.huge_maps,
				       (unsigned long long)f->n.huge_fallbacks);
			else
				printf(" - %.3f - - - -\n", per_mib(f->n.minflt));
		}
	}
}

/* Consumption: the same sum over the mapping and over read()'s buffer. */
static const size_t chunks[] = { 4096, 65536, 1 << 20 };
static const uint32_t consume_backings[] = {
	KSHM_BACKING_PAGES, KSHM_BACKING_VMALLOC, KSHM_BACKING_HUGE,
};
static const char *const backing_names[] = { "pages", "vmalloc", "huge" };
/* Best MiB/s per backing and chunk: [0] mapping, [1] read(). */
static double consumed[ARRAY_SIZE(consume_backings)][ARRAY_SIZE(chunks)][2];

static __attribute__((noinline)) uint64_t consume(const void *p, size_t len)
{
	const uint64_t *w = p;
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < len / 8; i++)
		s += w[i];
	return s;
}

static uint64_t by_map(const char *map, size_t chunk)
{
	uint64_t s = 0;
	size_t off;

	for (off = 0; off < region; off += chunk)
		s += consume(map + off, chunk);
	return s;
}

static uint64_t by_read(int fd, char *buf, size_t chunk)
{
	uint64_t s = 0;
	size_t off;

	if (lseek(fd, 0, SEEK_SET))
		die("lseek: %s", strerror(errno));
	for (off = 0; off < region; off += chunk) {
		if (read(fd, buf, chunk) != (ssize_t)chunk)
			die("read of %zu bytes: %s", chunk, strerror(errno));
		s += consume(buf, chunk);
	}
	return s;
}

static void consume_backing(size_t b, char *buf)
{
	struct config c = {
		.name = backing_names[b], .kind = KSHM,
		.backing = consume_backings[b],
	};
	uint64_t words = region / 8, want = words * (words - 1) / 2, *w;
	size_t off, i, k;
	double t, mibs;
	int fd, r, m;
	char *map;

	fd = region_make(&c);
	/* The data the kernel wrote: words 0, 1, 2... by pwrite(). */
	w = (uint64_t *)buf;
	for (off = 0; off < region; off += chunks[2]) {
		for (i = 0; i < chunks[2] / 8; i++)
			w[i] = off / 8 + i;
		if (pwrite(fd, buf, chunks[2], off) != (ssize_t)chunks[2])
			die("pwrite: %s", strerror(errno));
	}
	map = mmap(NULL, region, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	if (by_map(map, region) != want)	/* faults it all in */
		die("%s: the mapping does not hold what pwrite() wrote",
		    c.name);
	/* Sizes and methods take turns: a slow spell hits them all alike. */
	for (r = 0; r < runs; r++) {
		for (k = 0; k < ARRAY_SIZE(chunks); k++) {
			for (m = 0; m < 2; m++) {
				t = now_ns();
				if ((m ? by_read(fd, buf, chunks[k]) :
				     by_map(map, chunks[k])) != want)
					die("%s: %s at %zu: wrong sum", c.name,
					    m ? "read()" : "mapping", chunks[k]);
				t = now_ns() - t;
				mibs = (region >> 20) / (t / 1e9);
				if (mibs > consumed[b][k][m])
					consumed[b][k][m] = mibs;
			}
		}
	}
	munmap(map, region);
	close(fd);
	region_destroy();
}

static void print_consume(void)
{
	size_t b, k;

	printf("\nconsuming %zu MiB the kernel wrote (pwrite()), a 64-bit sum of every word, best of %d:\n\n",
	       region >> 20, runs);
	printf("| backing | bytes per call | mapping MiB/s | read() MiB/s | mapping / read() |\n");
	printf("|---|---|---|---|---|\n");
	for (b = 0; b < ARRAY_SIZE(consume_backings); b++)
		for (k = 0; k < ARRAY_SIZE(chunks); k++)
			printf("| %s | %zu KiB | %.0f | %.0f | %.2fx |\n",
			       backing_names[b], chunks[k] >> 10,
			       consumed[b][k][0], consumed[b][k][1],
			       consumed[b][k][0] / consumed[b][k][1]);
}

static void print_consume_lines(void)
{
	size_t b, k;

	for (b = 0; b < ARRAY_SIZE(consume_backings); b++)
		for (k = 0; k < ARRAY_SIZE(chunks); k++)
			printf("KSHM-CONSUME %s %zu %.0f %.0f\n",
			       backing_names[b], chunks[k], consumed[b][k][0],
			       consumed[b][k][1]);
}

static void target(bool met, const char *fmt, ...)
{
	va_list ap;

	printf("KSHM-TARGET %s ", met ? "met" : "missed");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* The targets of the feature (Documentation/performance.md). */
static void print_targets(void)
{
	static const char *const fa16[] = { "pages-fa16", "vmalloc-fa16" };
	const struct figure *mf = config_by_name("memfd")->fig, *f;
	size_t i, b;

	for (i = 0; i < ARRAY_SIZE(fa16); i++) {
		f = config_by_name(fa16[i])->fig;
		target(per_mib(f[READ].n.faults) <= 16 && f[READ].ns <= mf[READ].ns,
		       "%s read: %.2f faults/MiB (<= 16), %.0f ns/page = %.2fx memfd's (<= 1)",
		       fa16[i], per_mib(f[READ].n.faults), f[READ].ns,
		       f[READ].ns / mf[READ].ns);
		target(per_mib(f[WRITE].n.faults) <= 16 &&
		       f[WRITE].ns <= 0.5 * mf[WRITE].ns,
		       "%s write: %.2f faults/MiB (<= 16), %.0f ns/page = %.2fx memfd's (<= 0.5)",
		       fa16[i], per_mib(f[WRITE].n.faults), f[WRITE].ns,
		       f[WRITE].ns / mf[WRITE].ns);
	}
	/* huge-prefault faults 0 times by design: "huge" is the target. */
	f = config_by_name("huge")->fig;
	target(per_mib(f[WRITE].n.faults) <= 1 && per_mib(f[READ].n.faults) <= 1,
	       "huge: write %.2f, read %.2f faults/MiB (<= 1)",
	       per_mib(f[WRITE].n.faults), per_mib(f[READ].n.faults));
	for (b = 0; b < ARRAY_SIZE(consume_backings); b++)
		target(consumed[b][1][0] >= 3 * consumed[b][1][1],
		       "%s consume at 64 KiB: mapping %.2fx read() (>= 3)",
		       backing_names[b], consumed[b][1][0] / consumed[b][1][1]);
}

int main(int argc, char **argv)
{
	size_t mib = 64, i;
	char *buf;
	int opt, r;

	while ((opt = getopt(argc, argv, "r:m:")) != -1) {
		switch (opt) {
		case 'r':
			runs = atoi(optarg);
			break;
		case 'm':
			mib = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-r RUNS] [-m MIB]\n", argv[0]);
			return 2;
		}
	}
	/* huge rounds sizes to 2 MiB; the consumption table needs 1 MiB calls. */
	if (runs < 1 || mib < 2 || mib % 2)
		die("-r wants at least 1, -m an even number of MiB from 2");
	page = sysconf(_SC_PAGESIZE);
	region = mib << 20;
	npages = region / page;
	ctl = open(CTL, O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		die(CTL ": %s (is kshm.ko loaded?)", strerror(errno));
	buf = aligned_alloc(page, chunks[2]);
	if (!buf)
		die("out of memory");
	memset(buf, 0, chunks[2]);
	now_ns();		/* the vDSO's first call faults its pages in */

	printf("fault-bench: %zu MiB per configuration, %zu pages of %zu bytes, best of %d runs (configurations take turns)\n",
	       mib, npages, page, runs);
	for (r = 0; r < runs; r++)
		for (i = 0; i < ARRAY_SIZE(configs); i++)
			run_config(&configs[i]);
	print_fault_tables();
	for (i = 0; i < ARRAY_SIZE(consume_backings); i++)
		consume_backing(i, buf);
	print_consume();
	printf("\n");
	print_fault_lines();
	print_consume_lines();
	print_targets();
	return 0;
}
