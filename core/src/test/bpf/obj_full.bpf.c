// SPDX-License-Identifier: GPL-2.0
/* Fixture for the object reader and loader: every map kind the study document names, global data
 * in .rodata/.data/.bss/.data.custom, global and static subprograms, a bpf_loop callback, and
 * CO-RE reads of a local copy of struct task_struct. The loader test drives it with a workload
 * of known size (getppid calls) and checks the exact counts. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

typedef unsigned int u32;
typedef unsigned long long u64;

/* only the fields read here: CO-RE finds them in the running kernel's task_struct */
struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

struct value {
	u64 calls;
	u64 loops;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, u32);
	__type(value, struct value);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, u64);
} percpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096 * 4);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} events SEC(".maps");

const volatile int target_tgid = 0;   /* .rodata, set from Java */
const volatile u32 loop_count = 3;    /* .rodata */
int data_counter = 5;                 /* .data */
u64 bss_counter;                      /* .bss */
u64 seen_tgid;                        /* .bss: tgid read through CO-RE */
int custom_counter SEC(".data.custom") = 7;

/* a global function: verified on its own, called through a relocation */
__noinline int add_one(int *p)
{
	if (!p)
		return 0;
	__sync_fetch_and_add(p, 1);
	return 1;
}

/* a static function: called through the .text section symbol */
static __noinline u32 twice(u32 x)
{
	return x * 2;
}

static long loop_cb(u32 index, void *ctx)
{
	struct value *v = ctx;

	v->loops++;
	return 0;
}

SEC("tp/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	u32 key = 0, idx = 0;
	struct value local = {};
	struct value *st;
	u64 one = 1, *c;
	int tgid;

	tgid = BPF_CORE_READ(task, tgid);
	if (target_tgid && tgid != target_tgid)
		return 0;
	seen_tgid = tgid;
	__sync_fetch_and_add(&bss_counter, 1);
	add_one(&data_counter);
	add_one(&custom_counter);

	key = twice(loop_count) + 32; /* 42 when loop_count is 5 */
	c = bpf_map_lookup_elem(&counts, &key);
	if (c)
		__sync_fetch_and_add(c, 1);
	else
		bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);

	bpf_loop(loop_count, loop_cb, &local, 0);
	st = bpf_map_lookup_elem(&stats, &idx);
	if (st) {
		__sync_fetch_and_add(&st->calls, 1);
		__sync_fetch_and_add(&st->loops, local.loops);
	}

	c = bpf_map_lookup_elem(&percpu, &idx);
	if (c)
		(*c)++;
	else
		bpf_map_update_elem(&percpu, &idx, &one, BPF_NOEXIST);
	return 0;
}

SEC("raw_tp/sys_enter")
int on_raw_sys_enter(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_switch")
int on_sched_switch(u64 *ctx)
{
	return 0;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("socket")
int sock_len(struct __sk_buff *skb)
{
	return skb->len;
}

SEC("?tp/syscalls/sys_enter_getpid")
int not_autoloaded(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
