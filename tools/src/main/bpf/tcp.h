/* SPDX-License-Identifier: GPL-2.0 */
/* What tcpstates.bpf.c and tcplife.bpf.c share: the -L/-D port filters (hash maps of ports that
 * user space fills before attaching, used when filter_lport/filter_rport is set) and the address
 * families. */
#ifndef __BPF4J_TCP_H
#define __BPF4J_TCP_H

#define AF_INET 2
#define AF_INET6 10
#define MAX_PORTS 1024

const volatile bool filter_lport = false;
const volatile bool filter_rport = false;
const volatile __u16 target_family = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PORTS);
	__type(key, u16);
	__type(value, u8);
} lports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PORTS);
	__type(key, u16);
	__type(value, u8);
} rports SEC(".maps");

/* false when the family or a port filter leaves this socket out */
static __always_inline bool tcp_filter_ok(u16 family, u16 lport, u16 rport)
{
	if (target_family && target_family != family)
		return false;
	if (filter_lport && !bpf_map_lookup_elem(&lports, &lport))
		return false;
	if (filter_rport && !bpf_map_lookup_elem(&rports, &rport))
		return false;
	return true;
}

/* the tracepoint's addresses (IPv4 in the first 4 bytes) */
static __always_inline void tcp_addrs(struct trace_event_raw_inet_sock_set_state *ctx, u16 family, u8 *saddr,
				      u8 *daddr)
{
	/* read, not copied: the verifier refuses loads through a ctx pointer plus an offset */
	if (family == AF_INET) {
		bpf_probe_read_kernel(saddr, 4, ctx->saddr);
		bpf_probe_read_kernel(daddr, 4, ctx->daddr);
	} else {
		bpf_probe_read_kernel(saddr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(daddr, 16, ctx->daddr_v6);
	}
}

#endif
