/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by jvmclassload.bpf.c and, as offsets, Jvmclassload.java: a class loaded or unloaded. */
#ifndef __BPF4J_JVMCLASSLOAD_H
#define __BPF4J_JVMCLASSLOAD_H

#define JVMCLASSLOAD_NAME_LEN 128

struct jvmclass_event {
	__u64 loader;		/* the probe's class loader id: the same for every class of one loader */
	__u32 pid;		/* tgid of the JVM */
	__u32 tid;
	__u32 unload;		/* 0: class__loaded, 1: class__unloaded */
	__u32 shared;		/* from the CDS archive */
	__u32 len;		/* the name's full length (the copy is cut at 127 bytes) */
	char name[JVMCLASSLOAD_NAME_LEN];	/* internal form: java/lang/String */
};

#endif
