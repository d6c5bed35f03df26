// SPDX-License-Identifier: GPL-2.0
/* bpf4j jvmgc: each stop-the-world collection of a JVM from HotSpot's USDT probes.
 * hotspot:gc__begin(full) opens a collection per process; the mem__pool__gc__begin/_end probes
 * that fire inside it (manager name, len, pool name, len, initial, used, committed, max) give the
 * collector's name and the pools' use before and after; gc__end sends it when it is over min_ns. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>
#include "jvmgc.h"
#include "buffer.h"

/* whether a pool is one of the heap's: HotSpot reports every memory pool inside a collection,
 * and the non-heap ones are "Metaspace", "Compressed Class Space", "CodeHeap '...'" and "CodeCache" */
static __always_inline bool heap_pool(long pool)
{
	char c = 0;

	bpf_probe_read_user(&c, 1, (void *)pool);
	return c != 'M' && c != 'C';
}

/* set from Java before loading: -t, in ns */
const volatile __u64 min_ns = 0;

/* events the buffer could not take */
long output_errors = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, struct jvmgc_event);
} running SEC(".maps");

/* a zeroed event, too large for the stack with the others */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct jvmgc_event);
} scratch SEC(".maps");

SEC("usdt")
int BPF_USDT(gc_begin, long full)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 pid = id >> 32, zero = 0;
	struct jvmgc_event *e = bpf_map_lookup_elem(&scratch, &zero);

	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->pause_ns = bpf_ktime_get_ns();
	e->pid = pid;
	e->tid = (u32)id;
	e->full = full != 0;
	bpf_map_update_elem(&running, &pid, e, BPF_ANY);
	return 0;
}

SEC("usdt")
int BPF_USDT(pool_begin, long manager, long manager_len, long pool, long pool_len, long initial, long used)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct jvmgc_event *e = bpf_map_lookup_elem(&running, &pid);
	u32 n;

	if (!e || !heap_pool(pool))
		return 0;
	if (e->pools == 0) {
		n = manager_len;
		if (n > JVMGC_NAME_LEN - 1)
			n = JVMGC_NAME_LEN - 1;
		bpf_probe_read_user(e->manager, n & (JVMGC_NAME_LEN - 1), (void *)manager);
	}
	e->pools++;
	e->before += used;
	return 0;
}

SEC("usdt")
int BPF_USDT(pool_end, long manager, long manager_len, long pool, long pool_len, long initial, long used)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct jvmgc_event *e = bpf_map_lookup_elem(&running, &pid);

	if (e && heap_pool(pool))
		e->after += used;
	return 0;
}

SEC("usdt")
int gc_end(struct pt_regs *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct jvmgc_event *e = bpf_map_lookup_elem(&running, &pid);

	if (!e)
		return 0;
	e->pause_ns = bpf_ktime_get_ns() - e->pause_ns;
	e->cpu = bpf_get_smp_processor_id();
	if (e->pause_ns >= min_ns && submit_event(ctx, e, sizeof(*e)))
		__sync_fetch_and_add(&output_errors, 1);
	bpf_map_delete_elem(&running, &pid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
