/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by opensnoop.bpf.c and, as offsets, Opensnoop.java (checked against this object's BTF in
 * the tests). */
#ifndef __BPF4J_OPENSNOOP_H
#define __BPF4J_OPENSNOOP_H

#define TASK_COMM_LEN 16
#define NAME_MAX 255
#define INVALID_UID ((uid_t)-1)

/* what sys_enter_* saw, for sys_exit_* */
struct open_args {
	const char *fname;
	int flags;
	__u32 mode;
};

struct open_event {
	pid_t pid;		/* tgid */
	uid_t uid;
	int ret;		/* the fd, or -errno */
	int flags;		/* open flags */
	__u32 mode;		/* with O_CREAT or O_TMPFILE, else 0 */
	char comm[TASK_COMM_LEN];
	char fname[NAME_MAX];	/* the path as passed, NUL-terminated; the sample ends after the NUL */
};

#endif
