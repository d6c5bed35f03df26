// SPDX-License-Identifier: GPL-2.0
/* bpf4j exitsnoop: traces process (or, with -T, thread) exits on sched_process_exit, as
 * libbpf-tools' exitsnoop: the wait status of the task, its age and its parent, through the
 * event buffer (buffer.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "exitsnoop.h"
#include "buffer.h"
#include "cgroup.h"

/* set from Java before loading */
const volatile pid_t target_pid = 0;
const volatile bool trace_failed_only = false;
const volatile bool trace_by_process = true;

/* events the buffer could not take */
long output_errors = 0;

SEC("tracepoint/sched/sched_process_exit")
int sched_process_exit(void *ctx)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 pid = id >> 32, tid = (u32)id;
	struct exit_event e = {};
	struct task_struct *task;
	int exit_code;

	if (!cgroup_ok())
		return 0;
	if (target_pid && target_pid != pid)
		return 0;
	if (trace_by_process && pid != tid)
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	exit_code = BPF_CORE_READ(task, exit_code);
	if (trace_failed_only && exit_code == 0)
		return 0;
	e.start_time = BPF_CORE_READ(task, start_time);
	e.exit_time = bpf_ktime_get_ns();
	e.pid = pid;
	e.tid = tid;
	e.ppid = BPF_CORE_READ(task, real_parent, tgid);
	e.sig = exit_code & 0xff;
	e.exit_code = exit_code >> 8;
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	if (submit_event(ctx, &e, sizeof(e)))
		__sync_fetch_and_add(&output_errors, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
