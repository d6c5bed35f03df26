/* SPDX-License-Identifier: GPL-2.0 */
/* What the stack tools (profile, offcputime) share: the stack map, whose value size (the
 * deepest stack) and entries (--stack-storage-size) user space sets before load, and the
 * PID/TID filter maps. */
#ifndef __BPF4J_STACKS_H
#define __BPF4J_STACKS_H

#define PERF_MAX_STACK_DEPTH 127
#define MAX_PID_NR 30
#define MAX_TID_NR 30

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(u32));
	__uint(value_size, PERF_MAX_STACK_DEPTH * sizeof(u64));
	__uint(max_entries, 1024);
} stackmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PID_NR);
	__type(key, u32);
	__type(value, u8);
} pids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TID_NR);
	__type(key, u32);
	__type(value, u8);
} tids SEC(".maps");

#endif
