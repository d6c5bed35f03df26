// SPDX-License-Identifier: GPL-2.0
/* bpf4j execsnoop: traces execve. sys_enter_execve stores the arguments of the calling thread in
 * a hash map; sys_exit_execve adds the return value and the (new) command name and sends the
 * event through a ring buffer, only as many bytes as the arguments take. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "execsnoop.h"

/* set from Java before loading */
const volatile bool ignore_failed = true;
const volatile uid_t targ_uid = INVALID_UID;
const volatile int max_args = DEFAULT_MAXARGS;
const volatile bool filter_cg = false;

/* events the ring buffer had no room for */
u64 lost_events = 0;

static const struct exec_event empty_event = {};

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u32);
} cgroup_map SEC(".maps");

/* thread id -> event under construction (allocated on demand: an event is 7.7 KiB) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__uint(map_flags, 1 /* BPF_F_NO_PREALLOC */);
	__type(key, pid_t);
	__type(value, struct exec_event);
} execs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

static __always_inline bool traced(void)
{
	if (filter_cg && !bpf_current_task_under_cgroup(&cgroup_map, 0))
		return false;
	if (targ_uid != INVALID_UID && targ_uid != (uid_t)bpf_get_current_uid_gid())
		return false;
	return true;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int on_execve_enter(struct trace_event_raw_sys_enter *ctx)
{
	const char **argv = (const char **)ctx->args[1];
	pid_t tid = (pid_t)bpf_get_current_pid_tgid();
	struct task_struct *task;
	struct exec_event *e;
	const char *arg;
	long n;
	int i;

	if (!traced())
		return 0;
	if (bpf_map_update_elem(&execs, &tid, &empty_event, BPF_NOEXIST))
		return 0;
	e = bpf_map_lookup_elem(&execs, &tid);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (uid_t)bpf_get_current_uid_gid();
	task = (struct task_struct *)bpf_get_current_task();
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);

	/* argv[0] is the file name as the caller passed it */
	n = bpf_probe_read_user_str(e->args, ARGSIZE, (const char *)ctx->args[0]);
	if (n > 0 && n <= ARGSIZE) {
		e->args_size = n;
	} else {
		e->args[0] = '\0';
		e->args_size = 1;
	}
	e->args_count = 1;
	for (i = 1; i < TOTAL_MAX_ARGS && i < max_args; i++) {
		unsigned int at = e->args_size;

		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg)
			return 0;
		if (at > LAST_ARG)
			return 0;
		n = bpf_probe_read_user_str(&e->args[at], ARGSIZE, arg);
		if (n < 0 || n > ARGSIZE)
			return 0;
		e->args_count++;
		e->args_size += n;
	}
	/* one more argument than max_args: say so with args_count = max_args + 1 */
	if (!bpf_probe_read_user(&arg, sizeof(arg), &argv[max_args]) && arg)
		e->args_count++;
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int on_execve_exit(struct trace_event_raw_sys_exit *ctx)
{
	pid_t tid = (pid_t)bpf_get_current_pid_tgid();
	struct exec_event *e;
	unsigned int size;
	int ret;

	e = bpf_map_lookup_elem(&execs, &tid);
	if (!e)
		return 0;
	ret = ctx->ret;
	if (!(ignore_failed && ret < 0)) {
		e->retval = ret;
		bpf_get_current_comm(&e->comm, sizeof(e->comm));
		size = __builtin_offsetof(struct exec_event, args) + e->args_size;
		if (size > sizeof(*e))
			size = sizeof(*e);
		if (bpf_ringbuf_output(&events, e, size, 0))
			__sync_fetch_and_add(&lost_events, 1);
	}
	bpf_map_delete_elem(&execs, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
