// SPDX-License-Identifier: GPL-2.0
/*
 * kshm_fifobench: the benchmark's read() baseline, the classic character
 * device. A kernel thread fills a record kfifo with the records of
 * kshm_gen.h; each read() of /dev/kshm_fifobench returns one record.
 *
 *   write "N S"  start a run of records 0..N-1 of S bytes (1 to 65535,
 *		  at most fifo_size - 2); EBUSY while one is going on
 *   read         one record per call, copied with kfifo_to_user(); a
 *		  buffer shorter than the record gets its first bytes and
 *		  the rest is dropped, as for a datagram. Blocks while the
 *		  run is going on and the fifo is empty (EAGAIN with
 *		  O_NONBLOCK); 0 once the run is over and the fifo empty.
 *
 * The thread sleeps while the fifo has no room and the reader wakes it,
 * and the other way round, each side calling wake_up() only when the
 * other sleeps. One reader at a time (a mutex). cpu= binds the thread
 * to one CPU. Example:
 *	exec 3<>/dev/kshm_fifobench; echo "10 64" >&3; od -A d -t x8 <&3
 */
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kfifo.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "kshm_bench.h"
#include "kshm_gen.h"

#define KSHM_FIFOBENCH_MAX_SIZE	65535	/* a record kfifo's 2-byte length */

static ulong fifo_size = SZ_1M;
module_param(fifo_size, ulong, 0444);
MODULE_PARM_DESC(fifo_size, "fifo bytes, a power of two (default 1 MiB, as the ring)");

static int cpu = -1;
module_param(cpu, int, 0644);
MODULE_PARM_DESC(cpu, "run the thread on this CPU (default -1: anywhere)");

enum kshm_fifobench_state { KSHM_FIFOBENCH_IDLE, KSHM_FIFOBENCH_RUNNING };

static struct kfifo_rec_ptr_2 kshm_fifobench_fifo;
static void *kshm_fifobench_buf;		/* the fifo's memory */
static void *kshm_fifobench_rec;		/* the thread's record */
static u64 kshm_fifobench_count;
static u32 kshm_fifobench_size;
static int kshm_fifobench_state;
static struct task_struct *kshm_fifobench_task;	/* the last run's thread */
/* Held by the reader and by a starting run (which resets the fifo). */
static DEFINE_MUTEX(kshm_fifobench_lock);
static DECLARE_WAIT_QUEUE_HEAD(kshm_fifobench_data);	/* readers */
static DECLARE_WAIT_QUEUE_HEAD(kshm_fifobench_room);	/* the thread */

static bool kshm_fifobench_running(void)
{
	/* Pairs with the thread's release: once over, all is in the fifo. */
	return smp_load_acquire(&kshm_fifobench_state) == KSHM_FIFOBENCH_RUNNING;
}

static bool kshm_fifobench_has_room(void)
{
	return kfifo_avail(&kshm_fifobench_fifo) >= kshm_fifobench_size ||
	       kthread_should_stop();
}

static int kshm_fifobench_thread(void *unused)
{
	u64 seq;

	for (seq = 0; seq < kshm_fifobench_count; seq++) {
		kshm_gen_fill(kshm_fifobench_rec, kshm_fifobench_size, seq);
		wait_event_interruptible(kshm_fifobench_room,
					 kshm_fifobench_has_room());
		if (kthread_should_stop())
			break;
		kfifo_in(&kshm_fifobench_fifo, kshm_fifobench_rec,
			 kshm_fifobench_size);
		if (wq_has_sleeper(&kshm_fifobench_data))
			wake_up_interruptible(&kshm_fifobench_data);
	}
	/* Pairs with the readers' acquire: every record is in the fifo. */
	smp_store_release(&kshm_fifobench_state, KSHM_FIFOBENCH_IDLE);
	wake_up_interruptible(&kshm_fifobench_data);

	/* Stay until kthread_stop(), so that it never meets a freed task. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* With kshm_fifobench_lock held: end the last run's thread, if any. */
static void kshm_fifobench_reap(void)
{
	if (kshm_fifobench_task) {
		kthread_stop(kshm_fifobench_task);
		kshm_fifobench_task = NULL;
	}
}

static int kshm_fifobench_start(u64 count, u32 size)
{
	struct task_struct *task;
	int err = 0;

	if (mutex_lock_interruptible(&kshm_fifobench_lock))
		return -ERESTARTSYS;
	if (kshm_fifobench_running()) {
		err = -EBUSY;
		goto out_unlock;
	}
	kshm_fifobench_reap();
	kfifo_reset(&kshm_fifobench_fifo);
	kshm_fifobench_count = count;
	kshm_fifobench_size = size;
	kshm_fifobench_state = KSHM_FIFOBENCH_RUNNING;
	task = kshm_bench_thread(kshm_fifobench_thread, "kshm_fifobench",
				 READ_ONCE(cpu));
	if (IS_ERR(task)) {
		kshm_fifobench_state = KSHM_FIFOBENCH_IDLE;
		err = PTR_ERR(task);
		goto out_unlock;
	}
	kshm_fifobench_task = task;
out_unlock:
	mutex_unlock(&kshm_fifobench_lock);
	return err;
}

static ssize_t kshm_fifobench_write(struct file *file, const char __user *ubuf,
				    size_t len, loff_t *ppos)
{
	unsigned long long count;
	unsigned int size;
	char cmd[64];
	int err;

	if (len >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, len))
		return -EFAULT;
	cmd[len] = '\0';
	if (sscanf(cmd, "%llu %u", &count, &size) != 2 || !count || !size ||
	    size > KSHM_FIFOBENCH_MAX_SIZE || size > fifo_size - 2)
		return -EINVAL;
	err = kshm_fifobench_start(count, size);
	return err ? err : len;
}

static ssize_t kshm_fifobench_read(struct file *file, char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	unsigned int copied;
	bool over;
	int err;

	for (;;) {
		if (mutex_lock_interruptible(&kshm_fifobench_lock))
			return -ERESTARTSYS;
		/* Over before the fifo looked empty: nothing more comes. */
		over = !kshm_fifobench_running();
		if (!kfifo_is_empty(&kshm_fifobench_fifo))
			break;
		mutex_unlock(&kshm_fifobench_lock);
		if (over)
			return 0;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(kshm_fifobench_data,
					     !kfifo_is_empty(&kshm_fifobench_fifo) ||
					     !kshm_fifobench_running()))
			return -ERESTARTSYS;
	}
	err = kfifo_to_user(&kshm_fifobench_fifo, ubuf, len, &copied);
	mutex_unlock(&kshm_fifobench_lock);
	if (wq_has_sleeper(&kshm_fifobench_room))
		wake_up_interruptible(&kshm_fifobench_room);
	return err ? err : copied;
}

static const struct file_operations kshm_fifobench_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.read = kshm_fifobench_read,
	.write = kshm_fifobench_write,
};

static struct miscdevice kshm_fifobench_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kshm_fifobench",
	.fops = &kshm_fifobench_fops,
	.mode = 0600,
};

static int __init kshm_fifobench_init(void)
{
	int err;

	if (!is_power_of_2(fifo_size) || fifo_size < PAGE_SIZE ||
	    fifo_size > SZ_1G)
		return -EINVAL;
	kshm_fifobench_buf = vmalloc(fifo_size);
	kshm_fifobench_rec = kvmalloc(KSHM_FIFOBENCH_MAX_SIZE, GFP_KERNEL);
	if (!kshm_fifobench_buf || !kshm_fifobench_rec) {
		err = -ENOMEM;
		goto err_free;
	}
	err = kfifo_init(&kshm_fifobench_fifo, kshm_fifobench_buf, fifo_size);
	if (err)
		goto err_free;
	err = misc_register(&kshm_fifobench_dev);
	if (err)
		goto err_free;
	return 0;

err_free:
	kvfree(kshm_fifobench_rec);
	vfree(kshm_fifobench_buf);
	return err;
}

static void __exit kshm_fifobench_exit(void)
{
	/* No file is open (fops.owner), so nothing starts a run now. */
	misc_deregister(&kshm_fifobench_dev);
	mutex_lock(&kshm_fifobench_lock);
	kshm_fifobench_reap();
	mutex_unlock(&kshm_fifobench_lock);
	kvfree(kshm_fifobench_rec);
	vfree(kshm_fifobench_buf);
}

module_init(kshm_fifobench_init);
module_exit(kshm_fifobench_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kshm benchmark: the records of kshm_gen, one per read(), from a kfifo");
