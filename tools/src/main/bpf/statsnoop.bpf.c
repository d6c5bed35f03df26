// SPDX-License-Identifier: GPL-2.0
/* bpf4j statsnoop: traces the stat-family syscalls (statfs, newstat, statx, newfstatat,
 * newlstat) as libbpf-tools' statsnoop: sys_enter_* remembers the path pointer per thread,
 * sys_exit_* sends the path (read from the caller's memory) with the result through the event
 * buffer (buffer.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "statsnoop.h"
#include "buffer.h"

/* set from Java before loading */
const volatile pid_t target_pid = 0;
const volatile bool trace_failed_only = false;

/* events the buffer could not take */
long output_errors = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, struct stat_args);
} values SEC(".maps");

/* the event under construction: too big for the stack beside the rest */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct stat_event);
} heap SEC(".maps");

static __always_inline int probe_entry(const char *pathname, int sys)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 pid = id >> 32, tid = (u32)id;
	struct stat_args a = {};

	if (!pathname)
		return 0;
	if (target_pid && target_pid != pid)
		return 0;
	a.pathname = pathname;
	a.sys = sys;
	bpf_map_update_elem(&values, &tid, &a, BPF_ANY);
	return 0;
}

static __always_inline int probe_return(void *ctx, int ret)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = (u32)id, zero = 0;
	struct stat_args *a;
	struct stat_event *e;

	a = bpf_map_lookup_elem(&values, &tid);
	if (!a)
		return 0;
	if (trace_failed_only && ret >= 0)
		goto out;
	e = bpf_map_lookup_elem(&heap, &zero);
	if (!e)
		goto out;
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->sys = a->sys;
	e->ret = ret;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (bpf_probe_read_user_str(e->pathname, sizeof(e->pathname), a->pathname) < 0)
		e->pathname[0] = '\0';
	if (submit_event(ctx, e, sizeof(*e)))
		__sync_fetch_and_add(&output_errors, 1);
out:
	bpf_map_delete_elem(&values, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_statfs")
int statfs_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry((const char *)ctx->args[0], STAT_STATFS);
}

SEC("tracepoint/syscalls/sys_exit_statfs")
int statfs_exit(struct trace_event_raw_sys_exit *ctx)
{
	return probe_return(ctx, (int)ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_newstat")
int newstat_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry((const char *)ctx->args[0], STAT_NEWSTAT);
}

SEC("tracepoint/syscalls/sys_exit_newstat")
int newstat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return probe_return(ctx, (int)ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_statx")
int statx_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry((const char *)ctx->args[1], STAT_STATX);
}

SEC("tracepoint/syscalls/sys_exit_statx")
int statx_exit(struct trace_event_raw_sys_exit *ctx)
{
	return probe_return(ctx, (int)ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_newfstatat")
int newfstatat_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry((const char *)ctx->args[1], STAT_NEWFSTATAT);
}

SEC("tracepoint/syscalls/sys_exit_newfstatat")
int newfstatat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return probe_return(ctx, (int)ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_newlstat")
int newlstat_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry((const char *)ctx->args[0], STAT_NEWLSTAT);
}

SEC("tracepoint/syscalls/sys_exit_newlstat")
int newlstat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return probe_return(ctx, (int)ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
