// SPDX-License-Identifier: GPL-2.0
/* bpf4j syscount: counts system calls by number, as the study document's syscall counter,
 * optionally for one process (target_pid) and with total latency per system call. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define MAX_SYSCALLS 1024
#define MAX_THREADS 10240

/* set from Java before loading: 0 traces every process */
const volatile pid_t target_pid = 0;
/* set from Java before loading: record per-thread entry times for sys_exit */
const volatile bool measure_latency = false;

/* syscall number -> number of calls */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, u32);
	__type(value, u64);
} syscall_counts SEC(".maps");

/* syscall number -> total nanoseconds spent in it */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, u32);
	__type(value, u64);
} syscall_time_ns SEC(".maps");

/* thread id -> entry timestamp */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_THREADS);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");

static __always_inline void add(void *map, u32 *key, u64 delta)
{
	u64 *value = bpf_map_lookup_elem(map, key);

	if (value) {
		__sync_fetch_and_add(value, delta);
		return;
	}
	/* another CPU may insert the key first: then add to its entry */
	if (bpf_map_update_elem(map, key, &delta, BPF_NOEXIST)) {
		value = bpf_map_lookup_elem(map, key);
		if (value)
			__sync_fetch_and_add(value, delta);
	}
}

SEC("tracepoint/raw_syscalls/sys_enter")
int count_syscalls(struct trace_event_raw_sys_enter *ctx)
{
	u64 pid_tgid = bpf_get_current_pid_tgid();
	u32 tid = (u32)pid_tgid;
	u32 syscall_id;

	if (target_pid && (pid_t)(pid_tgid >> 32) != target_pid)
		return 0;

	syscall_id = ctx->id;
	add(&syscall_counts, &syscall_id, 1);

	if (measure_latency) {
		u64 ts = bpf_ktime_get_ns();

		bpf_map_update_elem(&start, &tid, &ts, BPF_ANY);
	}
	return 0;
}

SEC("?tracepoint/raw_syscalls/sys_exit")
int sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	u64 *ts, delta;
	u32 syscall_id;

	/* only threads that passed the filter in sys_enter have an entry time */
	ts = bpf_map_lookup_elem(&start, &tid);
	if (!ts)
		return 0;
	delta = bpf_ktime_get_ns() - *ts;
	bpf_map_delete_elem(&start, &tid);

	syscall_id = ctx->id;
	add(&syscall_time_ns, &syscall_id, delta);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
