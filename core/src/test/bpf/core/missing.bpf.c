// SPDX-License-Identifier: GPL-2.0
/* Relocations against a struct and an enum no kernel has: field kinds poison (except
 * field_exists, 0), type kinds give 0, enumval_exists gives 0, enumval_value poisons.
 * libbpf logs "no matching targets found" and "substituting insn #N w/ invalid insn". */
#include "corpus.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct bpf4j_missing {
	int a;
	unsigned int bits: 3;
} __attribute__((preserve_access_index));

enum bpf4j_missing_enum {
	BPF4J_MISSING_VALUE = 7,
};

SEC("raw_tp/sched_switch")
int missing_all(struct bpf_raw_tracepoint_args *ctx)
{
	struct bpf4j_missing *m = (void *)ctx->args[0];
	long v = 0;

	v += bpf_core_field_exists(m->a);
	if (bpf_core_field_exists(m->a)) {
		v += BPF_CORE_READ(m, a);
		v += bpf_core_field_size(m->a);
		v += BPF_CORE_READ_BITFIELD_PROBED(m, bits);
	}
	v += bpf_core_type_exists(struct bpf4j_missing);
	v += bpf_core_type_size(struct bpf4j_missing);
	v += bpf_core_type_matches(struct bpf4j_missing);
	v += bpf_core_type_id_kernel(struct bpf4j_missing);
	v += bpf_core_enum_value_exists(enum bpf4j_missing_enum, BPF4J_MISSING_VALUE);
	if (bpf_core_enum_value_exists(enum bpf4j_missing_enum, BPF4J_MISSING_VALUE))
		v += bpf_core_enum_value(enum bpf4j_missing_enum, BPF4J_MISSING_VALUE);
	return v;
}
