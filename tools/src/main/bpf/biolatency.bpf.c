// SPDX-License-Identifier: GPL-2.0
/* bpf4j biolatency: block I/O latency as log2 histograms, as libbpf-tools' biolatency: from
 * block_rq_issue (or block_rq_insert with -Q) to block_rq_complete, per disk (-D) and per
 * request flags (-F) when asked, for one disk (-d) and one cgroup (-c). tp_btf programs: the
 * tracepoints' request pointer identifies the request from start to completion. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "hist.h"
#include "cgroup.h"
#include "block.h"

#define MAX_SLOTS 27
#define MAX_ENTRIES 10240

struct hist_key {
	u32 cmd_flags;
	u32 dev;
};

struct hist {
	u32 slots[MAX_SLOTS];
};

const volatile bool targ_per_disk = false;
const volatile bool targ_per_flag = false;
const volatile bool targ_queued = false;
const volatile bool targ_ms = false;
const volatile bool filter_dev = false;
const volatile u32 targ_dev = 0;

/* request -> start time */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct request *);
	__type(value, u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

static const struct hist zero;

static __always_inline int trace_rq_start(struct request *rq)
{
	u64 ts;

	if (!cgroup_ok())
		return 0;
	if (filter_dev && rq_dev(rq) != targ_dev)
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &rq, &ts, BPF_ANY);
	return 0;
}

SEC("?tp_btf/block_rq_insert")
int BPF_PROG(block_rq_insert, struct request *rq)
{
	return trace_rq_start(rq);
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(block_rq_issue, struct request *rq)
{
	/* with -Q a request that went through an I/O scheduler started at its insertion */
	if (targ_queued && BPF_CORE_READ(rq, q, elevator))
		return 0;
	return trace_rq_start(rq);
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(block_rq_complete, struct request *rq, int error, unsigned int nr_bytes)
{
	struct hist_key key = {};
	struct hist *h;
	u64 *tsp, delta;

	tsp = bpf_map_lookup_elem(&start, &rq);
	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&start, &rq);
	if ((s64)delta < 0)
		return 0;
	if (targ_per_disk)
		key.dev = rq_dev(rq);
	if (targ_per_flag)
		key.cmd_flags = BPF_CORE_READ(rq, cmd_flags);
	h = lookup_or_init(&hists, &key, &zero);
	if (!h)
		return 0;
	delta /= targ_ms ? 1000000 : 1000;
	log2_count(h->slots, MAX_SLOTS, delta);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
