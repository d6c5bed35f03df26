// SPDX-License-Identifier: GPL-2.0
// Counts openat() calls per process in a hash map and sends each one, with its file name, through
// a ring buffer. target_pid and target_tid (0: any) are set from Java before the load.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

// The tracepoint's record (/sys/kernel/tracing/events/syscalls/sys_enter_openat/format).
struct sys_enter_openat_args {
	__u64 common;
	__s32 syscall_nr;
	__s64 dfd;
	const char *filename;
	__s64 flags;
	__u64 mode;
};

struct event {
	__u32 pid;
	__u32 tid;
	char comm[16];
	char filename[128];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	// process id
	__type(value, __u64);	// openat() calls
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

const volatile __u32 target_pid = 0;
const volatile __u32 target_tid = 0;

SEC("tracepoint/syscalls/sys_enter_openat")
int on_openat(struct sys_enter_openat_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32, tid = (__u32)id;
	if ((target_pid && pid != target_pid) || (target_tid && tid != target_tid))
		return 0;

	__u64 one = 1, *n = bpf_map_lookup_elem(&counts, &pid);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&counts, &pid, &one, BPF_NOEXIST);

	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = pid;
	e->tid = tid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), ctx->filename);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
