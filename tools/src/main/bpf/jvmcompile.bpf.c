// SPDX-License-Identifier: GPL-2.0
/* bpf4j jvmcompile: the JIT compilations of a JVM, from HotSpot's USDT probes
 * hotspot:method__compile__begin (compiler, class, method and signature, each a pointer and a
 * length) and method__compile__end (the same and success): begin remembers the time per
 * compiler thread, end sends the method and the duration when it is at least min_ns. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>
#include "jvmcompile.h"
#include "buffer.h"

/* set from Java before loading: -t, in ns */
const volatile __u64 min_ns = 0;

/* events the buffer could not take */
long output_errors = 0;

/* when the compilation of each compiler thread (pid_tgid) began */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u64);
	__type(value, u64);
} start SEC(".maps");

/* the event being filled */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct jvmcompile_event);
} scratch SEC(".maps");

SEC("usdt")
int compile_begin(struct pt_regs *ctx)
{
	u64 id = bpf_get_current_pid_tgid(), ts = bpf_ktime_get_ns();

	bpf_map_update_elem(&start, &id, &ts, BPF_ANY);
	return 0;
}

/* copies the probe's string argument (pointer, length) into buf of size max, NUL-terminated */
#define COPY_ARG(ptr_arg, buf, max)						\
	do {									\
		long p = 0, l = 0;						\
		u32 n;								\
		bpf_usdt_arg(ctx, ptr_arg, &p);					\
		bpf_usdt_arg(ctx, (ptr_arg) + 1, &l);				\
		n = l;								\
		if (n > (max) - 1)						\
			n = (max) - 1;						\
		bpf_probe_read_user(buf, n & ((max) - 1), (void *)p);		\
	} while (0)

SEC("usdt")
int compile_end(struct pt_regs *ctx)
{
	u64 id = bpf_get_current_pid_tgid(), *ts;
	u32 zero = 0;
	long success = 0;
	struct jvmcompile_event *e;

	ts = bpf_map_lookup_elem(&start, &id);
	if (!ts)
		return 0;
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		goto out;
	__builtin_memset(e, 0, sizeof(*e));
	e->duration_ns = bpf_ktime_get_ns() - *ts;
	if (e->duration_ns < min_ns)
		goto out;
	e->pid = id >> 32;
	e->tid = (u32)id;
	bpf_usdt_arg(ctx, 8, &success);
	e->success = success != 0;
	COPY_ARG(0, e->compiler, JVMCOMPILE_COMPILER_LEN);
	COPY_ARG(2, e->klass, JVMCOMPILE_CLASS_LEN);
	COPY_ARG(4, e->method, JVMCOMPILE_METHOD_LEN);
	COPY_ARG(6, e->signature, JVMCOMPILE_SIG_LEN);
	if (submit_event(ctx, e, sizeof(*e)))
		__sync_fetch_and_add(&output_errors, 1);
out:
	bpf_map_delete_elem(&start, &id);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
