// SPDX-License-Identifier: GPL-2.0
/*
 * kshm_echo: user space produces records into the user->kernel ring of
 * /dev/kshm-echo-in; a kernel consumer produces each one back, byte for
 * byte and in order, into the kernel->user ring of /dev/kshm-echo-out.
 *
 * Back-pressure: when echo-out has no room, the consumer returns -EAGAIN,
 * which leaves the record at the head of echo-in. A delayed work then
 * kicks echo-in (kshm_ring_kick()) retry_ms later, and again after each
 * refusal, until the user consumer of echo-out has freed room: no record
 * is lost, though the driver counts every refused attempt in echo-out's
 * dropped counter. A user consumer that has just freed room can also
 * retry at once with KSHM_IOC_RING_NOTIFY on echo-in.
 *
 * A record that echo-out can never hold (echo-in's ring larger than
 * echo-out's), and every record once echo-out is broken, is released
 * unechoed and counted as lost.
 *
 * /sys/module/kshm_echo/parameters/stats reads
 * "echoed=N bytes=B retries=R lost=L".
 */
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kshm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/workqueue.h>

#include "kshm_client.h"

static char *backing = "pages";
module_param(backing, charp, 0444);
MODULE_PARM_DESC(backing, "backing of both regions: pages (default) or vmalloc");

static ulong in_size = SZ_1M;
module_param(in_size, ulong, 0444);
MODULE_PARM_DESC(in_size, "echo-in's ring data bytes, a power of two (default 1 MiB)");

static ulong out_size = SZ_1M;
module_param(out_size, ulong, 0444);
MODULE_PARM_DESC(out_size, "echo-out's ring data bytes, a power of two (default 1 MiB)");

static uint retry_ms = 1;
module_param(retry_ms, uint, 0644);
MODULE_PARM_DESC(retry_ms, "retry a record echo-out had no room for after this long (default 1, at least a jiffy)");

static struct kshm_region *kshm_echo_in_region;
static struct kshm_region *kshm_echo_out_region;
static struct kshm_ring *kshm_echo_in;
static struct kshm_ring *kshm_echo_out;

/* Written by the consumer only, which the driver runs one call at a time. */
static u64 kshm_echo_echoed;
static u64 kshm_echo_bytes;
static u64 kshm_echo_retries;
static u64 kshm_echo_lost;

static void kshm_echo_retry_fn(struct work_struct *work)
{
	kshm_ring_kick(kshm_echo_in);
}

static DECLARE_DELAYED_WORK(kshm_echo_retry, kshm_echo_retry_fn);

static int kshm_echo_consume(void *ctx, const void *data, u32 len)
{
	int err = kshm_ring_output(kshm_echo_out, data, len);

	if (!err) {
		WRITE_ONCE(kshm_echo_echoed, kshm_echo_echoed + 1);
		WRITE_ONCE(kshm_echo_bytes, kshm_echo_bytes + len);
		return 0;
	}
	if (err == -ENOSPC) {
		WRITE_ONCE(kshm_echo_retries, kshm_echo_retries + 1);
		schedule_delayed_work(&kshm_echo_retry,
				      msecs_to_jiffies(READ_ONCE(retry_ms)) ?: 1);
		return -EAGAIN;
	}
	WRITE_ONCE(kshm_echo_lost, kshm_echo_lost + 1);
	pr_warn_ratelimited("kshm_echo: a record of %u bytes lost: %d\n",
			    len, err);
	return 0;
}

static int kshm_echo_stats_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE,
			 "echoed=%llu bytes=%llu retries=%llu lost=%llu\n",
			 READ_ONCE(kshm_echo_echoed),
			 READ_ONCE(kshm_echo_bytes),
			 READ_ONCE(kshm_echo_retries),
			 READ_ONCE(kshm_echo_lost));
}

static int kshm_echo_readonly_set(const char *val, const struct kernel_param *kp)
{
	return -EPERM;
}

static const struct kernel_param_ops kshm_echo_stats_ops = {
	.set = kshm_echo_readonly_set,
	.get = kshm_echo_stats_get,
};
module_param_cb(stats, &kshm_echo_stats_ops, NULL, 0444);
MODULE_PARM_DESC(stats, "records echoed, their bytes, refusals retried, records lost");

static int __init kshm_echo_init(void)
{
	struct kshm_ring *ring;
	int err;

	ring = kshm_client_ring("echo-out", out_size, backing, KSHM_RING_K2U,
				&kshm_echo_out_region);
	if (IS_ERR(ring)) {
		pr_err("kshm_echo: cannot make the ring of /dev/kshm-echo-out: %pe\n",
		       ring);
		return PTR_ERR(ring);
	}
	kshm_echo_out = ring;

	ring = kshm_client_ring("echo-in", in_size, backing, KSHM_RING_U2K,
				&kshm_echo_in_region);
	if (IS_ERR(ring)) {
		pr_err("kshm_echo: cannot make the ring of /dev/kshm-echo-in: %pe\n",
		       ring);
		err = PTR_ERR(ring);
		goto err_destroy_out;
	}
	kshm_echo_in = ring;

	err = kshm_ring_set_consumer(kshm_echo_in, kshm_echo_consume, NULL);
	if (err) {
		pr_err("kshm_echo: cannot consume echo-in: %d\n", err);
		goto err_destroy_in;
	}
	return 0;

err_destroy_in:
	kshm_destroy(kshm_echo_in_region);
err_destroy_out:
	kshm_destroy(kshm_echo_out_region);
	return err;
}

static void __exit kshm_echo_exit(void)
{
	/* No consumer call after this, so nothing schedules the retry. */
	kshm_ring_clear_consumer(kshm_echo_in);
	cancel_delayed_work_sync(&kshm_echo_retry);
	kshm_destroy(kshm_echo_in_region);
	kshm_destroy(kshm_echo_out_region);
}

module_init(kshm_echo_init);
module_exit(kshm_echo_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kshm example: echoes a user->kernel ring into a kernel->user ring");
