// SPDX-License-Identifier: GPL-2.0
/* Bitfield relocations: BPF_CORE_READ_BITFIELD_PROBED (byte_sz, byte_off, lshift_u64, signed,
 * rshift_u64 through bpf_probe_read_kernel) and BPF_CORE_READ_BITFIELD (direct loads, tp_btf). */
#include "corpus.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* signed 9-bit bitfields on 6.1; a plain s16 (hop_limit) and a u8 (mcast_hops) on 6.18 */
struct ipv6_pinfo {
	__s16 hop_limit: 9;
	__s16 mcast_hops: 9;
} __attribute__((preserve_access_index));

SEC("tp/sched/sched_switch")
int bitfields_task(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	long v = 0;

	v += BPF_CORE_READ_BITFIELD_PROBED(t, in_iowait);
	v += BPF_CORE_READ_BITFIELD_PROBED(t, in_execve);
	if (bpf_core_field_exists(t->sched_rt_mutex))
		v += BPF_CORE_READ_BITFIELD_PROBED(t, sched_rt_mutex);
	if (bpf_core_field_exists(t->in_lru_fault))
		v += BPF_CORE_READ_BITFIELD_PROBED(t, in_lru_fault);
	if (bpf_core_field_exists(t->mce_whole_page))
		v += BPF_CORE_READ_BITFIELD_PROBED(t, mce_whole_page);
	return v;
}

/* sk_buff bitfields inside anonymous union/struct nesting */
SEC("raw_tp/netif_receive_skb")
int bitfields_skb(struct bpf_raw_tracepoint_args *ctx)
{
	struct sk_buff *skb = (void *)ctx->args[0];
	long v = 0;

	v += BPF_CORE_READ_BITFIELD_PROBED(skb, pkt_type);
	v += BPF_CORE_READ_BITFIELD_PROBED(skb, nf_trace);
	v += BPF_CORE_READ_BITFIELD_PROBED(skb, csum_level);
	v += BPF_CORE_READ_BITFIELD_PROBED(skb, fclone);
	if (bpf_core_field_exists(skb->vlan_present))
		v += BPF_CORE_READ_BITFIELD_PROBED(skb, vlan_present);
	v += BPF_CORE_READ_BITFIELD_PROBED(&skb->headers, pkt_type);
	return v;
}

SEC("raw_tp/inet_sock_set_state")
int bitfields_signed(struct bpf_raw_tracepoint_args *ctx)
{
	struct ipv6_pinfo *np = (void *)ctx->args[0];

	return (int)BPF_CORE_READ_BITFIELD_PROBED(np, hop_limit) +
	       (int)BPF_CORE_READ_BITFIELD_PROBED(np, mcast_hops);
}

/* direct loads: relocations land on LDX instructions and on the size switch */
SEC("tp_btf/netif_receive_skb")
int BPF_PROG(bitfields_direct, struct sk_buff *skb)
{
	return BPF_CORE_READ_BITFIELD(skb, pkt_type) + BPF_CORE_READ_BITFIELD(skb, cloned);
}
