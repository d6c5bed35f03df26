/* SPDX-License-Identifier: GPL-2.0 */
/* The BPF half of the tools' event buffer (EventBuffer.java), as libbpf-tools' bpf_buffer: the
 * program declares `events` as a perf event array; before loading, user space turns it into a
 * ring buffer where the kernel has them and sets use_ringbuf, whose constant value lets the
 * verifier drop the other helper's branch. */
#ifndef __BPF4J_BUFFER_H
#define __BPF4J_BUFFER_H

const volatile bool use_ringbuf = false;

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} events SEC(".maps");

/* sends size bytes of data: 0, or the helper's negative error */
static __always_inline long submit_event(void *ctx, void *data, u64 size)
{
	if (use_ringbuf)
		return bpf_ringbuf_output(&events, data, size, 0);
	return bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, data, size);
}

#endif
