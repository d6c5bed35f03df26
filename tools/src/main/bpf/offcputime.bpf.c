// SPDX-License-Identifier: GPL-2.0
/* bpf4j offcputime: blocked time with stacks, as libbpf-tools' offcputime. At each
 * sched_switch (tp_btf, or raw_tp where the kernel has no BTF tracepoints: user space loads
 * one of the two, as libbpf-tools does) the task going off the CPU has its stacks and the time stored; when it
 * comes back on, the time it was off (in microseconds, between -m and -M) is added under
 * (thread, process, user stack id, kernel stack id). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "stacks.h"

#define TASK_COMM_LEN 16
#define MAX_ENTRIES 10240
#define PF_KTHREAD 0x00200000

/* task_struct's flags, not in the trimmed vmlinux.h: a CO-RE flavour of the kernel's type */
struct task_struct___flags {
	unsigned int flags;
} __attribute__((preserve_access_index));

struct key_t {
	u32 pid;
	u32 tgid;
	int user_stack_id;
	int kern_stack_id;
};

struct val_t {
	u64 delta;
	char comm[TASK_COMM_LEN];
};

struct internal_key {
	u64 start_ts;
	struct key_t key;
};

const volatile pid_t targ_tgid = -1;
const volatile pid_t targ_pid = -1;
const volatile bool user_threads_only = false;
const volatile bool kernel_threads_only = false;
const volatile long state = -1;
const volatile u64 min_block_ns = 1;
const volatile u64 max_block_ns = -1;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, u32);
	__type(value, struct internal_key);
	__uint(max_entries, MAX_ENTRIES);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct key_t);
	__type(value, struct val_t);
	__uint(max_entries, MAX_ENTRIES);
} info SEC(".maps");

static __always_inline bool kthread(struct task_struct *t)
{
	return BPF_CORE_READ((struct task_struct___flags *)t, flags) & PF_KTHREAD;
}

static __always_inline bool allow_record(struct task_struct *t)
{
	if (targ_tgid != -1 && targ_tgid != BPF_CORE_READ(t, tgid))
		return false;
	if (targ_pid != -1 && targ_pid != BPF_CORE_READ(t, pid))
		return false;
	if (user_threads_only && kthread(t))
		return false;
	if (kernel_threads_only && !kthread(t))
		return false;
	if (state != -1 && BPF_CORE_READ(t, __state) != state)
		return false;
	return true;
}

static __always_inline int switched(void *ctx, struct task_struct *prev, struct task_struct *next)
{
	struct internal_key *i, ik = {};
	struct val_t *valp, val = {};
	u32 pid;
	s64 delta;

	if (allow_record(prev)) {
		pid = BPF_CORE_READ(prev, pid);
		if (!pid)
			pid = bpf_get_smp_processor_id();
		ik.key.pid = pid;
		ik.key.tgid = BPF_CORE_READ(prev, tgid);
		ik.start_ts = bpf_ktime_get_ns();
		ik.key.user_stack_id = kthread(prev) ? -1 : bpf_get_stackid(ctx, &stackmap, BPF_F_USER_STACK);
		ik.key.kern_stack_id = bpf_get_stackid(ctx, &stackmap, 0);
		bpf_map_update_elem(&start, &pid, &ik, BPF_ANY);
		bpf_probe_read_kernel_str(&val.comm, sizeof(val.comm), prev->comm);
		val.delta = 0;
		bpf_map_update_elem(&info, &ik.key, &val, BPF_NOEXIST);
	}

	pid = BPF_CORE_READ(next, pid);
	i = bpf_map_lookup_elem(&start, &pid);
	if (!i)
		return 0;
	delta = (s64)(bpf_ktime_get_ns() - i->start_ts);
	if (delta < 0)
		goto cleanup;
	delta /= 1000U;
	if (delta < min_block_ns || delta > max_block_ns)
		goto cleanup;
	valp = bpf_map_lookup_elem(&info, &i->key);
	if (!valp)
		goto cleanup;
	__sync_fetch_and_add(&valp->delta, delta);

cleanup:
	bpf_map_delete_elem(&start, &pid);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return switched(ctx, prev, next);
}

/* the same on a raw tracepoint: its arguments are the tracepoint's, read through probes */
SEC("raw_tp/sched_switch")
int BPF_PROG(sched_switch_raw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return switched(ctx, prev, next);
}

char LICENSE[] SEC("license") = "GPL";
