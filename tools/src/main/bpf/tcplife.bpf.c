// SPDX-License-Identifier: GPL-2.0
/* bpf4j tcplife: TCP sessions, each when it closes, as libbpf-tools' tcplife: from
 * sock:inet_sock_set_state, the socket's birth (its first state below FIN_WAIT1), the task that
 * opened or closed it, and at TCP_CLOSE its span and byte counts (tcp_sock's bytes_received and
 * bytes_acked, read through CO-RE), through the event buffer (buffer.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "tcplife.h"
#include "tcp.h"
#include "buffer.h"

/* set from Java before loading */
const volatile pid_t target_pid = 0;

/* events the buffer could not take */
long output_errors = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u64);
	__type(value, u64);
} birth SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u64);
	__type(value, struct tcp_ident);
} idents SEC(".maps");

SEC("tracepoint/sock/inet_sock_set_state")
int set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	u64 sk = (u64)ctx->skaddr, ts, *start;
	struct tcplife_event e = {};
	struct tcp_ident ident = {}, *identp;
	struct tcp_sock *tp;
	int state = ctx->newstate;
	u32 pid;

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (!tcp_filter_ok(ctx->family, ctx->sport, ctx->dport))
		return 0;
	if (state < TCP_FIN_WAIT1) {
		ts = bpf_ktime_get_ns();
		bpf_map_update_elem(&birth, &sk, &ts, BPF_ANY);
	}
	if (state == TCP_SYN_SENT || state == TCP_LAST_ACK) {
		pid = bpf_get_current_pid_tgid() >> 32;
		if (target_pid && pid != target_pid)
			return 0;
		ident.pid = pid;
		bpf_get_current_comm(ident.comm, sizeof(ident.comm));
		bpf_map_update_elem(&idents, &sk, &ident, BPF_ANY);
	}
	if (state != TCP_CLOSE)
		return 0;

	start = bpf_map_lookup_elem(&birth, &sk);
	if (!start) {
		bpf_map_delete_elem(&idents, &sk);
		return 0;
	}
	ts = bpf_ktime_get_ns();
	e.span_us = (ts - *start) / 1000;
	identp = bpf_map_lookup_elem(&idents, &sk);
	pid = identp ? identp->pid : bpf_get_current_pid_tgid() >> 32;
	if (target_pid && pid != target_pid)
		goto cleanup;
	tp = (struct tcp_sock *)sk;
	e.rx_b = BPF_CORE_READ(tp, bytes_received);
	e.tx_b = BPF_CORE_READ(tp, bytes_acked);
	e.ts_us = ts / 1000;
	e.pid = pid;
	e.sport = ctx->sport;
	e.dport = ctx->dport;
	e.family = ctx->family;
	if (identp)
		__builtin_memcpy(e.comm, identp->comm, sizeof(e.comm));
	else
		bpf_get_current_comm(e.comm, sizeof(e.comm));
	tcp_addrs(ctx, e.family, e.saddr, e.daddr);
	if (submit_event(ctx, &e, sizeof(e)))
		__sync_fetch_and_add(&output_errors, 1);
cleanup:
	bpf_map_delete_elem(&birth, &sk);
	bpf_map_delete_elem(&idents, &sk);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
