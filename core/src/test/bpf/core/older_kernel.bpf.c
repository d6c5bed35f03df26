// SPDX-License-Identifier: GPL-2.0
/* An object for the 6.1 kernels (a portability check must fail it here and pass it on 6.1):
 * unguarded reads of what 6.18 lacks (task_struct.memcg_oom_order), in a program and in a
 * subprogram, and guarded uses of what 6.1 lacks (task_struct.rseq_len, BPF_MAP_TYPE_ARENA:
 * dead code where missing). Self-contained (no corpus.h), declared as a vmlinux.h would. */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef __u32 u32;
typedef int pid_t;
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct task_struct {
	pid_t pid;
	u32 rseq_len;			/* 6.18, not 6.1 */
	int memcg_oom_order;		/* the 6.1 kernels, not 6.18 */
} __attribute__((preserve_access_index));

enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARENA = 33,	/* 6.9+ */
};

SEC("tp/syscalls/sys_enter_getppid")
int reads_old_field(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	return BPF_CORE_READ(t, memcg_oom_order);
}

static __noinline int old_field_of(struct task_struct *t)
{
	return BPF_CORE_READ(t, memcg_oom_order) + 1;
}

SEC("tp/syscalls/sys_enter_getppid")
int reads_old_field_in_subprog(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	return old_field_of(t) + BPF_CORE_READ(t, pid);
}

SEC("tp/syscalls/sys_enter_getppid")
int guarded_new_field(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	if (bpf_core_field_exists(t->rseq_len))
		return BPF_CORE_READ(t, rseq_len);
	return 0;
}

SEC("tp/syscalls/sys_enter_getppid")
int guarded_new_enumerator(void *ctx)
{
	if (bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_ARENA))
		return bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_ARENA);
	return bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_HASH);
}
