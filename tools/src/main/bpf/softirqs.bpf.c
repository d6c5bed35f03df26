// SPDX-License-Identifier: GPL-2.0
/* bpf4j softirqs: soft interrupt time per vector (or log2 histograms, -d), as libbpf-tools'
 * softirqs, from tp_btf softirq_entry/exit. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "hist.h"

#define MAX_SLOTS 20
#define NR_SOFTIRQS 10

struct hist {
	u32 slots[MAX_SLOTS];
};

const volatile bool targ_dist = false;
const volatile bool targ_ns = false;

/* this CPU's softirq entry time */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");

/* vector -> total time */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NR_SOFTIRQS);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

/* vector -> histogram */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NR_SOFTIRQS);
	__type(key, u32);
	__type(value, struct hist);
} hists SEC(".maps");

static const struct hist zero_hist;
static const u64 zero_count;

SEC("tp_btf/softirq_entry")
int BPF_PROG(softirq_entry, unsigned int vec_nr)
{
	u64 ts = bpf_ktime_get_ns();
	u32 key = 0;

	bpf_map_update_elem(&start, &key, &ts, BPF_ANY);
	return 0;
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(softirq_exit, unsigned int vec_nr)
{
	u32 key = 0, vec = vec_nr;
	u64 *tsp, delta, *count;
	struct hist *h;

	if (vec >= NR_SOFTIRQS)
		return 0;
	tsp = bpf_map_lookup_elem(&start, &key);
	if (!tsp || !*tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	*tsp = 0;
	if (!targ_ns)
		delta /= 1000;
	if (!targ_dist) {
		count = lookup_or_init(&counts, &vec, &zero_count);
		if (count)
			__sync_fetch_and_add(count, delta);
	} else {
		h = lookup_or_init(&hists, &vec, &zero_hist);
		if (!h)
			return 0;
		log2_count(h->slots, MAX_SLOTS, delta);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
