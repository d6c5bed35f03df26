// SPDX-License-Identifier: GPL-2.0
/* Fixture: a program the verifier rejects (a map value used without a NULL check). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, int);
	__type(value, long);
} values SEC(".maps");

SEC("tp/syscalls/sys_enter_getppid")
int no_null_check(void *ctx)
{
	int key = 1;
	long *v = bpf_map_lookup_elem(&values, &key);

	return *v + 1; /* BAD: v may be NULL */
}

char LICENSE[] SEC("license") = "GPL";
