// SPDX-License-Identifier: GPL-2.0
/* bpf4j jvmthreads: Java threads as they start and stop, from HotSpot's USDT probes
 * hotspot:thread__start and thread__stop (name, name length, Java id, native id, daemon); the
 * attach cookie tells which of the two fired. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>
#include "jvmthreads.h"
#include "buffer.h"

/* events the buffer could not take */
long output_errors = 0;

/* the event being filled */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct jvmthread_event);
} scratch SEC(".maps");

SEC("usdt")
int BPF_USDT(thread_event, long name, long len, long java_tid, long native_tid, long daemon)
{
	u32 n = len, zero = 0;
	struct jvmthread_event *e = bpf_map_lookup_elem(&scratch, &zero);

	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->tid = native_tid;
	e->java_tid = java_tid;
	e->stop = bpf_usdt_cookie(ctx) != 0;
	e->daemon = daemon != 0;
	if (n > JVMTHREADS_NAME_LEN - 1)
		n = JVMTHREADS_NAME_LEN - 1;
	bpf_probe_read_user(e->name, n & (JVMTHREADS_NAME_LEN - 1), (void *)name);
	if (submit_event(ctx, e, sizeof(*e)))
		__sync_fetch_and_add(&output_errors, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
