/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by biosnoop.bpf.c and, as offsets, Biosnoop.java: one block I/O request completed. */
#ifndef __BPF4J_BIOSNOOP_H
#define __BPF4J_BIOSNOOP_H

#define TASK_COMM_LEN 16

struct bio_event {
	char comm[TASK_COMM_LEN];	/* of the task that started the I/O; "?" when unknown */
	__u64 delta;		/* ns from issue to completion */
	__u64 qdelta;		/* ns from insertion to issue (-Q), (u64)-1 when not inserted */
	__u64 ts;		/* bpf_ktime_get_ns() at completion */
	__u64 sector;
	__u32 len;		/* bytes */
	__u32 pid;
	__u32 cmd_flags;
	__u32 dev;		/* major << 20 | minor */
};

#endif
