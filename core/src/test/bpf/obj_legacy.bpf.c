// SPDX-License-Identifier: GPL-2.0
/* Fixture: a legacy map definition in SEC("maps"), which libbpf 1.0 dropped. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def_legacy {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def_legacy SEC("maps") old_map = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(int),
	.value_size = sizeof(long),
	.max_entries = 16,
};

SEC("tp/syscalls/sys_enter_getppid")
int legacy(void *ctx)
{
	int key = 0;

	return bpf_map_lookup_elem(&old_map, &key) != 0;
}

char LICENSE[] SEC("license") = "GPL";
