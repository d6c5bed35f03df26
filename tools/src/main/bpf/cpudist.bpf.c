// SPDX-License-Identifier: GPL-2.0
/* bpf4j cpudist: on-CPU (or, with -O, off-CPU) time per task as log2 histograms, as
 * libbpf-tools' cpudist, from sched_switch (tp_btf: this kernel has no kprobes for
 * finish_task_switch). An on-CPU interval ends at every switch-out of the task, whether it was
 * preempted or went to sleep (libbpf-tools 0.26 counts only preempted ones). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "hist.h"
#include "cgroup.h"

#define MAX_SLOTS 36
#define MAX_ENTRIES 10240

struct hist {
	u32 slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};

const volatile bool targ_per_process = false;
const volatile bool targ_per_thread = false;
const volatile bool targ_offcpu = false;
const volatile bool targ_ms = false;
const volatile pid_t targ_tgid = -1;

/* thread id -> time it went on (or off) the CPU */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, u32);
	__type(value, struct hist);
} hists SEC(".maps");

static const struct hist zero;

static __always_inline void store_start(u32 tgid, u32 pid, u64 ts)
{
	if (targ_tgid != -1 && targ_tgid != tgid)
		return;
	bpf_map_update_elem(&start, &pid, &ts, BPF_ANY);
}

static __always_inline void update_hist(struct task_struct *task, u32 tgid, u32 pid, u64 ts)
{
	struct hist *h;
	u64 *tsp, delta;
	u32 id;

	if (targ_tgid != -1 && targ_tgid != tgid)
		return;
	tsp = bpf_map_lookup_elem(&start, &pid);
	if (!tsp || ts < *tsp)
		return;
	delta = ts - *tsp;
	bpf_map_delete_elem(&start, &pid);
	id = targ_per_process ? tgid : targ_per_thread ? pid : (u32)-1;
	h = lookup_or_init(&hists, &id, &zero);
	if (!h)
		return;
	if (targ_per_process || targ_per_thread)
		bpf_probe_read_kernel_str(&h->comm, sizeof(h->comm), task->comm);
	delta /= targ_ms ? 1000000 : 1000;
	log2_count(h->slots, MAX_SLOTS, delta);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	u32 prev_tgid = BPF_CORE_READ(prev, tgid), prev_pid = BPF_CORE_READ(prev, pid);
	u32 tgid = BPF_CORE_READ(next, tgid), pid = BPF_CORE_READ(next, pid);
	u64 ts = bpf_ktime_get_ns();

	if (!cgroup_ok())
		return 0;
	if (targ_offcpu) {
		store_start(prev_tgid, prev_pid, ts);
		update_hist(next, tgid, pid, ts);
	} else {
		if (prev_pid)
			update_hist(prev, prev_tgid, prev_pid, ts);
		if (pid)
			store_start(tgid, pid, ts);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
