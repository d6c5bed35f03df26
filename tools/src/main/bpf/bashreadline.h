/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by bashreadline.bpf.c and, as offsets, Bashreadline.java: one line bash read. */
#ifndef __BPF4J_BASHREADLINE_H
#define __BPF4J_BASHREADLINE_H

#define MAX_LINE_SIZE 80

struct line_event {
	__u32 pid;
	char str[MAX_LINE_SIZE];	/* the line readline returned, NUL-terminated */
};

#endif
