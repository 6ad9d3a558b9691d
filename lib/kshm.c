// SPDX-License-Identifier: MIT OR LGPL-2.1-or-later
/*
 * libkshm: the region calls. Each is one system call on the handle's fd,
 * or one on the control node, after its arguments are checked; the
 * header says what each returns. Errors travel as -errno and leave
 * through kshm_err() or kshm_err_ptr() (internal.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

struct kshm {
	int fd;
};

/* glibc answers _SC_PAGESIZE from memory: no system call. */
static int kshm_is_aligned(uint64_t v)
{
	return !(v & ((uint64_t)sysconf(_SC_PAGESIZE) - 1));
}

/* A name KSHM_IOC_CREATE takes: 1 to KSHM_CREATE_NAME_LEN of [a-z0-9_-]. */
static int kshm_name_ok(const char *name)
{
	size_t len;

	if (!name)
		return 0;
	len = strnlen(name, KSHM_CREATE_NAME_LEN + 1);
	return len > 0 && len <= KSHM_CREATE_NAME_LEN &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == len;
}

/* The bytes of @p from @from to @to are all zero. */
static int kshm_mem_zero(const void *p, size_t from, size_t to)
{
	const char *c = p;

	for (size_t i = from; i < to; i++)
		if (c[i])
			return 0;
	return 1;
}

/*
 * libbpf's rule for options: @sz covers at least itself, and bytes past
 * what this library knows must be zero, or the caller asked for
 * something it cannot do.
 */
static int kshm_opts_ok(const struct kshm_create_opts *opts)
{
	return !opts ||
	       (opts->sz >= sizeof(opts->sz) &&
		(opts->sz <= sizeof(*opts) ||
		 kshm_mem_zero(opts, sizeof(*opts), opts->sz)));
}

/* @opts->FIELD when the caller's struct has it, else @dflt. */
#define KSHM_OPT(opts, field, dflt)					\
	((opts) && (opts)->sz >= offsetof(struct kshm_create_opts, field) + \
		sizeof((opts)->field) ? (opts)->field : (dflt))

/* Opens @path and returns the fd, or -errno. */
static int kshm_open_fd(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC | O_NOCTTY);

	return fd < 0 ? -errno : fd;
}

/* One ioctl on a fresh fd of the control node; 0 or -errno. */
static int kshm_ctl(int flags, unsigned long cmd, void *arg)
{
	int fd = kshm_open_fd(KSHM_CTL_PATH, flags);
	int ret;

	if (fd < 0)
		return fd;
	ret = ioctl(fd, cmd, arg) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

/* Fills @info by KSHM_IOC_INFO on @fd; 0 or -errno. */
static int kshm_info_fd(int fd, struct kshm_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	return ioctl(fd, KSHM_IOC_INFO, info) < 0 ? -errno : 0;
}

struct kshm *kshm_open(const char *path, int flags)
{
	struct kshm_info info;
	struct kshm *k;
	int fd, ret;

	if (!path || (flags != O_RDONLY && flags != O_RDWR))
		return kshm_err_ptr(-EINVAL);
	fd = kshm_open_fd(path, flags);
	if (fd < 0)
		return kshm_err_ptr(fd);
	/* Only a kshm region answers KSHM_IOC_INFO; others give ENOTTY. */
	ret = kshm_info_fd(fd, &info);
	if (ret < 0)
		goto err_close;
	k = malloc(sizeof(*k));
	if (!k) {
		ret = -ENOMEM;
		goto err_close;
	}
	k->fd = fd;
	return k;

err_close:
	close(fd);
	return kshm_err_ptr(ret);
}

struct kshm *kshm_open_index(unsigned int index, int flags)
{
	char path[32];

	snprintf(path, sizeof(path), "/dev/kshm%u", index);
	return kshm_open(path, flags);
}

struct kshm *kshm_open_name(const char *name, int flags)
{
	char path[sizeof("/dev/") + KSHM_NAME_MAX];

	if (!kshm_name_ok(name))
		return kshm_err_ptr(-EINVAL);
	snprintf(path, sizeof(path), "/dev/kshm-%s", name);
	return kshm_open(path, flags);
}

/*
 * A cleanup call, often made between a failure and the caller's look at
 * errno: it keeps errno whatever close() says.
 */
void kshm_close(struct kshm *k)
{
	int err = errno;

	if (!k)
		return;
	close(k->fd);
	free(k);
	errno = err;
}

int kshm_fd(const struct kshm *k)
{
	return k ? k->fd : kshm_err(-EINVAL);
}

int kshm_info_v0_2(struct kshm *k, struct kshm_info *info)
{
	if (!k || !info)
		return kshm_err(-EINVAL);
	return kshm_err(kshm_info_fd(k->fd, info));
}
KSHM_DEFAULT_VERSION(kshm_info_v0_2, kshm_info, LIBKSHM_0.2)

int kshm_resize(struct kshm *k, uint64_t size)
{
	struct kshm_resize arg = { .size = size };

	if (!k || !size)
		return kshm_err(-EINVAL);
	if (ioctl(k->fd, KSHM_IOC_SET_SIZE, &arg) < 0)
		return kshm_err(-errno);
	return 0;
}

/* Unknown flags and bad windows never reach the driver, as ring set-up's. */
int kshm_set_fault_policy(struct kshm *k, unsigned int fault_around,
			  unsigned int flags)
{
	struct kshm_fault_policy arg = {
		.flags = flags,
		.fault_around = fault_around,
	};

	if (!k || (flags & ~(KSHM_FAULT_PREFAULT | KSHM_FAULT_RESIDENT)) ||
	    fault_around > KSHM_FAULT_AROUND_MAX ||
	    (fault_around & (fault_around - 1)))
		return kshm_err(-EINVAL);
	if (ioctl(k->fd, KSHM_IOC_SET_FAULT_POLICY, &arg) < 0)
		return kshm_err(-errno);
	return 0;
}

void *kshm_map(struct kshm *k, uint64_t offset, size_t length, int prot)
{
	uint64_t end;
	void *addr;

	if (!k || !length || !kshm_is_aligned(offset) ||
	    __builtin_add_overflow(offset, (uint64_t)length, &end) ||
	    end > (uint64_t)INT64_MAX ||
	    (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return kshm_err_ptr(-EINVAL);
	addr = mmap(NULL, length, prot, MAP_SHARED, k->fd, (off_t)offset);
	return addr == MAP_FAILED ? kshm_err_ptr(-errno) : addr;
}

int kshm_unmap(void *addr, size_t length)
{
	uintptr_t end;

	if (!addr || !length || !kshm_is_aligned((uintptr_t)addr) ||
	    __builtin_add_overflow((uintptr_t)addr, length, &end))
		return kshm_err(-EINVAL);
	if (munmap(addr, length) < 0)
		return kshm_err(-errno);
	return 0;
}

int kshm_create(const char *name, uint64_t size,
		const struct kshm_create_opts *opts)
{
	struct kshm_create arg = { .argsz = sizeof(arg), .size = size };

	if (!kshm_name_ok(name) || !size || !kshm_opts_ok(opts))
		return kshm_err(-EINVAL);
	arg.max_size = KSHM_OPT(opts, max_size, 0);
	arg.backing = KSHM_OPT(opts, backing, KSHM_BACKING_PAGES);
	arg.mode = KSHM_OPT(opts, mode, 0);
	strcpy(arg.name, name);
	return kshm_err(kshm_ctl(O_RDWR, KSHM_IOC_CREATE, &arg));
}

int kshm_destroy(const char *name)
{
	struct kshm_destroy arg = { 0 };

	if (!kshm_name_ok(name))
		return kshm_err(-EINVAL);
	strcpy(arg.name, name);
	return kshm_err(kshm_ctl(O_RDWR, KSHM_IOC_DESTROY, &arg));
}

int kshm_list(struct kshm_info *infos, unsigned int count)
{
	struct kshm_list arg = {
		.argsz = sizeof(arg),
		.count = count,
		.entry_size = sizeof(*infos),
		.entries = (uintptr_t)infos,
	};
	size_t bytes;
	int ret;

	if ((!infos && count) ||
	    __builtin_mul_overflow(count, sizeof(*infos), &bytes))
		return kshm_err(-EINVAL);
	/* An older driver fills less of each entry: the rest reads zero. */
	if (count)
		memset(infos, 0, bytes);
	ret = kshm_ctl(O_RDONLY, KSHM_IOC_LIST, &arg);
	if (!ret && arg.count > INT_MAX)
		ret = -EOVERFLOW;
	return kshm_err(ret ? ret : (int)arg.count);
}
