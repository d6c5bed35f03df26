// Ring buffer producer for the "ringbuf" benchmark (bench/README.md, "Protocol: ringbuf").
//
// A BPF_PROG_TYPE_SYSCALL program, run with BPF_PROG_TEST_RUN, so no system call and no
// attachment is involved in producing records. One run emits ctx->count records with bpf_loop.
// Record i of a run is ctx->size bytes long and every u64 word of it holds ctx->seq + i.
// A failed bpf_ringbuf_reserve (ring full) is counted in drops[0] and the record is skipped.
// The program returns the number of records it committed in this run (count minus its drops),
// or -1 for a size other than 8 or 256.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct rb_ctx {
	__u64 count;	/* records to emit in this run, 0..1<<23 (bpf_loop's limit) */
	__u64 seq;	/* sequence number of the first record of this run */
	__u32 size;	/* record size in bytes: 8 or 256 */
	__u32 flags;	/* bpf_ringbuf_submit flags for every record but the last of the run */
	__u32 last_flags; /* bpf_ringbuf_submit flags for the last record of the run */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);	/* user space may resize before load */
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

struct loop_state {
	__u64 seq;
	__u64 last;	/* index of the last record of the run */
	__u64 flags;
	__u64 last_flags;
};

/* Counting in the map (not in the loop state) keeps the verifier's bpf_loop callback
 * check converging: a counter in the state would be a new state every iteration. */
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
	__u64 *rec = bpf_ringbuf_reserve(&rb, 8, 0);

	if (!rec) {
		count_drop();
		return 0;
	}
	rec[0] = st->seq + i;
	bpf_ringbuf_submit(rec, i == st->last ? st->last_flags : st->flags);
	return 0;
}

static long emit256(__u64 i, struct loop_state *st)
{
	__u64 *rec = bpf_ringbuf_reserve(&rb, 256, 0);
	__u64 v = st->seq + i;

	if (!rec) {
		count_drop();
		return 0;
	}
#pragma clang loop unroll(full)
	for (int w = 0; w < 256 / 8; w++)
		rec[w] = v;
	bpf_ringbuf_submit(rec, i == st->last ? st->last_flags : st->flags);
	return 0;
}

SEC("syscall")
int produce(struct rb_ctx *ctx)
{
	struct loop_state st = {
		.seq = ctx->seq,
		.last = ctx->count - 1,
		.flags = ctx->flags,
		.last_flags = ctx->last_flags,
	};
	__u64 before = drops_now();

	if (ctx->size == 8)
		bpf_loop(ctx->count, emit8, &st, 0);
	else if (ctx->size == 256)
		bpf_loop(ctx->count, emit256, &st, 0);
	else
		return -1;
	return ctx->count - (drops_now() - before);
}

char LICENSE[] SEC("license") = "GPL";
