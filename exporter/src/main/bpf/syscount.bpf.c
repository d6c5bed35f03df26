// SPDX-License-Identifier: GPL-2.0
/* The syscount config: system calls at their exit counted by number (syscount_calls_total) and
 * the failed ones by errno (syscount_errors_total), system-wide, as libbpf-tools' syscount
 * counts them by default. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "exp2.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);
	__type(value, u64);
} syscount_calls_total SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);
	__type(value, u64);
} syscount_errors_total SEC(".maps");

SEC("tracepoint/raw_syscalls/sys_exit")
int syscount_exit(struct trace_event_raw_sys_exit *ctx)
{
	u64 nr = (u64)ctx->id, err;

	if (ctx->id < 0)
		return 0;
	map_add(&syscount_calls_total, &nr, 1);
	if (ctx->ret < 0 && ctx->ret >= -4095) {
		err = (u64)-ctx->ret;
		map_add(&syscount_errors_total, &err, 1);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
