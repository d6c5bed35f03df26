/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by sigsnoop.bpf.c (killsnoop.bpf.c) and, as offsets, Sigsnoop.java (checked against
 * this object's BTF in the tests): one signal sent. */
#ifndef __BPF4J_SIGSNOOP_H
#define __BPF4J_SIGSNOOP_H

#define TASK_COMM_LEN 16

struct sig_event {
	__u32 pid;		/* tgid of the sender */
	__u32 tpid;		/* the target, as the sender named it (kill's pid, tgkill's tid) */
	int sig;
	int ret;		/* kill/tkill/tgkill's return value; signal_generate's errno */
	char comm[TASK_COMM_LEN];	/* the sender's */
};

#endif
