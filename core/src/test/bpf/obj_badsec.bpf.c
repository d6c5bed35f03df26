// SPDX-License-Identifier: GPL-2.0
/* Fixture: a section name libbpf does not know. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepont/syscalls/sys_enter_getppid")
int misspelled(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
