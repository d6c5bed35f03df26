// SPDX-License-Identifier: GPL-2.0
/* The biolatency config: block I/O latency from issue to completion, as libbpf-tools'
 * biolatency -D measures it, per disk and operation, an exp2 histogram in microseconds
 * (biolatency_seconds with bucket_multiplier 1e-6), buckets 0..27 and their sum at 28. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "exp2.h"

#define MAX_BUCKET 27
/* the kernel's new_encode_dev, which the majorminor decoder reads */
#define ENCODE_DEV(ma, mi) (((mi) & 0xff) | ((ma) << 8) | (((mi) & ~0xff) << 12))
#define REQ_OP_MASK 0xff

struct key {
	u32 dev;
	u32 op;
	u64 bucket;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct request *);
	__type(value, u64);
} biolatency_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct key);
	__type(value, u64);
} biolatency_seconds SEC(".maps");

SEC("tp_btf/block_rq_issue")
int BPF_PROG(biolatency_issue, struct request *rq)
{
	u64 ts = bpf_ktime_get_ns();

	bpf_map_update_elem(&biolatency_start, &rq, &ts, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(biolatency_complete, struct request *rq, int error, unsigned int nr_bytes)
{
	struct key k = {};
	struct gendisk *disk;
	u64 *tsp, us;

	tsp = bpf_map_lookup_elem(&biolatency_start, &rq);
	if (!tsp)
		return 0;
	us = (bpf_ktime_get_ns() - *tsp) / 1000;
	bpf_map_delete_elem(&biolatency_start, &rq);
	disk = BPF_CORE_READ(rq, q, disk);
	k.dev = disk ? ENCODE_DEV(BPF_CORE_READ(disk, major), BPF_CORE_READ(disk, first_minor)) : 0;
	k.op = BPF_CORE_READ(rq, cmd_flags) & REQ_OP_MASK;
	k.bucket = exp2_bucket(us, MAX_BUCKET);
	map_add(&biolatency_seconds, &k, 1);
	k.bucket = MAX_BUCKET + 1;
	map_add(&biolatency_seconds, &k, us);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
