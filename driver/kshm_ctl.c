// SPDX-License-Identifier: GPL-2.0
/*
 * The control node /dev/kshm: make, destroy and list regions at run
 * time. It is root's alone by default (mode 0600): making a region pins
 * memory, within the max_regions and max_total_size limits.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kshm.h"

/* An argsz above this is refused, so a zero tail is never a long scan. */
#define KSHM_ARGSZ_MAX	PAGE_SIZE

/* The name field must hold its NUL; what follows the NUL is ignored. */
static bool kshm_name_terminated(const char name[KSHM_NAME_MAX])
{
	return strnlen(name, KSHM_NAME_MAX) < KSHM_NAME_MAX;
}

static long kshm_ctl_create(struct file *file, void __user *uarg)
{
	struct kshm_node_args node = { 0 };
	struct kshm_create args;
	struct kshm_region *r;
	u32 argsz;
	int ret;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (get_user(argsz, (u32 __user *)uarg))
		return -EFAULT;
	if (argsz < KSHM_CREATE_SIZE_VER0)
		return -EINVAL;
	if (argsz > KSHM_ARGSZ_MAX)
		return -E2BIG;
	ret = copy_struct_from_user(&args, sizeof(args), uarg, argsz);
	if (ret)
		return ret;
	/* mode is checked whole here, before umode_t would narrow it. */
	if (args.flags || memchr_inv(args.__reserved, 0, sizeof(args.__reserved)) ||
	    !kshm_name_terminated(args.name) || (args.mode & ~0666))
		return -EINVAL;
	node.ops = kshm_backing_by_id(args.backing);
	if (!node.ops)
		return -EINVAL;
	node.name = args.name;
	node.size = args.size;
	node.max_size = args.max_size;
	node.mode = args.mode;

	r = kshm_node_create(&node);
	if (IS_ERR(r))
		return PTR_ERR(r);
	kshm_region_put(r);
	return 0;
}

static long kshm_ctl_destroy(struct file *file, void __user *uarg)
{
	struct kshm_destroy args;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.__pad || !kshm_name_terminated(args.name))
		return -EINVAL;
	return kshm_node_destroy(args.name);
}

static long kshm_ctl_list(void __user *uarg)
{
	struct kshm_list args;
	u32 argsz;
	int ret;

	if (get_user(argsz, (u32 __user *)uarg))
		return -EFAULT;
	if (argsz < KSHM_LIST_SIZE_VER0)
		return -EINVAL;
	if (argsz > KSHM_ARGSZ_MAX)
		return -E2BIG;
	ret = copy_struct_from_user(&args, sizeof(args), uarg, argsz);
	if (ret)
		return ret;
	if (args.flags || args.entry_size < KSHM_INFO_SIZE_VER0)
		return -EINVAL;

	ret = kshm_nodes_list(u64_to_user_ptr(args.entries), args.entry_size,
			      &args.count);
	if (ret)
		return ret;
	if (put_user(args.count, &((struct kshm_list __user *)uarg)->count))
		return -EFAULT;
	return 0;
}

static long kshm_ctl_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case KSHM_IOC_CREATE:
		return kshm_ctl_create(file, uarg);
	case KSHM_IOC_DESTROY:
		return kshm_ctl_destroy(file, uarg);
	case KSHM_IOC_LIST:
		return kshm_ctl_list(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations kshm_ctl_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kshm_ctl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice kshm_ctl_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kshm",
	.fops = &kshm_ctl_fops,
	.mode = 0600,
};

/**
 * kshm_ctl_register() - make /dev/kshm
 *
 * Return: 0 or -errno from misc_register().
 */
int kshm_ctl_register(void)
{
	return misc_register(&kshm_ctl_misc);
}

/**
 * kshm_ctl_deregister() - remove /dev/kshm
 */
void kshm_ctl_deregister(void)
{
	misc_deregister(&kshm_ctl_misc);
}
