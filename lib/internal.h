/* SPDX-License-Identifier: MIT OR LGPL-2.1-or-later */
/*
 * libkshm's private header: the error helpers every call returns
 * through, symbol versions for calls whose ABI changed, and the ring
 * constructor the host tests share with kshm_ring_map().
 */
#ifndef KSHM_INTERNAL_H
#define KSHM_INTERNAL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "kshm.h"

/*
 * Inside the library errors travel as -errno. Every exported call hands
 * its result to kshm_err() or kshm_err_ptr() on the way out, as libbpf's
 * libbpf_err() and libbpf_err_ptr() do, so errno is set in one place.
 */

/* Returns @ret; a negative @ret is also stored in errno, as -@ret. */
static inline int kshm_err(int ret)
{
	if (ret < 0)
		errno = -ret;
	return ret;
}

/* Returns NULL with errno set to -@err, for calls that return a pointer. */
static inline void *kshm_err_ptr(int err)
{
	errno = -err;
	return NULL;
}

/*
 * A call whose ABI changed keeps its old version for programs linked
 * against it, libbpf's way: the shared library (built with KSHM_SHARED)
 * exports api@@VERSION for the new code and api@OLD for the old;
 * the static library has no old programs, so api is the new code.
 */
#ifdef KSHM_SHARED
#define KSHM_DEFAULT_VERSION(internal, api, version)			\
	__asm__(".symver " #internal "," #api "@@" #version);
#define KSHM_COMPAT_VERSION(internal, api, version)			\
	__asm__(".symver " #internal "," #api "@" #version);
#else
#define KSHM_DEFAULT_VERSION(internal, api, version)			\
	extern __typeof__(internal) api __attribute__((alias(#internal)));
#define KSHM_COMPAT_VERSION(internal, api, version)
#endif

/* kshm_info() as of LIBKSHM_0.2: the struct kshm_info of <linux/kshm.h>. */
KSHM_EXPORT int kshm_info_v0_2(struct kshm *k, struct kshm_info *info);

/*
 * Lays a ring handle over mappings already made: @ctrl, one page of
 * @page bytes, and @data, the ring's data twice, back to back, of a
 * region of @region_size bytes; @fd is what it polls and notifies, and
 * it becomes the handle's. Checks the control page as kshm_ring_map()
 * does. kshm_ring_unmap() unmaps both and closes @fd.
 *
 * Returns the ring, or NULL with errno set (ENODEV, EIO, ENOMEM); the
 * mappings and @fd are then still the caller's. kshm_ring_map() uses it,
 * and the host tests lay fake rings with it.
 */
struct kshm_ring *kshm_ring_attach(void *ctrl, void *data,
				   uint64_t region_size, size_t page, int fd);

#endif /* KSHM_INTERNAL_H */
