// SPDX-License-Identifier: GPL-2.0
/* bpf4j runqlen: the scheduler's run queue length as a linear histogram, as libbpf-tools'
 * runqlen: on each sample of a CPU clock perf event (FREQUENCY times a second on every CPU),
 * the number of tasks on the current CPU's run queue besides the running one (0: idle or only
 * the running task), per CPU with -C. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "hist.h"

#define MAX_SLOTS 32
#define MAX_ENTRIES 1024

struct hist {
	u32 slots[MAX_SLOTS];
};

const volatile bool targ_per_cpu = false;

/* CPU (0 without -C) -> histogram */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, u32);
	__type(value, struct hist);
} hists SEC(".maps");

static const struct hist zero;

SEC("perf_event")
int do_sample(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	u32 len = BPF_CORE_READ(task, se.cfs_rq, rq, nr_running);
	u32 cpu = targ_per_cpu ? bpf_get_smp_processor_id() : 0;
	struct hist *h;

	if (len > 0)
		len--;
	if (len >= MAX_SLOTS)
		len = MAX_SLOTS - 1;
	h = lookup_or_init(&hists, &cpu, &zero);
	if (!h)
		return 0;
	__sync_fetch_and_add(&h->slots[len], 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
