// SPDX-License-Identifier: GPL-2.0
/* Fixture: typed ksyms resolved to BTF ids of vmlinux, per-CPU variables read through
 * bpf_per_cpu_ptr and bpf_this_cpu_ptr. The verifier looks their addresses up in kallsyms, which
 * lists variables only on kernels built with CONFIG_KALLSYMS_ALL (Debian's are). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* only what is read here: CO-RE finds the field in the kernel's struct rq */
struct rq {
	int cpu;
} __attribute__((preserve_access_index));

extern const struct rq runqueues __ksym;
extern const int bpf_prog_active __ksym;

struct args {
	int cpu1;
};

int rq_cpu0, rq_cpu1, rq_this, this_cpu, prog_active_seen;

SEC("syscall")
int use_percpu(struct args *args)
{
	struct rq *rq;
	const int *active;

	rq = bpf_per_cpu_ptr(&runqueues, 0);
	rq_cpu0 = rq ? BPF_CORE_READ(rq, cpu) : -1;
	rq = bpf_per_cpu_ptr(&runqueues, args->cpu1);
	rq_cpu1 = rq ? BPF_CORE_READ(rq, cpu) : -1;
	rq = bpf_this_cpu_ptr(&runqueues);
	rq_this = BPF_CORE_READ(rq, cpu);
	this_cpu = bpf_get_smp_processor_id();
	active = bpf_this_cpu_ptr(&bpf_prog_active);
	prog_active_seen = *active >= 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
