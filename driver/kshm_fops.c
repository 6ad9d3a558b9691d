// SPDX-License-Identifier: GPL-2.0
/*
 * File operations of a region's node (/dev/kshmN, /dev/kshm-NAME): the
 * copy path (read_iter/write_iter at the file position, so readv, writev,
 * preadv2, pwritev2 and io_uring too), the ioctls, and mmap
 * (kshm_mmap.c).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include "kshm.h"

static int kshm_open(struct inode *inode, struct file *file)
{
	/*
	 * misc_open() holds misc_mtx across this call, and the node is
	 * deregistered under it before it lets go of its region, so the
	 * region is still the node's here.
	 */
	struct kshm_region *r = kshm_misc_region(file->private_data);

	/* A kernel module that made the region stays while it is open. */
	if (r->owner && !try_module_get(r->owner))
		return -ENODEV;
	kshm_region_get(r);
	file->private_data = r;
	return 0;
}

static int kshm_release(struct inode *inode, struct file *file)
{
	struct kshm_region *r = file->private_data;
	struct module *owner = r->owner;

	kshm_region_put(r);
	module_put(owner);
	return 0;
}

/*
 * Copy up to @len bytes at @pos, within one page, between the region and
 * @iter. The region lock is not held across the user copy: the user
 * buffer may itself be a kshm mapping whose fault takes the lock, or a
 * userfaultfd range that stalls for as long as user space likes. The
 * page reference keeps the page alive meanwhile. A resize that ran
 * during a write may have moved the region's pages (backing "vmalloc"
 * copies them to a new area), so the write went to a page that is no
 * longer the region's: write again, into the page that is.
 *
 * Returns the bytes copied (fewer than @len on a bad user buffer), or
 * -ENXIO past the end of the region, or -ENOMEM.
 */
static ssize_t kshm_copy_page(struct kshm_region *r, loff_t pos, size_t len,
			      struct iov_iter *iter, bool write)
{
	size_t off = offset_in_page(pos), done;
	unsigned long gen;
	struct page *page;

	for (;;) {
		page = kshm_region_get_page(r, pos >> PAGE_SHIFT, write, &gen);
		if (IS_ERR(page))
			return PTR_ERR(page);
		if (!page)	/* never touched: zeros, and stay untouched */
			return iov_iter_zero(len, iter);
		if (!write) {
			done = copy_page_to_iter(page, off, len, iter);
			put_page(page);
			return done;
		}
		done = copy_page_from_iter(page, off, len, iter);
		put_page(page);
		if (kshm_region_generation_is(r, gen))
			return done;
		iov_iter_revert(iter, done);
		/* A resizer that never stops must not trap a dying writer. */
		if (fatal_signal_pending(current))
			return -EINTR;
	}
}

/**
 * kshm_region_copy() - copy between a region and an iterator
 * @r: the region
 * @ppos: the position in the region; advanced by the bytes copied
 * @iter: user or kernel memory
 * @write: into the region, else out of it
 *
 * The copy path of read_iter, write_iter, kshm_read() and kshm_write().
 *
 * Return: the bytes copied; when there are none, -EFAULT for a bad
 * buffer, -ENOMEM when no page could be had, -EINTR on a fatal signal,
 * -EINVAL for a negative position, and end of region (it may have shrunk
 * meanwhile) as 0 for a read and -ENOSPC for a write.
 */
ssize_t kshm_region_copy(struct kshm_region *r, loff_t *ppos,
			 struct iov_iter *iter, bool write)
{
	u64 size = kshm_region_size(r);
	loff_t pos = *ppos;
	size_t count, done = 0;
	ssize_t ret = 0;

	if (pos < 0)
		return -EINVAL;
	if (!iov_iter_count(iter))
		return 0;
	if (pos >= size)
		return write ? -ENOSPC : 0;
	count = min_t(u64, iov_iter_count(iter), size - pos);

	while (done < count) {
		size_t len = min_t(size_t, PAGE_SIZE - offset_in_page(pos),
				   count - done);

		ret = kshm_copy_page(r, pos, len, iter, write);
		if (ret < 0)
			break;
		done += ret;
		pos += ret;
		if (ret < len) {
			ret = -EFAULT;
			break;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	*ppos = pos;
	if (done)
		return done;
	if (ret == -ENXIO)
		return write ? -ENOSPC : 0;
	return ret;
}

static ssize_t kshm_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return kshm_region_copy(iocb->ki_filp->private_data, &iocb->ki_pos,
				to, false);
}

static ssize_t kshm_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct kshm_region *r = iocb->ki_filp->private_data;

	/* A K2U ring's pages are the kernel's to write, as in its mappings. */
	if (kshm_ring_is_k2u(READ_ONCE(r->ring)))
		return -EPERM;
	return kshm_region_copy(r, &iocb->ki_pos, from, true);
}

/* A ring's readiness; a plain region is always ready, as a file is. */
static __poll_t kshm_poll(struct file *file, struct poll_table_struct *wait)
{
	struct kshm_region *r = file->private_data;
	struct kshm_ring *ring = READ_ONCE(r->ring);

	if (!ring)
		return EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM;
	return kshm_ring_poll(ring, file, wait);
}

static loff_t kshm_llseek(struct file *file, loff_t offset, int whence)
{
	struct kshm_region *r = file->private_data;

	return generic_file_llseek_size(file, offset, whence,
					MAX_LFS_FILESIZE,
					kshm_region_size(r));
}

static long kshm_ioctl_info(struct kshm_region *r,
			    struct kshm_info __user *uinfo)
{
	u32 argsz, flags;

	if (get_user(argsz, &uinfo->argsz) || get_user(flags, &uinfo->flags))
		return -EFAULT;
	if (argsz < KSHM_INFO_SIZE_VER0 || flags)
		return -EINVAL;
	return kshm_region_info_to_user(r, uinfo, argsz);
}

static long kshm_ioctl_set_size(struct kshm_region *r, struct file *file,
				struct kshm_resize __user *uarg)
{
	struct kshm_resize args;

	/* Resizing can discard data: only a writer may do it. */
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags)
		return -EINVAL;
	return kshm_region_resize(r, args.size);
}

static long kshm_ioctl_ring_setup(struct kshm_region *r, struct file *file,
				  struct kshm_ring_setup __user *uarg)
{
	struct kshm_ring_setup args;
	struct kshm_ring *ring;

	/* Setting up resizes and clears the region: a writer's act. */
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.__pad)
		return -EINVAL;
	ring = kshm_ring_setup(r, args.size, args.flags);
	return PTR_ERR_OR_ZERO(ring);
}

static long kshm_ioctl_ring_notify(struct kshm_region *r,
				   struct kshm_ring_notify __user *uarg)
{
	struct kshm_ring *ring = READ_ONCE(r->ring);
	struct kshm_ring_notify args;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.__pad || !ring)
		return -EINVAL;
	return kshm_ring_notify(ring);
}

static long kshm_ioctl_set_fault_policy(struct kshm_region *r,
					struct file *file,
					struct kshm_fault_policy __user *uarg)
{
	struct kshm_fault_policy args;

	/* The policy is every mapping's: a writer's choice, as a resize. */
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (memchr_inv(args.__reserved, 0, sizeof(args.__reserved)))
		return -EINVAL;
	return kshm_region_set_fault_policy(r, args.flags, args.fault_around);
}

static long kshm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kshm_region *r = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case KSHM_IOC_INFO:
		return kshm_ioctl_info(r, uarg);
	case KSHM_IOC_SET_SIZE:
		return kshm_ioctl_set_size(r, file, uarg);
	case KSHM_IOC_RING_SETUP:
		return kshm_ioctl_ring_setup(r, file, uarg);
	case KSHM_IOC_RING_NOTIFY:
		return kshm_ioctl_ring_notify(r, uarg);
	case KSHM_IOC_SET_FAULT_POLICY:
		return kshm_ioctl_set_fault_policy(r, file, uarg);
	default:
		return -ENOTTY;
	}
}

const struct file_operations kshm_fops = {
	.owner = THIS_MODULE,
	.open = kshm_open,
	.release = kshm_release,
	.read_iter = kshm_read_iter,
	.write_iter = kshm_write_iter,
	.llseek = kshm_llseek,
	.poll = kshm_poll,
	.unlocked_ioctl = kshm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = kshm_mmap,
	.get_unmapped_area = kshm_get_unmapped_area,
};
