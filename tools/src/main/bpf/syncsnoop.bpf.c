// SPDX-License-Identifier: GPL-2.0
/* bpf4j syncsnoop: traces the entries of the sync-family syscalls (sync, fsync, fdatasync,
 * msync, sync_file_range, syncfs) on their sys_enter tracepoints, as libbpf-tools' syncsnoop:
 * the caller and the call, through the event buffer (buffer.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "syncsnoop.h"
#include "buffer.h"

/* events the buffer could not take */
long output_errors = 0;

static __always_inline int sync_entered(void *ctx, int sys)
{
	struct sync_event e = {};

	e.ts_us = bpf_ktime_get_ns() / 1000;
	e.pid = bpf_get_current_pid_tgid() >> 32;
	e.sys = sys;
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	if (submit_event(ctx, &e, sizeof(e)))
		__sync_fetch_and_add(&output_errors, 1);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_sync")
int sync_entry(void *ctx)
{
	return sync_entered(ctx, SYNC_SYNC);
}

SEC("tracepoint/syscalls/sys_enter_fsync")
int fsync_entry(void *ctx)
{
	return sync_entered(ctx, SYNC_FSYNC);
}

SEC("tracepoint/syscalls/sys_enter_fdatasync")
int fdatasync_entry(void *ctx)
{
	return sync_entered(ctx, SYNC_FDATASYNC);
}

SEC("tracepoint/syscalls/sys_enter_msync")
int msync_entry(void *ctx)
{
	return sync_entered(ctx, SYNC_MSYNC);
}

SEC("tracepoint/syscalls/sys_enter_sync_file_range")
int sync_file_range_entry(void *ctx)
{
	return sync_entered(ctx, SYNC_SYNC_FILE_RANGE);
}

SEC("tracepoint/syscalls/sys_enter_syncfs")
int syncfs_entry(void *ctx)
{
	return sync_entered(ctx, SYNC_SYNCFS);
}

char LICENSE[] SEC("license") = "GPL";
