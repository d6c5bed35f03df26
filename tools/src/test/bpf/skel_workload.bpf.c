// SPDX-License-Identifier: GPL-2.0
/* Skeleton end-to-end test program (SkeletonKernelTest): counts the system calls of one process
 * in a hash map with struct keys and values, and for one system call number sends a struct event
 * per call to a ring buffer and, for reading without a ring buffer reader, to a hash map by
 * sequence number. Built with bpf4j-maven-plugin (test-compile), which generates its skeleton. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct call_key {
	u32 tgid;
	u32 nr;
};

struct call_stats {
	u64 calls;
	u64 first_ns;
	u64 last_ns;
};

struct event {
	u64 ts;
	u32 tgid;
	u32 tid;
	s64 nr;
	u32 seq;
	char comm[16];
};

/* keeps struct event in the BTF, so the skeleton gets a record for it */
const struct event *unused_event __attribute__((unused));

/* set through the skeleton before load */
const volatile pid_t target_tgid = 0;
const volatile s64 event_nr = -1;

/* read through the skeleton after the run */
u32 next_seq = 0;
u64 ringbuf_drops = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct call_key);
	__type(value, struct call_stats);
} calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, u32);
	__type(value, struct event);
} events_by_seq SEC(".maps");

SEC("tracepoint/raw_syscalls/sys_enter")
int on_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	u64 pid_tgid = bpf_get_current_pid_tgid();
	u32 tgid = pid_tgid >> 32;
	struct call_key key = {};
	struct call_stats *st, init = {};
	u64 now;

	if (tgid != target_tgid)
		return 0;
	now = bpf_ktime_get_ns();
	key.tgid = tgid;
	key.nr = (u32)ctx->id;
	st = bpf_map_lookup_elem(&calls, &key);
	if (!st) {
		init.first_ns = now;
		init.last_ns = now;
		/* another thread of the process may insert the key first: then count in its entry */
		bpf_map_update_elem(&calls, &key, &init, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&calls, &key);
		if (!st)
			return 0;
	}
	__sync_fetch_and_add(&st->calls, 1);
	st->last_ns = now;

	if (ctx->id == event_nr) {
		/* only the workload's main thread makes this call: no race on next_seq */
		struct event e = {};

		e.ts = now;
		e.tgid = tgid;
		e.tid = (u32)pid_tgid;
		e.nr = ctx->id;
		e.seq = next_seq;
		next_seq = e.seq + 1;
		bpf_get_current_comm(&e.comm, sizeof(e.comm));
		if (bpf_ringbuf_output(&events, &e, sizeof(e), 0))
			__sync_fetch_and_add(&ringbuf_drops, 1);
		bpf_map_update_elem(&events_by_seq, &e.seq, &e, BPF_ANY);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
