// SPDX-License-Identifier: GPL-2.0
/* Fixture: a strong typed ksym the kernel does not have. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern const int bpf4j_missing_var __ksym;

int seen;

SEC("syscall")
int bad_ksym(void *ctx)
{
	int *p = bpf_this_cpu_ptr(&bpf4j_missing_var);

	seen = *p;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
