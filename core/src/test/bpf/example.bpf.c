// SPDX-License-Identifier: GPL-2.0
/* The study document's per-event example as a CO-RE object, for the README's API examples (the
 * Java versions are in tools/src/test/java/org/bpf4j/examples/): every exec sends
 * struct event { u32 pid; char comm[16]; } through a perf buffer (BPF_PERF_OUTPUT(events) in BCC)
 * and through a ring buffer (BPF_RINGBUF(rb, 1 << 20)), and counts execs per pid in a hash map. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

typedef unsigned int u32;
typedef unsigned long long u64;

struct event {
	u32 pid;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

SEC("tracepoint/sched/sched_process_exec")
int on_exec(void *ctx)
{
	struct event event = {}, *e;
	u64 one = 1, *count;

	event.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&event.comm, sizeof(event.comm));

	/* per event: perf buffer (events.perf_submit(ctx, &event, sizeof(event)) in BCC) */
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &event, sizeof(event));

	/* per event: ring buffer, reserved in place and submitted */
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (e) {
		*e = event;
		bpf_ringbuf_submit(e, 0);
	}

	/* aggregation: a hash map */
	count = bpf_map_lookup_elem(&counts, &event.pid);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&counts, &event.pid, &one, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
