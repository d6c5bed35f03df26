// SPDX-License-Identifier: GPL-2.0
/* Field offset ambiguity: Debian's 6.1 kernels have two structs named irq_info with a
 * compatible integer member irq at different offsets (the 8250 serial driver's and Xen's);
 * libbpf 1.1 logs "field offset ambiguity: A != B", "failed to relocate: -22" and gives up on the
 * whole object. On 6.18 the second irq_info has an array named irq, which is not compatible, so
 * the relocation resolves. The relocations after the failing one are never processed. */
#include "corpus.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct irq_info {
	int irq;
} __attribute__((preserve_access_index));

SEC("raw_tp/irq_handler_entry")
int ambiguous_irq(struct bpf_raw_tracepoint_args *ctx)
{
	struct irq_info *info = (void *)ctx->args[1];
	struct task_struct *t = (void *)bpf_get_current_task();
	long v = 0;

	v += BPF_CORE_READ(t, pid);
	v += BPF_CORE_READ(info, irq);
	v += BPF_CORE_READ(t, tgid);
	return v;
}
