// SPDX-License-Identifier: GPL-2.0
/*
 * File operations of /dev/kshmN: the copy path (read/write at the file
 * position), the ioctls, and mmap (kshm_mmap.c).
 */
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include "kshm.h"

static int kshm_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;

	file->private_data = &container_of(misc, struct kshm_dev, misc)->region;
	return 0;
}

/*
 * Copy one piece that lies within a page. The region lock is not held
 * across the user copy: the user buffer may itself be a kshm mapping
 * whose fault takes the lock. The page reference keeps the page alive.
 *
 * Returns the bytes left uncopied, or -errno when the page cannot be had.
 */
static long kshm_copy_chunk(struct kshm_region *r, loff_t pos,
			    char __user *buf, size_t len, bool to_user)
{
	unsigned int off = offset_in_page(pos);
	struct page *page;
	void *kaddr;
	size_t left;

	page = kshm_region_get_page(r, pos >> PAGE_SHIFT, !to_user);
	if (IS_ERR(page))
		return PTR_ERR(page);
	if (!page)		/* never touched: zeros, and stay untouched */
		return clear_user(buf, len);

	kaddr = kmap_local_page(page);
	if (to_user)
		left = copy_to_user(buf, kaddr + off, len);
	else
		left = copy_from_user(kaddr + off, buf, len);
	kunmap_local(kaddr);
	put_page(page);
	return left;
}

/*
 * The copy loop of read and write. Returns the bytes copied; when there
 * are none, -EFAULT for a bad buffer, -ENOMEM when no page could be had,
 * and end of region (the region shrank meanwhile) as 0 for a read and
 * -ENOSPC for a write.
 */
static ssize_t kshm_copy(struct kshm_region *r, loff_t *ppos,
			 char __user *buf, size_t count, bool to_user)
{
	ssize_t err = 0;
	size_t done = 0;
	loff_t pos = *ppos;

	while (done < count) {
		size_t len = min_t(size_t, PAGE_SIZE - offset_in_page(pos),
				   count - done);
		long left = kshm_copy_chunk(r, pos, buf + done, len, to_user);

		if (left < 0) {
			err = left;
			if (err == -ENXIO)
				err = to_user ? 0 : -ENOSPC;
			break;
		}
		done += len - left;
		pos += len - left;
		if (left) {
			err = -EFAULT;
			break;
		}
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		cond_resched();
	}
	*ppos = pos;
	return done ? done : err;
}

static ssize_t kshm_read(struct file *file, char __user *buf, size_t count,
			 loff_t *ppos)
{
	struct kshm_region *r = file->private_data;
	u64 size = kshm_region_size(r);

	if (*ppos < 0)
		return -EINVAL;
	if (*ppos >= size || !count)
		return 0;
	count = min_t(u64, count, size - *ppos);
	return kshm_copy(r, ppos, buf, count, true);
}

static ssize_t kshm_write(struct file *file, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	struct kshm_region *r = file->private_data;
	u64 size = kshm_region_size(r);

	if (*ppos < 0)
		return -EINVAL;
	if (!count)
		return 0;
	if (*ppos >= size)
		return -ENOSPC;
	count = min_t(u64, count, size - *ppos);
	return kshm_copy(r, ppos, (char __user *)buf, count, false);
}

static loff_t kshm_llseek(struct file *file, loff_t offset, int whence)
{
	struct kshm_region *r = file->private_data;

	return generic_file_llseek_size(file, offset, whence,
					MAX_LFS_FILESIZE,
					kshm_region_size(r));
}

static long kshm_ioctl_info(struct kshm_region *r, void __user *uarg)
{
	struct kshm_info info;

	kshm_region_info(r, &info);
	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long kshm_ioctl_set_size(struct kshm_region *r, struct file *file,
				void __user *uarg)
{
	u64 bytes;

	/* Resizing can discard data: only a writer may do it. */
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (copy_from_user(&bytes, uarg, sizeof(bytes)))
		return -EFAULT;
	return kshm_region_resize(r, bytes);
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
	default:
		return -ENOTTY;
	}
}

const struct file_operations kshm_fops = {
	.owner = THIS_MODULE,
	.open = kshm_open,
	.read = kshm_read,
	.write = kshm_write,
	.llseek = kshm_llseek,
	.unlocked_ioctl = kshm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = kshm_mmap,
};
