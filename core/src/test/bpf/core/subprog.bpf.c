// SPDX-License-Identifier: GPL-2.0
/* CO-RE relocations inside subprograms: a static one called by two programs and a global one.
 * libbpf 1.1 relocates them before appending them to their callers, so the log and the oracle
 * name them by the subprogram and count instructions from the subprogram's start. */
#include "corpus.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

static __noinline long read_ids(struct task_struct *t)
{
	return BPF_CORE_READ(t, tgid) + BPF_CORE_READ(t, real_parent, pid);
}

__noinline long read_state(struct task_struct *t)
{
	if (!t)
		return 0;
	return BPF_CORE_READ(t, __state) + bpf_core_field_size(t->comm);
}

SEC("tp/sched/sched_process_exec")
int subprog_exec(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	return read_ids(t) + BPF_CORE_READ(t, flags);
}

SEC("tp/sched/sched_process_exit")
int subprog_exit(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	return BPF_CORE_READ(t, prio) + read_ids(t) + read_state(t);
}
