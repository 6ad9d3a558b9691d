// SPDX-License-Identifier: MIT
/*
 * fault-log: watch the region fault in page by page.
 *
 * Switches kshm's fault_log parameter on, turns the region's fault-around
 * off (a window of one page) so that each touch shows, maps the region,
 * touches pages 0, 3 and 7 (writing to 3 only), and prints the kernel log
 * lines the faults produced, read from /dev/kmsg:
 *
 *	kshm: kshm0: fault pgoff=3 write=1 pages=1 pid=123 comm=fault-log
 *
 * Pages that are never touched never fault. (By default a fault maps a
 * window of 16 pages, "pages=16"; a region of backing "huge" maps its
 * whole 2 MiB block, here the 8 pages mapped, with the first touch, so
 * there only page 0 faults.) Puts fault_log and the region's fault
 * policy back as they were; exits 1 if a line is missing or extra.
 *
 * Build: cc -o fault-log fault-log.c $(pkg-config --cflags --libs libkshm)
 * Run:   sudo ./fault-log [/dev/kshm0]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kshm.h>

#define FAULT_LOG "/sys/module/kshm/parameters/fault_log"

static const struct {
	unsigned long page;
	int write;
} touches[] = { { 0, 0 }, { 3, 1 }, { 7, 0 } };
#define NR_TOUCHES (sizeof(touches) / sizeof(touches[0]))

/* Write @val to fault_log and return what it held, or -errno. */
static int set_fault_log(int val)
{
	char old = '0', new = val ? '1' : '0';
	int fd = open(FAULT_LOG, O_RDWR | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	if (read(fd, &old, 1) != 1 || pwrite(fd, &new, 1, 0) != 1)
		ret = -errno;
	else
		ret = old == 'Y' || old == '1';
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/kshm0";
	long pg = sysconf(_SC_PAGESIZE);
	size_t len = 8 * pg, found = 0, others = 0, i;
	int seen[NR_TOUCHES] = { 0 };
	char prefix[KSHM_NAME_MAX + 32];
	volatile char *p = NULL;
	struct kshm_info info;
	struct kshm *k;
	int kmsg = -1, old, ret;
	size_t expect = NR_TOUCHES;
	char rec[1024];
	pid_t pid = getpid();
	ssize_t n;

	k = kshm_open(path, O_RDWR);
	if (!k) {
		fprintf(stderr, "kshm_open %s: %s\n", path, strerror(errno));
		return 1;
	}
	ret = kshm_info(k, &info);
	if (ret < 0) {
		fprintf(stderr, "kshm_info: %s\n", strerror(-ret));
		goto err_close;
	}
	/* This region's lines: "kshm: <node name>: fault ...". */
	if (!(info.mask & KSHM_INFO_NAME)) {
		fprintf(stderr, "%s: the driver does not report the node name\n",
			path);
		goto err_close;
	}
	snprintf(prefix, sizeof(prefix), "kshm: %s: fault pgoff=", info.name);
	if (info.size < len) {
		fprintf(stderr, "%s is %llu bytes; this needs 8 pages\n", path,
			(unsigned long long)info.size);
		goto err_close;
	}
	/* One page per fault, and no prefault, for the length of the demo. */
	ret = kshm_set_fault_policy(k, 1, 0);
	if (ret < 0) {
		fprintf(stderr, "kshm_set_fault_policy: %s\n", strerror(-ret));
		goto err_close;
	}
	/* A block backing maps its block, whatever the window. */
	if (info.backing == KSHM_BACKING_HUGE)
		expect = 1;
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg < 0 || lseek(kmsg, 0, SEEK_END) < 0) {
		fprintf(stderr, "/dev/kmsg: %s\n", strerror(errno));
		goto err_close;
	}
	old = set_fault_log(1);
	if (old < 0) {
		fprintf(stderr, "%s: %s\n", FAULT_LOG, strerror(-old));
		goto err_close;
	}

	p = kshm_map(k, 0, len, PROT_READ | PROT_WRITE);
	if (!p) {
		fprintf(stderr, "kshm_map: %s\n", strerror(errno));
	} else {
		for (i = 0; i < NR_TOUCHES; i++) {
			printf("touch page %lu (%s)\n", touches[i].page,
			       touches[i].write ? "write" : "read");
			if (touches[i].write)
				p[touches[i].page * pg] = 1;
			else
				(void)p[touches[i].page * pg];
		}
		kshm_unmap((void *)p, len);
	}
	set_fault_log(old);
	/* The region's own policy: 0 follows the module's fault_around. */
	kshm_set_fault_policy(k, 0, info.fault_flags);

	/* Records end in "pid=N comm=..."; keep this region's and ours. */
	printf("kernel log:\n");
	for (;;) {
		char want[64], *msg;

		n = read(kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* records overwritten: go on */
			continue;
		if (n <= 0)			/* EAGAIN: no more records */
			break;
		rec[n] = '\0';
		rec[strcspn(rec, "\n")] = '\0';	/* drop the KEY=value lines */
		msg = strchr(rec, ';');
		if (!msg || strncmp(msg + 1, prefix, strlen(prefix)))
			continue;
		snprintf(want, sizeof(want), " pid=%d ", pid);
		if (!strstr(msg, want))
			continue;
		printf("  %s\n", msg + 1);
		for (i = 0; i < NR_TOUCHES; i++) {
			snprintf(want, sizeof(want), "fault pgoff=%lu write=%d ",
				 touches[i].page, touches[i].write);
			if (strstr(msg, want))
				break;
		}
		if (i == NR_TOUCHES)
			others++;
		else if (!seen[i]++)
			found++;
	}
	close(kmsg);
	kshm_close(k);

	if (!p)
		return 1;
	for (i = 0; i < expect; i++)
		if (!seen[i])
			printf("MISSING: no fault line for page %lu\n",
			       touches[i].page);
	for (; i < NR_TOUCHES; i++)
		if (seen[i])
			printf("EXTRA: page %lu faulted, but its block was mapped whole\n",
			       touches[i].page);
	printf("%zu of %zu touched pages logged a fault; %zu faults elsewhere.\n",
	       found, NR_TOUCHES, others);
	if (found == expect && !others && expect == NR_TOUCHES)
		printf("Only the touched pages faulted: the others were never mapped in.\n");
	else if (found == expect && !others)
		printf("The first touch mapped the whole block: one fault.\n");
	return found == expect && !others ? 0 : 1;

err_close:
	if (kmsg >= 0)
		close(kmsg);
	kshm_close(k);
	return 1;
}
