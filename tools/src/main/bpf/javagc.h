/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by javagc.bpf.c and, as offsets, Javagc.java: one garbage collection of a JVM. */
#ifndef __BPF4J_JAVAGC_H
#define __BPF4J_JAVAGC_H

struct gc_event {
	__u32 cpu;
	__u32 pid;		/* tgid of the JVM */
	__u64 ts;		/* in the map: when it began; sent: how long it took, ns */
};

#endif
