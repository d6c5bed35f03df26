/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by mountsnoop.bpf.c and, as offsets, Mountsnoop.java: one mount or umount call returned. */
#ifndef __BPF4J_MOUNTSNOOP_H
#define __BPF4J_MOUNTSNOOP_H

#define TASK_COMM_LEN 16
#define FS_NAME_LEN 8
#define DATA_LEN 512
#define PATH_MAX 4096

#define OP_MOUNT 0
#define OP_UMOUNT 1

/* what sys_enter_* saw, for sys_exit_* */
struct mount_args {
	__u64 ts;
	__u64 flags;
	const char *src;
	const char *dest;
	const char *fs;
	const char *data;
	int op;
};

struct mount_event {
	__u64 delta;		/* ns from the entry to the return */
	__u64 flags;		/* MS_* (mount) or MNT_* (umount) */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 mnt_ns;		/* the caller's mount namespace's inode number */
	int ret;		/* 0, or -errno */
	int op;			/* OP_* */
	char comm[TASK_COMM_LEN];
	char fs[FS_NAME_LEN];
	char src[PATH_MAX];
	char dest[PATH_MAX];
	char data[DATA_LEN];
};

#endif
