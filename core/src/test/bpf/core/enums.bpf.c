// SPDX-License-Identifier: GPL-2.0
/* Enum value relocations: enumval_exists, enumval_value on 32-bit enums (values present on all
 * kernels, on 6.18 only, with values that depend on the kernel's configuration) and on enum64
 * (64-bit values land in ld_imm64 instructions). */
#include "corpus.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

enum bpf_map_type {
	BPF_MAP_TYPE_UNSPEC = 0,
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_USER_RINGBUF = 31,		/* 6.1+ */
	BPF_MAP_TYPE_CGRP_STORAGE = 32,		/* 6.2+ */
	BPF_MAP_TYPE_ARENA = 33,		/* 6.9+ */
};

/* local values on purpose different from every kernel's: the relocation must replace them */
enum bpf_map_type___shuffled {
	BPF_MAP_TYPE_HASH___shuffled = 100,
	BPF_MAP_TYPE_ARRAY___shuffled = 101,
};

/* numbering depends on which cgroup controllers the kernel has */
enum cgroup_subsys_id {
	cpuset_cgrp_id,
	memory_cgrp_id = 4,
	pids_cgrp_id = 11,
	rdma_cgrp_id = 12,
	misc_cgrp_id = 13,
	CGROUP_SUBSYS_COUNT = 14,
};

/* enum64: values above 2^32 */
enum perf_callchain_context {
	PERF_CONTEXT_HV = 0xffffffffffffffe0ULL,
	PERF_CONTEXT_KERNEL = 0xffffffffffffff80ULL,
	PERF_CONTEXT_MAX = 0xfffffffffffff001ULL,
};

enum ib_uverbs_device_cap_flags {
	IB_UVERBS_DEVICE_MEM_MGT_EXTENSIONS = 1ULL << 21,
	IB_UVERBS_DEVICE_FLUSH_GLOBAL = 1ULL << 38,	/* 6.2+ */
};

SEC("tp/syscalls/sys_enter_bpf")
int enums_map_type(void *ctx)
{
	long v = 0;

	v += bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_USER_RINGBUF);
	v += bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_CGRP_STORAGE);
	v += bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_ARENA);
	v += bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_HASH);
	v += bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_USER_RINGBUF);
	if (bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_ARENA))
		v += bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_ARENA);
	v += bpf_core_enum_value(enum bpf_map_type___shuffled, BPF_MAP_TYPE_HASH___shuffled);
	v += bpf_core_enum_value(enum bpf_map_type___shuffled, BPF_MAP_TYPE_ARRAY___shuffled);
	return v;
}

SEC("tp/cgroup/cgroup_mkdir")
int enums_cgroup(void *ctx)
{
	long v = 0;

	v += bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	v += bpf_core_enum_value(enum cgroup_subsys_id, CGROUP_SUBSYS_COUNT);
	v += bpf_core_enum_value_exists(enum cgroup_subsys_id, misc_cgrp_id);
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, misc_cgrp_id))
		v += bpf_core_enum_value(enum cgroup_subsys_id, misc_cgrp_id);
	return v;
}

SEC("raw_tp/sys_enter")
int enums_64(void *ctx)
{
	long v = 0;

	v += bpf_core_enum_value(enum perf_callchain_context, PERF_CONTEXT_MAX);
	v += bpf_core_enum_value(enum perf_callchain_context, PERF_CONTEXT_KERNEL);
	v += bpf_core_enum_value_exists(enum ib_uverbs_device_cap_flags, IB_UVERBS_DEVICE_FLUSH_GLOBAL);
	v += bpf_core_enum_value(enum ib_uverbs_device_cap_flags, IB_UVERBS_DEVICE_MEM_MGT_EXTENSIONS);
	if (bpf_core_enum_value_exists(enum ib_uverbs_device_cap_flags, IB_UVERBS_DEVICE_FLUSH_GLOBAL))
		v += bpf_core_enum_value(enum ib_uverbs_device_cap_flags, IB_UVERBS_DEVICE_FLUSH_GLOBAL);
	return v;
}
