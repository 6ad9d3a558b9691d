/* SPDX-License-Identifier: MIT OR LGPL-2.1-or-later */
/*
 * libkshm's private header: the error helpers every call returns
 * through, and symbol versions for calls whose ABI changed.
 */
#ifndef KSHM_INTERNAL_H
#define KSHM_INTERNAL_H

#include <errno.h>
#include <stddef.h>

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

#endif /* KSHM_INTERNAL_H */
