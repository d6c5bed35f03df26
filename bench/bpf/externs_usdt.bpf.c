// SPDX-License-Identifier: GPL-2.0
/* The object of the open-load-usdt benchmark: __kconfig externs (virtual and CONFIG_*), a
 * typeless ksym, kfuncs, and a USDT program of libbpf's usdt.bpf.h (the JVM's hotspot:gc__begin). */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_HZ __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern const void _stext __ksym;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

unsigned long long version, hz, syscall_on, stext, gcs;

SEC("syscall")
int read_externs(void *ctx)
{
	version = LINUX_KERNEL_VERSION;
	hz = CONFIG_HZ;
	syscall_on = CONFIG_BPF_SYSCALL;
	stext = (unsigned long long)&_stext;
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	return 0;
}

SEC("usdt")
int BPF_USDT(gc_begin, int full)
{
	long a;

	if (bpf_usdt_arg(ctx, 0, &a) == 0)
		__sync_fetch_and_add(&gcs, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
