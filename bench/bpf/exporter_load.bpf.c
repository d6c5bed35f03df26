// SPDX-License-Identifier: GPL-2.0
/* exporter-load: one of the ten configs' objects (compiled with -DIDX=0..9): a counter map of
 * ebpf_exporter's form, bench_lIDX_total, keyed by a u32 series number. The benchmark's writer
 * fills it from user space (round r sets every series to r) while 50 scrapers read it through
 * the exporter. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define CAT3(a, b, c) a##b##c
#define NAME(i) CAT3(bench_l, i, _total)

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u32);
	__type(value, u64);
} NAME(IDX) SEC(".maps");

/* a program that never runs, so that the object is a whole config (programs, attach state) */
SEC("tracepoint/syscalls/sys_enter_getppid")
int bench_noop(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
