/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by exitsnoop.bpf.c and, as offsets, Exitsnoop.java (checked against this object's BTF in
 * the tests): one exit of a process (or, with -T, of a thread). */
#ifndef __BPF4J_EXITSNOOP_H
#define __BPF4J_EXITSNOOP_H

#define TASK_COMM_LEN 16

struct exit_event {
	__u64 start_time;	/* task->start_time: CLOCK_MONOTONIC ns */
	__u64 exit_time;	/* bpf_ktime_get_ns() at the exit */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 ppid;		/* tgid of the parent */
	__u32 sig;		/* the low byte of the wait status: signal, 0x80 for a core dump */
	int exit_code;		/* the exit status, wait status >> 8 */
	char comm[TASK_COMM_LEN];
};

#endif
