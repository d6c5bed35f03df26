// SPDX-License-Identifier: GPL-2.0
/* bpf4j-jfr: the kernel events of one process (targ_tgid) for JDK Flight Recorder, through one
 * ring buffer. Off-CPU spans (sched_switch: out, then in) with the kernel stack, the task state
 * and the system call in flight; openat/open with path, flags and result; any system call that
 * takes at least syscall_min_ns; the TCP connections the target opens (connect latency at
 * ESTABLISHED, lifetime and bytes at CLOSE, as libbpf-tools' tcpconnlat and tcplife); major page
 * faults (the perf software event PERF_COUNT_SW_PAGE_FAULTS_MAJ, every one, on each CPU); run queue
 * latency of at least runq_min_ns (wake-up or preemption to sched_switch in, as runqlat). The thread
 * skip_tid (the reader's own) is ignored. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "jfr.h"

#define MAX_THREADS 16384
#define PERF_MAX_STACK_DEPTH 127

const volatile pid_t targ_tgid = -1;
const volatile bool offcpu_enabled = true;
const volatile bool file_open_enabled = true;
const volatile bool syscall_enabled = true;
const volatile bool tcp_enabled = true;
const volatile bool page_fault_enabled = true;
const volatile bool runq_enabled = true;
const volatile u64 runq_min_ns = 0;
const volatile u64 offcpu_min_ns = 0;
const volatile u64 syscall_min_ns = 0;

/* events the ring buffer had no room for */
u64 dropped = 0;
/* off-CPU starts the map could not keep */
u64 offcpu_lost = 0;

struct offcpu_start {
	u64 ts;
	s64 state;
	s32 kern_stack_id;
	s32 syscall;
};

struct syscall_start {
	u64 ts;
	s64 nr;
};

struct open_start {
	u64 ts;
	const char *fname;
	s64 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(u32));
	__uint(value_size, PERF_MAX_STACK_DEPTH * sizeof(u64));
	__uint(max_entries, 4096);
} stackmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_THREADS);
	__type(key, u32);
	__type(value, struct offcpu_start);
} offcpu SEC(".maps");

/* per thread, kept from one call to the next (ts 0 between calls): an update only for a new
 * thread, the least recently used thread's entry going when full */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_THREADS);
	__type(key, u32);
	__type(value, struct syscall_start);
} syscalls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_THREADS);
	__type(key, u32);
	__type(value, struct open_start);
} opens SEC(".maps");

struct runq_start {
	u64 ts;
	s64 preempted;
};

/* when a thread of the target became runnable: woken, or preempted */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_THREADS);
	__type(key, u32);
	__type(value, struct runq_start);
} runq SEC(".maps");

#define IPPROTO_TCP 6
#define AF_INET 2
#define AF_INET6 10
#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#define TCP_CLOSE 7

/* sock:inet_sock_set_state's context and tcp_sock's byte counts: CO-RE flavours of the kernel's
 * types (the tools' trimmed vmlinux.h has neither) */
struct trace_event_raw_inet_sock_set_state___jfr {
	const void *skaddr;
	int oldstate;
	int newstate;
	u16 sport;
	u16 dport;
	u16 family;
	u16 protocol;
	u8 saddr[4];
	u8 daddr[4];
	u8 saddr_v6[16];
	u8 daddr_v6[16];
} __attribute__((preserve_access_index));

struct tcp_sock___jfr {
	u64 bytes_received;
	u64 bytes_acked;
} __attribute__((preserve_access_index));

struct tcp_start {
	u64 ts;
	u32 tid;
	char comm[JFR_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_THREADS);
	__type(key, u64);
	__type(value, struct tcp_start);
} tcps SEC(".maps");

/* the reader's thread, whose polls are not the target's doing */
u32 skip_tid = 0;

static __always_inline bool skipped(u32 tid)
{
	return tid == skip_tid;
}

/* the current thread, if it is one of the target's: its tid, else 0 */
static __always_inline u32 target_tid(void)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = (u32)id;

	if ((pid_t)(id >> 32) != targ_tgid || skipped(tid))
		return 0;
	return tid;
}

static __always_inline struct jfr_event *reserve(void)
{
	struct jfr_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		__sync_fetch_and_add(&dropped, 1);
	return e;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct offcpu_start *s, st = {};
	struct syscall_start *sc;
	struct jfr_event *e;
	u32 tid;
	u64 now;

	now = bpf_ktime_get_ns();
	tid = BPF_CORE_READ(prev, pid);
	if (runq_enabled && BPF_CORE_READ(prev, tgid) == targ_tgid && !skipped(tid) && BPF_CORE_READ(prev, __state) == 0) {
		struct runq_start rq = { .ts = now, .preempted = 1 };

		bpf_map_update_elem(&runq, &tid, &rq, BPF_ANY);
	}
	if (runq_enabled && BPF_CORE_READ(next, tgid) == targ_tgid) {
		u32 ntid = BPF_CORE_READ(next, pid);
		struct runq_start *r = bpf_map_lookup_elem(&runq, &ntid);

		if (r) {
			if (now - r->ts >= runq_min_ns && (e = reserve())) {
				e->kind = JFR_RUNQ;
				e->tid = ntid;
				e->start_ns = r->ts;
				e->duration_ns = now - r->ts;
				e->ret = 0;
				e->arg = r->preempted;
				e->kern_stack_id = -1;
				e->syscall = -1;
				bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), next->comm);
				e->path[0] = 0;
				bpf_ringbuf_submit(e, 0);
			}
			bpf_map_delete_elem(&runq, &ntid);
		}
	}
	if (!offcpu_enabled)
		return 0;
	if (BPF_CORE_READ(prev, tgid) == targ_tgid && !skipped(tid)) {
		st.ts = now;
		st.state = BPF_CORE_READ(prev, __state);
		st.kern_stack_id = bpf_get_stackid(ctx, &stackmap, 0);
		sc = bpf_map_lookup_elem(&syscalls, &tid);
		st.syscall = sc && sc->ts ? (s32)sc->nr : -1;
		if (bpf_map_update_elem(&offcpu, &tid, &st, BPF_ANY))
			__sync_fetch_and_add(&offcpu_lost, 1);
	}
	if (BPF_CORE_READ(next, tgid) != targ_tgid)
		return 0;
	tid = BPF_CORE_READ(next, pid);
	s = bpf_map_lookup_elem(&offcpu, &tid);
	if (!s)
		return 0;
	if (now - s->ts >= offcpu_min_ns && (e = reserve())) {
		e->kind = JFR_OFFCPU;
		e->tid = tid;
		e->start_ns = s->ts;
		e->duration_ns = now - s->ts;
		e->ret = 0;
		e->arg = s->state;
		e->kern_stack_id = s->kern_stack_id;
		e->syscall = s->syscall;
		bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), next->comm);
		e->path[0] = 0;
		bpf_ringbuf_submit(e, 0);
	}
	bpf_map_delete_elem(&offcpu, &tid);
	return 0;
}

/* tp_btf rather than the tracepoint: the kernel calls the program with the arguments as they are,
 * without building the trace event first (the cost every system call of the target pays) */
static __always_inline void woken(struct task_struct *p)
{
	struct runq_start rq = {};
	u32 tid;

	if (!runq_enabled || BPF_CORE_READ(p, tgid) != targ_tgid)
		return;
	tid = BPF_CORE_READ(p, pid);
	if (skipped(tid))
		return;
	rq.ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&runq, &tid, &rq, BPF_ANY);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	woken(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	woken(p);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	struct syscall_start *s, st;
	u32 tid = target_tid();

	if (!tid)
		return 0;
	s = bpf_map_lookup_elem(&syscalls, &tid);
	if (s) {
		s->ts = bpf_ktime_get_ns();
		s->nr = id;
		return 0;
	}
	st.ts = bpf_ktime_get_ns();
	st.nr = id;
	bpf_map_update_elem(&syscalls, &tid, &st, BPF_ANY);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	struct syscall_start *s;
	struct jfr_event *e;
	u32 tid = target_tid();
	u64 now;

	if (!tid)
		return 0;
	s = bpf_map_lookup_elem(&syscalls, &tid);
	if (!s || !s->ts)
		return 0;
	now = bpf_ktime_get_ns();
	if (syscall_enabled && now - s->ts >= syscall_min_ns && (e = reserve())) {
		e->kind = JFR_SYSCALL;
		e->tid = tid;
		e->start_ns = s->ts;
		e->duration_ns = now - s->ts;
		e->ret = ret;
		e->arg = s->nr;
		e->kern_stack_id = -1;
		e->syscall = -1;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		e->path[0] = 0;
		bpf_ringbuf_submit(e, 0);
	}
	s->ts = 0;
	return 0;
}

static __always_inline void open_enter(const char *fname, s64 flags)
{
	struct open_start st;
	u32 tid;

	if (!file_open_enabled || !(tid = target_tid()))
		return;
	st.ts = bpf_ktime_get_ns();
	st.fname = fname;
	st.flags = flags;
	bpf_map_update_elem(&opens, &tid, &st, BPF_ANY);
}

static __always_inline void open_exit(long ret)
{
	struct open_start *s;
	struct jfr_event *e;
	u32 tid;

	if (!file_open_enabled || !(tid = target_tid()))
		return;
	s = bpf_map_lookup_elem(&opens, &tid);
	if (!s)
		return;
	if ((e = reserve())) {
		e->kind = JFR_FILE_OPEN;
		e->tid = tid;
		e->start_ns = s->ts;
		e->duration_ns = bpf_ktime_get_ns() - s->ts;
		e->ret = ret;
		e->arg = s->flags;
		e->kern_stack_id = -1;
		e->syscall = -1;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		if (bpf_probe_read_user_str(e->path, sizeof(e->path), s->fname) < 0)
			e->path[0] = 0;
		bpf_ringbuf_submit(e, 0);
	}
	bpf_map_delete_elem(&opens, &tid);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int openat_enter(struct trace_event_raw_sys_enter *ctx)
{
	open_enter((const char *)ctx->args[1], (s64)ctx->args[2]);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	open_exit(ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_open")
int open_enter_tp(struct trace_event_raw_sys_enter *ctx)
{
	open_enter((const char *)ctx->args[0], (s64)ctx->args[1]);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_open")
int open_exit_tp(struct trace_event_raw_sys_exit *ctx)
{
	open_exit(ctx->ret);
	return 0;
}

SEC("tracepoint/sock/inet_sock_set_state")
int inet_sock_set_state(struct trace_event_raw_inet_sock_set_state___jfr *ctx)
{
	u64 sk = (u64)BPF_CORE_READ(ctx, skaddr), now;
	int newstate = BPF_CORE_READ(ctx, newstate);
	struct tcp_start *s, st = {};
	struct jfr_event *e;
	u16 family;
	u32 tid;

	if (!tcp_enabled || BPF_CORE_READ(ctx, protocol) != IPPROTO_TCP)
		return 0;
	if (newstate == TCP_SYN_SENT) {
		/* connect(2), in the connecting thread */
		if (!(tid = target_tid()))
			return 0;
		st.ts = bpf_ktime_get_ns();
		st.tid = tid;
		bpf_get_current_comm(st.comm, sizeof(st.comm));
		bpf_map_update_elem(&tcps, &sk, &st, BPF_ANY);
		return 0;
	}
	if (newstate != TCP_CLOSE && newstate != TCP_ESTABLISHED)
		return 0;
	/* later states come in any context (softirq): the socket tells */
	s = bpf_map_lookup_elem(&tcps, &sk);
	if (!s)
		return 0;
	if (newstate == TCP_ESTABLISHED && BPF_CORE_READ(ctx, oldstate) != TCP_SYN_SENT)
		return 0;
	now = bpf_ktime_get_ns();
	if ((e = reserve())) {
		e->kind = newstate == TCP_ESTABLISHED ? JFR_TCP_CONNECT : JFR_TCP_CLOSE;
		e->tid = s->tid;
		e->start_ns = s->ts;
		e->duration_ns = now - s->ts;
		e->ret = 0;
		e->arg = 0;
		if (newstate == TCP_CLOSE) {
			e->ret = BPF_CORE_READ((struct tcp_sock___jfr *)sk, bytes_received);
			e->arg = BPF_CORE_READ((struct tcp_sock___jfr *)sk, bytes_acked);
		}
		e->kern_stack_id = -1;
		e->syscall = -1;
		__builtin_memcpy(e->comm, s->comm, sizeof(e->comm));
		family = BPF_CORE_READ(ctx, family);
		e->family = family;
		e->sport = BPF_CORE_READ(ctx, sport);
		e->dport = BPF_CORE_READ(ctx, dport);
		if (family == AF_INET6) {
			BPF_CORE_READ_INTO(&e->saddr, ctx, saddr_v6);
			BPF_CORE_READ_INTO(&e->daddr, ctx, daddr_v6);
		} else {
			__builtin_memset(e->saddr, 0, sizeof(e->saddr));
			__builtin_memset(e->daddr, 0, sizeof(e->daddr));
			BPF_CORE_READ_INTO((u32 *)&e->saddr, ctx, saddr);
			BPF_CORE_READ_INTO((u32 *)&e->daddr, ctx, daddr);
		}
		e->path[0] = 0;
		bpf_ringbuf_submit(e, 0);
	}
	if (newstate == TCP_CLOSE)
		bpf_map_delete_elem(&tcps, &sk);
	return 0;
}

/* the perf_event program's context, UAPI's struct bpf_perf_event_data (a fixed layout the verifier
 * rewrites: no CO-RE here) */
struct bpf_perf_event_data___jfr {
	struct pt_regs regs;
	u64 sample_period;
	u64 addr;
};

SEC("perf_event")
int major_fault(struct bpf_perf_event_data___jfr *ctx)
{
	struct jfr_event *e;
	u32 tid;

	if (!page_fault_enabled || !(tid = target_tid()))
		return 0;
	if ((e = reserve())) {
		e->kind = JFR_PAGE_FAULT;
		e->tid = tid;
		e->start_ns = bpf_ktime_get_ns();
		e->duration_ns = 0;
		e->arg = ctx->addr;
		e->ret = ctx->regs.ip;
		e->kern_stack_id = -1;
		e->syscall = -1;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		e->path[0] = 0;
		bpf_ringbuf_submit(e, 0);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
