/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by jvmcompile.bpf.c and, as offsets, Jvmcompile.java: one JIT compilation of a method. */
#ifndef __BPF4J_JVMCOMPILE_H
#define __BPF4J_JVMCOMPILE_H

#define JVMCOMPILE_COMPILER_LEN 16
#define JVMCOMPILE_CLASS_LEN 128
#define JVMCOMPILE_METHOD_LEN 64
#define JVMCOMPILE_SIG_LEN 128

struct jvmcompile_event {
	__u64 duration_ns;	/* in the map: when it began; sent: how long it took */
	__u32 pid;		/* tgid of the JVM */
	__u32 tid;		/* the compiler thread */
	__u32 success;		/* method__compile__end's last argument */
	__u32 pad;
	char compiler[JVMCOMPILE_COMPILER_LEN];
	char klass[JVMCOMPILE_CLASS_LEN];	/* internal form: java/lang/String */
	char method[JVMCOMPILE_METHOD_LEN];
	char signature[JVMCOMPILE_SIG_LEN];	/* (J)J */
};

#endif
