// SPDX-License-Identifier: GPL-2.0
/* bpf4j gethostlatency: the latency of libc's getaddrinfo, gethostbyname and gethostbyname2, as
 * libbpf-tools' gethostlatency: a uprobe on each remembers the name and the time per thread, a
 * uretprobe sends them with the latency through the event buffer (buffer.h). The user side
 * attaches both programs to the three functions of the libc it finds (or -l LIBC). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "gethostlatency.h"
#include "buffer.h"

/* set from Java before loading */
const volatile pid_t target_pid = 0;

/* events the buffer could not take */
long output_errors = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, struct host_event);
} starts SEC(".maps");

SEC("uprobe")
int BPF_KPROBE(handle_entry, const char *name)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 pid = id >> 32, tid = (u32)id;
	struct host_event e = {};

	if (!name)
		return 0;
	if (target_pid && target_pid != pid)
		return 0;
	e.time = bpf_ktime_get_ns();
	e.pid = pid;
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	bpf_probe_read_user_str(e.host, sizeof(e.host), name);
	bpf_map_update_elem(&starts, &tid, &e, BPF_ANY);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(handle_return)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	struct host_event *e;

	e = bpf_map_lookup_elem(&starts, &tid);
	if (!e)
		return 0;
	e->time = bpf_ktime_get_ns() - e->time;
	if (submit_event(ctx, e, sizeof(*e)))
		__sync_fetch_and_add(&output_errors, 1);
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
