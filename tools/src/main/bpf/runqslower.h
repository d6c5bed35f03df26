/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by runqslower.bpf.c and, as offsets, Runqslower.java: a task that waited too long to run. */
#ifndef __BPF4J_RUNQSLOWER_H
#define __BPF4J_RUNQSLOWER_H

#define TASK_COMM_LEN 16

struct runq_event {
	char task[TASK_COMM_LEN];
	char prev_task[TASK_COMM_LEN];
	__u64 delta_us;		/* from its enqueue (wakeup, or preemption) to running */
	__s32 pid;		/* the task's tid */
	__s32 prev_pid;		/* the tid of the task it replaced */
};

#endif
