// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// Fixture for .BTF.ext: several programs in several sections, static and global subprograms, and
// CO-RE relocations of all 13 kinds against locally declared ("flavoured") kernel-like types.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
	unsigned int flags : 3;
	int prio : 5;
	struct task_struct *parent;
	char comm[16];
} __attribute__((preserve_access_index));

/* a flavour: CO-RE matches it to "task_struct" */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

enum task_state { TASK_RUNNING = 0, TASK_DEAD = 16 };

typedef unsigned long long counter_t;

counter_t events;

static __noinline int read_pid(struct task_struct *t)
{
	return BPF_CORE_READ(t, parent, pid);
}

__noinline int read_bits(struct task_struct *t)
{
	return BPF_CORE_READ_BITFIELD_PROBED(t, prio) + BPF_CORE_READ_BITFIELD(t, flags);
}

SEC("tracepoint/sched/sched_switch")
int on_switch(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	int v = read_pid(t);

	if (bpf_core_field_exists(t->tgid))
		v += bpf_core_field_size(t->comm);
	if (bpf_core_type_exists(struct task_struct___old))
		v += bpf_core_type_size(struct task_struct___old);
	events += v;
	return 0;
}

SEC("kprobe/do_exit")
int on_exit(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	int v = read_bits(t) + read_pid(t);

	if (bpf_core_enum_value_exists(enum task_state, TASK_DEAD))
		v += bpf_core_enum_value(enum task_state, TASK_DEAD);
	v += bpf_core_type_id_local(struct task_struct);
	v += bpf_core_type_id_kernel(struct task_struct);
	if (bpf_core_type_matches(counter_t))
		v++;
	events += v + bpf_core_field_offset(t->comm);
	return 0;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
