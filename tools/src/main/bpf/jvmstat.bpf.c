// SPDX-License-Identifier: GPL-2.0
/* bpf4j jvmstat: counts per JVM of what HotSpot's USDT probes report (collections, threads,
 * classes, compilations and, where the JVM runs with -XX:+ExtendedDTraceProbes, method calls,
 * allocations and contended monitors). One program counts every probe, the attach cookie
 * naming the counter; gc__begin/gc__end also add up the time in collections. User space reads
 * and clears the counts each interval. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>

/* the counters: the cookies Jvmstat.java attaches with */
#define JVMSTAT_GC_NS 0

struct jvmstat_key {
	__u32 pid;		/* tgid of the JVM */
	__u32 counter;		/* the cookie of the probe; JVMSTAT_GC_NS: ns in collections */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct jvmstat_key);
	__type(value, u64);
} counts SEC(".maps");

/* when the running collection of each JVM began */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, u64);
} gc_start SEC(".maps");

static __always_inline void add(u32 pid, u32 counter, u64 n)
{
	struct jvmstat_key key = { .pid = pid, .counter = counter };
	u64 *v = bpf_map_lookup_elem(&counts, &key);

	if (v) {
		__sync_fetch_and_add(v, n);
		return;
	}
	if (bpf_map_update_elem(&counts, &key, &n, BPF_NOEXIST) == 0)
		return;
	/* another CPU inserted it first */
	v = bpf_map_lookup_elem(&counts, &key);
	if (v)
		__sync_fetch_and_add(v, n);
}

SEC("usdt")
int count(struct pt_regs *ctx)
{
	add(bpf_get_current_pid_tgid() >> 32, bpf_usdt_cookie(ctx), 1);
	return 0;
}

SEC("usdt")
int gc_begin(struct pt_regs *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	u64 ts = bpf_ktime_get_ns();

	bpf_map_update_elem(&gc_start, &pid, &ts, BPF_ANY);
	add(pid, bpf_usdt_cookie(ctx), 1);
	return 0;
}

SEC("usdt")
int gc_end(struct pt_regs *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	u64 *ts = bpf_map_lookup_elem(&gc_start, &pid);

	if (!ts)
		return 0;
	add(pid, JVMSTAT_GC_NS, bpf_ktime_get_ns() - *ts);
	bpf_map_delete_elem(&gc_start, &pid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
