// SPDX-License-Identifier: GPL-2.0
/* Fixture: every kind of extern libbpf resolves. __kconfig externs of every value type (virtual
 * LINUX_* ones, CONFIG_* ones strong and weak, set, "is not set" and absent), typeless ksyms
 * (addresses from /proc/kallsyms), weak ksyms and a weak kfunc the kernel lacks (bpf_ksym_exists()
 * is false), and kfuncs
 * (bpf_task_from_pid/bpf_task_release, bpf_rcu_read_lock/unlock). SEC("syscall") programs, run
 * with BPF_PROG_TEST_RUN, copy what they see into .bss for the test to compare exactly. Typed
 * ksyms are in ksym_percpu.bpf.c: the verifier finds their addresses in kallsyms, which holds
 * variables only with CONFIG_KALLSYMS_ALL. */
#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* libbpf 1.2+ has it in bpf_helpers.h */
#ifndef bpf_ksym_exists
#define bpf_ksym_exists(sym) (!!(&(sym)))
#endif

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef int s32;
typedef unsigned long long u64;

extern u32 LINUX_KERNEL_VERSION __kconfig;
extern bool LINUX_HAS_BPF_COOKIE __kconfig;
extern bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;
extern int LINUX_BPF4J_UNKNOWN __kconfig __weak;
extern int CONFIG_HZ __kconfig;
extern bool CONFIG_BPF4J_BOOL __kconfig __weak;
extern enum libbpf_tristate CONFIG_BPF4J_TRI __kconfig __weak;
extern char CONFIG_BPF4J_CHAR __kconfig __weak;
extern u8 CONFIG_BPF4J_U8 __kconfig __weak;
extern short CONFIG_BPF4J_S16 __kconfig __weak;
extern u16 CONFIG_BPF4J_U16 __kconfig __weak;
extern int CONFIG_BPF4J_S32 __kconfig __weak;
extern u32 CONFIG_BPF4J_U32 __kconfig __weak;
extern long long CONFIG_BPF4J_S64 __kconfig __weak;
extern u64 CONFIG_BPF4J_U64 __kconfig __weak;
extern char CONFIG_BPF4J_STR[16] __kconfig __weak;
extern bool CONFIG_BPF4J_UNSET __kconfig __weak;
extern int CONFIG_BPF4J_ABSENT __kconfig __weak;

u32 kernel_version, hz, tri;
bool has_cookie, has_wrapper, b, unset;
int unknown, absent, s32v;
char c, str[16];
u8 u8v;
short s16;
u16 u16v;
u32 u32v;
long long s64;
u64 u64v;

SEC("syscall")
int read_kconfig(void *ctx)
{
	kernel_version = LINUX_KERNEL_VERSION;
	has_cookie = LINUX_HAS_BPF_COOKIE;
	has_wrapper = LINUX_HAS_SYSCALL_WRAPPER;
	unknown = LINUX_BPF4J_UNKNOWN;
	hz = CONFIG_HZ;
	b = CONFIG_BPF4J_BOOL;
	tri = CONFIG_BPF4J_TRI;
	c = CONFIG_BPF4J_CHAR;
	u8v = CONFIG_BPF4J_U8;
	s16 = CONFIG_BPF4J_S16;
	u16v = CONFIG_BPF4J_U16;
	s32v = CONFIG_BPF4J_S32;
	u32v = CONFIG_BPF4J_U32;
	s64 = CONFIG_BPF4J_S64;
	u64v = CONFIG_BPF4J_U64;
	__builtin_memcpy(str, CONFIG_BPF4J_STR, sizeof(str));
	unset = CONFIG_BPF4J_UNSET;
	absent = CONFIG_BPF4J_ABSENT;
	return 0;
}

/* only what is read here: CO-RE finds the fields in the kernel's types */
struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

extern const void _stext __ksym;
extern const void __start_BTF __ksym;
extern const void bpf4j_no_such_symbol __ksym __weak;
extern const int bpf4j_no_such_var __ksym __weak;

extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern void bpf4j_no_such_kfunc(void) __ksym __weak;

struct args {
	int pid;
};

u64 stext, start_btf, missing_addr;
int missing_var, missing_kfunc, tgid, rcu;

SEC("syscall")
int use_ksyms(struct args *args)
{
	struct task_struct *t;

	stext = (u64)&_stext;
	start_btf = (u64)&__start_BTF;
	missing_addr = (u64)&bpf4j_no_such_symbol;
	missing_var = bpf_ksym_exists(bpf4j_no_such_var);
	missing_kfunc = bpf_ksym_exists(bpf4j_no_such_kfunc);
	if (bpf_ksym_exists(bpf4j_no_such_kfunc))
		bpf4j_no_such_kfunc();

	t = bpf_task_from_pid(args->pid);
	if (t) {
		tgid = BPF_CORE_READ(t, tgid);
		bpf_task_release(t);
	}
	bpf_rcu_read_lock();
	rcu = 1;
	bpf_rcu_read_unlock();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
