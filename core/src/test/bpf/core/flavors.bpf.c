// SPDX-License-Identifier: GPL-2.0
/* Type flavors (name___suffix): several local variants of one kernel struct, each matched
 * against the kernel's task_struct / mm_struct, selected at run time with field_exists. */
#include "corpus.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

/* before 5.14 the task state was "long state" */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

struct task_struct___new {
	unsigned int __state;
} __attribute__((preserve_access_index));

/* PREEMPT_RT additions (6.1-rt; saved_state also went mainline later) */
struct task_struct___rt {
	unsigned int saved_state;
	int softirq_disable_cnt;
} __attribute__((preserve_access_index));

/* mm_struct.rss_stat: a struct mm_rss_stat on 6.1, an array of percpu_counter on 6.2+ */
typedef struct {
	__s64 counter;
} atomic64_t;
typedef atomic64_t atomic_long_t;

struct mm_rss_stat {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct percpu_counter {
	long long count;
} __attribute__((preserve_access_index));

struct mm_struct___61 {
	struct mm_rss_stat rss_stat;
} __attribute__((preserve_access_index));

struct mm_struct___62 {
	struct percpu_counter rss_stat[4];
} __attribute__((preserve_access_index));

SEC("tp/sched/sched_process_exec")
int flavors_state(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	long v = 0;

	if (bpf_core_field_exists(struct task_struct___new, __state))
		v += BPF_CORE_READ((struct task_struct___new *)t, __state);
	else
		v += BPF_CORE_READ((struct task_struct___old *)t, state);
	if (bpf_core_field_exists(struct task_struct___rt, softirq_disable_cnt))
		v += BPF_CORE_READ((struct task_struct___rt *)t, softirq_disable_cnt);
	if (bpf_core_field_exists(struct task_struct___rt, saved_state))
		v += BPF_CORE_READ((struct task_struct___rt *)t, saved_state);
	return v;
}

SEC("tp/sched/sched_process_fork")
int flavors_rss(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	long v = 0;

	if (bpf_core_field_exists(struct mm_struct___61, rss_stat))
		v += BPF_CORE_READ((struct mm_struct___61 *)mm, rss_stat.count[1].counter);
	if (bpf_core_field_exists(struct mm_struct___62, rss_stat))
		v += BPF_CORE_READ((struct mm_struct___62 *)mm, rss_stat[1].count);
	v += bpf_core_field_size(struct mm_struct___61, rss_stat);
	v += bpf_core_field_size(struct mm_struct___62, rss_stat);
	return v;
}
