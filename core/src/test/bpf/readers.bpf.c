// SPDX-License-Identifier: GPL-2.0
/* Fixture for the ring buffer and perf buffer readers: producers that need no system call and no
 * attachment, run with BPF_PROG_TEST_RUN. Records come in two shapes:
 *   MODE_FIXED    8 bytes holding the record's number n (ring buffer: reserve + submit, and every
 *                 discard_every-th record reserved and discarded instead);
 *   MODE_PATTERN  1 + (n * 37 + 11) % 256 bytes (1..256); the record is the first bytes of the
 *                 little-endian u64 words w = 0..31 with value n * 64 + w, so every byte depends
 *                 on n and on its position (written with bpf_ringbuf_output / bpf_perf_event_output).
 * Failed writes (buffer full) are counted in drops[0] (ring buffers) and drops[1] (perf buffer);
 * each program returns how many records it wrote. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

typedef unsigned int u32;
typedef unsigned long long u64;

#define MODE_FIXED 0
#define MODE_PATTERN 1

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);	/* the tests resize it */
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} pb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, u32);
	__type(value, u64);
} drops SEC(".maps");

/* ctx_in of the ring buffer producer */
struct rb_args {
	u64 count;		/* records to write */
	u64 seq;		/* number of the first record */
	u32 mode;		/* MODE_FIXED or MODE_PATTERN */
	u32 flags;		/* bpf_ringbuf_submit/output flags */
	u32 discard_every;	/* MODE_FIXED: discard record n when n % discard_every == 0 (0: never) */
	u32 ring;		/* 0: rb, 1: rb2 */
};

struct state {
	void *ctx;
	void *ring;
	u64 seq;
	u64 flags;
	u64 discard_every;
	u64 written;
};

static void count_drop(u32 which)
{
	u64 *d = bpf_map_lookup_elem(&drops, &which);

	if (d)
		__sync_fetch_and_add(d, 1);
}

static u32 pattern(u64 *buf, u64 n)
{
#pragma clang loop unroll(full)
	for (int w = 0; w < 32; w++)
		buf[w] = n * 64 + w;
	return 1 + (n * 37 + 11) % 256;
}

static long rb_fixed(u64 i, struct state *st)
{
	u64 n = st->seq + i;
	u64 *rec = bpf_ringbuf_reserve(st->ring, 8, 0);

	if (!rec) {
		count_drop(0);
		return 0;
	}
	*rec = n;
	if (st->discard_every && n % st->discard_every == 0) {
		bpf_ringbuf_discard(rec, st->flags);
		return 0;
	}
	bpf_ringbuf_submit(rec, st->flags);
	st->written++;
	return 0;
}

static long rb_pattern(u64 i, struct state *st)
{
	u64 buf[32];
	u32 size = pattern(buf, st->seq + i);

	if (size > sizeof(buf))
		return 1;
	if (bpf_ringbuf_output(st->ring, buf, size, st->flags)) {
		count_drop(0);
		return 0;
	}
	st->written++;
	return 0;
}

SEC("syscall")
int rb_produce(struct rb_args *args)
{
	struct state st = {
		.seq = args->seq,
		.flags = args->flags,
		.discard_every = args->discard_every,
		.ring = args->ring ? (void *)&rb2 : (void *)&rb,
	};

	if (args->mode == MODE_FIXED)
		bpf_loop(args->count, rb_fixed, &st, 0);
	else if (args->mode == MODE_PATTERN)
		bpf_loop(args->count, rb_pattern, &st, 0);
	else
		return -1;
	return st.written;
}

static long pb_fixed(u64 i, struct state *st)
{
	u64 n = st->seq + i;

	if (bpf_perf_event_output(st->ctx, &pb, BPF_F_CURRENT_CPU, &n, sizeof(n))) {
		count_drop(1);
		return 0;
	}
	st->written++;
	return 0;
}

static long pb_pattern(u64 i, struct state *st)
{
	u64 buf[32];
	u32 size = pattern(buf, st->seq + i);

	if (size > sizeof(buf))
		return 1;
	if (bpf_perf_event_output(st->ctx, &pb, BPF_F_CURRENT_CPU, buf, size)) {
		count_drop(1);
		return 0;
	}
	st->written++;
	return 0;
}

/* A raw tracepoint program that is never attached: BPF_PROG_TEST_RUN passes ctx_in as the
 * u64 argument array { count, seq, mode } (syscall programs are sleepable and may not use a
 * perf event array). It writes on the CPU it runs on. */
SEC("raw_tp")
int pb_produce(u64 *args)
{
	struct state st = { .ctx = args, .seq = args[1] };
	u64 count = args[0], mode = args[2];

	if (mode == MODE_FIXED)
		bpf_loop(count, pb_fixed, &st, 0);
	else if (mode == MODE_PATTERN)
		bpf_loop(count, pb_pattern, &st, 0);
	else
		return -1;
	return st.written;
}

char LICENSE[] SEC("license") = "GPL";
