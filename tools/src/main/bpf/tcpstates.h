/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by tcpstates.bpf.c and, as offsets, Tcpstates.java: one TCP state change. */
#ifndef __BPF4J_TCPSTATES_H
#define __BPF4J_TCPSTATES_H

#define TASK_COMM_LEN 16

struct tcpstate_event {
	__u8 saddr[16];		/* IPv4 in the first 4 bytes */
	__u8 daddr[16];
	__u64 skaddr;		/* the socket's kernel address */
	__u64 ts_us;
	__u64 delta_us;		/* time in the old state (0 for the socket's first change seen) */
	__u32 pid;		/* tgid of the current task (whoever runs when the state changes) */
	int oldstate;
	int newstate;
	__u16 family;
	__u16 sport;
	__u16 dport;
	char task[TASK_COMM_LEN];
};

#endif
