// SPDX-License-Identifier: GPL-2.0
/* bpf4j tcpstates: traces TCP state changes on sock:inet_sock_set_state as libbpf-tools'
 * tcpstates: the socket, the task running, the addresses and ports, the old and new state and
 * how long the socket was in the old one, through the event buffer (buffer.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "tcpstates.h"
#include "tcp.h"
#include "buffer.h"

/* events the buffer could not take */
long output_errors = 0;

/* when each socket entered its current state */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u64);
	__type(value, u64);
} timestamps SEC(".maps");

SEC("tracepoint/sock/inet_sock_set_state")
int set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	u64 sk = (u64)ctx->skaddr, ts, *tsp;
	struct tcpstate_event e = {};

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (!tcp_filter_ok(ctx->family, ctx->sport, ctx->dport))
		return 0;
	ts = bpf_ktime_get_ns();
	tsp = bpf_map_lookup_elem(&timestamps, &sk);
	e.skaddr = sk;
	e.ts_us = ts / 1000;
	e.delta_us = tsp ? (ts - *tsp) / 1000 : 0;
	e.pid = bpf_get_current_pid_tgid() >> 32;
	e.oldstate = ctx->oldstate;
	e.newstate = ctx->newstate;
	e.family = ctx->family;
	e.sport = ctx->sport;
	e.dport = ctx->dport;
	tcp_addrs(ctx, e.family, e.saddr, e.daddr);
	bpf_get_current_comm(e.task, sizeof(e.task));
	if (submit_event(ctx, &e, sizeof(e)))
		__sync_fetch_and_add(&output_errors, 1);
	if (ctx->newstate == TCP_CLOSE)
		bpf_map_delete_elem(&timestamps, &sk);
	else
		bpf_map_update_elem(&timestamps, &sk, &ts, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
