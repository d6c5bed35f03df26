// SPDX-License-Identifier: GPL-2.0
/* Fixture for the attach tests of programs that run from BPF trampolines (fentry, fexit,
 * fmod_ret, lsm), which some kernels refuse, and of tp_btf, which needs no trampoline. Each
 * counts the calls of the test's thread. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

typedef unsigned int u32;
typedef unsigned long long u64;

const volatile u32 target_tid = 0;
u64 fentry_calls, fexit_calls, fmod_ret_calls, lsm_calls, tp_btf_calls;

static __always_inline int mine(void)
{
	return (u32)bpf_get_current_pid_tgid() == target_tid;
}

SEC("fentry/do_nanosleep")
int fentry_nanosleep(void *ctx)
{
	if (mine())
		__sync_fetch_and_add(&fentry_calls, 1);
	return 0;
}

SEC("fexit/do_nanosleep")
int fexit_nanosleep(void *ctx)
{
	if (mine())
		__sync_fetch_and_add(&fexit_calls, 1);
	return 0;
}

/* security_* functions may have their return value modified (5.7+); 0 lets the call proceed */
SEC("fmod_ret/security_file_open")
int fmod_ret_file_open(void *ctx)
{
	if (mine())
		__sync_fetch_and_add(&fmod_ret_calls, 1);
	return 0;
}

SEC("lsm/file_open")
int lsm_file_open(void *ctx)
{
	if (mine())
		__sync_fetch_and_add(&lsm_calls, 1);
	return 0;
}

SEC("tp_btf/sys_enter")
int tp_btf_sys_enter(void *ctx)
{
	if (mine())
		__sync_fetch_and_add(&tp_btf_calls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
