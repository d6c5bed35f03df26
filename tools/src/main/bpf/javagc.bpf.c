// SPDX-License-Identifier: GPL-2.0
/* bpf4j javagc: the time of each JVM garbage collection from HotSpot's USDT probes, as
 * libbpf-tools' javagc: hotspot:gc__begin and mem__pool__gc__begin remember the time per
 * process, the first gc__end or mem__pool__gc__end after them sends the duration through the
 * event buffer (buffer.h) when it is over min_ns. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>
#include "javagc.h"
#include "buffer.h"

/* set from Java before loading: -t, in ns */
const volatile __u64 min_ns = 0;

/* events the buffer could not take */
long output_errors = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 100);
	__type(key, u32);
	__type(value, struct gc_event);
} data_map SEC(".maps");

static __always_inline int gc_start(void)
{
	struct gc_event e = {};

	e.cpu = bpf_get_smp_processor_id();
	e.pid = bpf_get_current_pid_tgid() >> 32;
	e.ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&data_map, &e.pid, &e, BPF_ANY);
	return 0;
}

static __always_inline int gc_end(void *ctx)
{
	struct gc_event e = {}, *p;

	e.cpu = bpf_get_smp_processor_id();
	e.pid = bpf_get_current_pid_tgid() >> 32;
	e.ts = bpf_ktime_get_ns();
	p = bpf_map_lookup_elem(&data_map, &e.pid);
	if (!p)
		return 0;
	e.ts -= p->ts;
	if (e.ts > min_ns && submit_event(ctx, &e, sizeof(e)))
		__sync_fetch_and_add(&output_errors, 1);
	bpf_map_delete_elem(&data_map, &e.pid);
	return 0;
}

SEC("usdt")
int handle_gc_start(struct pt_regs *ctx)
{
	return gc_start();
}

SEC("usdt")
int handle_gc_end(struct pt_regs *ctx)
{
	return gc_end(ctx);
}

char LICENSE[] SEC("license") = "GPL";
