// SPDX-License-Identifier: GPL-2.0
/*
 * kshm_nlbench: the benchmark's netlink baseline. A kernel thread sends
 * the records of kshm_gen.h, one netlink message each, with
 * netlink_unicast() to the process that asked for them; the protocol is
 * in kshm_nlbench.h. This is the plain netlink_kernel_create() path with
 * a protocol number of its own, the cheapest way a module reaches user
 * space over netlink (generic netlink adds a family header and a lookup
 * per message).
 *
 * One run at a time (a second request gets EBUSY), from a process with
 * CAP_NET_ADMIN. The thread fills each message in place, so the one copy
 * is the receiver's recv(). cpu= binds the thread to one CPU.
 */
#include <linux/capability.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "kshm_bench.h"
#include "kshm_gen.h"
#include "kshm_nlbench.h"

static int proto = KSHM_NLBENCH_PROTO;
module_param(proto, int, 0444);
MODULE_PARM_DESC(proto, "netlink protocol number (default 31, unused by the kernel)");

static int cpu = -1;
module_param(cpu, int, 0644);
MODULE_PARM_DESC(cpu, "run the thread on this CPU (default -1: anywhere)");

struct kshm_nlbench_run_state {
	u32 portid;
	u64 count;
	u32 size;
	bool running;
};

static struct sock *kshm_nlbench_sk;
static struct task_struct *kshm_nlbench_task;	/* the last run's thread */
static struct kshm_nlbench_run_state kshm_nlbench_run;
static bool kshm_nlbench_exiting;
static DEFINE_MUTEX(kshm_nlbench_lock);		/* the three above */

/*
 * Send one message of @len payload bytes: record @seq, or @payload when
 * given. While the receiver's queue stays full, netlink_unicast() waits
 * up to the socket's send timeout (100 ms) and this tries again.
 */
static int kshm_nlbench_send(u16 type, u32 len, u64 seq, const void *payload)
{
	struct nlmsghdr *nlh;
	struct sk_buff *skb;
	int ret;

	for (;;) {
		skb = nlmsg_new(len, GFP_KERNEL);
		if (!skb)
			return -ENOMEM;
		nlh = nlmsg_put(skb, 0, (u32)seq, type, len, 0);
		if (!nlh) {
			kfree_skb(skb);
			return -EMSGSIZE;
		}
		if (payload)
			memcpy(nlmsg_data(nlh), payload, len);
		else
			kshm_gen_fill(nlmsg_data(nlh), len, seq);
		ret = netlink_unicast(kshm_nlbench_sk, skb,
				      kshm_nlbench_run.portid, 0);
		if (ret >= 0)
			return 0;
		if (ret != -EAGAIN)
			return ret;
		if (kthread_should_stop())
			return -EINTR;
	}
}

static int kshm_nlbench_thread(void *unused)
{
	struct kshm_nlbench_done done = {};
	int err = 0;
	u64 seq;

	for (seq = 0; seq < kshm_nlbench_run.count; seq++) {
		if (kthread_should_stop()) {
			err = -EINTR;
			break;
		}
		err = kshm_nlbench_send(KSHM_NLBENCH_MSG_REC,
					kshm_nlbench_run.size, seq, NULL);
		if (err)
			break;
		if ((seq & 1023) == 1023)
			cond_resched();
	}
	done.sent = seq;
	done.error = err;
	if (err != -ECONNREFUSED && err != -EINTR)
		kshm_nlbench_send(NLMSG_DONE, sizeof(done), seq, &done);
	if (err)
		pr_info("kshm_nlbench: run ended after %llu records: %d\n",
			seq, err);
	/* Pairs with the acquire in kshm_nlbench_start(). */
	smp_store_release(&kshm_nlbench_run.running, false);

	/* Stay until kthread_stop(), so that it never meets a freed task. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* With kshm_nlbench_lock held: end the last run's thread, if any. */
static void kshm_nlbench_reap(void)
{
	if (kshm_nlbench_task) {
		kthread_stop(kshm_nlbench_task);
		kshm_nlbench_task = NULL;
	}
}

static int kshm_nlbench_start(u32 portid, u64 count, u32 size)
{
	struct task_struct *task;
	int err = 0;

	mutex_lock(&kshm_nlbench_lock);
	if (kshm_nlbench_exiting) {
		err = -ENODEV;
		goto out_unlock;
	}
	/* Pairs with the thread's release at the end of its run. */
	if (smp_load_acquire(&kshm_nlbench_run.running)) {
		err = -EBUSY;
		goto out_unlock;
	}
	kshm_nlbench_reap();
	kshm_nlbench_run = (struct kshm_nlbench_run_state) {
		.portid = portid,
		.count = count,
		.size = size,
		.running = true,
	};
	task = kshm_bench_thread(kshm_nlbench_thread, "kshm_nlbench",
				 READ_ONCE(cpu));
	if (IS_ERR(task)) {
		kshm_nlbench_run.running = false;
		err = PTR_ERR(task);
		goto out_unlock;
	}
	kshm_nlbench_task = task;
out_unlock:
	mutex_unlock(&kshm_nlbench_lock);
	return err;
}

static int kshm_nlbench_rcv_msg(struct sk_buff *skb, struct nlmsghdr *nlh,
				struct netlink_ext_ack *extack)
{
	const struct kshm_nlbench_run *req;

	if (nlh->nlmsg_type != KSHM_NLBENCH_MSG_RUN)
		return -EOPNOTSUPP;
	if (!netlink_capable(skb, CAP_NET_ADMIN))
		return -EPERM;
	if (nlmsg_len(nlh) < (int)sizeof(*req))
		return -EINVAL;
	req = nlmsg_data(nlh);
	if (!req->count || !req->size || req->size > KSHM_NLBENCH_MAX_SIZE ||
	    req->flags)
		return -EINVAL;
	return kshm_nlbench_start(NETLINK_CB(skb).portid, req->count,
				  req->size);
}

static void kshm_nlbench_input(struct sk_buff *skb)
{
	netlink_rcv_skb(skb, kshm_nlbench_rcv_msg);
}

static int __init kshm_nlbench_init(void)
{
	struct netlink_kernel_cfg cfg = {
		.input = kshm_nlbench_input,
	};

	if (proto < 0 || proto >= MAX_LINKS)
		return -EINVAL;
	kshm_nlbench_sk = netlink_kernel_create(&init_net, proto, &cfg);
	if (!kshm_nlbench_sk) {
		pr_err("kshm_nlbench: cannot create a netlink socket for protocol %d (in use?)\n",
		       proto);
		return -EEXIST;
	}
	kshm_nlbench_sk->sk_sndtimeo = msecs_to_jiffies(100);
	return 0;
}

static void __exit kshm_nlbench_exit(void)
{
	mutex_lock(&kshm_nlbench_lock);
	kshm_nlbench_exiting = true;
	kshm_nlbench_reap();
	mutex_unlock(&kshm_nlbench_lock);
	netlink_kernel_release(kshm_nlbench_sk);
}

module_init(kshm_nlbench_init);
module_exit(kshm_nlbench_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kshm benchmark: the records of kshm_gen over netlink_unicast()");
