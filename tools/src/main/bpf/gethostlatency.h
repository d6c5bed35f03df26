/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by gethostlatency.bpf.c and, as offsets, Gethostlatency.java: one host name look-up. */
#ifndef __BPF4J_GETHOSTLATENCY_H
#define __BPF4J_GETHOSTLATENCY_H

#define TASK_COMM_LEN 16
#define HOST_LEN 80

struct host_event {
	__u64 time;		/* the entry's bpf_ktime_get_ns(), then the latency in ns */
	__u32 pid;
	char comm[TASK_COMM_LEN];
	char host[HOST_LEN];	/* the name asked for (the first argument) */
};

#endif
