// SPDX-License-Identifier: GPL-2.0
/* bpf4j runqlat: run queue latency as log2 histograms, as libbpf-tools' runqlat: from a task's
 * wake-up (or its preemption while runnable) to its switch onto a CPU, for all tasks or per
 * process (-P), thread (-L) or PID namespace (--pidnss), for one process (-p) and one cgroup
 * (-c). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "hist.h"
#include "cgroup.h"

#define MAX_SLOTS 26
#define MAX_ENTRIES 10240
#define TASK_RUNNING 0

struct hist {
	u32 slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};

const volatile bool targ_per_process = false;
const volatile bool targ_per_thread = false;
const volatile bool targ_per_pidns = false;
const volatile bool targ_ms = false;
const volatile pid_t targ_tgid = 0;

/* thread id -> time it became runnable */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");

/* -1, a pid or a tid -> histogram */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, u32);
	__type(value, struct hist);
} hists SEC(".maps");

static const struct hist zero;

static __always_inline int trace_enqueue(u32 tgid, u32 pid)
{
	u64 ts;

	if (!pid)
		return 0;
	if (targ_tgid && targ_tgid != tgid)
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &pid, &ts, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	if (!cgroup_ok())
		return 0;
	return trace_enqueue(BPF_CORE_READ(p, tgid), BPF_CORE_READ(p, pid));
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	if (!cgroup_ok())
		return 0;
	return trace_enqueue(BPF_CORE_READ(p, tgid), BPF_CORE_READ(p, pid));
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct hist *h;
	u64 *tsp, delta;
	u32 pid, key;

	if (!cgroup_ok())
		return 0;
	/* preempted while runnable: it waits in the run queue from now */
	if (BPF_CORE_READ(prev, __state) == TASK_RUNNING)
		trace_enqueue(BPF_CORE_READ(prev, tgid), BPF_CORE_READ(prev, pid));

	pid = BPF_CORE_READ(next, pid);
	tsp = bpf_map_lookup_elem(&start, &pid);
	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&start, &pid);
	if ((s64)delta < 0)
		return 0;
	if (targ_per_process)
		key = BPF_CORE_READ(next, tgid);
	else if (targ_per_thread)
		key = pid;
	else if (targ_per_pidns)
		key = BPF_CORE_READ(next, nsproxy, pid_ns_for_children, ns.inum);
	else
		key = (u32)-1;
	h = lookup_or_init(&hists, &key, &zero);
	if (!h)
		return 0;
	if (targ_per_process || targ_per_thread || targ_per_pidns)
		bpf_probe_read_kernel_str(&h->comm, sizeof(h->comm), next->comm);
	delta /= targ_ms ? 1000000 : 1000;
	log2_count(h->slots, MAX_SLOTS, delta);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
