// Perf buffer producer for the "perfbuf" benchmark (bench/README.md, "Protocol: perfbuf").
//
// BPF_PROG_TYPE_SYSCALL cannot be used here: syscall programs are always sleepable and a
// sleepable program may not use a BPF_MAP_TYPE_PERF_EVENT_ARRAY. So this is a raw tracepoint
// program that is never attached: it is run with BPF_PROG_TEST_RUN, whose ctx_in for raw_tp is the
// array of u64 tracepoint arguments:
//   args[0] = count  records to emit in this run, 0..1<<23 (bpf_loop's limit)
//   args[1] = seq    sequence number of the first record of this run
//   args[2] = size   record size in bytes: 8 or 256
// Record i of a run is written with bpf_perf_event_output(BPF_F_CURRENT_CPU): size bytes, every
// u64 word holding seq + i. A failed output (buffer full) is counted in drops[0].
// The program returns the number of records it wrote in this run, or -1 for a bad size.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} pb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

struct loop_state {
	void *ctx;
	__u64 seq;
};

static void count_drop(void)
{
	__u32 zero = 0;
	__u64 *d = bpf_map_lookup_elem(&drops, &zero);

	if (d)
		__sync_fetch_and_add(d, 1);
}

static __u64 drops_now(void)
{
	__u32 zero = 0;
	__u64 *d = bpf_map_lookup_elem(&drops, &zero);

	return d ? *d : 0;
}

static long emit8(__u64 i, struct loop_state *st)
{
	__u64 v = st->seq + i;

	if (bpf_perf_event_output(st->ctx, &pb, BPF_F_CURRENT_CPU, &v, sizeof(v)))
		count_drop();
	return 0;
}

static long emit256(__u64 i, struct loop_state *st)
{
	__u64 rec[256 / 8];
	__u64 v = st->seq + i;

#pragma clang loop unroll(full)
	for (int w = 0; w < 256 / 8; w++)
		rec[w] = v;
	if (bpf_perf_event_output(st->ctx, &pb, BPF_F_CURRENT_CPU, rec, sizeof(rec)))
		count_drop();
	return 0;
}

SEC("raw_tp")
int produce(__u64 *args)
{
	struct loop_state st = { .ctx = args, .seq = args[1] };
	__u64 count = args[0], size = args[2];
	__u64 before = drops_now();

	if (size == 8)
		bpf_loop(count, emit8, &st, 0);
	else if (size == 256)
		bpf_loop(count, emit256, &st, 0);
	else
		return -1;
	return count - (drops_now() - before);
}

char LICENSE[] SEC("license") = "GPL";
