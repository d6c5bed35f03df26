/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by tcplife.bpf.c and, as offsets, Tcplife.java: one TCP session that closed. */
#ifndef __BPF4J_TCPLIFE_H
#define __BPF4J_TCPLIFE_H

#define TASK_COMM_LEN 16

/* who opened (SYN_SENT) or closed (LAST_ACK) the socket */
struct tcp_ident {
	__u32 pid;
	char comm[TASK_COMM_LEN];
};

struct tcplife_event {
	__u8 saddr[16];		/* IPv4 in the first 4 bytes */
	__u8 daddr[16];
	__u64 ts_us;
	__u64 span_us;		/* from the first state change seen to CLOSE */
	__u64 rx_b;		/* tcp_sock.bytes_received */
	__u64 tx_b;		/* tcp_sock.bytes_acked */
	__u32 pid;
	__u16 sport;
	__u16 dport;
	__u16 family;
	char comm[TASK_COMM_LEN];
};

#endif
