// SPDX-License-Identifier: GPL-2.0
/*
 * The interleavings backing "huge" must survive where the kernel maps
 * 2 MiB entries (6.12 and later), forced rather than hoped for. Two
 * threads take first touches of one fresh block: thread A through the
 * 2 MiB path (.huge_fault), thread B through the 4 KiB path (.fault),
 * because B disabled THP for the process (prctl PR_SET_THP_DISABLE)
 * after A's fault checked it. Both faults run under the per-VMA lock
 * only, so each can find the PMD changed by the other
 * (kshm_mmap.c):
 *
 * - B finds the block mapped by A's PMD: there is no page table for its
 *   4 KiB entries (vm_insert_pages() says -EFAULT). The access must be
 *   retried, not killed with SIGBUS. Forced by the block's allocation:
 *   A zeroes 2 MiB before it maps it, B starts later and zeroes its own
 *   copy (the one that loses the backing's cmpxchg is freed), so A's PMD
 *   is there first. Fails (SIGBUS) if kshm_vm_block_fault() does not
 *   check for the PMD.
 * - A finds a page table put there by B: vmf_insert_pfn_pmd() must leave
 *   it alone (asked with "write", it WARNs) and the fault must not count
 *   a PMD. Forced by preempting A in its allocation: a SCHED_FIFO thread
 *   on A's CPU, woken by B once A is inside its fault, spins until B has
 *   mapped the block; the kernel is switched to full preemption
 *   (debugfs sched/preempt) for the test, so the wake-up preempts A
 *   wherever it is. Fails (WARNING in dmesg, huge_maps) if
 *   kshm_vm_huge_fault() inserts with "write" or counts without looking.
 *
 * Which interleaving each round took is read from the kshm_fault_raced
 * event (pmd=1 at A's page: A found B's page table; pmd=0 at B's page: B
 * found A's 2 MiB entry), in a tracefs instance of the test's own, and
 * each test requires its own to have happened.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "driver-test.h"
#include "kshm-skip.h"

#define RACE_NAME	"race-huge"
#define RACE_NODE	"/dev/kshm-" RACE_NAME
#define ROUNDS		16
#define LEN		((size_t)ROUNDS * KT_HUGE)
#define TRACING		"/sys/kernel/tracing"
#define INSTANCE	TRACING "/instances/kshm-huge-races"
#define EVENT		INSTANCE "/events/kshm/kshm_fault_raced/enable"
#define PREEMPT		"/sys/kernel/debug/sched/preempt"
/* Longest wait for the other thread before the test gives up. */
#define WAIT_S		10

/* Thread B's page of each block, well away from A's (page 0). */
#define B_PAGE		300

struct race {
	volatile char *p;
	atomic_uint a_started;	/* round + 1: A is about to touch */
	atomic_uint b_done;	/* round + 1: B's touch returned */
	bool stall;		/* wake the staller to preempt A */
	int stall_pipe[2];
	atomic_bool stalling;
	atomic_bool quit;
};

/* The preemption mode before the tests, restored by the parent. */
static char preempt_was[32];

static bool write_file(const char *path, const char *s)
{
	int f = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (f < 0)
		return false;
	n = write(f, s, strlen(s));
	close(f);
	return n == (ssize_t)strlen(s);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Spins until *@v == @want; false after WAIT_S seconds. */
static bool wait_for(atomic_uint *v, unsigned int want)
{
	double end = now_s() + WAIT_S;

	while (atomic_load(v) != want)
		if (now_s() > end)
			return false;
	return true;
}

/* kshm_fault_raced in an instance of its own: no global trace state. */
static bool trace_start(void)
{
	if (access(TRACING "/instances", F_OK))
		(void)mount("tracefs", TRACING, "tracefs", 0, NULL);
	if (mkdir(INSTANCE, 0755) && errno != EEXIST)
		return false;
	return write_file(EVENT, "0") && write_file(INSTANCE "/trace", "") &&
	       write_file(EVENT, "1");
}

/*
 * Counts the events of the test's region: A's page on the 2 MiB path
 * (pmd=1) and B's on the 4 KiB path (pmd=0); any other is a failure.
 */
static void trace_count(unsigned int *pmd, unsigned int *pte)
{
	FILE *f = fopen(INSTANCE "/trace", "r");
	unsigned long pgoff;
	char line[512], *ev;
	int huge;

	*pmd = 0;
	*pte = 0;
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		ev = strstr(line, "kshm_fault_raced: kshm-" RACE_NAME " ");
		if (!ev)
			continue;
		ck_assert_msg(sscanf(ev, "kshm_fault_raced: kshm-" RACE_NAME
				     " pgoff=%lu pmd=%d", &pgoff, &huge) == 2,
			      "%s", line);
		if (huge && pgoff % (KT_HUGE / kt_page) == 0)
			(*pmd)++;
		else if (!huge && pgoff % (KT_HUGE / kt_page) == B_PAGE)
			(*pte)++;
		else
			ck_abort_msg("not a race of this test: %s", line);
	}
	fclose(f);
}

/* After each test, in its process. */
static void race_teardown(void)
{
	write_file(EVENT, "0");
	(void)kt_destroy(RACE_NAME);
}

/* In the parent, once: also what a test that died half-way left behind. */
static void race_restore(void)
{
	write_file(EVENT, "0");
	(void)rmdir(INSTANCE);
	if (preempt_was[0])
		write_file(PREEMPT, preempt_was);
	(void)kt_destroy(RACE_NAME);
}

/* In the parent, once: the preemption mode, to restore. */
static void race_save(void)
{
	char *mode, *end;
	FILE *f;

	if (access(PREEMPT, F_OK))
		(void)mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	preempt_was[0] = 0;
	f = fopen(PREEMPT, "r");
	if (!f)
		return;	/* Not PREEMPT_DYNAMIC: the build's model holds. */
	/* "none voluntary (full) lazy": keep the one in parentheses. */
	if (fgets(preempt_was, sizeof(preempt_was), f)) {
		mode = strchr(preempt_was, '(');
		end = mode ? strchr(mode, ')') : NULL;
		if (end) {
			*end = 0;
			memmove(preempt_was, mode + 1, end - mode);
		} else {
			preempt_was[0] = 0;
		}
	}
	fclose(f);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	ck_assert_int_eq(pthread_setaffinity_np(pthread_self(), sizeof(set),
						&set), 0);
}

static void spin_us(long us)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000L +
	       (b.tv_nsec - a.tv_nsec) / 1000 < us);
}

/*
 * The staller: SCHED_FIFO on A's CPU, asleep in read() until B writes;
 * then it holds the CPU until B's touch of the round is done.
 */
static void *staller(void *arg)
{
	struct sched_param sp = { .sched_priority = 10 };
	struct race *s = arg;
	struct timespec t0, t;
	char c;

	pin(0);
	if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp))
		atomic_store(&s->quit, true);
	atomic_store(&s->stalling, false);
	while (read(s->stall_pipe[0], &c, 1) == 1 && !atomic_load(&s->quit)) {
		unsigned int round = (unsigned char)c;

		atomic_store(&s->stalling, true);
		/*
		 * B's fault allocates and zeroes a block: milliseconds. Never
		 * more than 2 s: if A held something B needs, B could not
		 * finish while A is kept off the CPU (a round lost, no hang).
		 */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		do
			clock_gettime(CLOCK_MONOTONIC, &t);
		while (atomic_load(&s->b_done) != round + 1 &&
		       t.tv_sec - t0.tv_sec < 2);
		atomic_store(&s->stalling, false);
	}
	return NULL;
}

/* Thread B: after A's fault has begun, THP off, then its own touch. */
static void *toucher(void *arg)
{
	struct race *s = arg;
	char c;

	pin(1);
	for (unsigned int r = 0; r < ROUNDS; r++) {
		double end;

		if (!wait_for(&s->a_started, r + 1))
			break;
		/* Past A's THP check, well inside its 2 MiB allocation. */
		spin_us(50);
		if (s->stall) {
			c = (char)r;
			if (atomic_load(&s->quit) ||
			    write(s->stall_pipe[1], &c, 1) != 1)
				break;
			end = now_s() + WAIT_S;
			while (!atomic_load(&s->stalling) && now_s() < end)
				;
		}
		if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
			break;
		s->p[(r * KT_HUGE) + B_PAGE * kt_page] = 'b';
		atomic_store(&s->b_done, r + 1);
	}
	return NULL;
}

/*
 * A fresh region of ROUNDS blocks mapped at @s->p, 2 MiB aligned.
 * Returns NULL, or why the test cannot run here (nothing asserted yet).
 */
static const char *race_map(struct race *s, int *fd)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return "needs two CPUs";
	ck_assert_int_eq(kt_create(RACE_NAME, LEN, LEN, KSHM_BACKING_HUGE), 0);
	*fd = kt_open(RACE_NODE, O_RDWR);
	/* Every block is a first touch: no prefault, whatever the group. */
	ck_assert_int_eq(kt_set_fault_policy(*fd, 0, 0), 0);
	s->p = kt_map(*fd, LEN, PROT_READ | PROT_WRITE, 0);
	if (kt_pmds_offered((void *)s->p, LEN) != 1)
		return "this kernel maps no 2 MiB entry for a driver";
	if (!trace_start())
		return "no tracefs with kshm's events";
	ck_assert_uint_eq((uintptr_t)s->p % KT_HUGE, 0);
	return NULL;
}

/*
 * Full preemption for the test, where the kernel can switch at run time
 * (race_save() found the mode): the staller's wake-up then preempts A
 * wherever it is, not at its next cond_resched().
 */
static void preempt_full(void)
{
	if (preempt_was[0])
		ck_assert(write_file(PREEMPT, "full"));
}

/*
 * Runs the rounds on a region race_map() made: A (this thread) on CPU 0,
 * B on CPU 1, and with @s->stall the staller on CPU 0. Gives the trace
 * counts through @pmd and @pte, and the region's counters around it.
 */
static void race_rounds(struct race *s, int fd, unsigned int *pmd,
			unsigned int *pte, struct kshm_info *before,
			struct kshm_info *after)
{
	pthread_t b, st;

	if (s->stall) {
		preempt_full();
		ck_assert_int_eq(pipe(s->stall_pipe), 0);
		ck_assert_int_eq(pthread_create(&st, NULL, staller, s), 0);
	}
	ck_assert_int_eq(pthread_create(&b, NULL, toucher, s), 0);
	pin(0);
	*before = kt_info(fd);
	for (unsigned int r = 0; r < ROUNDS; r++) {
		ck_assert_int_eq(prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0), 0);
		atomic_store(&s->a_started, r + 1);
		s->p[r * KT_HUGE] = 'a';
		ck_assert_msg(wait_for(&s->b_done, r + 1),
			      "round %u: thread B did not finish its touch", r);
	}
	ck_assert_int_eq(pthread_join(b, NULL), 0);
	*after = kt_info(fd);
	if (s->stall) {
		ck_assert_msg(!atomic_load(&s->quit), "no SCHED_FIFO for the staller");
		atomic_store(&s->quit, true);
		ck_assert_int_eq(write(s->stall_pipe[1], "", 1), 1);
		ck_assert_int_eq(pthread_join(st, NULL), 0);
	}
	ck_assert_int_eq(prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0), 0);
	trace_count(pmd, pte);

	/* Both writes of every round, through the mapping and the copy path. */
	for (unsigned int r = 0; r < ROUNDS; r++) {
		char c[2];

		ck_assert_int_eq(s->p[r * KT_HUGE], 'a');
		ck_assert_int_eq(s->p[r * KT_HUGE + B_PAGE * kt_page], 'b');
		ck_assert_int_eq(pread(fd, &c[0], 1, (off_t)r * KT_HUGE), 1);
		ck_assert_int_eq(pread(fd, &c[1], 1,
				       (off_t)r * KT_HUGE + B_PAGE * kt_page), 1);
		ck_assert(c[0] == 'a' && c[1] == 'b');
	}
	/* Each block allocated once: the loser of each race was freed. */
	ck_assert_uint_eq(after->resident_pages, LEN / kt_page);
	ck_assert_int_eq(munmap((void *)s->p, LEN), 0);
	close(fd);
	printf("huge_races: %s: %u rounds, %u 2 MiB faults found a page table, %u 4 KiB faults found a PMD, %llu PMDs, %llu fallbacks\n",
	       s->stall ? "A preempted" : "A first", ROUNDS, *pmd, *pte,
	       (unsigned long long)(after->huge_maps - before->huge_maps),
	       (unsigned long long)(after->huge_fallbacks -
				    before->huge_fallbacks));
	fflush(stdout);
}

/* What a run of the rounds saw: trace counts, counters around it. */
struct race_result {
	unsigned int pmd, pte;
	struct kshm_info before, after;
};

/*
 * Maps a fresh region and runs the rounds, with or without the staller.
 * False if the test cannot run here: the skip line is printed (as
 * KSHM_SKIP() would), and the caller returns.
 */
static bool race_run(bool stall, struct race_result *res)
{
	struct race s = { .stall = stall };
	const char *why;
	int fd;

	why = race_map(&s, &fd);
	if (why) {
		kshm_skip_print(tcase_name(), "%s", why);
		return false;
	}
	race_rounds(&s, fd, &res->pmd, &res->pte, &res->before, &res->after);
	return true;
}

START_TEST(a_4k_fault_that_finds_the_block_mapped_by_a_2m_fault_retries)
{
	struct race_result res;

	if (!race_run(false, &res))
		return;
	ck_assert_msg(res.pte > 0, "no round had B's 4 KiB fault find A's PMD");
	/* A PMD, counted, for every round where B found one. */
	ck_assert_uint_ge(res.after.huge_maps - res.before.huge_maps, res.pte);
}
END_TEST

START_TEST(a_2m_fault_that_finds_a_page_table_leaves_it_and_counts_no_pmd)
{
	struct race_result res;

	if (!race_run(true, &res))
		return;
	ck_assert_msg(res.pmd > 0,
		      "no round had A's 2 MiB fault find B's page table");
	/* A round that lost its PMD counts none: the others may have one. */
	ck_assert_uint_le(res.after.huge_maps - res.before.huge_maps,
			  ROUNDS - res.pmd);
	/* B's fault mapped the block with 4 KiB entries in those rounds. */
	ck_assert_uint_ge(res.after.huge_fallbacks - res.before.huge_fallbacks,
			  res.pmd);
}
END_TEST

Suite *huge_races_suite(void)
{
	Suite *s = suite_create("huge_races");
	TCase *tc = kt_tcase("races");

	tcase_add_unchecked_fixture(tc, race_save, race_restore);
	tcase_add_checked_fixture(tc, NULL, race_teardown);
	tcase_add_test(tc, a_4k_fault_that_finds_the_block_mapped_by_a_2m_fault_retries);
	tcase_add_test(tc, a_2m_fault_that_finds_a_page_table_leaves_it_and_counts_no_pmd);
	suite_add_tcase(s, tc);
	return s;
}
