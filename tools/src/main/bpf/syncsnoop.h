/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by syncsnoop.bpf.c and, as offsets, Syncsnoop.java (checked against this object's BTF
 * in the tests): one sync-family syscall entered. */
#ifndef __BPF4J_SYNCSNOOP_H
#define __BPF4J_SYNCSNOOP_H

#define TASK_COMM_LEN 16

/* the call, as libbpf-tools numbers it (Syncsnoop.CALLS names them) */
#define SYNC_SYNC		1
#define SYNC_FSYNC		2
#define SYNC_FDATASYNC		3
#define SYNC_MSYNC		4
#define SYNC_SYNC_FILE_RANGE	5
#define SYNC_SYNCFS		8

struct sync_event {
	__u64 ts_us;		/* bpf_ktime_get_ns() / 1000 at the entry */
	__u32 pid;		/* tgid of the caller */
	int sys;		/* SYNC_* */
	char comm[TASK_COMM_LEN];
};

#endif
