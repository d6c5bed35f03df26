// SPDX-License-Identifier: GPL-2.0
/* The exporter tests' object, in ebpf_exporter's form (a metric reads the map of its name):
 * - exporter_test_getpid_calls_total: getpid calls per process (key: the tgid, u32);
 * - exporter_test_close_fd: an exp2 histogram of close()'s fd argument per process (key: tgid,
 *   then the bucket, u32 each), bucket i holding the values up to 2^i, and bucket 31 the sum of
 *   the values (ebpf_exporter's sum key, bucket_max + 1). The test closes fds no process has
 *   (2^24 and above), so that the JVM's own close() calls stay in buckets it does not check
 *   (below bucket_min) and out of the sum (which counts fds of 2^20 and above);
 * - exporter_test_small_value: a map whose value is not a u64, for the exporter to refuse. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, u64);
} exporter_test_getpid_calls_total SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, u32);
} exporter_test_small_value SEC(".maps");

struct hist_key {
	u32 pid;
	u32 bucket;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct hist_key);
	__type(value, u64);
} exporter_test_close_fd SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	u64 one = 1, *v = bpf_map_lookup_elem(&exporter_test_getpid_calls_total, &pid);
	if (v)
		__sync_fetch_and_add(v, 1);
	else if (bpf_map_update_elem(&exporter_test_getpid_calls_total, &pid, &one, BPF_NOEXIST))
		/* another thread inserted it first */
		if ((v = bpf_map_lookup_elem(&exporter_test_getpid_calls_total, &pid)))
			__sync_fetch_and_add(v, 1);
	return 0;
}

static void bump(struct hist_key *k, u64 n)
{
	u64 *v = bpf_map_lookup_elem(&exporter_test_close_fd, k);
	if (v) {
		__sync_fetch_and_add(v, n);
	} else if (bpf_map_update_elem(&exporter_test_close_fd, k, &n, BPF_NOEXIST)) {
		if ((v = bpf_map_lookup_elem(&exporter_test_close_fd, k)))
			__sync_fetch_and_add(v, n);
	}
}

SEC("tracepoint/syscalls/sys_enter_close")
int close_fd(struct trace_event_raw_sys_enter *ctx)
{
	u64 fd = (u32)ctx->args[0];
	struct hist_key k = {.pid = bpf_get_current_pid_tgid() >> 32};
	u32 i;
	for (i = 0; i < 30 && (1ULL << i) < fd; i++)
		;
	k.bucket = i;
	bump(&k, 1);
	if (fd >= (1 << 20)) {
		k.bucket = 31;
		bump(&k, fd);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
