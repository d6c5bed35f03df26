// SPDX-License-Identifier: GPL-2.0
/* Direct loads in a tp_btf program: byte_off relocations on LDX instructions ("off" patched),
 * including libbpf's load-size adjustment (unsigned 8-byte local field, 4-byte target field)
 * and its refusal for a signed field (libbpf warns "accesses field incorrectly" and poisons). */
#include "corpus.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct task_struct___wide {
	__u64 flags;		/* unsigned int in the kernel: the 8-byte load becomes a 4-byte one */
	long long prio;		/* int in the kernel: signed, so the load is poisoned */
} __attribute__((preserve_access_index));

SEC("tp_btf/sched_switch")
int BPF_PROG(direct_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct task_struct___wide *w = (void *)next;

	return prev->pid + next->tgid + prev->real_parent->pid + (int)w->flags + (int)w->prio;
}
