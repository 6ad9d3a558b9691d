// SPDX-License-Identifier: GPL-2.0
/*
 * The table of backings. Adding one is a file of its own plus one line
 * here (and its KSHM_BACKING_* number in the UAPI header): the module
 * parameter, KSHM_IOC_CREATE, sysfs and the error messages all read this
 * table.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "kshm.h"

const struct kshm_backing_ops *const kshm_backings[] = {
	[KSHM_BACKING_PAGES] = &kshm_backing_pages,
	[KSHM_BACKING_VMALLOC] = &kshm_backing_vmalloc,
	[KSHM_BACKING_HUGE] = &kshm_backing_huge,
	NULL,
};

/**
 * kshm_backing_by_id() - a backing by its KSHM_BACKING_* number
 * @id: the number
 *
 * Return: the backing, or NULL when there is none.
 */
const struct kshm_backing_ops *kshm_backing_by_id(u32 id)
{
	if (id >= ARRAY_SIZE(kshm_backings) - 1)
		return NULL;
	return kshm_backings[id];
}

/**
 * kshm_backing_by_name() - a backing by its name
 * @name: the name; a trailing newline is ignored
 *
 * Return: the backing, or NULL when there is none.
 */
const struct kshm_backing_ops *kshm_backing_by_name(const char *name)
{
	const struct kshm_backing_ops *const *ops;

	for (ops = kshm_backings; *ops; ops++)
		if (sysfs_streq(name, (*ops)->name))
			return *ops;
	return NULL;
}

/**
 * kshm_backing_list() - every backing's name, for an error message
 * @buf: where to write "pages vmalloc ..."
 * @len: size of @buf
 */
void kshm_backing_list(char *buf, size_t len)
{
	const struct kshm_backing_ops *const *ops;
	size_t n = 0;

	buf[0] = '\0';
	for (ops = kshm_backings; *ops; ops++)
		n += scnprintf(buf + n, len - n, "%s%s", n ? " " : "",
			       (*ops)->name);
}
