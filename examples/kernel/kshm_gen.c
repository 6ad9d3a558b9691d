// SPDX-License-Identifier: GPL-2.0
/*
 * kshm_gen: a kernel thread that produces numbered records into the
 * kernel->user ring of /dev/kshm-gen, for the ring tests and for the
 * benchmark (tools/ring-bench.c). The records are those of kshm_gen.h.
 *
 * Driven through its parameters, under /sys/module/kshm_gen/parameters/:
 *
 *   run (write)  "N S [drop|wait]": produce records 0..N-1 of S bytes
 *		  each. drop (the default): a record the ring has no room
 *		  for is dropped, counted, and the thread goes on with the
 *		  next number. wait: the thread retries the same record
 *		  until there is room (spinning, then sleeping 20-50 us
 *		  between attempts) and gives up after wait_ms without
 *		  room; nothing is lost, but the driver still counts every
 *		  refused attempt in the ring's dropped counter. "stop" ends
 *		  a run. EBUSY while a run is going on.
 *   status (read) "idle", or "running" or "done" followed by count=N
 *		  size=S mode=drop|wait produced= dropped= full= ns= err=:
 *		  records committed, records dropped (drop mode), refused
 *		  attempts retried (wait mode), the run's duration and its
 *		  error (0, -EIO for a broken ring, -ETIMEDOUT, -EINTR).
 *
 * The end of a run is also logged (pr_info). cpu= binds the thread of
 * the runs that follow to one CPU (kshm_bench.h). Example:
 *	echo "1000 64" >/sys/module/kshm_gen/parameters/run
 *	cat /sys/module/kshm_gen/parameters/status
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kshm.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/timekeeping.h>

#include "kshm_client.h"
#include "kshm_bench.h"
#include "kshm_gen.h"

static char *backing = "pages";
module_param(backing, charp, 0444);
MODULE_PARM_DESC(backing, "backing of the region: pages (default) or vmalloc");

static ulong ring_size = SZ_1M;
module_param(ring_size, ulong, 0444);
MODULE_PARM_DESC(ring_size, "ring data bytes, a power of two (default 1 MiB)");

static uint wait_ms = 5000;
module_param(wait_ms, uint, 0644);
MODULE_PARM_DESC(wait_ms, "wait mode: give up after this long without room (default 5000)");

static int cpu = -1;
module_param(cpu, int, 0644);
MODULE_PARM_DESC(cpu, "run the thread on this CPU (default -1: anywhere)");

enum kshm_gen_state { KSHM_GEN_IDLE, KSHM_GEN_RUNNING, KSHM_GEN_DONE };

/* One run: set before its thread starts, then written by the thread only. */
struct kshm_gen_run {
	u64 count;
	u32 size;
	bool wait;
	u64 produced;
	u64 dropped;
	u64 full;
	u64 ns;
	int err;
	int state;
};

static struct kshm_region *kshm_gen_region;
static struct kshm_ring *kshm_gen_ring;		/* NULL: not loaded (yet) */
static struct task_struct *kshm_gen_task;	/* the last run's thread */
static struct kshm_gen_run kshm_gen_last;
static DEFINE_MUTEX(kshm_gen_lock);		/* the three above */

/*
 * Reserve the next record. NULL with *err == 0: dropped for want of room
 * (drop mode); NULL with *err < 0: the run must end.
 */
static void *kshm_gen_reserve(int *err)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(READ_ONCE(wait_ms));
	unsigned int tries = 0;
	void *rec;

	for (;;) {
		rec = kshm_ring_reserve(kshm_gen_ring, kshm_gen_last.size);
		*err = PTR_ERR_OR_ZERO(rec);
		if (!*err)
			return rec;
		if (*err != -ENOSPC)
			return NULL;
		if (!kshm_gen_last.wait) {
			*err = 0;
			return NULL;
		}
		WRITE_ONCE(kshm_gen_last.full, kshm_gen_last.full + 1);
		if (kthread_should_stop()) {
			*err = -EINTR;
			return NULL;
		}
		if (time_after(jiffies, deadline)) {
			*err = -ETIMEDOUT;
			return NULL;
		}
		if (++tries < 64)
			cpu_relax();
		else
			usleep_range(20, 50);
		cond_resched();
	}
}

static int kshm_gen_thread(void *unused)
{
	u64 start = ktime_get_ns();
	int err = 0;
	u64 seq;
	void *rec;

	for (seq = 0; seq < kshm_gen_last.count; seq++) {
		if (kthread_should_stop()) {
			err = -EINTR;
			break;
		}
		rec = kshm_gen_reserve(&err);
		if (!rec && err)
			break;
		if (!rec) {
			WRITE_ONCE(kshm_gen_last.dropped, kshm_gen_last.dropped + 1);
			continue;
		}
		kshm_gen_fill(rec, kshm_gen_last.size, seq);
		kshm_ring_commit(kshm_gen_ring, rec);
		WRITE_ONCE(kshm_gen_last.produced, kshm_gen_last.produced + 1);
		if ((seq & 1023) == 1023)
			cond_resched();
	}
	WRITE_ONCE(kshm_gen_last.ns, ktime_get_ns() - start);
	WRITE_ONCE(kshm_gen_last.err, err);
	/* Pairs with the acquire of status readers: the counters are final. */
	smp_store_release(&kshm_gen_last.state, KSHM_GEN_DONE);
	pr_info("kshm_gen: %llu of %llu records of %u bytes in %llu ns, %llu dropped, %llu retried, error %d\n",
		kshm_gen_last.produced, kshm_gen_last.count, kshm_gen_last.size, kshm_gen_last.ns,
		kshm_gen_last.dropped, kshm_gen_last.full, err);

	/* Stay until kthread_stop(), so that it never meets a freed task. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* With kshm_gen_lock held: end the last run's thread, if any. */
static void kshm_gen_reap(void)
{
	if (kshm_gen_task) {
		kthread_stop(kshm_gen_task);
		kshm_gen_task = NULL;
	}
}

static int kshm_gen_start(u64 count, u32 size, bool wait)
{
	struct task_struct *task;
	int err = 0;

	mutex_lock(&kshm_gen_lock);
	if (!kshm_gen_ring) {
		err = -ENODEV;
		goto out_unlock;
	}
	/* Pairs with the thread's release at the end of its run. */
	if (smp_load_acquire(&kshm_gen_last.state) == KSHM_GEN_RUNNING) {
		err = -EBUSY;
		goto out_unlock;
	}
	kshm_gen_reap();
	kshm_gen_last = (struct kshm_gen_run) {
		.count = count,
		.size = size,
		.wait = wait,
		.state = KSHM_GEN_RUNNING,
	};
	task = kshm_bench_thread(kshm_gen_thread, "kshm_gen", READ_ONCE(cpu));
	if (IS_ERR(task)) {
		kshm_gen_last.state = KSHM_GEN_IDLE;
		err = PTR_ERR(task);
		goto out_unlock;
	}
	kshm_gen_task = task;
out_unlock:
	mutex_unlock(&kshm_gen_lock);
	return err;
}

static int kshm_gen_run_set(const char *val, const struct kernel_param *kp)
{
	unsigned long long count;
	unsigned int size;
	char mode[8] = "drop";
	int n;

	if (sysfs_streq(val, "stop")) {
		mutex_lock(&kshm_gen_lock);
		kshm_gen_reap();
		mutex_unlock(&kshm_gen_lock);
		return 0;
	}
	n = sscanf(val, "%llu %u %7s", &count, &size, mode);
	if (n < 2 || !count || !size || size > ring_size - KSHM_REC_HDR_SIZE)
		return -EINVAL;
	if (strcmp(mode, "drop") && strcmp(mode, "wait"))
		return -EINVAL;
	return kshm_gen_start(count, size, !strcmp(mode, "wait"));
}

static int kshm_gen_status_get(char *buf, const struct kernel_param *kp)
{
	/* Pairs with the thread's release: once done, the counters are final. */
	int state = smp_load_acquire(&kshm_gen_last.state);

	if (state == KSHM_GEN_IDLE)
		return scnprintf(buf, PAGE_SIZE, "idle\n");
	return scnprintf(buf, PAGE_SIZE,
			 "%s count=%llu size=%u mode=%s produced=%llu dropped=%llu full=%llu ns=%llu err=%d\n",
			 state == KSHM_GEN_DONE ? "done" : "running",
			 kshm_gen_last.count, kshm_gen_last.size,
			 kshm_gen_last.wait ? "wait" : "drop",
			 READ_ONCE(kshm_gen_last.produced),
			 READ_ONCE(kshm_gen_last.dropped), READ_ONCE(kshm_gen_last.full),
			 READ_ONCE(kshm_gen_last.ns), READ_ONCE(kshm_gen_last.err));
}

static int kshm_gen_readonly_set(const char *val, const struct kernel_param *kp)
{
	return -EPERM;
}

static const struct kernel_param_ops kshm_gen_run_ops = {
	.set = kshm_gen_run_set,
};
module_param_cb(run, &kshm_gen_run_ops, NULL, 0200);
MODULE_PARM_DESC(run, "write \"N S [drop|wait]\" to produce N records of S bytes, or \"stop\"");

static const struct kernel_param_ops kshm_gen_status_ops = {
	.set = kshm_gen_readonly_set,
	.get = kshm_gen_status_get,
};
module_param_cb(status, &kshm_gen_status_ops, NULL, 0444);
MODULE_PARM_DESC(status, "the last run: idle, running or done, and its counters");

static int __init kshm_gen_init(void)
{
	struct kshm_ring *ring;

	ring = kshm_client_ring(KSHM_GEN_REGION, ring_size, backing,
				KSHM_RING_K2U, &kshm_gen_region);
	if (IS_ERR(ring)) {
		pr_err("kshm_gen: cannot make the ring of /dev/kshm-%s: %pe\n",
		       KSHM_GEN_REGION, ring);
		return PTR_ERR(ring);
	}
	mutex_lock(&kshm_gen_lock);
	kshm_gen_ring = ring;
	mutex_unlock(&kshm_gen_lock);
	return 0;
}

static void __exit kshm_gen_exit(void)
{
	mutex_lock(&kshm_gen_lock);
	kshm_gen_reap();
	kshm_gen_ring = NULL;	/* a late write to run gets ENODEV */
	mutex_unlock(&kshm_gen_lock);
	kshm_destroy(kshm_gen_region);
}

module_init(kshm_gen_init);
module_exit(kshm_gen_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kshm example: a kernel thread producing numbered records into a ring");
