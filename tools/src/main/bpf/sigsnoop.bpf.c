// SPDX-License-Identifier: GPL-2.0
/* bpf4j sigsnoop (and killsnoop, which is sigsnoop -k): traces signals as libbpf-tools'
 * sigsnoop. By default signal:signal_generate, every signal the kernel generates; with -k only
 * the kill, tkill and tgkill syscalls: sys_enter_* remembers the arguments per thread and
 * sys_exit_* sends them with the result through the event buffer (buffer.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sigsnoop.h"
#include "buffer.h"

/* set from Java before loading */
const volatile pid_t filtered_pid = 0;
const volatile int target_signal = 0;
const volatile bool failed_only = false;

/* events the buffer could not take */
long output_errors = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, struct sig_event);
} values SEC(".maps");

static __always_inline int probe_entry(pid_t tpid, int sig)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 pid = id >> 32, tid = (u32)id;
	struct sig_event e = {};

	if (target_signal && sig != target_signal)
		return 0;
	if (filtered_pid && pid != filtered_pid)
		return 0;
	e.pid = pid;
	e.tpid = tpid;
	e.sig = sig;
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	bpf_map_update_elem(&values, &tid, &e, BPF_ANY);
	return 0;
}

static __always_inline int probe_exit(void *ctx, int ret)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	struct sig_event *e;

	e = bpf_map_lookup_elem(&values, &tid);
	if (!e)
		return 0;
	if (!(failed_only && ret >= 0)) {
		e->ret = ret;
		if (submit_event(ctx, e, sizeof(*e)))
			__sync_fetch_and_add(&output_errors, 1);
	}
	bpf_map_delete_elem(&values, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_kill")
int kill_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry((pid_t)ctx->args[0], (int)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_kill")
int kill_exit(struct trace_event_raw_sys_exit *ctx)
{
	return probe_exit(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_tkill")
int tkill_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry((pid_t)ctx->args[0], (int)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_tkill")
int tkill_exit(struct trace_event_raw_sys_exit *ctx)
{
	return probe_exit(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_tgkill")
int tgkill_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry((pid_t)ctx->args[1], (int)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_tgkill")
int tgkill_exit(struct trace_event_raw_sys_exit *ctx)
{
	return probe_exit(ctx, ctx->ret);
}

SEC("tracepoint/signal/signal_generate")
int sig_trace(struct trace_event_raw_signal_generate *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct sig_event e = {};
	int ret = ctx->errno, sig = ctx->sig;

	if (failed_only && ret == 0)
		return 0;
	if (target_signal && sig != target_signal)
		return 0;
	if (filtered_pid && pid != filtered_pid)
		return 0;
	e.pid = pid;
	e.tpid = ctx->pid;
	e.sig = sig;
	e.ret = ret;
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	if (submit_event(ctx, &e, sizeof(e)))
		__sync_fetch_and_add(&output_errors, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
