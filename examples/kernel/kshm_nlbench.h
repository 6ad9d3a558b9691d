/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kshm_nlbench's netlink protocol, for the module and for the benchmark
 * that receives from it (tools/ring-bench.c).
 *
 * A process opens socket(AF_NETLINK, SOCK_RAW, proto) (proto: the
 * module's parameter, KSHM_NLBENCH_PROTO by default, a number no kernel
 * protocol uses) and sends one KSHM_NLBENCH_MSG_RUN request with
 * NLM_F_REQUEST. The module's kernel thread then sends records 0..count-1
 * of kshm_gen.h, one KSHM_NLBENCH_MSG_REC message each (nlmsg_seq: the
 * low 32 bits of the record number), to the port the request came from,
 * with netlink_unicast(), waiting while the receiver's queue is full, and
 * ends with NLMSG_DONE carrying a struct kshm_nlbench_done. A bad request
 * is answered with NLMSG_ERROR and nothing else.
 */
#ifndef _KSHM_NLBENCH_H
#define _KSHM_NLBENCH_H

#include <linux/netlink.h>
#include <linux/types.h>

#define KSHM_NLBENCH_PROTO	31
#define KSHM_NLBENCH_MSG_RUN	(NLMSG_MIN_TYPE + 0)
#define KSHM_NLBENCH_MSG_REC	(NLMSG_MIN_TYPE + 1)
#define KSHM_NLBENCH_MAX_SIZE	65536

/**
 * struct kshm_nlbench_run - the payload of KSHM_NLBENCH_MSG_RUN
 * @count: records to send, at least 1
 * @size: payload bytes per record, 1 to KSHM_NLBENCH_MAX_SIZE
 * @flags: zero
 */
struct kshm_nlbench_run {
	__u64 count;
	__u32 size;
	__u32 flags;
};

/**
 * struct kshm_nlbench_done - the payload of the closing NLMSG_DONE
 * @sent: records sent
 * @error: 0, or the -errno that ended the run early
 * @__pad: zero
 */
struct kshm_nlbench_done {
	__u64 sent;
	__s32 error;
	__u32 __pad;
};

#endif /* _KSHM_NLBENCH_H */
