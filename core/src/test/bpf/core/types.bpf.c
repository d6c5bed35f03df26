// SPDX-License-Identifier: GPL-2.0
/* Type-based relocations: type_exists, type_size, type_matches, local_type_id, target_type_id,
 * on types every kernel has, on types only some have, on a type no kernel has, on a typedef,
 * an enum and an anonymous struct (local_type_id only: libbpf needs a name to find candidates). */
#include "corpus.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

/* 6.1 only (removed in 6.2) */
struct task_rss_stat {
	int events;
	int count[4];
} __attribute__((preserve_access_index));

/* on no kernel */
struct bpf4j_no_such_type {
	int x;
} __attribute__((preserve_access_index));

/* type_matches: the kernel's exact shape for these members ... */
struct task_struct___mini {
	pid_t pid;
	pid_t tgid;
	unsigned int flags;
} __attribute__((preserve_access_index));

/* ... a member only 6.18 and 6.1-rt have ... */
struct task_struct___saved {
	unsigned int saved_state;
} __attribute__((preserve_access_index));

/* ... and a member of the wrong size */
struct task_struct___wrong {
	long long pid;
} __attribute__((preserve_access_index));

struct list_head___bad {
	int next;
} __attribute__((preserve_access_index));

enum bpf_map_type___few {
	BPF_MAP_TYPE_HASH___few = 1,
	BPF_MAP_TYPE_ARRAY___few = 2,
};

enum bpf_map_type___arena {
	BPF_MAP_TYPE_ARENA___arena = 33,	/* 6.9+ */
};

typedef struct {
	int a;
	long b;
} bpf4j_anon_t;

SEC("tp/syscalls/sys_enter_openat")
int types_exists(void *ctx)
{
	long v = 0;

	v += bpf_core_type_exists(struct task_struct);
	v += bpf_core_type_exists(struct task_rss_stat);
	v += bpf_core_type_exists(struct bpf4j_no_such_type);
	v += bpf_core_type_exists(pid_t);
	v += bpf_core_type_exists(enum bpf_map_type___few);
	v += bpf_core_type_size(struct task_struct);
	v += bpf_core_type_size(struct task_rss_stat);
	v += bpf_core_type_size(struct bpf4j_no_such_type);
	v += bpf_core_type_size(pid_t);
	v += bpf_core_type_size(struct sk_buff);
	return v;
}

SEC("tp/syscalls/sys_enter_close")
int types_matches(void *ctx)
{
	long v = 0;

	v += bpf_core_type_matches(struct list_head);
	v += bpf_core_type_matches(struct list_head___bad);
	v += bpf_core_type_matches(struct callback_head);
	v += bpf_core_type_matches(struct task_struct___mini);
	v += bpf_core_type_matches(struct task_struct___saved);
	v += bpf_core_type_matches(struct task_struct___wrong);
	v += bpf_core_type_matches(struct task_struct);
	v += bpf_core_type_matches(enum bpf_map_type___few);
	v += bpf_core_type_matches(enum bpf_map_type___arena);
	v += bpf_core_type_matches(pid_t);
	v += bpf_core_type_matches(struct bpf4j_no_such_type);
	return v;
}

SEC("tp/syscalls/sys_enter_read")
int types_ids(void *ctx)
{
	long v = 0;

	v += bpf_core_type_id_local(struct task_struct);
	v += bpf_core_type_id_local(struct bpf4j_no_such_type);
	v += bpf_core_type_id_local(bpf4j_anon_t);
	v += __builtin_btf_type_id(*(struct { int q; } *)0, BPF_TYPE_ID_LOCAL);
	v += bpf_core_type_id_kernel(struct task_struct);
	v += bpf_core_type_id_kernel(struct task_struct___mini);
	v += bpf_core_type_id_kernel(struct task_rss_stat);
	v += bpf_core_type_id_kernel(struct bpf4j_no_such_type);
	v += bpf_core_type_id_kernel(pid_t);
	return v;
}
