// SPDX-License-Identifier: GPL-2.0
/* bpf4j bashreadline: the lines interactive bash shells read, as libbpf-tools' bashreadline: a
 * uretprobe on readline (in /bin/bash, or the libreadline of -s) sends readline's result from
 * tasks called "bash" through the event buffer (buffer.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "bashreadline.h"
#include "buffer.h"

#define TASK_COMM_LEN 16

/* events the buffer could not take */
long output_errors = 0;

/* the event under construction (in a map: it also gives the skeleton its type) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct line_event);
} heap SEC(".maps");

SEC("uretprobe")
int BPF_KRETPROBE(printret, const void *ret)
{
	char comm[TASK_COMM_LEN];
	struct line_event *e;
	u32 zero = 0;

	if (!ret)
		return 0;
	bpf_get_current_comm(comm, sizeof(comm));
	if (comm[0] != 'b' || comm[1] != 'a' || comm[2] != 's' || comm[3] != 'h' || comm[4] != 0)
		return 0;
	e = bpf_map_lookup_elem(&heap, &zero);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	if (bpf_probe_read_user_str(e->str, sizeof(e->str), ret) < 0)
		e->str[0] = '\0';
	if (submit_event(ctx, e, sizeof(*e)))
		__sync_fetch_and_add(&output_errors, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
