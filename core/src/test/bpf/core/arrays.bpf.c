// SPDX-License-Identifier: GPL-2.0
/* Arrays: flexible array members (the last member of their struct: any index is in bounds) on
 * either side, arrays of structs with a member after the index, an index beyond the target's
 * array, and byte_sz/field_exists/signed of array elements. bpf_array's value/ptrs/pptrs are
 * zero-length arrays in an anonymous union on 6.1 (only the union's last member, pptrs, counts
 * as flexible there) and each the last member of its own anonymous struct on 6.18
 * (DECLARE_FLEX_ARRAY): value[5] and ptrs[3] match on 6.18 only. */
#include "corpus.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

/* flexible on both sides (cgroup.ancestors[] is the last member of every kernel's struct cgroup) */
struct cgroup___flex {
	int level;
	struct cgroup___flex *ancestors[];
};

/* fixed locally, flexible in the kernel */
struct cgroup___fixed {
	struct cgroup___fixed *ancestors[2];
};

/* flexible locally, fixed in the kernel: 14 slots on 6.1, 12 on 6.18 */
struct css_set___flex {
	int nr_tasks;
	struct cgroup_subsys_state *subsys[];
};

struct rlimit {
	unsigned long rlim_cur;
	unsigned long rlim_max;
};

struct signal_struct {
	int nr_threads;
	struct rlimit rlim[16];
};

struct task_struct___sig {
	struct signal_struct *signal;
};

struct bpf_array___value {
	u32 elem_size;
	char value[];
};

struct bpf_array___ptrs {
	u32 elem_size;
	void *ptrs[];
};

struct bpf_array___pptrs {
	u32 elem_size;
	void *pptrs[];
};

#pragma clang attribute pop

SEC("raw_tp/cgroup_mkdir")
int arrays_flex(struct bpf_raw_tracepoint_args *ctx)
{
	struct cgroup___flex *c = (void *)ctx->args[0];
	struct cgroup___fixed *f = (void *)ctx->args[0];
	struct css_set___flex *s = (void *)ctx->args[1];
	long v = 0;

	v += (long)BPF_CORE_READ(c, ancestors[0]);
	v += (long)BPF_CORE_READ(c, ancestors[3]);
	v += (long)BPF_CORE_READ(c, ancestors[3], level);
	v += bpf_core_field_exists(c->ancestors[7]);
	v += bpf_core_field_size(c->ancestors[7]);
	v += (long)BPF_CORE_READ(f, ancestors[1]);
	v += (long)BPF_CORE_READ(s, subsys[11]);
	v += (long)BPF_CORE_READ(s, subsys[13]);
	v += bpf_core_field_exists(s->subsys[13]);
	return v;
}

SEC("tp/sched/sched_process_fork")
int arrays_structs(void *ctx)
{
	struct task_struct___sig *t = (void *)bpf_get_current_task();
	long v = 0;

	v += BPF_CORE_READ(t, signal, rlim[7].rlim_cur);
	v += BPF_CORE_READ(t, signal, rlim[15].rlim_max);
	v += bpf_core_field_size(t->signal->rlim[3]);
	v += bpf_core_field_size(t->signal->rlim);
	v += bpf_core_field_offset(t->signal->rlim[2]);
	v += bpf_core_field_exists(t->signal->rlim[15]);
	v += __builtin_preserve_field_info(t->signal->nr_threads, BPF_FIELD_SIGNED);
	return v;
}

SEC("raw_tp/bpf_test_finish")
int arrays_bpf_array(struct bpf_raw_tracepoint_args *ctx)
{
	struct bpf_array___value *a = (void *)ctx->args[0];
	struct bpf_array___ptrs *p = (void *)ctx->args[0];
	struct bpf_array___pptrs *pp = (void *)ctx->args[0];
	long v = 0;

	v += BPF_CORE_READ(a, value[5]);
	v += bpf_core_field_exists(a->value[5]);
	v += bpf_core_field_size(a->value[5]);
	v += __builtin_preserve_field_info(a->value[5], BPF_FIELD_SIGNED);
	v += (long)BPF_CORE_READ(p, ptrs[3]);
	v += (long)BPF_CORE_READ(pp, pptrs[3]);
	v += BPF_CORE_READ(a, elem_size);
	return v;
}
