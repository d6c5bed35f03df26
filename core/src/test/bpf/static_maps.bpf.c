// SPDX-License-Identifier: GPL-2.0
/* Fixture: .maps initializers, as libbpf fills them. A program array holding tail1 and tail2
 * (slot 3 left empty) makes a tail-call chain entry -> tail1 -> tail2; an array of maps holds
 * inner_a and inner_b. One getppid() of the target process runs the whole chain once and adds
 * 1 to inner_a and 2 to inner_b. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

typedef unsigned int u32;
typedef unsigned long long u64;

const volatile u32 target_tgid;
u64 entries, misses, tails1, tails2;

int tail1(void *ctx);
int tail2(void *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, u32);
	__array(values, int (void *));
} jmp SEC(".maps") = {
	.values = {
		[1] = (void *)&tail1,
		[2] = (void *)&tail2,
	},
};

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, u32);
	__array(values, struct inner_map);
} outer SEC(".maps") = {
	.values = { &inner_a, &inner_b },
};

static __always_inline int mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int entry(void *ctx)
{
	u32 zero = 0;

	if (!mine())
		return 0;
	entries++;
	for (u32 i = 0; i < 2; i++) {
		u32 idx = i;
		void *inner = bpf_map_lookup_elem(&outer, &idx);
		u64 *v;

		if (!inner)
			continue;
		v = bpf_map_lookup_elem(inner, &zero);
		if (v)
			__sync_fetch_and_add(v, i + 1);
	}
	bpf_tail_call(ctx, &jmp, 3); /* empty slot: falls through */
	misses++;
	bpf_tail_call(ctx, &jmp, 1);
	return 0;
}

SEC("tracepoint")
int tail1(void *ctx)
{
	tails1++;
	bpf_tail_call(ctx, &jmp, 2);
	return 0;
}

SEC("tracepoint")
int tail2(void *ctx)
{
	tails2++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
