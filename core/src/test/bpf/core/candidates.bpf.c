// SPDX-License-Identifier: GPL-2.0
/* Several target candidates for one local type: every kernel's BTF has two structs named
 * syscall_tp_t (kernel/trace/trace_syscalls.c has one for enter, one for exit events; bpftool
 * shows the second as syscall_tp_t___2). Both have syscall_nr at the same offset: libbpf accepts
 * that. Only one has ret: libbpf picks it and, because it caches the candidate list per local
 * type and keeps only the candidates that matched, the later args[] relocation no longer sees
 * the candidate that has args and is poisoned. */
#include "corpus.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct syscall_tp_t {
	long syscall_nr;
	unsigned long ret;
	unsigned long args[6];
} __attribute__((preserve_access_index));

/* a second local flavor has its own candidate cache: args resolves there */
struct syscall_tp_t___args {
	unsigned long args[6];
} __attribute__((preserve_access_index));

SEC("raw_tp/sys_exit")
int candidates_syscall(struct bpf_raw_tracepoint_args *ctx)
{
	struct syscall_tp_t *s = (void *)ctx->args[0];
	long v = 0;

	v += BPF_CORE_READ(s, syscall_nr);
	v += bpf_core_type_exists(struct syscall_tp_t);
	v += BPF_CORE_READ(s, ret);
	if (bpf_core_field_exists(s->args))
		v += BPF_CORE_READ(s, args[1]);
	v += BPF_CORE_READ((struct syscall_tp_t___args *)s, args[1]);
	return v;
}
