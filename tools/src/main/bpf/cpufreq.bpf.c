// SPDX-License-Identifier: GPL-2.0
/* bpf4j cpufreq: the CPUs' frequency at samples of a CPU clock perf event, system-wide and per
 * process name, as libbpf-tools' cpufreq: linear histograms of 200 MHz steps. Each CPU's
 * frequency starts as user space read it from sysfs (scaling_cur_freq) and follows the
 * power/cpu_frequency tracepoint (tp_btf). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "hist.h"
#include "cgroup.h"

#define MAX_ENTRIES 1024
#define MAX_CPU_NR 128
#define MAX_SLOTS 26
#define HIST_STEP_SIZE 200

struct hist_key {
	char comm[TASK_COMM_LEN];
};

struct hist {
	u32 slots[MAX_SLOTS];
};

/* CPU -> its frequency in MHz (0: unknown) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_CPU_NR);
	__type(key, u32);
	__type(value, u32);
} freqs_mhz SEC(".maps");

/* [0]: every sample's frequency */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct hist);
} syswide SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

static const struct hist zero;

SEC("tp_btf/cpu_frequency")
int BPF_PROG(cpu_frequency, unsigned int state, unsigned int cpu_id)
{
	u32 mhz = state / 1000;

	bpf_map_update_elem(&freqs_mhz, &cpu_id, &mhz, BPF_ANY);
	return 0;
}

SEC("perf_event")
int do_sample(void *ctx)
{
	u32 pid = bpf_get_current_pid_tgid(), cpu = bpf_get_smp_processor_id(), idx = 0, slot, *mhz;
	struct hist_key key = {};
	struct hist *h;

	if (!cgroup_ok())
		return 0;
	mhz = bpf_map_lookup_elem(&freqs_mhz, &cpu);
	if (!mhz || !*mhz)
		return 0;
	slot = *mhz / HIST_STEP_SIZE;
	if (slot >= MAX_SLOTS)
		slot = MAX_SLOTS - 1;
	h = bpf_map_lookup_elem(&syswide, &idx);
	if (h)
		__sync_fetch_and_add(&h->slots[slot], 1);
	if (!pid)
		return 0;
	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	h = lookup_or_init(&hists, &key, &zero);
	if (!h)
		return 0;
	__sync_fetch_and_add(&h->slots[slot], 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
