// SPDX-License-Identifier: GPL-2.0
/* bpf4j futexctn: futex contention as log2 histograms per lock, as libbpf-tools' futexctn. A
 * FUTEX_WAIT (any flags) is timed from sys_enter_futex to sys_exit_futex; a wait that returns
 * 0 counts under (thread, lock address, user stack id), or with -s under (process, lock). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "hist.h"
#include "stacks.h"

#define MAX_SLOTS 36
#define MAX_ENTRIES 10240
#define FUTEX_WAIT 0
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)

struct hist_key {
	u64 pid_tgid;
	u64 uaddr;
	int user_stack_id;
};

struct hist {
	u32 slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
	u64 contended;
	u64 total_elapsed;
	u64 min;
	u64 max;
};

struct wait {
	u64 ts;
	u64 uaddr;
};

const volatile bool targ_summary = false;
const volatile bool targ_ms = false;
const volatile u64 targ_lock = 0;
const volatile pid_t targ_pid = 0;
const volatile pid_t targ_tid = 0;

/* pid_tgid -> the wait it is in */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, u64);
	__type(value, struct wait);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

static const struct hist zero;

SEC("tracepoint/syscalls/sys_enter_futex")
int futex_enter(struct syscall_trace_enter *ctx)
{
	u64 pid_tgid = bpf_get_current_pid_tgid();
	struct wait w = {};

	if (((int)ctx->args[1] & FUTEX_CMD_MASK) != FUTEX_WAIT)
		return 0;
	if (targ_pid && targ_pid != pid_tgid >> 32)
		return 0;
	if (targ_tid && targ_tid != (u32)pid_tgid)
		return 0;
	w.uaddr = ctx->args[0];
	if (targ_lock && targ_lock != w.uaddr)
		return 0;
	w.ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &pid_tgid, &w, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_futex")
int futex_exit(struct syscall_trace_exit *ctx)
{
	u64 ts = bpf_ktime_get_ns(), pid_tgid = bpf_get_current_pid_tgid();
	struct hist_key key = {};
	struct wait *w;
	struct hist *h;
	u64 min, max;
	s64 delta;

	w = bpf_map_lookup_elem(&start, &pid_tgid);
	if (!w)
		return 0;
	delta = (s64)(ts - w->ts);
	if ((int)ctx->ret < 0 || delta < 0)
		goto cleanup;
	key.pid_tgid = pid_tgid;
	key.uaddr = w->uaddr;
	if (targ_summary)
		key.pid_tgid >>= 32;
	else
		key.user_stack_id = bpf_get_stackid(ctx, &stackmap, BPF_F_USER_STACK);
	h = lookup_or_init(&hists, &key, &zero);
	if (!h)
		goto cleanup;
	delta /= targ_ms ? 1000000 : 1000;
	log2_count(h->slots, MAX_SLOTS, delta);
	__sync_fetch_and_add(&h->contended, 1);
	__sync_fetch_and_add(&h->total_elapsed, delta);
	min = __sync_fetch_and_add(&h->min, 0);
	if (!min || min > delta)
		__sync_val_compare_and_swap(&h->min, min, delta);
	max = __sync_fetch_and_add(&h->max, 0);
	if (max < delta)
		__sync_val_compare_and_swap(&h->max, max, delta);
	bpf_get_current_comm(&h->comm, sizeof(h->comm));

cleanup:
	bpf_map_delete_elem(&start, &pid_tgid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
