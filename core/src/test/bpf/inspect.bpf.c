// SPDX-License-Identifier: GPL-2.0
/* Fixture for inspecting loaded objects (bpf4j prog/map/link list and show, map dump, pinning,
 * run-time statistics): a hash map with struct keys and values of every kind bpftool's BTF
 * dumper prints differently (ints of each size and sign, a char string, a char array that is not
 * a string, an enum, a nested struct, an int array, a bitfield, a bool), a map pinned by name,
 * a raw tracepoint program to link, and a syscall program (with a subprogram and a helper call)
 * that tests run a known number of times. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

typedef unsigned int u32;
typedef unsigned long long u64;

enum color { RED = 1, GREEN = 2, BLUE = 4 };

struct pair_key {
	u32 pid;
	char comm[8];
};

struct inner {
	short delta;
	unsigned char small;
	_Bool on;
};

struct pair_value {
	u64 count;
	long long signed_total;
	enum color color;
	unsigned int level : 3;
	unsigned int mode : 5;
	char raw[4];
	struct inner in;
	int samples[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct pair_key);
	__type(value, struct pair_value);
} pairs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, u32);
	__type(value, u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} shared_counts SEC(".maps");

SEC("raw_tp/sys_enter")
int inspect_raw_tp(void *ctx)
{
	return 0;
}

/* a subprogram, so that the xlated dump shows a bpf-to-bpf call, and a helper that is not inlined */
static __noinline u64 bump(u64 *c)
{
	if (c)
		__sync_fetch_and_add(c, 1);
	return bpf_ktime_get_ns();
}

SEC("syscall")
int inspect_syscall(void *ctx)
{
	u32 key = 0;
	u64 *c = bpf_map_lookup_elem(&shared_counts, &key);

	return bump(c) == 0;
}

char LICENSE[] SEC("license") = "GPL";
