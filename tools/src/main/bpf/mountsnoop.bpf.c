// SPDX-License-Identifier: GPL-2.0
/* bpf4j mountsnoop: traces the mount and umount syscalls as libbpf-tools' mountsnoop:
 * sys_enter_* remembers the arguments per thread, sys_exit_* reads the strings from the caller's
 * memory and sends them with the result, the latency and the mount namespace through the event
 * buffer (buffer.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "mountsnoop.h"
#include "buffer.h"

/* set from Java before loading */
const volatile pid_t target_pid = 0;

/* events the buffer could not take */
long output_errors = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, struct mount_args);
} args SEC(".maps");

/* the event under construction: far too big for the stack */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct mount_event);
} heap SEC(".maps");

static __always_inline int probe_entry(const char *src, const char *dest, const char *fs, u64 flags,
				       const char *data, int op)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 pid = id >> 32, tid = (u32)id;
	struct mount_args a = {};

	if (target_pid && target_pid != pid)
		return 0;
	a.ts = bpf_ktime_get_ns();
	a.flags = flags;
	a.src = src;
	a.dest = dest;
	a.fs = fs;
	a.data = data;
	a.op = op;
	bpf_map_update_elem(&args, &tid, &a, BPF_ANY);
	return 0;
}

/* the user string at p into buf, "" for a null pointer or a fault */
static __always_inline void user_str(char *buf, u32 size, const char *p)
{
	buf[0] = '\0';
	if (p && bpf_probe_read_user_str(buf, size, p) < 0)
		buf[0] = '\0';
}

static __always_inline int probe_exit(void *ctx, int ret)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = (u32)id, zero = 0;
	struct task_struct *task;
	struct mount_args *a;
	struct mount_event *e;

	a = bpf_map_lookup_elem(&args, &tid);
	if (!a)
		return 0;
	e = bpf_map_lookup_elem(&heap, &zero);
	if (!e)
		goto out;
	task = (struct task_struct *)bpf_get_current_task();
	e->delta = bpf_ktime_get_ns() - a->ts;
	e->flags = a->flags;
	e->pid = id >> 32;
	e->tid = tid;
	e->mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	e->ret = ret;
	e->op = a->op;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	user_str(e->src, sizeof(e->src), a->src);
	user_str(e->dest, sizeof(e->dest), a->dest);
	user_str(e->fs, sizeof(e->fs), a->fs);
	user_str(e->data, sizeof(e->data), a->data);
	if (submit_event(ctx, e, sizeof(*e)))
		__sync_fetch_and_add(&output_errors, 1);
out:
	bpf_map_delete_elem(&args, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_mount")
int mount_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry((const char *)ctx->args[0], (const char *)ctx->args[1], (const char *)ctx->args[2],
			   (u64)ctx->args[3], (const char *)ctx->args[4], OP_MOUNT);
}

SEC("tracepoint/syscalls/sys_exit_mount")
int mount_exit(struct trace_event_raw_sys_exit *ctx)
{
	return probe_exit(ctx, (int)ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_umount")
int umount_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry(NULL, (const char *)ctx->args[0], NULL, (u64)ctx->args[1], NULL, OP_UMOUNT);
}

SEC("tracepoint/syscalls/sys_exit_umount")
int umount_exit(struct trace_event_raw_sys_exit *ctx)
{
	return probe_exit(ctx, (int)ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
