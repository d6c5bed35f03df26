// SPDX-License-Identifier: GPL-2.0
/* bpf4j syscount: counts system calls as libbpf-tools' syscount does, at their exit (so with
 * their return value): by system call number, or by process (count_by_process), optionally only
 * the failed ones (filter_failed) or those failing with one errno (filter_errno), for one
 * process (target_pid) and one cgroup (filter_cg), with the total latency (measure_latency:
 * sys_enter records the entry time). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "cgroup.h"

#define MAX_ENTRIES 8192
#define MAX_THREADS 10240
#define TASK_COMM_LEN 16

struct data_t {
	u64 count;
	u64 total_ns;
	char comm[TASK_COMM_LEN];
};

/* set from Java before loading: 0 traces every process */
const volatile pid_t target_pid = 0;
const volatile bool measure_latency = false;
const volatile bool count_by_process = false;
const volatile bool filter_failed = false;
const volatile int filter_errno = 0;

/* system call number (or tgid with count_by_process) -> count, total time, command */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, u32);
	__type(value, struct data_t);
} data SEC(".maps");

/* thread id -> entry timestamp */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_THREADS);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");

static const struct data_t zero;

SEC("?tracepoint/raw_syscalls/sys_enter")
int sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	u64 pid_tgid = bpf_get_current_pid_tgid();
	u32 tid = (u32)pid_tgid;
	u64 ts;

	if (!cgroup_ok())
		return 0;
	if (target_pid && (pid_t)(pid_tgid >> 32) != target_pid)
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	u64 pid_tgid = bpf_get_current_pid_tgid();
	u32 tid = (u32)pid_tgid, key;
	struct data_t *val;
	u64 *ts, delta = 0;

	if (!cgroup_ok())
		return 0;
	if (target_pid && (pid_t)(pid_tgid >> 32) != target_pid)
		return 0;
	if (filter_failed && ctx->ret >= 0)
		return 0;
	if (filter_errno && ctx->ret != -filter_errno)
		return 0;
	if (measure_latency) {
		/* a system call that began before the attach has no entry time */
		ts = bpf_map_lookup_elem(&start, &tid);
		if (!ts)
			return 0;
		delta = bpf_ktime_get_ns() - *ts;
		bpf_map_delete_elem(&start, &tid);
	}
	key = count_by_process ? (u32)(pid_tgid >> 32) : (u32)ctx->id;
	val = bpf_map_lookup_elem(&data, &key);
	if (!val) {
		bpf_map_update_elem(&data, &key, &zero, BPF_NOEXIST);
		val = bpf_map_lookup_elem(&data, &key);
		if (!val)
			return 0;
		if (count_by_process)
			bpf_get_current_comm(&val->comm, sizeof(val->comm));
	}
	__sync_fetch_and_add(&val->count, 1);
	if (measure_latency)
		__sync_fetch_and_add(&val->total_ns, delta);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
