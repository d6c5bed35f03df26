// SPDX-License-Identifier: GPL-2.0
/* bpf4j biosnoop: each block I/O request as it completes, as libbpf-tools' biosnoop, on
 * tracepoints only (tp_btf; libbpf-tools takes the task from fentry/kprobes of
 * blk_account_io_start): the task that started the I/O from block_io_start (6.5+) or else from
 * block_rq_insert/block_rq_issue, the insertion and issue times, and at block_rq_complete the
 * latency, sector, size and flags, through the event buffer (buffer.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "biosnoop.h"
#include "buffer.h"
#include "cgroup.h"
#include "block.h"

#define MAX_ENTRIES 10240

const volatile bool targ_queued = false;
const volatile bool filter_dev = false;
const volatile u32 targ_dev = 0;

/* events the buffer could not take */
long output_errors = 0;

struct piddata {
	char comm[TASK_COMM_LEN];
	u32 pid;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct request *);
	__type(value, struct piddata);
} infobyreq SEC(".maps");

struct stage {
	u64 insert;
	u64 issue;
	u32 dev;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct request *);
	__type(value, struct stage);
} start SEC(".maps");

/* the task of the request, once: the first of block_io_start, insert and issue that sees it */
static __always_inline void trace_pid(struct request *rq)
{
	struct piddata p = {};

	p.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(p.comm, sizeof(p.comm));
	bpf_map_update_elem(&infobyreq, &rq, &p, BPF_NOEXIST);
}

static __always_inline int trace_rq_start(struct request *rq, bool insert)
{
	struct stage *stagep, stage = {};
	u64 ts = bpf_ktime_get_ns();

	if (!cgroup_ok())
		return 0;
	stagep = bpf_map_lookup_elem(&start, &rq);
	if (!stagep) {
		stage.dev = rq_dev(rq);
		if (filter_dev && targ_dev != stage.dev)
			return 0;
		stagep = &stage;
	}
	trace_pid(rq);
	if (insert)
		stagep->insert = ts;
	else
		stagep->issue = ts;
	if (stagep == &stage)
		bpf_map_update_elem(&start, &rq, stagep, BPF_ANY);
	return 0;
}

SEC("?tp_btf/block_io_start")
int BPF_PROG(block_io_start, struct request *rq)
{
	if (!cgroup_ok())
		return 0;
	trace_pid(rq);
	return 0;
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(block_rq_insert, struct request *rq)
{
	return trace_rq_start(rq, true);
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(block_rq_issue, struct request *rq)
{
	return trace_rq_start(rq, false);
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(block_rq_complete, struct request *rq, int error, unsigned int nr_bytes)
{
	u64 ts = bpf_ktime_get_ns();
	struct piddata *p;
	struct bio_event e = {};
	struct stage *stagep;
	s64 delta;

	stagep = bpf_map_lookup_elem(&start, &rq);
	if (!stagep)
		return 0;
	delta = (s64)(ts - stagep->issue);
	if (delta < 0 || !stagep->issue)
		goto cleanup;
	p = bpf_map_lookup_elem(&infobyreq, &rq);
	if (!p) {
		e.comm[0] = '?';
	} else {
		__builtin_memcpy(e.comm, p->comm, sizeof(e.comm));
		e.pid = p->pid;
	}
	e.delta = delta;
	if (targ_queued && BPF_CORE_READ(rq, q, elevator)) {
		if (!stagep->insert)
			e.qdelta = -1;
		else
			e.qdelta = stagep->issue - stagep->insert;
	}
	e.ts = ts;
	e.sector = BPF_CORE_READ(rq, __sector);
	e.len = BPF_CORE_READ(rq, __data_len);
	e.cmd_flags = BPF_CORE_READ(rq, cmd_flags);
	e.dev = stagep->dev;
	if (submit_event(ctx, &e, sizeof(e)))
		__sync_fetch_and_add(&output_errors, 1);
cleanup:
	bpf_map_delete_elem(&start, &rq);
	bpf_map_delete_elem(&infobyreq, &rq);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
