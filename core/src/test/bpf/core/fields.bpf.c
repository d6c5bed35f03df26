// SPDX-License-Identifier: GPL-2.0
/* Field relocations on task_struct: byte_off, byte_sz, field_exists, signed; pointer chains,
 * arrays (a constant index past the end of a shorter target array), anonymous nesting. */
#include "corpus.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

/* byte_off through BPF_CORE_READ (bpf_probe_read_kernel), a two-level chain, byte_sz, signed */
SEC("tp/sched/sched_process_exec")
int fields_basic(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	long v = 0;

	v += BPF_CORE_READ(t, pid);
	v += BPF_CORE_READ(t, real_parent, tgid);
	v += bpf_core_field_size(t->comm);
	v += bpf_core_field_size(t->flags);
	v += __builtin_preserve_field_info(t->pid, BPF_FIELD_SIGNED);
	v += __builtin_preserve_field_info(t->flags, BPF_FIELD_SIGNED);
	return v;
}

/* fields present on some kernels only, each read guarded by field_exists */
SEC("tp/sched/sched_process_fork")
int fields_optional(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	long v = 0;

	if (bpf_core_field_exists(t->saved_state))
		v += BPF_CORE_READ(t, saved_state);
	if (bpf_core_field_exists(t->numa_scan_seq))
		v += BPF_CORE_READ(t, numa_scan_seq);
	if (bpf_core_field_exists(t->softirq_disable_cnt))
		v += BPF_CORE_READ(t, softirq_disable_cnt);
	if (bpf_core_field_exists(t->bpf4j_no_such_field))
		v += BPF_CORE_READ(t, bpf4j_no_such_field);
	return v;
}

/* arrays and anonymous nesting: comm[2], css_set.subsys[13] (12 slots on 6.18: out of range),
 * mm_struct's anonymous struct-in-struct members */
SEC("raw_tp/sched_process_exit")
int fields_arrays(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *t = (void *)ctx->args[0];
	char c = 0;
	long v = 0;

	bpf_core_read(&c, 1, &t->comm[2]);
	v += c;
	v += (long)BPF_CORE_READ(t, cgroups, subsys[4]);
	v += (long)BPF_CORE_READ(t, cgroups, subsys[13]);
	v += BPF_CORE_READ(t, mm, mm_count.counter);
	v += BPF_CORE_READ(t, mm, arg_start);
	v += bpf_core_field_exists(t->mm->exe_file);
	return v;
}
