// SPDX-License-Identifier: GPL-2.0
/*
 * kshmctl: look at kshm regions from the shell, through libkshm.
 *
 *   kshmctl list [--json]              every region
 *   kshmctl info [--json] DEV          one region, every field
 *   kshmctl resize DEV SIZE            64K, 16M, 1G, or bytes
 *   kshmctl watch [-n N] [-i S] DEV    counters and rates, a line a second
 *   kshmctl dump [-v] DEV [OFF [LEN]]  hexdump through read(), the copy path
 *
 * DEV is a path (/dev/kshm0, /dev/kshm-foo) or a name: kshmN, kshm-NAME,
 * or the NAME a region was created with. Errors say what failed and why
 * and exit 1; bad usage exits 2. Documentation/man/man1/kshmctl.1.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kshmctl.h"

#define EXIT_USAGE	2

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
	const char *help;
};

static const struct command *current;

static void usage_all(FILE *out);

/* Bad usage: say why, point at the help, exit 2. */
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("kshmctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (current)
		fprintf(stderr, "\nusage: kshmctl %s\nTry 'kshmctl %s --help'.\n",
			current->synopsis, current->name);
	else
		fputs("\nTry 'kshmctl --help'.\n", stderr);
	return EXIT_USAGE;
}

/* What the errno of a failed call most likely means here, or "". */
static const char *hint(int err, const char *what)
{
	switch (err) {
	case ENOENT:
		return strcmp(what, "list") ?
			" (no such region; 'kshmctl list' shows them)" :
			" (is the kshm module loaded?)";
	case EACCES:
	case EPERM:
		return " (the nodes are root's unless the module's mode parameter says otherwise)";
	case ENOTTY:
		return " (not a kshm region)";
	}
	return "";
}

/* A failed call: "kshmctl: WHAT: strerror (hint)", exit status 1. */
static int fail(int err, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fprintf(stderr, "kshmctl: %s: %s%s\n", what, strerror(err),
		hint(err, current ? current->name : ""));
	return 1;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/*
 * Open DEV: a path as given; "kshmN" by index; "kshm-NAME" or a bare
 * NAME by name; "kshm" is the control node, which kshm_open() refuses
 * with ENOTTY. @path gets what was opened, for messages.
 */
static struct kshm *open_region(const char *dev, int flags, char *path,
				size_t len)
{
	if (strchr(dev, '/')) {
		snprintf(path, len, "%s", dev);
		return kshm_open(dev, flags);
	}
	if (!strcmp(dev, "kshm")) {
		snprintf(path, len, "%s", KSHM_CTL_PATH);
		return kshm_open(KSHM_CTL_PATH, flags);
	}
	if (!strncmp(dev, "kshm", 4) && all_digits(dev + 4) &&
	    strlen(dev + 4) < 10) {
		snprintf(path, len, "/dev/%s", dev);
		return kshm_open_index(strtoul(dev + 4, NULL, 10), flags);
	}
	if (!strncmp(dev, "kshm-", 5))
		dev += 5;
	snprintf(path, len, "/dev/kshm-%s", dev);
	return kshm_open_name(dev, flags);
}

/* Why open_info() failed: 1, or EXIT_USAGE for a malformed name. */
static int open_status;

/* Open and describe DEV, or print why not (returns NULL). */
static struct kshm *open_info(const char *dev, int flags, char *path,
			      size_t len, struct kshm_info *info)
{
	struct kshm *k = open_region(dev, flags, path, len);
	int ret;

	open_status = 1;
	if (!k) {
		if (errno == EINVAL)
			open_status = usage_error("%s: not a region name: a path, kshmN, kshm-NAME or NAME ([a-z0-9_-], 1 to %d characters)",
						  dev, KSHM_CREATE_NAME_LEN);
		else
			fail(errno, "open %s", path);
		return NULL;
	}
	ret = kshm_info(k, info);
	if (ret < 0) {
		fail(-ret, "info %s", path);
		kshm_close(k);
		return NULL;
	}
	return k;
}

/*
 * getopt_long() over a command's arguments; --help prints its help.
 * Returns the option, -1 at the end, or '?' after a usage error was
 * printed; 'h' when --help was handled.
 */
static int next_opt(int argc, char **argv, const char *shortopts,
		    const struct option *longopts)
{
	int c = getopt_long(argc, argv, shortopts, longopts, NULL);

	if (c == 'h')
		printf("usage: kshmctl %s\n\n%s", current->synopsis,
		       current->help);
	else if (c == '?')	/* getopt said what was wrong */
		fprintf(stderr, "usage: kshmctl %s\nTry 'kshmctl %s --help'.\n",
			current->synopsis, current->name);
	return c;
}

#define HELP_OPTION	{ "help", no_argument, NULL, 'h' }

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' }, HELP_OPTION, { 0 }
	};
	struct kshm_info *infos = NULL;
	unsigned int cap = 0;
	bool json = false;
	int c, n, i;

	while ((c = next_opt(argc, argv, "jh", opts)) != -1) {
		if (c == 'h')
			return 0;
		if (c != 'j')
			return EXIT_USAGE;
		json = true;
	}
	if (optind != argc)
		return usage_error("list takes no region");
	/* Regions may come between the two calls: ask until all fit. */
	for (;;) {
		n = kshm_list(infos, cap);
		if (n < 0) {
			free(infos);
			return fail(-n, "list regions through %s", KSHM_CTL_PATH);
		}
		if ((unsigned int)n <= cap)
			break;
		cap = n + 4;
		free(infos);
		infos = calloc(cap, sizeof(*infos));
		if (!infos)
			return fail(ENOMEM, "list regions");
	}
	if (json) {
		fputs("{\"regions\": [", stdout);
		for (i = 0; i < n; i++) {
			fputs(i ? ",\n  " : "\n  ", stdout);
			kshmctl_info_json(stdout, &infos[i], NULL);
		}
		fputs(n ? "\n]}\n" : "]}\n", stdout);
	} else {
		kshmctl_list_header(stdout);
		for (i = 0; i < n; i++)
			kshmctl_list_row(stdout, &infos[i]);
	}
	free(infos);
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' }, HELP_OPTION, { 0 }
	};
	char path[sizeof("/dev/kshm-") + 4096];
	struct kshm_info info;
	bool json = false;
	struct kshm *k;
	int c;

	while ((c = next_opt(argc, argv, "jh", opts)) != -1) {
		if (c == 'h')
			return 0;
		if (c != 'j')
			return EXIT_USAGE;
		json = true;
	}
	if (argc - optind != 1)
		return usage_error(optind == argc ? "info needs a region" :
				   "info takes one region");
	k = open_info(argv[optind], O_RDONLY, path, sizeof(path), &info);
	if (!k)
		return open_status;
	kshm_close(k);
	if (json) {
		kshmctl_info_json(stdout, &info, path);
		fputc('\n', stdout);
	} else {
		kshmctl_info_text(stdout, &info, path);
	}
	return 0;
}

/* A size argument, or a usage error naming what it was for. */
static int size_arg(const char *s, const char *what, uint64_t *v)
{
	int ret = kshmctl_parse_size(s, v);

	if (ret == -ERANGE)
		return usage_error("%s '%s' does not fit in 64 bits", what, s);
	if (ret)
		return usage_error("%s '%s' is not a size: digits (or 0x and hex digits), then K, M, G or T if wanted",
				   what, s);
	return 0;
}

static int cmd_resize(int argc, char **argv)
{
	static const struct option opts[] = { HELP_OPTION, { 0 } };
	char path[sizeof("/dev/kshm-") + 4096];
	char was[KSHMCTL_SIZE_BUF], now[KSHMCTL_SIZE_BUF];
	struct kshm_info info;
	struct kshm *k;
	uint64_t size;
	int c, ret;

	while ((c = next_opt(argc, argv, "h", opts)) != -1)
		return c == 'h' ? 0 : EXIT_USAGE;
	if (argc - optind != 2)
		return usage_error("resize needs a region and a size");
	if (size_arg(argv[optind + 1], "size", &size))
		return EXIT_USAGE;
	if (!size)
		return usage_error("size 0: a region holds at least one page");
	k = open_info(argv[optind], O_RDWR, path, sizeof(path), &info);
	if (!k)
		return open_status;
	kshmctl_format_size(info.size, was);
	ret = kshm_resize(k, size);
	if (ret == -EINVAL && size && (info.mask & KSHM_INFO_MAX_SIZE) &&
	    size > info.max_size) {
		fprintf(stderr, "kshmctl: resize %s to %s: %s (its max_size is %s)\n",
			path, argv[optind + 1], strerror(EINVAL),
			kshmctl_format_size(info.max_size, now));
		ret = 1;
	} else if (ret == -EBUSY && (info.mask & KSHM_INFO_MAPPINGS) &&
		   !kshm_info(k, &info) && info.mappings) {
		fprintf(stderr, "kshmctl: resize %s to %s: %s (the region is mapped: %" PRIu64 " mapping%s; unmap it first)\n",
			path, argv[optind + 1], strerror(EBUSY),
			(uint64_t)info.mappings, info.mappings == 1 ? "" : "s");
		ret = 1;
	} else if (ret == -EBUSY) {
		/* No user mapping: a ring, or a kernel client's kshm_vmap(). */
		fprintf(stderr, "kshmctl: resize %s to %s: %s (the region holds a ring or a kernel client has it mapped)\n",
			path, argv[optind + 1], strerror(EBUSY));
		ret = 1;
	} else if (ret < 0) {
		ret = fail(-ret, "resize %s to %s", path, argv[optind + 1]);
	} else if ((ret = kshm_info(k, &info)) < 0) {
		ret = fail(-ret, "info %s after the resize", path);
	} else {
		/* The driver rounds up to pages: say what it made. */
		printf("%s: size %s (was %s)\n", path,
		       kshmctl_format_size(info.size, now), was);
	}
	kshm_close(k);
	return ret;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleep until @t on the monotonic clock: no drift over a long watch. */
static void sleep_until(double t)
{
	struct timespec ts = {
		.tv_sec = (time_t)t,
		.tv_nsec = (long)((t - (time_t)t) * 1e9),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "interval", required_argument, NULL, 'i' },
		HELP_OPTION, { 0 }
	};
	char path[sizeof("/dev/kshm-") + 4096];
	struct kshm_info prev, cur;
	double interval = 1, start, t_prev, t;
	unsigned long count = 0, n;
	struct kshm *k;
	char *end;
	int c, ret;

	while ((c = next_opt(argc, argv, "n:i:h", opts)) != -1) {
		switch (c) {
		case 'h':
			return 0;
		case 'n':
			errno = 0;
			count = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end || errno ||
			    !count)
				return usage_error("count '%s' is not a whole number above 0",
						   optarg);
			break;
		case 'i':
			errno = 0;
			interval = strtod(optarg, &end);
			if (*optarg < '0' || *optarg > '9' || *end || errno ||
			    !(interval >= 0.01 && interval <= 86400))
				return usage_error("interval '%s' is not a number of seconds from 0.01 to 86400",
						   optarg);
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1)
		return usage_error(optind == argc ? "watch needs a region" :
				   "watch takes one region");
	k = open_info(argv[optind], O_RDONLY, path, sizeof(path), &cur);
	if (!k)
		return open_status;
	start = t = now_s();
	setvbuf(stdout, NULL, _IOLBF, 0);
	kshmctl_watch_header(stdout, &cur);
	kshmctl_watch_line(stdout, NULL, &cur, 0, 0);
	for (n = 1; !count || n < count; n++) {
		prev = cur;
		t_prev = t;
		sleep_until(start + n * interval);
		/* A destroyed region lives on while we hold it: keep going. */
		ret = kshm_info(k, &cur);
		t = now_s();
		if (ret < 0) {
			kshm_close(k);
			return fail(-ret, "info %s", path);
		}
		kshmctl_watch_line(stdout, &prev, &cur, t - start, t - t_prev);
	}
	kshm_close(k);
	return 0;
}

/* Read [@off, @off + @len) with pread() and hexdump it. */
static int dump_range(struct kshm *k, const char *path, uint64_t off,
		      uint64_t len, bool all)
{
	static unsigned char buf[64 << 10];
	struct kshmctl_hexdump hd;
	uint64_t done = 0;

	kshmctl_hexdump_start(&hd, stdout, off, all);
	while (done < len) {
		size_t want = len - done < sizeof(buf) ? len - done : sizeof(buf);
		ssize_t got = pread(kshm_fd(k), buf, want, off + done);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			kshmctl_hexdump_end(&hd);
			fflush(stdout);
			if (got < 0)
				return fail(errno, "read %s at %#" PRIx64, path,
					    off + done);
			/* The region shrank under us (a resize). */
			fprintf(stderr, "kshmctl: read %s at %#" PRIx64 ": end of the region (was it resized?)\n",
				path, off + done);
			return 1;
		}
		kshmctl_hexdump_feed(&hd, buf, got);
		done += got;
	}
	kshmctl_hexdump_end(&hd);
	return 0;
}

static int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'v' }, HELP_OPTION, { 0 }
	};
	char path[sizeof("/dev/kshm-") + 4096], sz[KSHMCTL_SIZE_BUF];
	uint64_t off = 0, len = 0;
	struct kshm_info info;
	bool all = false, have_len;
	struct kshm *k;
	int c, ret;

	while ((c = next_opt(argc, argv, "vh", opts)) != -1) {
		if (c == 'h')
			return 0;
		if (c != 'v')
			return EXIT_USAGE;
		all = true;
	}
	if (argc - optind < 1 || argc - optind > 3)
		return usage_error(optind == argc ? "dump needs a region" :
				   "dump takes a region, an offset and a length");
	if (argc - optind >= 2 && size_arg(argv[optind + 1], "offset", &off))
		return EXIT_USAGE;
	have_len = argc - optind == 3;
	if (have_len && size_arg(argv[optind + 2], "length", &len))
		return EXIT_USAGE;
	k = open_info(argv[optind], O_RDONLY, path, sizeof(path), &info);
	if (!k)
		return open_status;
	ret = 1;
	kshmctl_format_size(info.size, sz);
	if (off > info.size || (off == info.size && (!have_len || len))) {
		fprintf(stderr, "kshmctl: dump %s: offset %s is past the end of the region (size %s)\n",
			path, argv[optind + 1], sz);
	} else if (have_len && len > info.size - off) {
		fprintf(stderr, "kshmctl: dump %s: %s bytes from offset %s run past the end of the region (size %s)\n",
			path, argv[optind + 2], argv[optind + 1], sz);
	} else {
		ret = dump_range(k, path, off, have_len ? len : info.size - off,
				 all);
	}
	kshm_close(k);
	return ret;
}

static const struct command commands[] = {
	{ "list", cmd_list, "list [--json]",
	  "Every region that has a node: /dev/kshm0..N-1, then those made at run\n"
	  "time, oldest first, with size, resident pages, faults, live mappings\n"
	  "and backing. A field the driver does not report reads \"-\".\n\n"
	  "  -j, --json   one JSON object: {\"regions\": [{...}, ...]}, each\n"
	  "               region as 'kshmctl info --json' shows it\n" },
	{ "info", cmd_info, "info [--json] DEV",
	  "Every field the driver reports for the region, one \"key: value\" a\n"
	  "line: sizes in bytes with a short form, counters as numbers.\n\n"
	  "  -j, --json   one JSON object; sizes in bytes, index null for a\n"
	  "               region made at run time\n" },
	{ "resize", cmd_resize, "resize DEV SIZE",
	  "Set the region's size (rounded up to whole pages). SIZE is bytes,\n"
	  "or a number with K, M, G or T (powers of 1024): 64K, 16M, 1G.\n"
	  "Growing keeps the contents, shrinking drops what lies past the end.\n"
	  "Fails with EBUSY while any process maps the region, EINVAL above\n"
	  "its max_size.\n" },
	{ "watch", cmd_watch, "watch [-n COUNT] [-i SECONDS] DEV",
	  "The region's counters, a line every interval, with their rates per\n"
	  "second since the line before (the first line has none).\n\n"
	  "  -n, --count COUNT       stop after COUNT lines (default: never)\n"
	  "  -i, --interval SECONDS  time between lines (default 1)\n" },
	{ "dump", cmd_dump, "dump [-v] DEV [OFFSET [LENGTH]]",
	  "Hexdump the region from OFFSET (default 0), LENGTH bytes (default:\n"
	  "to the end), read with read(2), the copy path, so that it faults\n"
	  "nothing into anyone's mapping. The format is hexdump -C's; OFFSET\n"
	  "and LENGTH take K, M, G, T and 0x as SIZE does.\n\n"
	  "  -v, --all    print every line (by default a run of equal lines\n"
	  "               is one \"*\")\n" },
};

#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void usage_all(FILE *out)
{
	size_t i;

	fputs("usage: kshmctl COMMAND [ARGS]\n\n"
	      "Look at and resize kshm regions.\n\n", out);
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  kshmctl %s\n", commands[i].synopsis);
	fputs("\nDEV is a path (/dev/kshm0, /dev/kshm-NAME) or a name (kshm0,\n"
	      "kshm-NAME, or NAME). 'kshmctl COMMAND --help' or 'kshmctl help\n"
	      "COMMAND' describes one. Exit status: 0, 1 when something failed,\n"
	      "2 for bad usage. See kshmctl(1).\n", out);
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;

	if (!name)
		return usage_error("no command given");
	if (!strcmp(name, "--help") || !strcmp(name, "-h") ||
	    (!strcmp(name, "help") && argc == 2)) {
		usage_all(stdout);
		return 0;
	}
	if (!strcmp(name, "help")) {
		if (argc > 3)
			return usage_error("help takes one command");
		current = find_command(argv[2]);
		if (!current)
			return usage_error("help: no command '%s'", argv[2]);
		printf("usage: kshmctl %s\n\n%s", current->synopsis,
		       current->help);
		return 0;
	}
	current = find_command(name);
	if (!current)
		return usage_error("no command '%s'", name);
	/* getopt's own messages start "kshmctl COMMAND:". */
	argv[1] = (char *)"kshmctl";
	return current->run(argc - 1, argv + 1);
}
