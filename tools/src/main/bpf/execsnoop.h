/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by execsnoop.bpf.c and, as offsets, Execsnoop.java (checked against this object's BTF in
 * the tests): one exec event, its argument strings back to back, NUL-terminated. */
#ifndef __BPF4J_EXECSNOOP_H
#define __BPF4J_EXECSNOOP_H

#define ARGSIZE 128			/* bytes read per argument at most */
#define TASK_COMM_LEN 16
#define TOTAL_MAX_ARGS 60		/* --max-args upper bound */
#define DEFAULT_MAXARGS 20
#define FULL_MAX_ARGS_ARR (TOTAL_MAX_ARGS * ARGSIZE)
#define INVALID_UID ((uid_t)-1)
#define LAST_ARG (FULL_MAX_ARGS_ARR - ARGSIZE)

struct exec_event {
	pid_t pid;		/* tgid of the process that called execve */
	pid_t ppid;		/* tgid of its parent */
	uid_t uid;
	int retval;		/* execve's return value */
	int args_count;		/* arguments read; max_args + 1 when there were more */
	unsigned int args_size;	/* bytes used in args */
	char comm[TASK_COMM_LEN];	/* after a successful exec: the new command */
	char args[FULL_MAX_ARGS_ARR];
};

#endif
