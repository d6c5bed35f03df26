/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by statsnoop.bpf.c and, as offsets, Statsnoop.java: one stat-family call returned. */
#ifndef __BPF4J_STATSNOOP_H
#define __BPF4J_STATSNOOP_H

#define TASK_COMM_LEN 16
#define NAME_MAX 255

/* the call (Statsnoop.CALLS names them) */
#define STAT_STATFS	1
#define STAT_NEWSTAT	2
#define STAT_STATX	3
#define STAT_NEWFSTATAT	5
#define STAT_NEWLSTAT	6

/* what sys_enter_* saw, for sys_exit_* */
struct stat_args {
	const char *pathname;
	int sys;
};

struct stat_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns() at the return */
	__u32 pid;		/* tgid */
	int sys;		/* STAT_* */
	int ret;		/* 0, or -errno */
	char comm[TASK_COMM_LEN];
	char pathname[NAME_MAX];	/* the path as passed, NUL-terminated */
};

#endif
