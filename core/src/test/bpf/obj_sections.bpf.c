// SPDX-License-Identifier: GPL-2.0
/* Fixture: section names libbpf's table does not attach by itself. "xdp/..." and "perf_event/..."
 * tell their program type by their prefix, "usdt/..." is a kprobe program, and a misspelled
 * section has no type at all: that program fails on its own, the others load. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_getppid")
int known(void *ctx)
{
	return 0;
}

SEC("xdp/anything")
int guessed_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("perf_event/cycles")
int guessed_perf(void *ctx)
{
	return 0;
}

SEC("usdt/libc.so.6:libc:setjmp")
int on_usdt(void *ctx)
{
	return 0;
}

SEC("tracepont/syscalls/sys_enter_getppid")
int misspelled(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
