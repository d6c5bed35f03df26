// SPDX-License-Identifier: GPL-2.0
/* Fixture: no license section, and a GPL-only helper: the kernel refuses it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tp/syscalls/sys_enter_getppid")
int uses_gpl_helper(void *ctx)
{
	char buf[8];

	bpf_probe_read_kernel(buf, sizeof(buf), ctx);
	return buf[0];
}
