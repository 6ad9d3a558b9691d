/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The record kshm_icmp.ko writes to the ring of /dev/kshm-icmp, one per
 * IPv4 ICMP packet delivered to this host, for the module and for the
 * user space programs that read the ring (examples/ring-capture.c).
 */
#ifndef _KSHM_ICMP_H
#define _KSHM_ICMP_H

#include <linux/const.h>
#include <linux/types.h>

#define KSHM_ICMP_REGION	"icmp"		/* the node is /dev/kshm-icmp */

/* struct kshm_icmp_rec.flags */
#define KSHM_ICMP_ECHO		_BITUL(0)	/* echo request or reply: @id, @seq valid */

/**
 * struct kshm_icmp_rec - one ICMP packet, as the netfilter hook saw it
 * @tstamp_ns: CLOCK_MONOTONIC nanoseconds (ktime_get_ns()) when the hook
 *	ran; compare with clock_gettime(CLOCK_MONOTONIC)
 * @saddr: IPv4 source address, network byte order
 * @daddr: IPv4 destination address, network byte order
 * @ifindex: index of the device the packet came in on
 * @ip_len: IP total length: header, ICMP header and data
 * @icmp_len: ICMP header and data bytes, what ping prints as "N bytes"
 * @type: ICMP type (ICMP_ECHO = 8, ICMP_ECHOREPLY = 0, ...)
 * @code: ICMP code
 * @ttl: IP time to live
 * @flags: KSHM_ICMP_* bits
 * @id: echo identifier, host byte order (0 unless KSHM_ICMP_ECHO)
 * @seq: echo sequence number, host byte order (0 unless KSHM_ICMP_ECHO)
 *
 * The payload of each ring record is exactly one of these (32 bytes, no
 * implicit padding); a reader should still check the record's length.
 */
struct kshm_icmp_rec {
	__u64 tstamp_ns;
	__u32 saddr;
	__u32 daddr;
	__u32 ifindex;
	__u16 ip_len;
	__u16 icmp_len;
	__u8 type;
	__u8 code;
	__u8 ttl;
	__u8 flags;
	__u16 id;
	__u16 seq;
};

#endif /* _KSHM_ICMP_H */
