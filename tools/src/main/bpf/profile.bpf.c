// SPDX-License-Identifier: GPL-2.0
/* bpf4j profile: CPU samples with stacks, as libbpf-tools' profile. A perf event on each CPU
 * (PERF_COUNT_SW_CPU_CLOCK, -F times a second) runs do_perf_event, which counts the sample
 * under (process, user stack id, kernel stack id, comm); user space reads the counts and the
 * stacks at the end. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "stacks.h"

#define MAX_ENTRIES 10240
#define TASK_COMM_LEN 16
#define EFAULT 14

struct key_t {
	u32 pid;
	int user_stack_id;
	int kern_stack_id;
	char name[TASK_COMM_LEN];
};

const volatile bool kernel_stacks_only = false;
const volatile bool user_stacks_only = false;
const volatile bool include_idle = false;
const volatile bool filter_by_pid = false;
const volatile bool filter_by_tid = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct key_t);
	__type(value, u64);
	__uint(max_entries, MAX_ENTRIES);
} counts SEC(".maps");

SEC("perf_event")
int do_perf_event(void *ctx)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tgid = id >> 32, tid = (u32)id;
	struct key_t key = {};
	u64 *valp, one = 1;

	if (!include_idle && tid == 0)
		return 0;
	if (filter_by_pid && !bpf_map_lookup_elem(&pids, &tgid))
		return 0;
	if (filter_by_tid && !bpf_map_lookup_elem(&tids, &tid))
		return 0;

	key.pid = tgid;
	bpf_get_current_comm(&key.name, sizeof(key.name));
	if (user_stacks_only)
		key.kern_stack_id = -1;
	else
		key.kern_stack_id = bpf_get_stackid(ctx, &stackmap, 0);
	if (kernel_stacks_only)
		key.user_stack_id = -1;
	else
		key.user_stack_id = bpf_get_stackid(ctx, &stackmap, BPF_F_USER_STACK);

	valp = bpf_map_lookup_elem(&counts, &key);
	if (valp)
		__sync_fetch_and_add(valp, 1);
	else
		bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
