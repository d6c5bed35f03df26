// SPDX-License-Identifier: GPL-2.0
/* A relocation whose local root type is anonymous: libbpf 1.1 cannot search candidates for a
 * nameless type; it logs "target candidate search failed for [N] struct : -22" (or, for a kind
 * that does not search candidates, resolves it), then "failed to relocate: -22", and fails the
 * object. local_type_id on an anonymous type works (it never searches candidates). */
#include "corpus.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct bpf4j_holder {
	struct {
		int x;
		int y;
	} __attribute__((preserve_access_index)) *anon;
} __attribute__((preserve_access_index));

SEC("raw_tp/sched_wakeup")
int anon_root(struct bpf_raw_tracepoint_args *ctx)
{
	struct bpf4j_holder *h = (void *)ctx->args[0];
	long v = 0;

	v += __builtin_btf_type_id(*h->anon, BPF_TYPE_ID_LOCAL);
	v += BPF_CORE_READ(h, anon, y);
	return v;
}
