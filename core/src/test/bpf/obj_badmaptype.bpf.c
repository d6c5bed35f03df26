// SPDX-License-Identifier: GPL-2.0
/* Fixture: a map of a type no kernel has (99), after a valid map: neither may survive. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, long);
} good SEC(".maps");

struct {
	__uint(type, 99);
	__uint(max_entries, 16);
	__type(key, int);
	__type(value, long);
} future SEC(".maps");

SEC("tp/syscalls/sys_enter_getppid")
int uses_maps(void *ctx)
{
	int key = 0;
	long *v = bpf_map_lookup_elem(&good, &key);

	if (v)
		bpf_map_lookup_elem(&future, &key);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
