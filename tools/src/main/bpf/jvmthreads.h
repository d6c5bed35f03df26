/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by jvmthreads.bpf.c and, as offsets, Jvmthreads.java: a Java thread's start or stop. */
#ifndef __BPF4J_JVMTHREADS_H
#define __BPF4J_JVMTHREADS_H

#define JVMTHREADS_NAME_LEN 64

struct jvmthread_event {
	__u64 java_tid;		/* the thread's Java id (Thread.threadId()) */
	__u32 pid;		/* tgid of the JVM */
	__u32 tid;		/* the thread's native (OS) id */
	__u32 stop;		/* 0: thread__start, 1: thread__stop */
	__u32 daemon;
	char name[JVMTHREADS_NAME_LEN];	/* the Java name, cut at 63 bytes */
};

#endif
