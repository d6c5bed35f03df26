/* SPDX-License-Identifier: GPL-2.0 */
/* The -c CG filter of the tools, as libbpf-tools': the cgroup's fd goes into cgroup_map[0]
 * (BpfMap.putCgroup) and filter_cg is set before loading. */
#ifndef __BPF4J_CGROUP_H
#define __BPF4J_CGROUP_H

const volatile bool filter_cg = false;

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__type(key, u32);
	__type(value, u32);
	__uint(max_entries, 1);
} cgroup_map SEC(".maps");

/* false when -c CG was given and the current task is outside that cgroup */
static __always_inline bool cgroup_ok(void)
{
	return !filter_cg || bpf_current_task_under_cgroup(&cgroup_map, 0);
}

#endif
