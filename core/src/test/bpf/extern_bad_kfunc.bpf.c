// SPDX-License-Identifier: GPL-2.0
/* Fixture: a strong kfunc the kernel does not have. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern void bpf4j_missing_kfunc(void) __ksym;

SEC("syscall")
int bad_kfunc(void *ctx)
{
	bpf4j_missing_kfunc();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
