/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Local mirrors of the few kernel types the CO-RE corpus needs, instead of a multi-megabyte
 * vmlinux.h. Each record carries preserve_access_index (as bpftool's vmlinux.h does), so every
 * member access through them becomes a CO-RE relocation. Only the members the corpus uses are
 * declared: CO-RE matches members by name, so the local layout need not be the kernel's.
 * Some members exist only on some kernels on purpose (see README.md).
 */
#ifndef BPF4J_CORE_CORPUS_H
#define BPF4J_CORE_CORPUS_H

typedef signed char __s8;
typedef unsigned char __u8;
typedef short __s16;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
enum { false = 0, true = 1 };
typedef int __kernel_pid_t;
typedef __kernel_pid_t pid_t;

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

typedef struct {
	int counter;
} atomic_t;

struct list_head {
	struct list_head *next, *prev;
};

struct callback_head {
	struct callback_head *next;
	void (*func)(struct callback_head *head);
};

struct cgroup_subsys_state {
	struct cgroup *cgroup;
};

struct cgroup {
	struct cgroup_subsys_state self;
	unsigned long flags;
	int level;
};

/* 14 slots as on Debian's 6.1 kernels; the 6.18 host kernel has 12 */
struct css_set {
	struct cgroup_subsys_state *subsys[14];
};

struct mm_struct {
	struct {
		struct {
			atomic_t mm_count;
		};
		unsigned long arg_start;
		struct file *exe_file;
	};
};

struct task_struct {
	unsigned int __state;
	unsigned int saved_state;		/* 6.18 and 6.1-rt, not 6.1 */
	unsigned int flags;
	int on_cpu;
	int prio;
	unsigned int sched_reset_on_fork: 1;
	unsigned int sched_rt_mutex: 1;		/* 6.18 only */
	unsigned int in_execve: 1;
	unsigned int in_iowait: 1;		/* another bit position on 6.18 than on 6.1 */
	unsigned int in_lru_fault: 1;		/* 6.1 only */
	__u64 mce_whole_page: 1;		/* 6.1 amd64/rt (CONFIG_X86_MCE), not cloud nor the host */
	pid_t pid;
	pid_t tgid;
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	struct mm_struct *mm;
	char comm[16];
	int numa_scan_seq;			/* CONFIG_NUMA_BALANCING: not on 6.1-rt */
	int softirq_disable_cnt;		/* 6.1-rt only */
	struct css_set *cgroups;
	int bpf4j_no_such_field;		/* on no kernel */
};

struct sk_buff {
	union {
		struct {
			struct sk_buff *next;
			struct sk_buff *prev;
			union {
				struct net_device *dev;
				unsigned long dev_scratch;
			};
		};
		struct list_head list;
	};
	unsigned int len;
	__u8 cloned: 1;
	__u8 nohdr: 1;
	__u8 fclone: 2;
	union {
		struct {
			__u8 pkt_type: 3;
			__u8 ignore_df: 1;
			__u8 nf_trace: 1;		/* bit 4 on 6.1, further down on 6.18 */
			__u8 vlan_present: 1;		/* 6.1 only */
			__u8 csum_level: 2;
			__be16 protocol;
		};
		struct {
			__u8 pkt_type: 3;
		} headers;
	};
};

struct net_device {
	char name[16];
	int ifindex;
};

#pragma clang attribute pop

/* the argument block of raw_tp programs (UAPI, not relocated) */
struct bpf_raw_tracepoint_args {
	__u64 args[0];
};

#endif
