// SPDX-License-Identifier: GPL-2.0
/* Roots that are not plain structs: a typedef of an anonymous struct (atomic_t) as the root of
 * field and type relocations, a union root (bpf_attr, its members inside an anonymous struct), a
 * typedef of a function pointer (initcall_t: FUNC_PROTO compatibility and matching), and
 * type_matches through a pointer to a forward declaration (struct files_struct behind
 * task_struct.files: a forward-declared struct matches the kernel's struct, a forward-declared
 * union does not), and of a struct whose member sits in an anonymous struct in the kernel
 * (mm_struct.exe_file: type_matches does not look into anonymous members). */
#include "corpus.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct file;
struct files_struct;
union files_struct___u;

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

union bpf_attr {
	struct {
		__u32 map_type;
		__u32 key_size;
		__u32 value_size;
	};
	struct {
		__u64 prog_type_pad;
		__u32 insn_cnt;
	} bogus;
};

struct mm_struct___fwd {
	struct file *exe_file;
};

struct task_struct___fwd {
	struct files_struct *files;
};

struct task_struct___unionfwd {
	union files_struct___u *files;	/* a forward-declared union of the same essential name */
};

#pragma clang attribute pop

typedef int (*initcall_t)(void);
typedef long (*initcall_t___bad)(int);

SEC("raw_tp/sys_enter")
int typedefs_roots(struct bpf_raw_tracepoint_args *ctx)
{
	atomic_t *a = (void *)ctx->args[0];
	union bpf_attr *attr = (void *)ctx->args[1];
	long v = 0;

	v += BPF_CORE_READ(a, counter);
	v += bpf_core_field_offset(a->counter);
	v += bpf_core_type_exists(atomic_t);
	v += bpf_core_type_size(atomic_t);
	v += bpf_core_type_matches(atomic_t);
	v += BPF_CORE_READ(attr, key_size);
	v += BPF_CORE_READ(attr, value_size);
	v += bpf_core_field_exists(attr->bogus);
	v += bpf_core_type_size(union bpf_attr);
	v += bpf_core_type_exists(union bpf_attr);
	return v;
}

SEC("raw_tp/sys_exit")
int typedefs_protos(void *ctx)
{
	long v = 0;

	v += bpf_core_type_exists(initcall_t);
	v += bpf_core_type_matches(initcall_t);
	v += bpf_core_type_exists(initcall_t___bad);
	v += bpf_core_type_matches(initcall_t___bad);
	v += bpf_core_type_size(initcall_t);
	v += bpf_core_type_matches(struct mm_struct___fwd);
	v += bpf_core_type_matches(struct task_struct___fwd);
	v += bpf_core_type_matches(struct task_struct___unionfwd);
	return v;
}
