/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by jfr.bpf.c and, through the skeleton's record of struct jfr_event, KernelEvents.java. */
#ifndef __BPF4J_JFR_H
#define __BPF4J_JFR_H

#define JFR_PATH_MAX 256
#define JFR_COMM_LEN 16

enum jfr_kind {
	JFR_OFFCPU = 1,
	JFR_FILE_OPEN = 2,
	JFR_SYSCALL = 3,
	JFR_TCP_CONNECT = 4,
	JFR_TCP_CLOSE = 5,
	JFR_PAGE_FAULT = 6,
	JFR_RUNQ = 7,
};

/* one kernel event; a FILE_OPEN carries the path; a PAGE_FAULT its address in arg, the
 * instruction in ret; a RUNQ in arg 1 when the thread was preempted, 0 when woken */
struct jfr_event {
	__u32 kind;
	__u32 tid;
	__u64 start_ns;		/* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 duration_ns;
	__s64 ret;		/* SYSCALL, FILE_OPEN: the return value (fd or -errno) */
	__s64 arg;		/* OFFCPU: task state; SYSCALL: its number; FILE_OPEN: the flags */
	__s32 kern_stack_id;	/* OFFCPU: id in stackmap, or a negative error */
	__s32 syscall;		/* OFFCPU: the system call the thread blocked in, or -1 */
	char comm[JFR_COMM_LEN];	/* the thread's name, as the kernel had it */
	/* TCP_*: addresses (4 bytes for AF_INET, 16 for AF_INET6) and ports (host order);
	 * TCP_CLOSE: ret = bytes received, arg = bytes acked (sent) */
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u16 family;
	__u16 pad;
	char path[JFR_PATH_MAX];
};

#endif
