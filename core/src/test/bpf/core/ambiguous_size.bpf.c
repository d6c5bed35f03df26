// SPDX-License-Identifier: GPL-2.0
/* Relocation decision ambiguity: type_size of syscall_tp_t, whose two target candidates (every
 * kernel has two) are both "compatible" (any two structs are, for type-based relocations) but
 * differ in size; libbpf 1.1 logs "relocation decision ambiguity: success A != success B" and
 * "failed to relocate: -22", and fails the object on every kernel. */
#include "corpus.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct syscall_tp_t {
	long syscall_nr;
} __attribute__((preserve_access_index));

SEC("raw_tp/sys_enter")
int ambiguous_size(void *ctx)
{
	long v = 0;

	v += bpf_core_type_exists(struct syscall_tp_t);
	v += bpf_core_type_size(struct syscall_tp_t);
	v += bpf_core_type_size(struct task_struct);
	return v;
}
