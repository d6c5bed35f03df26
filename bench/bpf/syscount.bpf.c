// Syscount-like object for the "open-load-attach" and "core-relocs" benchmarks (bench/README.md).
//
// Counts system calls by number: tracepoint raw_syscalls/sys_enter, HASH u32 (syscall id) ->
// u64 (count), 256 entries; const volatile target_pid (a tgid; 0 = every process) filters.
// Built twice: normally, against the kernel's vmlinux.h, so that args->id is a CO-RE field
// relocation; and with -DNO_CORE, with a hand-written context struct and no CO-RE relocation,
// the twin the core-relocs benchmark compares with.
#ifdef NO_CORE
#include <linux/types.h>
#include <linux/bpf.h>
struct trace_event_raw_sys_enter {
	__u64 common;		/* struct trace_entry: type, flags, preempt_count, pid */
	long id;
	unsigned long args[6];
};
#else
#include "vmlinux.h"
#endif
#include <bpf/bpf_helpers.h>

const volatile __u32 target_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("tracepoint/raw_syscalls/sys_enter")
int sys_enter(struct trace_event_raw_sys_enter *args)
{
	__u32 key;
	__u64 *val, one = 1;

	if (target_pid && (bpf_get_current_pid_tgid() >> 32) != target_pid)
		return 0;
	key = args->id;
	val = bpf_map_lookup_elem(&counts, &key);
	if (val) {
		__sync_fetch_and_add(val, 1);
		return 0;
	}
	if (bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST)) {
		val = bpf_map_lookup_elem(&counts, &key);	/* another CPU inserted it first */
		if (val)
			__sync_fetch_and_add(val, 1);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
