// SPDX-License-Identifier: GPL-2.0
/* bpf4j bitesize: block I/O request sizes as log2 histograms of Kbytes per process name, as
 * libbpf-tools' bitesize: at block_rq_issue (tp_btf), the request's data length, under the name
 * of the task issuing it, for one process name (-c COMM) and one disk (-d DISK) when asked. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "hist.h"
#include "block.h"

#define MAX_SLOTS 20
#define MAX_ENTRIES 10240

struct hist_key {
	char comm[TASK_COMM_LEN];
};

struct hist {
	u32 slots[MAX_SLOTS];
};

/* -c COMM: the name's first bytes (up to 15 and its NUL), all zero without -c */
const volatile char targ_comm[TASK_COMM_LEN] = {};
const volatile bool filter_dev = false;
const volatile u32 targ_dev = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct hist_key);
	__type(value, struct hist);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} hists SEC(".maps");

static const struct hist zero;

/* the task's name starts with -c's (libbpf-tools compares up to the end of targ_comm) */
static __always_inline bool comm_allowed(const char *comm)
{
	for (int i = 0; i < TASK_COMM_LEN && targ_comm[i] != '\0'; i++) {
		if (comm[i] != targ_comm[i])
			return false;
	}
	return true;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(block_rq_issue, struct request *rq)
{
	struct hist_key key = {};
	struct hist *h;

	if (filter_dev && rq_dev(rq) != targ_dev)
		return 0;
	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	if (!comm_allowed(key.comm))
		return 0;
	h = lookup_or_init(&hists, &key, &zero);
	if (!h)
		return 0;
	log2_count(h->slots, MAX_SLOTS, BPF_CORE_READ(rq, __data_len) / 1024);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
