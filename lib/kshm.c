// SPDX-License-Identifier: MIT OR LGPL-2.1-or-later
/*
 * libkshm: the region calls. Each is one system call on the handle's fd,
 * after its arguments are checked; the header says what each returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kshm.h"

struct kshm {
	int fd;
};

/* glibc answers _SC_PAGESIZE from memory: no system call. */
static int kshm_is_aligned(uint64_t v)
{
	return !(v & ((uint64_t)sysconf(_SC_PAGESIZE) - 1));
}

struct kshm *kshm_open(const char *path, int flags)
{
	struct kshm_info info;
	struct kshm *k;
	int err;

	if (!path || (flags != O_RDONLY && flags != O_RDWR)) {
		errno = EINVAL;
		return NULL;
	}
	k = malloc(sizeof(*k));
	if (!k)
		return NULL;
	k->fd = open(path, flags | O_CLOEXEC | O_NOCTTY);
	if (k->fd < 0)
		goto err_free;
	/* Only a kshm device answers KSHM_IOC_INFO; others give ENOTTY. */
	if (ioctl(k->fd, KSHM_IOC_INFO, &info) < 0)
		goto err_close;
	return k;

err_close:
	err = errno;
	close(k->fd);
	errno = err;
err_free:
	err = errno;
	free(k);
	errno = err;
	return NULL;
}

struct kshm *kshm_open_index(unsigned int index, int flags)
{
	char path[32];

	snprintf(path, sizeof(path), "/dev/kshm%u", index);
	return kshm_open(path, flags);
}

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
	return k ? k->fd : -EINVAL;
}

int kshm_info(struct kshm *k, struct kshm_info *info)
{
	int err = errno, ret = 0;

	if (!k || !info)
		return -EINVAL;
	if (ioctl(k->fd, KSHM_IOC_INFO, info) < 0)
		ret = -errno;
	errno = err;
	return ret;
}

int kshm_resize(struct kshm *k, uint64_t size)
{
	int err = errno, ret = 0;
	__u64 bytes = size;

	if (!k || !size)
		return -EINVAL;
	if (ioctl(k->fd, KSHM_IOC_SET_SIZE, &bytes) < 0)
		ret = -errno;
	errno = err;
	return ret;
}

void *kshm_map(struct kshm *k, uint64_t offset, size_t length, int prot)
{
	uint64_t end;
	void *addr;

	if (!k || !length || !kshm_is_aligned(offset) ||
	    __builtin_add_overflow(offset, (uint64_t)length, &end) ||
	    end > (uint64_t)INT64_MAX ||
	    (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))) {
		errno = EINVAL;
		return NULL;
	}
	addr = mmap(NULL, length, prot, MAP_SHARED, k->fd, (off_t)offset);
	return addr == MAP_FAILED ? NULL : addr;
}

int kshm_unmap(void *addr, size_t length)
{
	uintptr_t end;
	int err = errno, ret = 0;

	if (!addr || !length || !kshm_is_aligned((uintptr_t)addr) ||
	    __builtin_add_overflow((uintptr_t)addr, length, &end))
		return -EINVAL;
	if (munmap(addr, length) < 0)
		ret = -errno;
	errno = err;
	return ret;
}
