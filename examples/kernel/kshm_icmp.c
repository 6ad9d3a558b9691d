// SPDX-License-Identifier: GPL-2.0
/*
 * kshm_icmp: the textbook netlink example done over a kshm ring. A
 * netfilter hook on IPv4 LOCAL_IN (in the initial network namespace,
 * after the filter table) writes one struct kshm_icmp_rec (kshm_icmp.h)
 * per ICMP packet delivered to this host into the kernel->user ring of
 * /dev/kshm-icmp, from the softirq that delivers the packet, with no
 * allocation, no copy to user space and no wake-up unless the reader
 * sleeps. examples/ring-capture.c prints the records.
 *
 * Over loopback (ping 127.0.0.1) both the echo request and the reply
 * come in, so each ping gives two records. A record the ring has no room
 * for is dropped and counted by the driver (ring_dropped, and the
 * control page's dropped); /sys/module/kshm_icmp/parameters/stats reads
 * "captured=N failed=M".
 */
#include <linux/atomic.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/kernel.h>
#include <linux/kshm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <linux/timekeeping.h>
#include <net/ip.h>
#include <net/net_namespace.h>

#include "kshm_client.h"
#include "kshm_icmp.h"

static char *backing = "pages";
module_param(backing, charp, 0444);
MODULE_PARM_DESC(backing, "backing of the region: pages (default) or vmalloc");

static ulong ring_size = SZ_1M;
module_param(ring_size, ulong, 0444);
MODULE_PARM_DESC(ring_size, "ring data bytes, a power of two (default 1 MiB)");

static struct kshm_region *kshm_icmp_region;
static struct kshm_ring *kshm_icmp_ring;
static atomic64_t kshm_icmp_captured = ATOMIC64_INIT(0);
static atomic64_t kshm_icmp_failed = ATOMIC64_INIT(0);

static unsigned int kshm_icmp_hook(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct kshm_icmp_rec rec = {};
	const struct icmphdr *ih;
	struct icmphdr _ih;
	unsigned int ihl;

	if (iph->protocol != IPPROTO_ICMP || (iph->frag_off & htons(IP_OFFSET)))
		return NF_ACCEPT;
	ihl = ip_hdrlen(skb);
	ih = skb_header_pointer(skb, ihl, sizeof(_ih), &_ih);
	if (!ih)
		return NF_ACCEPT;

	rec.tstamp_ns = ktime_get_ns();
	rec.saddr = (__force __u32)iph->saddr;
	rec.daddr = (__force __u32)iph->daddr;
	rec.ifindex = state->in ? state->in->ifindex : 0;
	rec.ip_len = ntohs(iph->tot_len);
	rec.icmp_len = rec.ip_len > ihl ? rec.ip_len - ihl : 0;
	rec.type = ih->type;
	rec.code = ih->code;
	rec.ttl = iph->ttl;
	if (ih->type == ICMP_ECHO || ih->type == ICMP_ECHOREPLY) {
		rec.flags |= KSHM_ICMP_ECHO;
		rec.id = ntohs(ih->un.echo.id);
		rec.seq = ntohs(ih->un.echo.sequence);
	}
	if (kshm_ring_output(kshm_icmp_ring, &rec, sizeof(rec)))
		atomic64_inc(&kshm_icmp_failed);
	else
		atomic64_inc(&kshm_icmp_captured);
	return NF_ACCEPT;
}

static struct nf_hook_ops kshm_icmp_ops = {
	.hook = kshm_icmp_hook,
	.pf = NFPROTO_IPV4,
	.hooknum = NF_INET_LOCAL_IN,
	.priority = NF_IP_PRI_FILTER + 1,
};

static int kshm_icmp_stats_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "captured=%lld failed=%lld\n",
			 atomic64_read(&kshm_icmp_captured),
			 atomic64_read(&kshm_icmp_failed));
}

static int kshm_icmp_readonly_set(const char *val, const struct kernel_param *kp)
{
	return -EPERM;
}

static const struct kernel_param_ops kshm_icmp_stats_ops = {
	.set = kshm_icmp_readonly_set,
	.get = kshm_icmp_stats_get,
};
module_param_cb(stats, &kshm_icmp_stats_ops, NULL, 0444);
MODULE_PARM_DESC(stats, "records written, and records the ring refused");

static int __init kshm_icmp_init(void)
{
	struct kshm_ring *ring;
	int err;

	ring = kshm_client_ring(KSHM_ICMP_REGION, ring_size, backing,
				KSHM_RING_K2U, &kshm_icmp_region);
	if (IS_ERR(ring)) {
		pr_err("kshm_icmp: cannot make the ring of /dev/kshm-%s: %pe\n",
		       KSHM_ICMP_REGION, ring);
		return PTR_ERR(ring);
	}
	kshm_icmp_ring = ring;
	err = nf_register_net_hook(&init_net, &kshm_icmp_ops);
	if (err) {
		pr_err("kshm_icmp: cannot register the netfilter hook: %d\n",
		       err);
		kshm_destroy(kshm_icmp_region);
		return err;
	}
	return 0;
}

static void __exit kshm_icmp_exit(void)
{
	/* Returns once no hook call is running. */
	nf_unregister_net_hook(&init_net, &kshm_icmp_ops);
	kshm_destroy(kshm_icmp_region);
}

module_init(kshm_icmp_init);
module_exit(kshm_icmp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kshm example: one ring record per ICMP packet, from a netfilter hook");
