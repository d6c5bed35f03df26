// SPDX-License-Identifier: GPL-2.0
/* bpf4j jvmclassload: classes as a JVM loads and unloads them, from HotSpot's USDT probes
 * hotspot:class__loaded and class__unloaded (name, name length, class loader id, shared); the
 * attach cookie tells which of the two fired. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>
#include "jvmclassload.h"
#include "buffer.h"

/* events the buffer could not take */
long output_errors = 0;

/* the event being filled */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct jvmclass_event);
} scratch SEC(".maps");

SEC("usdt")
int BPF_USDT(class_event, long name, long len, long loader, long shared)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 n = len, zero = 0;
	struct jvmclass_event *e = bpf_map_lookup_elem(&scratch, &zero);

	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->pid = id >> 32;
	e->tid = (u32)id;
	e->loader = loader;
	e->unload = bpf_usdt_cookie(ctx) != 0;
	e->shared = shared != 0;
	e->len = len;
	if (n > JVMCLASSLOAD_NAME_LEN - 1)
		n = JVMCLASSLOAD_NAME_LEN - 1;
	bpf_probe_read_user(e->name, n & (JVMCLASSLOAD_NAME_LEN - 1), (void *)name);
	if (submit_event(ctx, e, sizeof(*e)))
		__sync_fetch_and_add(&output_errors, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
