// SPDX-License-Identifier: GPL-2.0
/* bpf4j opensnoop: traces open, openat and openat2. sys_enter_* remembers the path pointer,
 * flags and mode per thread; sys_exit_* sends an event with the result through the event buffer
 * (buffer.h: a ring buffer where the kernel has them, a perf buffer otherwise), only as many
 * bytes as the path takes. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "opensnoop.h"
#include "buffer.h"

#define O_CREAT 00000100
#define O_TMPFILE 020200000

/* set from Java before loading */
const volatile pid_t targ_tgid = 0;
const volatile pid_t targ_pid = 0;
const volatile uid_t targ_uid = INVALID_UID;
const volatile bool targ_failed = false;

/* events the buffer could not take, by error (a perf buffer reports full buffers as lost
 * samples too; other errors only show here) */
long output_errors = 0;
long last_output_error = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, struct open_args);
} start SEC(".maps");

/* room for one event per CPU (too big for the stack of every kernel) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct open_event);
} heap SEC(".maps");

static __always_inline void enter(const char *fname, int flags, __u32 mode)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tgid = id >> 32, tid = (u32)id;
	struct open_args args = {};

	if (targ_tgid && targ_tgid != tgid)
		return;
	if (targ_pid && targ_pid != tid)
		return;
	if (targ_uid != INVALID_UID && targ_uid != (uid_t)bpf_get_current_uid_gid())
		return;
	args.fname = fname;
	args.flags = flags;
	args.mode = mode;
	bpf_map_update_elem(&start, &tid, &args, BPF_ANY);
}

static __always_inline int leave(struct trace_event_raw_sys_exit *ctx)
{
	u32 tid = (u32)bpf_get_current_pid_tgid(), zero = 0;
	struct open_event *e;
	struct open_args *ap;
	long n;
	int ret;

	ap = bpf_map_lookup_elem(&start, &tid);
	if (!ap)
		return 0;
	ret = ctx->ret;
	if (targ_failed && ret >= 0)
		goto cleanup;
	e = bpf_map_lookup_elem(&heap, &zero);
	if (!e)
		goto cleanup;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (uid_t)bpf_get_current_uid_gid();
	e->ret = ret;
	e->flags = ap->flags;
	e->mode = (ap->flags & O_CREAT) || (ap->flags & O_TMPFILE) == O_TMPFILE ? ap->mode : 0;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	n = bpf_probe_read_user_str(&e->fname, sizeof(e->fname), ap->fname);
	if (n <= 0) {
		e->fname[0] = '\0';	/* an empty path */
		n = 1;
	}
	n = submit_event(ctx, e, __builtin_offsetof(struct open_event, fname) + (n & 0xff));
	if (n) {
		__sync_fetch_and_add(&output_errors, 1);
		last_output_error = n;
	}
cleanup:
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_open")
int on_open_enter(struct trace_event_raw_sys_enter *ctx)
{
	enter((const char *)ctx->args[0], (int)ctx->args[1], (__u32)ctx->args[2]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int on_openat_enter(struct trace_event_raw_sys_enter *ctx)
{
	enter((const char *)ctx->args[1], (int)ctx->args[2], (__u32)ctx->args[3]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int on_openat2_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};

	bpf_probe_read_user(&how, sizeof(how), (void *)ctx->args[2]);
	enter((const char *)ctx->args[1], (int)how.flags, (__u32)how.mode);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_open")
int on_open_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int on_openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int on_openat2_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx);
}

char LICENSE[] SEC("license") = "GPL";
