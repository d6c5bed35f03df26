// SPDX-License-Identifier: GPL-2.0
/* Compile check for tools/src/main/bpf/vmlinux.h: every kernel type and member that an
 * execsnoop and an opensnoop in the style of libbpf-tools read (VmlinuxHeaderTest compiles this;
 * it is never loaded). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct event {
	u64 ts;
	pid_t pid;
	pid_t ppid;
	uid_t uid;
	int ret;
	char comm[16];
	char path[64];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} perf_events SEC(".maps");

static __always_inline void emit(void *ctx, struct event *e)
{
	if (bpf_core_type_exists(struct bpf_ringbuf))
		bpf_ringbuf_output(&events, e, sizeof(*e), 0);
	else
		bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, e, sizeof(*e));
}

SEC("tracepoint/syscalls/sys_enter_execve")
int exec_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct event e = {};
	size_t n;

	e.pid = bpf_get_current_pid_tgid() >> 32;
	e.ppid = BPF_CORE_READ(task, real_parent, tgid);
	e.uid = (uid_t)bpf_get_current_uid_gid();
	BPF_CORE_READ_STR_INTO(&e.comm, task, comm);
	n = bpf_probe_read_user_str(e.path, sizeof(e.path), (const char *)ctx->args[0]);
	e.ret = (int)n;
	emit(ctx, &e);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int exec_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct event e = {.ret = (int)ctx->ret, .ts = bpf_ktime_get_ns()};

	emit(ctx, &e);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int open_enter(struct syscall_trace_enter *ctx)
{
	struct open_how how = {};
	uintptr_t stack[2];

	bpf_probe_read_user(&how, sizeof(how), (void *)ctx->args[2]);
	bpf_get_stack(ctx, stack, sizeof(stack), BPF_F_USER_STACK);
	return how.flags == 0 && how.mode == 0 && how.resolve == 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int open_exit(struct syscall_trace_exit *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
	struct dentry *dentry = BPF_CORE_READ(task, fs, pwd.dentry);
	struct vfsmount *vfsmnt = BPF_CORE_READ(task, fs, pwd.mnt);
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt);
	struct event e = {.ret = (int)ctx->ret};

	bpf_probe_read_kernel_str(e.path, sizeof(e.path), BPF_CORE_READ(dentry, d_name.name));
	if (dentry == BPF_CORE_READ(dentry, d_parent) || dentry == BPF_CORE_READ(vfsmnt, mnt_root))
		e.ppid = BPF_CORE_READ(mnt, mnt_parent, mnt_mountpoint, d_name.len);
	emit(ctx, &e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
