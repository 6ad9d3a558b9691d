// SPDX-License-Identifier: GPL-2.0
/*
 * A ring: a protocol laid over a region (Documentation/ring.md), after
 * kernel/bpf/ringbuf.c. The region holds a control page and N data pages.
 * User space maps the control page at offset 0 and the data pages twice,
 * back to back, at offset PAGE_SIZE; the kernel maps them the same way
 * with one vmap(). So a record never wraps for either side.
 *
 * K2U: kernel producers (any context) reserve under a raw spinlock and
 * commit by clearing the record's busy bit; user space consumes and
 * publishes its position in the control page. U2K: user space produces;
 * a kernel consumer callback runs from a work item.
 *
 * Every position and header user space can write is read once, checked
 * against the kernel's own copy and the ring size, and a bad one marks
 * the ring broken: -EIO to kernel callers, EPOLLERR and EIO to user space.
 *
 * Wake-ups: a consumer about to sleep sets consumer_waiting, then checks
 * again; a producer, after committing, checks the flag. A full barrier on
 * each side makes sure one of them sees the other (the Dekker pattern), so
 * a busy consumer costs no system call and no wake-up at all.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/irq_work.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "kshm.h"
#include "kshm_trace.h"
#include "kshm_compat.h"

/**
 * struct kshm_ring - a ring's kernel state
 * @region: the region it is laid over, which owns it
 * @flags: KSHM_RING_K2U or KSHM_RING_U2K
 * @size: data bytes, a power of two
 * @nr_data: data pages
 * @pages: the control page and the data pages, a reference each
 * @ctrl: the control page, in the kernel mapping
 * @data: the data pages, mapped twice, back to back, after @ctrl
 * @lock: serialises kernel producers (K2U)
 * @prod: the producer position the kernel trusts: its own (K2U) or the
 *	last checked one (U2K)
 * @cons: the consumer position the kernel trusts: the last checked one
 *	(K2U) or its own (U2K)
 * @broken: a bad position or header was seen; nothing moves any more
 * @dropped: records refused for want of room (kernel producers)
 * @wakeups: sleepers woken
 * @wq: poll()ers
 * @wake_work: wakes @wq from any context
 * @consume_work: runs the kernel consumer (U2K)
 * @consumer_lock: guards @consume and @consume_ctx, held while they run
 * @consume: the kernel consumer (U2K), or NULL
 * @consume_ctx: its argument
 */
struct kshm_ring {
	struct kshm_region *region;
	u32 flags;
	u64 size;
	pgoff_t nr_data;
	struct page **pages;
	struct kshm_ring_ctrl *ctrl;
	void *data;
	raw_spinlock_t lock;
	u64 prod;
	u64 cons;
	bool broken;
	atomic64_t dropped;
	atomic64_t wakeups;
	wait_queue_head_t wq;
	struct irq_work wake_work;
	struct work_struct consume_work;
	struct mutex consumer_lock;	/* see @consumer_lock above */
	kshm_ring_consume_t consume;
	void *consume_ctx;
};

static u64 kshm_rec_total(u32 len)
{
	return round_up((u64)len + KSHM_REC_HDR_SIZE, KSHM_REC_ALIGN);
}

static struct kshm_rec_hdr *kshm_ring_hdr(struct kshm_ring *ring, u64 pos)
{
	return ring->data + (pos & (ring->size - 1));
}

/* Nothing moves after this; user space learns it from flags and poll. */
static void kshm_ring_break(struct kshm_ring *ring)
{
	if (READ_ONCE(ring->broken))
		return;
	WRITE_ONCE(ring->broken, true);
	WRITE_ONCE(ring->ctrl->flags, ring->flags | KSHM_RING_BROKEN);
	irq_work_queue(&ring->wake_work);
}

/* A position user space wrote, against the one the kernel trusts. */
static bool kshm_ring_pos_ok(struct kshm_ring *ring, u64 lo, u64 hi)
{
	return !(lo % KSHM_REC_ALIGN) && !(hi % KSHM_REC_ALIGN) && lo <= hi &&
	       hi - lo <= ring->size;
}

static void kshm_ring_wake(struct irq_work *work)
{
	struct kshm_ring *ring = container_of(work, struct kshm_ring,
					      wake_work);

	atomic64_inc(&ring->wakeups);
	wake_up_all(&ring->wq);
}

static void kshm_ring_consume_work(struct work_struct *work);

/*
 * U2K: the bytes a sleeping user producer waits for: producer_waiting
 * holds the size of the record it could not reserve (poll() makes 0 one
 * record's smallest size), so it is not woken for less room than that.
 */
static u64 kshm_ring_wanted(struct kshm_ring *ring)
{
	return clamp_t(u64, READ_ONCE(ring->ctrl->producer_waiting),
		       KSHM_REC_ALIGN, ring->size);
}

/* U2K, after the kernel consumer gave room back. */
static void kshm_ring_wake_producer(struct kshm_ring *ring)
{
	u64 room;

	if (!READ_ONCE(ring->ctrl->producer_waiting))
		return;
	room = ring->size - (READ_ONCE(ring->prod) - ring->cons);
	if (room < kshm_ring_wanted(ring))
		return;
	WRITE_ONCE(ring->ctrl->producer_waiting, 0);
	atomic64_inc(&ring->wakeups);
	wake_up_all(&ring->wq);
}

/**
 * kshm_ring_args_ok() - could a ring of this size and these flags exist?
 * @size: data bytes
 * @flags: KSHM_RING_K2U or KSHM_RING_U2K
 *
 * Return: true if kshm_ring_setup() would not refuse them with -EINVAL
 * for themselves (the region's max_size aside).
 */
bool kshm_ring_args_ok(u64 size, u32 flags)
{
	return (flags == KSHM_RING_K2U || flags == KSHM_RING_U2K) &&
	       size >= PAGE_SIZE && is_power_of_2(size) &&
	       size <= KSHM_MAX_SIZE_LIMIT;
}

/**
 * kshm_ring_setup() - lay a ring over a region
 * @r: the region: not mapped, by user space or the kernel, and no ring yet
 * @size: data bytes, a power of two, at least PAGE_SIZE; the region is
 *	resized to one control page plus @size bytes, within its max_size
 * @flags: KSHM_RING_K2U or KSHM_RING_U2K
 *
 * Every page is allocated and cleared now, so that a producer in atomic
 * context never allocates. The ring lives as long as the region. A set-up
 * that fails for want of memory puts the region's size back; when the
 * ring was smaller than the region, what lay past it is gone.
 *
 * Return: the ring; ERR_PTR(-EINVAL) for bad flags or size, or a region
 * of backing "huge"; -EBUSY while the region is mapped or holds a ring;
 * -ENOMEM.
 */
struct kshm_ring *kshm_ring_setup(struct kshm_region *r, u64 size, u32 flags)
{
	struct page **vpages = NULL;
	pgoff_t n, i, old_npages;
	struct kshm_ring *ring;
	void *vaddr;
	int ret;

	if (!kshm_ring_args_ok(size, flags))
		return ERR_PTR(-EINVAL);
	n = size >> PAGE_SHIFT;

	ring = kzalloc(sizeof(*ring), GFP_KERNEL_ACCOUNT);
	if (!ring)
		return ERR_PTR(-ENOMEM);
	ring->region = r;
	ring->flags = flags;
	ring->size = size;
	ring->nr_data = n;
	raw_spin_lock_init(&ring->lock);
	init_waitqueue_head(&ring->wq);
	init_irq_work(&ring->wake_work, kshm_ring_wake);
	INIT_WORK(&ring->consume_work, kshm_ring_consume_work);
	mutex_init(&ring->consumer_lock);

	down_write(&r->lock);
	/* A ring is 1 + n single pages: not a backing with bigger blocks. */
	ret = -EINVAL;
	if (n + 1 > r->max_pages || r->ops->order)
		goto err_unlock;
	ret = -EBUSY;
	if (r->ring || atomic_long_read(&r->mappings) || r->kmaps)
		goto err_unlock;
	/* Allocated before anything changes: its failure changes nothing. */
	ret = -ENOMEM;
	vpages = kvmalloc_array(1 + 2 * n, sizeof(*vpages),
				GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!vpages)
		goto err_unlock;
	old_npages = r->npages;
	if (old_npages != n + 1) {
		ret = r->ops->resize(r, n + 1);
		if (ret)
			goto err_free_vpages;
		WRITE_ONCE(r->npages, n + 1);
		r->generation++;
	}
	ring->pages = kshm_region_pin_pages(r, n + 1);
	if (IS_ERR(ring->pages)) {
		ret = PTR_ERR(ring->pages);
		goto err_restore_size;
	}
	vpages[0] = ring->pages[0];
	for (i = 0; i < n; i++) {
		vpages[1 + i] = ring->pages[1 + i];
		vpages[1 + n + i] = ring->pages[1 + i];
	}
	vaddr = vmap(vpages, 1 + 2 * n, VM_MAP, PAGE_KERNEL);
	kvfree(vpages);
	vpages = NULL;
	ret = -ENOMEM;
	if (!vaddr)
		goto err_unpin_pages;

	/* What the region held before is not a ring's business. */
	memset(vaddr, 0, PAGE_SIZE + size);
	ring->ctrl = vaddr;
	ring->data = vaddr + PAGE_SIZE;
	ring->ctrl->size = size;
	ring->ctrl->flags = flags;
	/*
	 * The pages may have moved (resize) and were cleared: a write()
	 * racing this copies again into the ring's pages. That is user
	 * space writing its own ring; the kernel checks all it reads there.
	 */
	r->generation++;
	/* Lockless readers (poll, sysfs, write) see a ring set up in full. */
	smp_store_release(&r->ring, ring);
	up_write(&r->lock);
	return ring;

err_unpin_pages:
	kshm_region_unpin_pages(ring->pages, n + 1);
err_restore_size:
	/*
	 * Best effort: a grown region gets its size back whole (the new
	 * pages were empty); a shrunk one has lost what lay past the ring.
	 */
	if (old_npages != n + 1 && !r->ops->resize(r, old_npages)) {
		WRITE_ONCE(r->npages, old_npages);
		r->generation++;
	}
err_free_vpages:
	kvfree(vpages);
err_unlock:
	up_write(&r->lock);
	kfree(ring);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(kshm_ring_setup);

/**
 * kshm_ring_is_k2u() - is this a ring the kernel produces into?
 * @ring: a ring, or NULL
 *
 * Return: true for a K2U ring, whose data user space may not write.
 */
bool kshm_ring_is_k2u(struct kshm_ring *ring)
{
	return ring && (ring->flags & KSHM_RING_K2U);
}

/**
 * kshm_ring_free() - free a ring, with its region
 * @ring: the ring; nothing uses it any more
 */
void kshm_ring_free(struct kshm_ring *ring)
{
	/* The consumer can break the ring, which queues the irq_work. */
	cancel_work_sync(&ring->consume_work);
	irq_work_sync(&ring->wake_work);
	vunmap(ring->ctrl);
	kshm_region_unpin_pages(ring->pages, 1 + ring->nr_data);
	kfree(ring);
}

/**
 * kshm_ring_reserve() - room for a record in a K2U ring
 * @ring: the ring
 * @len: payload bytes, at most the data size less KSHM_REC_HDR_SIZE
 *
 * Context: any, hardirq included; does not sleep.
 * Return: where to write the payload, to be committed or discarded;
 * ERR_PTR(-ENOSPC) when there is no room (counted as dropped),
 * ERR_PTR(-EINVAL) for a length that can never fit or a U2K ring,
 * ERR_PTR(-EIO) once the ring is broken.
 */
void *kshm_ring_reserve(struct kshm_ring *ring, u32 len)
{
	struct kshm_rec_hdr *hdr;
	u64 total = kshm_rec_total(len), cons;
	unsigned long irqflags;
	void *ret;

	if (!(ring->flags & KSHM_RING_K2U) || total > ring->size)
		return ERR_PTR(-EINVAL);

	raw_spin_lock_irqsave(&ring->lock, irqflags);
	if (ring->broken) {
		ret = ERR_PTR(-EIO);
		goto out_unlock;
	}
	/* Once, and checked: the consumer's page is user memory. */
	cons = smp_load_acquire(&ring->ctrl->consumer);
	if (!kshm_ring_pos_ok(ring, cons, ring->prod) || cons < ring->cons) {
		kshm_ring_break(ring);
		ret = ERR_PTR(-EIO);
		goto out_unlock;
	}
	WRITE_ONCE(ring->cons, cons);
	if (total > ring->size - (ring->prod - cons)) {
		WRITE_ONCE(ring->ctrl->dropped,
			   atomic64_inc_return(&ring->dropped));
		trace_kshm_ring_drop(ring->region, len,
				     READ_ONCE(ring->ctrl->dropped));
		ret = ERR_PTR(-ENOSPC);
		goto out_unlock;
	}
	hdr = kshm_ring_hdr(ring, ring->prod);
	WRITE_ONCE(hdr->len, len);
	WRITE_ONCE(hdr->flags, KSHM_REC_BUSY);
	/*
	 * The busy header is seen before the position that covers it, by
	 * poll() (ring->prod) and by the user consumer (ctrl->producer).
	 */
	smp_store_release(&ring->prod, ring->prod + total);
	/* The same, for the user consumer. */
	smp_store_release(&ring->ctrl->producer, ring->prod);
	ret = hdr + 1;
out_unlock:
	raw_spin_unlock_irqrestore(&ring->lock, irqflags);
	return ret;
}
EXPORT_SYMBOL_GPL(kshm_ring_reserve);

static void kshm_ring_submit(struct kshm_ring *ring, void *data, u32 flags)
{
	struct kshm_rec_hdr *hdr = data - KSHM_REC_HDR_SIZE;

	trace_kshm_ring_produce(ring->region, (void *)hdr - ring->data,
				hdr->len, flags & KSHM_REC_DISCARD);
	/* The payload is seen before the record is. */
	smp_store_release(&hdr->flags, flags);
	/* Pairs with the consumer's barrier between flag and re-check. */
	smp_mb();
	if (READ_ONCE(ring->ctrl->consumer_waiting)) {
		WRITE_ONCE(ring->ctrl->consumer_waiting, 0);
		irq_work_queue(&ring->wake_work);
	}
}

/**
 * kshm_ring_commit() - publish a reserved record
 * @ring: the ring
 * @data: what kshm_ring_reserve() returned
 *
 * Wakes the consumer only if it said it is about to sleep.
 *
 * Context: any, hardirq included.
 */
void kshm_ring_commit(struct kshm_ring *ring, void *data)
{
	kshm_ring_submit(ring, data, 0);
}
EXPORT_SYMBOL_GPL(kshm_ring_commit);

/**
 * kshm_ring_discard() - give back a reserved record; the consumer skips it
 * @ring: the ring
 * @data: what kshm_ring_reserve() returned
 *
 * Context: any, hardirq included.
 */
void kshm_ring_discard(struct kshm_ring *ring, void *data)
{
	kshm_ring_submit(ring, data, KSHM_REC_DISCARD);
}
EXPORT_SYMBOL_GPL(kshm_ring_discard);

/**
 * kshm_ring_output() - copy one record into a K2U ring
 * @ring: the ring
 * @data: the payload
 * @len: its bytes
 *
 * Context: any, hardirq included.
 * Return: 0, or the error kshm_ring_reserve() gave.
 */
int kshm_ring_output(struct kshm_ring *ring, const void *data, u32 len)
{
	void *rec = kshm_ring_reserve(ring, len);

	if (IS_ERR(rec))
		return PTR_ERR(rec);
	memcpy(rec, data, len);
	kshm_ring_commit(ring, rec);
	return 0;
}
EXPORT_SYMBOL_GPL(kshm_ring_output);

/*
 * U2K: the next committed record for the kernel consumer. Returns 1 with
 * *@hdr and *@len set, 0 when there is none yet, -EIO when user space
 * wrote nonsense.
 */
static int kshm_ring_next(struct kshm_ring *ring, struct kshm_rec_hdr **hdr,
			  u32 *len, u32 *flags)
{
	/* Pairs with the user producer's release of the position. */
	u64 prod = smp_load_acquire(&ring->ctrl->producer);

	if (!kshm_ring_pos_ok(ring, ring->cons, prod) || prod < ring->prod)
		return -EIO;
	WRITE_ONCE(ring->prod, prod);
	if (prod == ring->cons)
		return 0;
	*hdr = kshm_ring_hdr(ring, ring->cons);
	/* Pairs with the commit's release: the payload is there. */
	*flags = smp_load_acquire(&(*hdr)->flags);
	if (*flags & KSHM_REC_BUSY)
		return 0;
	/* Read once: the header stays user memory while we use it. */
	*len = READ_ONCE((*hdr)->len);
	if (kshm_rec_total(*len) > prod - ring->cons)
		return -EIO;
	return 1;
}

/*
 * Records one run of the consumer takes before it queues itself again, so
 * that a producer that never stops cannot hold a worker for good.
 */
#define KSHM_CONSUME_BATCH	256

/* U2K: consume until there is nothing, or the consumer says stop. */
static void kshm_ring_consume_work(struct work_struct *work)
{
	struct kshm_ring *ring = container_of(work, struct kshm_ring,
					      consume_work);
	unsigned int budget = KSHM_CONSUME_BATCH;
	struct kshm_rec_hdr *hdr;
	u32 len, flags;
	int ret;

	mutex_lock(&ring->consumer_lock);
	while (ring->consume && !ring->broken) {
		if (!budget--) {
			queue_work(system_unbound_wq, &ring->consume_work);
			break;
		}
		ret = kshm_ring_next(ring, &hdr, &len, &flags);
		if (!ret) {
			/* About to sleep: say so, then look once more. */
			WRITE_ONCE(ring->ctrl->consumer_waiting, 1);
			/* Flag, then look: pairs with the commit's barrier. */
			smp_mb();
			ret = kshm_ring_next(ring, &hdr, &len, &flags);
			if (!ret)
				break;
			WRITE_ONCE(ring->ctrl->consumer_waiting, 0);
		}
		if (ret < 0) {
			kshm_ring_break(ring);
			break;
		}
		if (!(flags & KSHM_REC_DISCARD) &&
		    ring->consume(ring->consume_ctx, hdr + 1, len) == -EAGAIN)
			break;
		trace_kshm_ring_consume(ring->region, (void *)hdr - ring->data,
					len, flags & KSHM_REC_DISCARD);
		/*
		 * The record is read before its room is given back, to
		 * poll() (ring->cons) and to the user producer (ctrl).
		 */
		smp_store_release(&ring->cons, ring->cons + kshm_rec_total(len));
		/* The same, for the user producer. */
		smp_store_release(&ring->ctrl->consumer, ring->cons);
		/* Pairs with the barrier in poll() after producer_waiting. */
		smp_mb();
		kshm_ring_wake_producer(ring);
		cond_resched();
	}
	mutex_unlock(&ring->consumer_lock);
}

/**
 * kshm_ring_set_consumer() - consume a U2K ring in the kernel
 * @ring: the ring
 * @fn: called per record, in order, from a work item
 * @ctx: its first argument
 *
 * Records already waiting are consumed at once; later ones when user
 * space notifies, which it does only once the consumer has said it is
 * about to sleep.
 *
 * Return: 0; -EINVAL for a K2U ring; -EBUSY if it has a consumer.
 */
int kshm_ring_set_consumer(struct kshm_ring *ring, kshm_ring_consume_t fn,
			   void *ctx)
{
	int ret = 0;

	if (!(ring->flags & KSHM_RING_U2K))
		return -EINVAL;
	mutex_lock(&ring->consumer_lock);
	if (ring->consume) {
		ret = -EBUSY;
	} else {
		ring->consume = fn;
		ring->consume_ctx = ctx;
	}
	mutex_unlock(&ring->consumer_lock);
	if (!ret)
		queue_work(system_unbound_wq, &ring->consume_work);
	return ret;
}
EXPORT_SYMBOL_GPL(kshm_ring_set_consumer);

/**
 * kshm_ring_clear_consumer() - stop consuming a U2K ring
 * @ring: the ring
 *
 * Returns once the consumer is not running and will not be called again.
 *
 * Context: process context; must not be called from the consumer.
 */
void kshm_ring_clear_consumer(struct kshm_ring *ring)
{
	mutex_lock(&ring->consumer_lock);
	ring->consume = NULL;
	ring->consume_ctx = NULL;
	mutex_unlock(&ring->consumer_lock);
	cancel_work_sync(&ring->consume_work);
}
EXPORT_SYMBOL_GPL(kshm_ring_clear_consumer);

/**
 * kshm_ring_kick() - run a U2K ring's consumer now
 * @ring: the ring
 *
 * For a consumer that stopped with -EAGAIN and can go on.
 *
 * Context: any.
 */
void kshm_ring_kick(struct kshm_ring *ring)
{
	if (ring->flags & KSHM_RING_U2K)
		queue_work(system_unbound_wq, &ring->consume_work);
}
EXPORT_SYMBOL_GPL(kshm_ring_kick);

/**
 * kshm_ring_notify() - a user producer wakes the kernel consumer
 * @ring: the ring
 *
 * Return: 0; -EIO once the ring is broken; -EINVAL for a K2U ring.
 */
int kshm_ring_notify(struct kshm_ring *ring)
{
	if (!(ring->flags & KSHM_RING_U2K))
		return -EINVAL;
	if (READ_ONCE(ring->broken))
		return -EIO;
	atomic64_inc(&ring->wakeups);
	queue_work(system_unbound_wq, &ring->consume_work);
	return 0;
}

/**
 * kshm_region_ring() - the ring laid over a region
 * @r: the region
 *
 * For a kernel client that attaches to a ring user space set up.
 *
 * Return: the ring, valid while the caller holds the region, or NULL.
 */
struct kshm_ring *kshm_region_ring(struct kshm_region *r)
{
	return READ_ONCE(r->ring);
}
EXPORT_SYMBOL_GPL(kshm_region_ring);

/*
 * K2U: is a committed record waiting at the consumer's position? Under
 * the producers' lock, so that the consumer position is checked against
 * a producer position and a last-seen one that do not move meanwhile.
 */
static bool kshm_ring_readable(struct kshm_ring *ring)
{
	unsigned long irqflags;
	u64 cons, prod;
	bool ok;

	raw_spin_lock_irqsave(&ring->lock, irqflags);
	/* Pairs with the consumer's release: it is done with what is before. */
	cons = smp_load_acquire(&ring->ctrl->consumer);
	prod = ring->prod;
	ok = kshm_ring_pos_ok(ring, cons, prod) && cons >= ring->cons;
	if (ok)
		WRITE_ONCE(ring->cons, cons);
	else
		kshm_ring_break(ring);
	raw_spin_unlock_irqrestore(&ring->lock, irqflags);
	if (!ok || cons == prod)
		return false;
	/* Pairs with the commit's release of the header flags. */
	return !(smp_load_acquire(&kshm_ring_hdr(ring, cons)->flags) &
		 KSHM_REC_BUSY);
}

/*
 * U2K: is there room for the record the user producer waits to make?
 * The kernel consumer's position first: it never passes a producer
 * position read after it. A position that makes no sense says "room":
 * the consumer, which runs alone, is the one to find it and break the
 * ring; poll() must not break one that a race only made look wrong.
 */
static bool kshm_ring_writable(struct kshm_ring *ring)
{
	/* Pairs with the consumer's release of its own position. */
	u64 cons = smp_load_acquire(&ring->cons);
	/* Pairs with the user producer's release of its position. */
	u64 prod = smp_load_acquire(&ring->ctrl->producer);

	if (!kshm_ring_pos_ok(ring, cons, prod))
		return true;
	return ring->size - (prod - cons) >= kshm_ring_wanted(ring);
}

/**
 * kshm_ring_poll() - poll() of a region that holds a ring
 * @ring: the ring
 * @file: the region's file
 * @wait: the poll table
 *
 * Says the caller is about to sleep (consumer_waiting for K2U,
 * producer_waiting for U2K) before it looks, so that the other side wakes
 * it; only the side that wakes clears the flag, so a poll that finds work
 * costs at most one spare wake-up later. A U2K producer may set
 * producer_waiting to the bytes of the record it wants to make before it
 * polls; it is then woken for that much room, not less.
 *
 * Return: EPOLLIN when a K2U record waits, EPOLLOUT when a U2K ring has
 * room, EPOLLERR once the ring is broken.
 */
__poll_t kshm_ring_poll(struct kshm_ring *ring, struct file *file,
			struct poll_table_struct *wait)
{
	bool k2u = ring->flags & KSHM_RING_K2U;
	u32 *waiting = k2u ? &ring->ctrl->consumer_waiting :
			     &ring->ctrl->producer_waiting;
	bool ready;

	poll_wait(file, &ring->wq, wait);
	if (READ_ONCE(ring->broken))
		return EPOLLERR;
	/*
	 * Always stored, never cleared here: another poller may be asleep
	 * on the same flag, and only the side that wakes may clear it. A
	 * U2K producer may have stored how much room it waits for.
	 */
	WRITE_ONCE(*waiting,
		   k2u ? 1 : max_t(u32, READ_ONCE(*waiting), KSHM_REC_ALIGN));
	/* Flag, then look: pairs with the other side's barrier. */
	smp_mb();
	ready = k2u ? kshm_ring_readable(ring) : kshm_ring_writable(ring);
	if (READ_ONCE(ring->broken))
		return EPOLLERR;
	if (!ready)
		return 0;
	return k2u ? EPOLLIN | EPOLLRDNORM : EPOLLOUT | EPOLLWRNORM;
}

static vm_fault_t kshm_ring_fault(struct vm_fault *vmf)
{
	struct kshm_region *r = vmf->vma->vm_private_data;
	struct kshm_ring *ring = r->ring;
	pgoff_t pgoff = vmf->pgoff;
	struct page *page;

	/* Page 0 is the control page; data page i is at 1 + i and 1 + N + i. */
	if (pgoff > 2 * ring->nr_data) {
		page = ERR_PTR(-ENXIO);
	} else {
		page = ring->pages[pgoff ? 1 + (pgoff - 1) % ring->nr_data : 0];
		get_page(page);
	}
	return kshm_fault_done(r, vmf, page, 1);
}

static const struct vm_operations_struct kshm_ring_vm_ops = {
	.open = kshm_vm_open,
	.close = kshm_vm_close,
	.fault = kshm_ring_fault,
};

/**
 * kshm_ring_mmap() - mmap() of a region that holds a ring
 * @r: the region
 * @vma: the new mapping, shared and not executable
 *
 * K2U data pages are the kernel's to write: a mapping that covers any of
 * them may not be writable, now (EPERM) or later (VM_MAYWRITE cleared).
 *
 * Return: 0; -EINVAL outside the control page and the two views of the
 * data; -EPERM for a writable K2U data mapping.
 */
int kshm_ring_mmap(struct kshm_region *r, struct vm_area_struct *vma)
{
	struct kshm_ring *ring = r->ring;
	vm_flags_t clear = VM_MAYEXEC;
	pgoff_t end;

	if (check_add_overflow(vma->vm_pgoff, vma_pages(vma), &end) ||
	    end > 1 + 2 * ring->nr_data)
		return -EINVAL;
	if ((ring->flags & KSHM_RING_K2U) && end > 1) {
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		clear |= VM_MAYWRITE;
	}
	atomic_long_inc(&r->mappings);
	kshm_vma_update_flags(vma, VM_DONTEXPAND | VM_DONTDUMP, clear);
	vma->vm_ops = &kshm_ring_vm_ops;
	vma->vm_private_data = r;
	return 0;
}

/* sysfs: the ring's counters, 0 while the region holds none. */
static struct kshm_ring *kshm_dev_ring(struct device *dev)
{
	return READ_ONCE(kshm_dev_region(dev)->ring);
}

#define KSHM_RING_ATTR(_name, _expr)					\
static ssize_t ring_##_name##_show(struct device *dev,			\
				   struct device_attribute *attr,	\
				   char *buf)				\
{									\
	struct kshm_ring *ring = kshm_dev_ring(dev);			\
									\
	return sysfs_emit(buf, "%llu\n",				\
			  ring ? (unsigned long long)(_expr) : 0ULL);	\
}									\
static DEVICE_ATTR_RO(ring_##_name)

KSHM_RING_ATTR(size, ring->size);
KSHM_RING_ATTR(produced, READ_ONCE(ring->prod));
KSHM_RING_ATTR(consumed, READ_ONCE(ring->cons));
/* U2K drops are the user producer's own count, in the control page. */
KSHM_RING_ATTR(dropped, (ring->flags & KSHM_RING_K2U) ?
	       atomic64_read(&ring->dropped) : READ_ONCE(ring->ctrl->dropped));
KSHM_RING_ATTR(wakeups, atomic64_read(&ring->wakeups));
KSHM_RING_ATTR(broken, READ_ONCE(ring->broken));

static struct attribute *kshm_ring_attrs[] = {
	&dev_attr_ring_size.attr,
	&dev_attr_ring_produced.attr,
	&dev_attr_ring_consumed.attr,
	&dev_attr_ring_dropped.attr,
	&dev_attr_ring_wakeups.attr,
	&dev_attr_ring_broken.attr,
	NULL,
};

const struct attribute_group kshm_ring_group = {
	.attrs = kshm_ring_attrs,
};
