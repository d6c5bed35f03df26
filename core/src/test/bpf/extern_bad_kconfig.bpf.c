// SPDX-License-Identifier: GPL-2.0
/* Fixture: a strong __kconfig extern that libbpf does not know (LINUX_* externs are virtual). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int LINUX_BPF4J_NOPE __kconfig;

int seen;

SEC("syscall")
int bad_kconfig(void *ctx)
{
	seen = LINUX_BPF4J_NOPE;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
