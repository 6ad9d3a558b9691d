// SPDX-License-Identifier: MIT
/*
 * ring-capture: print the ICMP packets this host receives, live, from
 * the kernel->user ring that kshm_icmp.ko fills from a netfilter hook.
 * Each packet is one record (struct kshm_icmp_rec, kernel/kshm_icmp.h),
 * read where the kernel wrote it: no copy and, while records keep
 * coming, no system call per record.
 *
 * Waits with kshm_ring_wait(), takes every record ready with
 * kshm_ring_peek(), prints them, and hands their room back with one
 * kshm_ring_release() per batch. Stops after -c records, after -t
 * seconds, or at Ctrl-C, and says how many records the kernel dropped
 * meanwhile because the ring was full.
 *
 * Build: cc -Ikernel -o ring-capture ring-capture.c $(pkg-config --cflags --libs libkshm)
 * Run:   sudo insmod kshm_icmp.ko; sudo ./ring-capture -c 10 & ping -c 5 127.0.0.1
 * Exits 0, 1 on an error, 77 when /dev/kshm-icmp does not exist (the
 * module is not loaded).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kshm.h>

#include "kshm_icmp.h"

#define NODE "/dev/kshm-" KSHM_ICMP_REGION

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static const char *icmp_type(uint8_t type, char *buf, size_t len)
{
	switch (type) {
	case 0:  return "echo-reply";
	case 3:  return "dest-unreach";
	case 5:  return "redirect";
	case 8:  return "echo-request";
	case 11: return "time-exceeded";
	case 12: return "param-problem";
	case 13: return "timestamp";
	case 14: return "timestamp-reply";
	}
	snprintf(buf, len, "type-%u", type);
	return buf;
}

/* One line per packet, its time relative to @start. */
static void print_rec(const struct kshm_icmp_rec *rec, uint64_t start)
{
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN], ifname[IF_NAMESIZE];
	char tbuf[16], echo[32] = "";
	int64_t rel = (int64_t)(rec->tstamp_ns - start);

	inet_ntop(AF_INET, &rec->saddr, src, sizeof(src));
	inet_ntop(AF_INET, &rec->daddr, dst, sizeof(dst));
	if (!if_indextoname(rec->ifindex, ifname))
		snprintf(ifname, sizeof(ifname), "if%u", rec->ifindex);
	if (rec->flags & KSHM_ICMP_ECHO)
		snprintf(echo, sizeof(echo), " id=%u seq=%u", rec->id, rec->seq);
	printf("%s%" PRId64 ".%06" PRId64 " %-6s %-15s > %-15s %-15s code=%u len=%u ttl=%u%s\n",
	       rel < 0 ? "-" : "", (rel < 0 ? -rel : rel) / 1000000000,
	       (rel < 0 ? -rel : rel) % 1000000000 / 1000, ifname, src, dst,
	       icmp_type(rec->type, tbuf, sizeof(tbuf)), rec->code,
	       rec->icmp_len, rec->ttl, echo);
}

static void usage(void)
{
	fprintf(stderr, "usage: ring-capture [-c COUNT] [-t SECONDS]\n"
		"  -c COUNT    stop after COUNT packets (default: no limit)\n"
		"  -t SECONDS  stop after SECONDS (default: Ctrl-C)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long count = 0, seconds = 0, seen = 0, bad = 0;
	uint64_t start, deadline = 0, dropped0;
	struct kshm_ring *ring;
	struct kshm *k;
	int opt, ret = 0;

	while ((opt = getopt(argc, argv, "c:t:h")) != -1) {
		switch (opt) {
		case 'c': count = strtoul(optarg, NULL, 0); break;
		case 't': seconds = strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();

	k = kshm_open(NODE, O_RDWR);
	if (!k) {
		fprintf(stderr, "ring-capture: %s: %s\n", NODE, strerror(errno));
		if (errno == ENOENT) {
			fprintf(stderr, "ring-capture: load kshm_icmp.ko first\n");
			return 77;
		}
		return 1;
	}
	ring = kshm_ring_map(k);
	/* The ring keeps its own reference: the handle is done. */
	kshm_close(k);
	if (!ring) {
		fprintf(stderr, "ring-capture: kshm_ring_map: %s\n", strerror(errno));
		return 1;
	}
	/* No SA_RESTART: Ctrl-C interrupts the wait. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	start = now_ns();
	if (seconds)
		deadline = start + seconds * 1000000000ULL;
	dropped0 = kshm_ring_dropped(ring);
	printf("ring-capture: %s, a ring of %" PRIu64 " bytes; seconds since start:\n",
	       NODE, kshm_ring_size(ring));
	fflush(stdout);

	while (!stop && (!count || seen < count)) {
		int timeout = -1;
		void *data;
		uint32_t len;

		if (deadline) {
			uint64_t now = now_ns();

			if (now >= deadline)
				break;
			timeout = (int)((deadline - now + 999999) / 1000000);
		}
		ret = kshm_ring_wait(ring, timeout);
		if (ret == -EINTR || ret == 0) {
			ret = 0;
			continue;
		}
		if (ret < 0) {
			fprintf(stderr, "ring-capture: kshm_ring_wait: %s\n", strerror(-ret));
			break;
		}
		/* Every record ready, then one release for the batch. */
		while ((!count || seen < count) &&
		       !(ret = kshm_ring_peek(ring, &data, &len))) {
			if (len < sizeof(struct kshm_icmp_rec)) {
				bad++;
				continue;
			}
			print_rec(data, start);
			seen++;
		}
		kshm_ring_release(ring);
		fflush(stdout);
		if (ret == -EAGAIN)
			ret = 0;
		if (ret < 0) {
			fprintf(stderr, "ring-capture: kshm_ring_peek: %s\n", strerror(-ret));
			break;
		}
	}
	printf("ring-capture: %lu packets, %lu short records, %" PRIu64 " dropped by the kernel for want of room\n",
	       seen, bad, kshm_ring_dropped(ring) - dropped0);
	kshm_ring_unmap(ring);
	return ret < 0 || bad ? 1 : 0;
}
