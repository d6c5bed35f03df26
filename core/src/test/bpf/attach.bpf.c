// SPDX-License-Identifier: GPL-2.0
/* Fixture for the attach tests (core/src/test/java/org/bpf4j/link): one program per attach kind,
 * each counting exactly what its test does, filtered by thread, process, port or cgroup so that
 * other activity on the machine never counts. x86_64 register names (PT_REGS_* of bpf_tracing.h). */
#define __TARGET_ARCH_x86
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

typedef unsigned int u32;
typedef unsigned long long u64;

const volatile u32 target_tid = 0;   /* uprobe, kprobe, ksyscall: the calling thread */
const volatile u32 target_port = 0;  /* network programs: UDP destination port */

u64 getpid_calls;      /* uprobe, SEC("uprobe") attached by the test */
u64 getpid_auto_calls; /* uprobe, SEC("uprobe/libc.so.6:getpid") auto-attached */
u64 kprobe_calls, kretprobe_calls;
u64 ksyscall_calls;
u64 udp_seen;          /* xdp, tc, socket filter: datagrams to target_port */
u64 egress_packets;    /* cgroup_skb egress: UDP datagrams to target_port */
u64 ingress_packets;   /* cgroup_skb ingress: UDP datagrams to target_port */
u64 socks_created;     /* cgroup/sock_create */
u64 connects;          /* cgroup/connect4 calls */
u32 drop;              /* network programs drop what they count when set */
u32 blocked_port;      /* cgroup/connect4 refuses connections to this port (host order) */

/* uretprobe/uprobe on b4j_square_plus of uprobe_target: argument and return value of each call */
#define MAX_CALLS 64
struct call {
	u32 tgid;
	int value;
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_CALLS);
	__type(key, u32);
	__type(value, struct call);
} args SEC(".maps"), rets SEC(".maps");
u32 nargs, nrets;

/* perf_event: samples per CPU */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} samples SEC(".maps");

static __always_inline int is_target_thread(void)
{
	return (u32)bpf_get_current_pid_tgid() == target_tid;
}

SEC("uprobe")
int on_getpid(struct pt_regs *ctx)
{
	if (is_target_thread())
		__sync_fetch_and_add(&getpid_calls, 1);
	return 0;
}

SEC("uprobe/libc.so.6:getpid")
int on_getpid_auto(struct pt_regs *ctx)
{
	if (is_target_thread())
		__sync_fetch_and_add(&getpid_auto_calls, 1);
	return 0;
}

SEC("uprobe")
int on_square_entry(struct pt_regs *ctx)
{
	u32 i = __sync_fetch_and_add(&nargs, 1);
	struct call c = { .tgid = bpf_get_current_pid_tgid() >> 32, .value = (int)PT_REGS_PARM1(ctx) };

	if (i < MAX_CALLS)
		bpf_map_update_elem(&args, &i, &c, BPF_ANY);
	return 0;
}

SEC("uretprobe")
int on_square_return(struct pt_regs *ctx)
{
	u32 i = __sync_fetch_and_add(&nrets, 1);
	struct call c = { .tgid = bpf_get_current_pid_tgid() >> 32, .value = (int)PT_REGS_RC(ctx) };

	if (i < MAX_CALLS)
		bpf_map_update_elem(&rets, &i, &c, BPF_ANY);
	return 0;
}

SEC("kprobe/do_nanosleep")
int on_nanosleep(struct pt_regs *ctx)
{
	if (is_target_thread())
		__sync_fetch_and_add(&kprobe_calls, 1);
	return 0;
}

SEC("kretprobe/do_nanosleep")
int on_nanosleep_return(struct pt_regs *ctx)
{
	if (is_target_thread())
		__sync_fetch_and_add(&kretprobe_calls, 1);
	return 0;
}

SEC("ksyscall/getppid")
int on_getppid_syscall(struct pt_regs *ctx)
{
	if (is_target_thread())
		__sync_fetch_and_add(&ksyscall_calls, 1);
	return 0;
}

SEC("perf_event")
int on_sample(void *ctx)
{
	u32 zero = 0;
	u64 *n = bpf_map_lookup_elem(&samples, &zero);

	if (n)
		*n += 1;
	return 0;
}

/* the UDP destination port of an IPv4 packet starting at l3, or 0 */
static __always_inline u32 udp_port(void *l3, void *end)
{
	struct iphdr *ip = l3;
	struct udphdr *udp;

	if ((void *)(ip + 1) > end || ip->version != 4 || ip->protocol != IPPROTO_UDP)
		return 0;
	udp = l3 + ip->ihl * 4;
	if ((void *)(udp + 1) > end)
		return 0;
	return bpf_ntohs(udp->dest);
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (udp_port(eth + 1, end) != target_port)
		return XDP_PASS;
	__sync_fetch_and_add(&udp_seen, 1);
	return drop ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int tc_count(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (udp_port(eth + 1, end) != target_port)
		return TC_ACT_OK;
	__sync_fetch_and_add(&udp_seen, 1);
	return drop ? TC_ACT_SHOT : TC_ACT_OK;
}

SEC("socket")
int socket_count(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&udp_seen, 1);
	return drop ? 0 : skb->len;
}

/* cgroup_skb programs see the packet from its IP header on */
static __always_inline int cg_udp_to_target(struct __sk_buff *skb)
{
	struct iphdr ip;
	struct udphdr udp;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) || ip.protocol != IPPROTO_UDP)
		return 0;
	if (bpf_skb_load_bytes(skb, ip.ihl * 4, &udp, sizeof(udp)))
		return 0;
	return bpf_ntohs(udp.dest) == target_port;
}

SEC("cgroup_skb/egress")
int cg_egress(struct __sk_buff *skb)
{
	if (cg_udp_to_target(skb))
		__sync_fetch_and_add(&egress_packets, 1);
	return 1;
}

SEC("cgroup_skb/ingress")
int cg_ingress(struct __sk_buff *skb)
{
	if (cg_udp_to_target(skb))
		__sync_fetch_and_add(&ingress_packets, 1);
	return 1;
}

SEC("cgroup/sock_create")
int cg_sock_create(struct bpf_sock *sk)
{
	__sync_fetch_and_add(&socks_created, 1);
	return 1;
}

SEC("cgroup/connect4")
int cg_connect4(struct bpf_sock_addr *ctx)
{
	__sync_fetch_and_add(&connects, 1);
	return ctx->user_port == bpf_htons(blocked_port) ? 0 : 1;
}

char LICENSE[] SEC("license") = "GPL";
