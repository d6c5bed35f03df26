// SPDX-License-Identifier: GPL-2.0
/* The runqlat config: run queue latency, as libbpf-tools' runqlat measures it (from a task's
 * wake-up, or its preemption while runnable, to its switch onto a CPU), for all tasks, an exp2
 * histogram in microseconds (runqlat_seconds, bucket_multiplier 1e-6), buckets 0..26 and their
 * sum at 27. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "exp2.h"

#define MAX_BUCKET 26
#define TASK_RUNNING 0

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, u64);
} runqlat_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, u64);
	__type(value, u64);
} runqlat_seconds SEC(".maps");

static __always_inline int enqueue(u32 tid)
{
	u64 ts;

	if (!tid)
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&runqlat_start, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(runqlat_wakeup, struct task_struct *p)
{
	return enqueue(BPF_CORE_READ(p, pid));
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(runqlat_wakeup_new, struct task_struct *p)
{
	return enqueue(BPF_CORE_READ(p, pid));
}

SEC("tp_btf/sched_switch")
int BPF_PROG(runqlat_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	u64 *tsp, us, bucket;
	u32 tid;

	if (BPF_CORE_READ(prev, __state) == TASK_RUNNING)
		enqueue(BPF_CORE_READ(prev, pid));
	tid = BPF_CORE_READ(next, pid);
	tsp = bpf_map_lookup_elem(&runqlat_start, &tid);
	if (!tsp)
		return 0;
	us = (bpf_ktime_get_ns() - *tsp) / 1000;
	bpf_map_delete_elem(&runqlat_start, &tid);
	bucket = exp2_bucket(us, MAX_BUCKET);
	map_add(&runqlat_seconds, &bucket, 1);
	bucket = MAX_BUCKET + 1;
	map_add(&runqlat_seconds, &bucket, us);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
