// SPDX-License-Identifier: GPL-2.0
/* bpf4j biopattern: random and sequential block I/O per disk, as libbpf-tools' biopattern: at
 * each block_rq_complete (tp_btf), a request that starts where the disk's previous one ended is
 * sequential, any other random; the disk's first request only sets where the next one would
 * start, as in libbpf-tools. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "hist.h"
#include "block.h"

#define MAX_ENTRIES 64

struct counter {
	u64 last_sector;
	u64 bytes;
	u32 sequential;
	u32 random;
};

const volatile bool filter_dev = false;
const volatile u32 targ_dev = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, u32);
	__type(value, struct counter);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} counters SEC(".maps");

static const struct counter zero;

SEC("tp_btf/block_rq_complete")
int BPF_PROG(block_rq_complete, struct request *rq, int error, unsigned int nr_bytes)
{
	u64 sector = BPF_CORE_READ(rq, __sector);
	u32 nr_sector = nr_bytes >> 9;
	u32 dev = rq_dev(rq);
	struct counter *c;

	if (filter_dev && dev != targ_dev)
		return 0;
	c = lookup_or_init(&counters, &dev, &zero);
	if (!c)
		return 0;
	if (c->last_sector) {
		if (c->last_sector == sector)
			__sync_fetch_and_add(&c->sequential, 1);
		else
			__sync_fetch_and_add(&c->random, 1);
		__sync_fetch_and_add(&c->bytes, nr_sector * 512);
	}
	c->last_sector = sector + nr_sector;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
