// SPDX-License-Identifier: GPL-2.0
/* bpf4j hardirqs: hard interrupt handler time (or counts, -C; or log2 histograms, -d) per
 * handler name, as libbpf-tools' hardirqs, from tp_btf irq_handler_entry/exit. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "hist.h"
#include "cgroup.h"

#define MAX_SLOTS 20
#define MAX_ENTRIES 256

struct irq_key {
	char name[32];
};

struct info {
	u64 count;
	u32 slots[MAX_SLOTS];
};

const volatile bool targ_dist = false;
const volatile bool targ_ns = false;
const volatile bool do_count = false;

/* this CPU's handler entry time (hard interrupts do not nest) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct irq_key);
	__type(value, struct info);
} infos SEC(".maps");

static const struct info zero;

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(irq_handler_entry, int irq, struct irqaction *action)
{
	u32 key = 0;
	u64 ts;

	if (!cgroup_ok())
		return 0;
	if (do_count) {
		struct irq_key ikey = {};
		struct info *info;

		bpf_probe_read_kernel_str(&ikey.name, sizeof(ikey.name), BPF_CORE_READ(action, name));
		info = lookup_or_init(&infos, &ikey, &zero);
		if (info)
			__sync_fetch_and_add(&info->count, 1);
		return 0;
	}
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &key, &ts, BPF_ANY);
	return 0;
}

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(irq_handler_exit, int irq, struct irqaction *action, int ret)
{
	struct irq_key ikey = {};
	struct info *info;
	u32 key = 0;
	u64 *tsp, delta;

	if (do_count)
		return 0;
	if (!cgroup_ok())
		return 0;
	tsp = bpf_map_lookup_elem(&start, &key);
	if (!tsp || !*tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	*tsp = 0;
	if (!targ_ns)
		delta /= 1000;
	bpf_probe_read_kernel_str(&ikey.name, sizeof(ikey.name), BPF_CORE_READ(action, name));
	info = lookup_or_init(&infos, &ikey, &zero);
	if (!info)
		return 0;
	if (!targ_dist) {
		__sync_fetch_and_add(&info->count, delta);
	} else {
		log2_count(info->slots, MAX_SLOTS, delta);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
