// SPDX-License-Identifier: GPL-2.0
/* The exporter tests' object of ebpf_exporter's custom sections:
 * - perf_event/type=1,config=0,frequency=200: the CPU clock (PERF_TYPE_SOFTWARE,
 *   PERF_COUNT_SW_CPU_CLOCK) sampled 200 times a second on every CPU, samples counted per CPU;
 * - xdp/bpf4jx0: on the test's veth, UDP/IPv4 packets to port 9999 counted per ifindex. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* UAPI layouts (linux/bpf.h, if_ether.h, ip.h, udp.h), not in the tools' vmlinux.h */
struct test_xdp_md {
	u32 data;
	u32 data_end;
	u32 data_meta;
	u32 ingress_ifindex;
	u32 rx_queue_index;
	u32 egress_ifindex;
};

struct test_eth {
	u8 dst[6];
	u8 src[6];
	u16 proto;
};

struct test_ip {
	u8 ihl_version;
	u8 tos;
	u16 len;
	u16 id;
	u16 frag;
	u8 ttl;
	u8 proto;
	u16 check;
	u32 saddr;
	u32 daddr;
};

struct test_udp {
	u16 source;
	u16 dest;
	u16 len;
	u16 check;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, u64);
} exporter_test_cpu_samples_total SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, u64);
} exporter_test_xdp_udp_packets_total SEC(".maps");

static void bump(void *map, u32 *k)
{
	u64 one = 1, *v = bpf_map_lookup_elem(map, k);
	if (v)
		__sync_fetch_and_add(v, 1);
	else if (bpf_map_update_elem(map, k, &one, BPF_NOEXIST))
		if ((v = bpf_map_lookup_elem(map, k)))
			__sync_fetch_and_add(v, 1);
}

SEC("perf_event/type=1,config=0,frequency=200")
int cpu_sample(void *ctx)
{
	u32 cpu = bpf_get_smp_processor_id();
	bump(&exporter_test_cpu_samples_total, &cpu);
	return 0;
}

SEC("xdp/bpf4jx0")
int xdp_udp(struct test_xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct test_eth *eth = data;
	struct test_ip *ip = data + sizeof(*eth);
	struct test_udp *udp;
	u32 ifindex = ctx->ingress_ifindex;

	if ((void *)(ip + 1) > end || eth->proto != bpf_htons(0x0800) || ip->proto != 17)
		return 2; /* XDP_PASS */
	udp = (void *)ip + (ip->ihl_version & 0xf) * 4;
	if ((void *)(udp + 1) > end || udp->dest != bpf_htons(9999))
		return 2;
	bump(&exporter_test_xdp_udp_packets_total, &ifindex);
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
