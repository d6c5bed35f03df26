// SPDX-License-Identifier: GPL-2.0
/* The exporter tests' object of tracing.spans: each getppid() call sends a span to the ring
 * buffer exporter_test_spans, in ebpf_exporter's label layout: trace_id (8 constant bytes, then
 * the caller's tgid as a u64), parent_span_id 0 (none), span_id (a running count from 1),
 * span_monotonic_timestamp_ns (bpf_ktime_get_ns), span_duration_ns 12345, span_name "getppid",
 * and an attribute: pid (u32, 4 bytes of padding). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct span {
	u64 trace_hi;
	u64 trace_lo;
	u64 parent_span_id;
	u64 span_id;
	u64 ts;
	u64 duration;
	char name[16];
	u32 pid;
	u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} exporter_test_spans SEC(".maps");

u64 spans_sent = 0;

SEC("tracepoint/syscalls/sys_enter_getppid")
int span_getppid(void *ctx)
{
	struct span *s = bpf_ringbuf_reserve(&exporter_test_spans, sizeof(*s), 0);
	u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (!s)
		return 0;
	s->trace_hi = 0x8877665544332211ULL;
	s->trace_lo = pid;
	s->parent_span_id = 0;
	s->span_id = __sync_fetch_and_add(&spans_sent, 1) + 1;
	s->ts = bpf_ktime_get_ns();
	s->duration = 12345;
	__builtin_memcpy(s->name, "getppid\0\0\0\0\0\0\0\0", 16);
	s->pid = pid;
	s->pad = 0;
	bpf_ringbuf_submit(s, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
