/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by jvmgc.bpf.c and, as offsets, Jvmgc.java: one stop-the-world collection of a JVM. */
#ifndef __BPF4J_JVMGC_H
#define __BPF4J_JVMGC_H

#define JVMGC_NAME_LEN 32

struct jvmgc_event {
	__u64 pause_ns;		/* in the map: when it began; sent: how long it took */
	__u64 before;		/* bytes used in the heap's memory pools before, summed */
	__u64 after;		/* and after */
	__u32 pid;		/* tgid of the JVM */
	__u32 tid;		/* the thread that collected (the VM thread) */
	__u32 cpu;
	__u32 pools;		/* heap pools the collection reported (mem__pool__gc__begin) */
	__u32 full;		/* gc__begin's argument: 1 for a full collection */
	char manager[JVMGC_NAME_LEN];	/* the memory manager (collector) of the first pool */
};

#endif
