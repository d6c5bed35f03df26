// SPDX-License-Identifier: GPL-2.0
/* Fixture for MultiProbeLinkTest: kprobe.multi, kretprobe.multi and uprobe.multi programs (BPF
 * links of type kprobe_multi and uprobe_multi, Linux 5.18 and 6.6), each counting the calls of one
 * thread (target_tid). x86_64. */
#define __TARGET_ARCH_x86
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

typedef unsigned int u32;
typedef unsigned long long u64;

const volatile u32 target_tid = 0;

u64 multi_calls;     /* kprobe.multi on getppid's and getpgid's syscall functions */
u64 multi_ret_calls; /* kretprobe.multi on the same */
u64 umulti_calls;    /* uprobe.multi on two functions of the libc */

static __always_inline int is_target_thread(void)
{
	return (u32)bpf_get_current_pid_tgid() == target_tid;
}

SEC("kprobe.multi/__x64_sys_getpp*")
int on_multi(struct pt_regs *ctx)
{
	if (is_target_thread())
		__sync_fetch_and_add(&multi_calls, 1);
	return 0;
}

SEC("kretprobe.multi/__x64_sys_getppid")
int on_multi_ret(struct pt_regs *ctx)
{
	if (is_target_thread())
		__sync_fetch_and_add(&multi_ret_calls, 1);
	return 0;
}

SEC("uprobe.multi")
int on_umulti(struct pt_regs *ctx)
{
	if (is_target_thread())
		__sync_fetch_and_add(&umulti_calls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
