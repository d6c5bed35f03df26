// SPDX-License-Identifier: GPL-2.0
/* Skeleton generator fixture: maps with scalar, struct and array keys and values (hash, array,
 * per-CPU, LPM trie, ring buffer, perf event array), global variables of every kind in .rodata,
 * .data, .bss and a custom .data section, and an event struct with nested structs, unions,
 * bitfields, enums, char and u8 arrays, 2-D arrays and pointers. Kernel types (reached through
 * CO-RE and as program context) must not become records. Compiled, never loaded, by core tests. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;
typedef int pid_t;
typedef _Bool bool;

/* kernel types: CO-RE relocated or program context, no records for them */
struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

struct trace_event_raw_sys_enter {
	unsigned long long unused;
	long id;
	unsigned long args[6];
} __attribute__((preserve_access_index));

enum event_kind { KIND_EXEC = 1, KIND_OPEN = 2, KIND_BIG = 0x7fffffff };
enum small_kind : unsigned char { SMALL_ZERO, SMALL_ONE };

struct ids {
	u32 pid;
	u32 tgid;
};

struct flow_key {
	u32 saddr;
	u32 daddr;
	u16 sport;
	u16 dport;
	u8 proto;
};

struct stats {
	u64 packets;
	u64 bytes;
	s64 delta;
	u16 hist[4];
};

struct event {
	u64 ts;
	struct ids ids;
	pid_t ppid;
	s8 s8v;
	u8 u8v;
	s16 s16v;
	u16 u16v;
	bool flag;
	enum event_kind kind;
	enum small_kind small;
	char comm[16];
	u8 raw[4];
	u32 bits_a: 3;
	s32 bits_b: 5;
	u32 bits_c: 24;
	u64 bits_wide: 40;
	union {
		u32 as_u32;
		u8 as_bytes[4];
	};
	union {
		u64 addr;
		struct {
			u32 lo;
			u32 hi;
		} halves;
	} u;
	struct ids pair[2];
	s32 grid[2][3];
	void *ptr;
	float ratio;
	double precise;
};

struct lpm_key {
	u32 prefixlen;
	u8 addr[4];
};

struct config {
	u8 level;
	u16 port;
	u64 limit;
	char name[8];
};

/* keeps struct event in BTF: it is only written to the ring buffer */
const struct event *unused_event __attribute__((unused));

const volatile pid_t target_pid = 0;
const volatile bool verbose = 0;
const volatile char label[16] = "demo";
const volatile struct config cfg = {.level = 1, .port = 8080, .limit = 1ULL << 40, .name = "cfg"};
const volatile u64 thresholds[3] = {10, 20, 30};
const volatile enum event_kind wanted = KIND_EXEC;

u64 hits = 0;
s32 last_ret[4] = {};
struct ids last_ids = {};

u32 version = 7;
char greeting[8] = "hi";

u64 custom_counter SEC(".data.custom") = 5;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, struct flow_key);
	__type(value, struct stats);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, u32);
	__type(value, u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct stats);
} percpu_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16);
	__type(key, struct lpm_key);
	__type(value, u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, bool);
} flags_by_pid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} perf_events SEC(".maps");

SEC("tracepoint/raw_syscalls/sys_enter")
int on_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct event *e;
	u32 zero = 0;
	u64 *c;

	if (target_pid && BPF_CORE_READ(task, tgid) != target_pid)
		return 0;
	hits++;
	c = bpf_map_lookup_elem(&counters, &zero);
	if (c)
		__sync_fetch_and_add(c, 1);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->ts = bpf_ktime_get_ns();
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->kind = wanted;
	e->u.addr = ctx->id;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	struct flow_key k = {.proto = 6};
	struct stats *s = bpf_map_lookup_elem(&flows, &k);

	if (s)
		s->packets++;
	custom_counter++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
