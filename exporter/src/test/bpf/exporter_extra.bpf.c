// SPDX-License-Identifier: GPL-2.0
/* The exporter tests' second object: what getppid() does in the calling process, three ways.
 * - exporter_test_getppid_events_total: a perf event array; each call sends the caller's tgid
 *   (u32), which the exporter counts (perf_event_array: true counters);
 * - exporter_test_getppid_flushed_total: the same into a second perf event array, for a counter
 *   with a flush_interval;
 * - exporter_test_kaddr_total: calls per process counted under kaddr_schedule, a const volatile
 *   the exporter sets to schedule()'s address from /proc/kallsyms (kaddrs); the ksym decoder
 *   names it back;
 * - exporter_test_cgroup_match_total / _nomatch_total: calls per cgroup id, in the first when the
 *   id is in exporter_test_cgroup_id_map (the exporter's cgroup_id_map), in the second otherwise. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

const volatile u64 kaddr_schedule = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} exporter_test_getppid_events_total SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} exporter_test_getppid_flushed_total SEC(".maps");

struct kaddr_key {
	u64 addr;
	u32 pid;
	u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct kaddr_key);
	__type(value, u64);
} exporter_test_kaddr_total SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);
	__type(value, u64);
} exporter_test_cgroup_id_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);
	__type(value, u64);
} exporter_test_cgroup_match_total SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);
	__type(value, u64);
} exporter_test_cgroup_nomatch_total SEC(".maps");

static void bump(void *map, void *k)
{
	u64 one = 1, *v = bpf_map_lookup_elem(map, k);
	if (v)
		__sync_fetch_and_add(v, 1);
	else if (bpf_map_update_elem(map, k, &one, BPF_NOEXIST))
		if ((v = bpf_map_lookup_elem(map, k)))
			__sync_fetch_and_add(v, 1);
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	u64 addr = kaddr_schedule, cg = bpf_get_current_cgroup_id();

	bpf_perf_event_output(ctx, &exporter_test_getppid_events_total, BPF_F_CURRENT_CPU, &pid, sizeof(pid));
	bpf_perf_event_output(ctx, &exporter_test_getppid_flushed_total, BPF_F_CURRENT_CPU, &pid, sizeof(pid));
	if (addr) {
		struct kaddr_key k = {.addr = addr, .pid = pid};
		bump(&exporter_test_kaddr_total, &k);
	}
	if (bpf_map_lookup_elem(&exporter_test_cgroup_id_map, &cg))
		bump(&exporter_test_cgroup_match_total, &cg);
	else
		bump(&exporter_test_cgroup_nomatch_total, &cg);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
