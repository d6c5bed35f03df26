/*
 * ringbuf baseline: libbpf ring_buffer__poll consuming records produced by
 * bench/bpf/ringbuf_producer.bpf.c (a SEC("syscall") program run with BPF_PROG_TEST_RUN).
 *
 * usage: ringbuf_bench OBJ [--size 8|256] [--records N] [--ring BYTES] [--batch N]
 *                          [--window PERCENT] [--wakeup batch|adaptive] [--repeat N]
 *                          [--burst | --drain]
 *
 * The main thread produces, a second thread consumes; the run is made REPEAT times (default 3,
 * a new reader thread each time, sequence numbers from 0) and the medians are reported. In the default paced mode the producer
 * keeps at most WINDOW percent of the ring's record capacity in flight (produced but not yet
 * consumed), so a reader that keeps up sees no drop; with --burst it produces without waiting.
 * --wakeup batch (default): every record is submitted with BPF_RB_NO_WAKEUP except the last of
 * each producer run, which is submitted with BPF_RB_FORCE_WAKEUP; --wakeup adaptive: flags 0
 * for every record (the kernel wakes the reader whenever it has caught up).
 * --drain: no concurrency; the producer fills the ring completely, then the reader alone empties
 * it with ring_buffer__consume (timed), repeated until RECORDS records were read: the reader's
 * own throughput, whatever the producer's speed.
 * See bench/README.md, "Protocol: ringbuf".
 */
#include "bench_common.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

struct rb_ctx {
	uint64_t count;
	uint64_t seq;
	uint32_t size;
	uint32_t flags;
	uint32_t last_flags;
	uint32_t pad;
};

static struct ring_buffer *rb;
static uint32_t rec_size;
static _Atomic uint64_t consumed;	/* records seen by the consumer, published per record */
static _Atomic int producer_done;
static _Atomic uint64_t expected;	/* valid once producer_done: produced - drops */
static uint64_t next_seq, seq_errors, t_last;

static int on_sample(void *ctx, void *data, size_t len)
{
	uint64_t v = *(uint64_t *)data;

	(void)ctx;
	if (len != rec_size || v < next_seq)
		seq_errors++;
	next_seq = v + 1;
	atomic_store_explicit(&consumed, atomic_load_explicit(&consumed, memory_order_relaxed) + 1,
			      memory_order_release);
	return 0;
}

static uint64_t consumer_cpu_ns;

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void *consumer(void *arg)
{
	uint64_t cpu0 = thread_cpu_ns();

	(void)arg;
	for (;;) {
		int n = ring_buffer__poll(rb, 100);

		if (n < 0 && n != -EINTR)
			die("ring_buffer__poll: %s", strerror(-n));
		if (n > 0)
			t_last = now_ns();
		if (atomic_load(&producer_done) &&
		    atomic_load(&consumed) >= atomic_load(&expected))
			break;
	}
	consumer_cpu_ns = thread_cpu_ns() - cpu0;
	return NULL;
}

static void run_producer(int prog_fd, uint64_t count, uint64_t seq, uint32_t size,
			 uint32_t flags, uint32_t last_flags, uint64_t *committed)
{
	struct rb_ctx ctx = {
		.count = count, .seq = seq, .size = size, .flags = flags, .last_flags = last_flags,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		die("BPF_PROG_TEST_RUN: %s", strerror(errno));
	if ((int32_t)opts.retval < 0)
		die("producer returned %d", (int32_t)opts.retval);
	*committed += opts.retval;
}

/* Fill the whole ring, then time the reader emptying it; repeat. */
static int drain_bench(struct bpf_object *obj, struct bpf_program *prog, struct bpf_map *drops_map,
		       long size, long records, uint64_t capacity)
{
	int prog_fd = bpf_program__fd(prog);
	uint64_t produced = 0, committed = 0, busy_ns = 0, cpu_ns = 0;
	char bench[64];
	int rounds = 0, max_rounds = records / (capacity - 1) + 2;
	double *rate = calloc(max_rounds, sizeof(*rate));

	while (produced < (uint64_t)records) {
		uint64_t fill = capacity - 1;	/* a full ring holds one record less */

		while (fill) {
			uint64_t n = fill < (1 << 23) ? fill : (1 << 23);

			run_producer(prog_fd, n, produced, size, BPF_RB_NO_WAKEUP, BPF_RB_NO_WAKEUP,
				     &committed);
			produced += n;
			fill -= n;
		}
		uint64_t t0 = now_ns(), c0 = thread_cpu_ns(), before = atomic_load(&consumed);
		while (atomic_load(&consumed) < committed) {
			int n = ring_buffer__consume(rb);

			if (n < 0)
				die("ring_buffer__consume: %s", strerror(-n));
		}
		uint64_t dt = now_ns() - t0, n = atomic_load(&consumed) - before;

		busy_ns += dt;
		cpu_ns += thread_cpu_ns() - c0;
		if (rounds < max_rounds)
			rate[rounds++] = n / (dt / 1e9);
	}
	struct stats rs = stats_of(rate, rounds);

	uint32_t zero = 0;
	uint64_t drops = 0;
	if (bpf_map_lookup_elem(bpf_map__fd(drops_map), &zero, &drops))
		die("lookup drops: %s", strerror(errno));
	uint64_t got = atomic_load(&consumed);
	if (got != committed || seq_errors)
		die("drain: consumed %llu, committed %llu, sequence errors %llu",
		    (unsigned long long)got, (unsigned long long)committed,
		    (unsigned long long)seq_errors);
	snprintf(bench, sizeof(bench), "ringbuf-%ld-drain", size);
	note("%s: records=%llu in rounds of %llu (a full ring); drops while filling: %llu",
	     bench, (unsigned long long)produced, (unsigned long long)capacity - 1,
	     (unsigned long long)drops);
	result(bench, "libbpf", "events_per_s", rs.median, "events/s");
	result(bench, "libbpf", "events_per_s_overall", got / (busy_ns / 1e9), "events/s");
	result(bench, "libbpf", "consumer_cpu_per_event", (double)cpu_ns / got, "ns");
	result(bench, "libbpf", "consumed", got, "events");
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return 0;
}

struct paced_params {
	int prog_fd, drops_fd;
	uint32_t size, flags, last_flags;
	uint64_t records, batch, limit;
	int burst;
};

struct paced_result {
	double events_per_s, elapsed_ms, producer_ms, cpu_per_event;
	uint64_t consumed, drops, waits;
};

static uint64_t read_drops(int fd)
{
	uint32_t zero = 0;
	uint64_t drops = 0;

	if (bpf_map_lookup_elem(fd, &zero, &drops))
		die("lookup drops: %s", strerror(errno));
	return drops;
}

/* One producer/reader run: records from sequence number 0, a fresh reader thread. */
static struct paced_result paced_run(const struct paced_params *pp)
{
	struct paced_result res = { 0 };
	uint64_t produced = 0, committed = 0, drops0 = read_drops(pp->drops_fd);
	struct timespec pause = { 0, 50000 };
	pthread_t th;

	atomic_store(&consumed, 0);
	atomic_store(&producer_done, 0);
	atomic_store(&expected, 0);
	next_seq = 0;
	t_last = 0;
	if (pthread_create(&th, NULL, consumer, NULL))
		die("pthread_create");

	uint64_t t0 = now_ns();
	while (produced < pp->records) {
		uint64_t left = pp->records - produced;
		uint64_t n = left < pp->batch ? left : pp->batch;

		if (!pp->burst) {
			while (committed - atomic_load_explicit(&consumed, memory_order_acquire) + n >
			       pp->limit) {
				res.waits++;
				nanosleep(&pause, NULL);
			}
		}
		run_producer(pp->prog_fd, n, produced, pp->size, pp->flags, pp->last_flags,
			     &committed);
		produced += n;
	}
	uint64_t t_produced = now_ns();
	res.drops = read_drops(pp->drops_fd) - drops0;
	if (committed + res.drops != produced)
		die("producer accounting: committed %llu + drops %llu != %llu",
		    (unsigned long long)committed, (unsigned long long)res.drops,
		    (unsigned long long)produced);
	atomic_store(&expected, committed);
	atomic_store(&producer_done, 1);
	pthread_join(th, NULL);

	res.consumed = atomic_load(&consumed);
	if (res.consumed != committed)
		die("consumed %llu != committed %llu", (unsigned long long)res.consumed,
		    (unsigned long long)committed);
	if (seq_errors)
		die("%llu records out of order or of the wrong size", (unsigned long long)seq_errors);
	res.elapsed_ms = (t_last - t0) / 1e6;
	res.producer_ms = (t_produced - t0) / 1e6;
	res.events_per_s = res.consumed / ((t_last - t0) / 1e9);
	res.cpu_per_event = (double)consumer_cpu_ns / res.consumed;
	return res;
}

int main(int argc, char **argv)
{
	long size = 8, records = 20000000, ring = 16 << 20, batch = 0, window = 50;
	int burst = 0, adaptive = 0, drain = 0, repeat = 3;
	const char *obj_path;

	if (argc < 2)
		die("usage: ringbuf_bench OBJ [--size 8|256] [--records N] [--ring BYTES] [--batch N] [--window PERCENT] [--wakeup batch|adaptive] [--repeat N] [--burst | --drain]");
	obj_path = argv[1];
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--burst")) { burst = 1; continue; }
		if (!strcmp(argv[i], "--drain")) { drain = 1; continue; }
		if (i + 1 >= argc)
			die("missing value for %s", argv[i]);
		if (!strcmp(argv[i], "--size")) size = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--records")) records = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--ring")) ring = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--batch")) batch = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--window")) window = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--repeat")) repeat = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--wakeup")) {
			i++;
			if (!strcmp(argv[i], "adaptive")) adaptive = 1;
			else if (strcmp(argv[i], "batch")) die("--wakeup batch|adaptive");
		}
		else die("unknown option %s", argv[i]);
	}
	if (size != 8 && size != 256)
		die("--size must be 8 or 256");
	if (repeat < 1)
		die("--repeat must be at least 1");
	rec_size = size;

	/* A record takes an 8-byte header plus its data rounded up to 8 bytes. */
	uint64_t footprint = (size + 8 + 7) & ~7ull;
	uint64_t capacity = ring / footprint;
	uint64_t limit = capacity * window / 100;

	if (!batch)
		batch = limit / 4;
	if (batch < 1 || batch > (1 << 23))
		die("batch %ld out of range 1..1<<23", batch);
	if (!burst && (uint64_t)batch > limit)
		die("batch %ld larger than the in-flight limit %llu", batch, (unsigned long long)limit);

	struct bpf_object *obj = bpf_object__open_file(obj_path, NULL);
	if (!obj)
		die("open %s: %s", obj_path, strerror(errno));
	struct bpf_map *rb_map = bpf_object__find_map_by_name(obj, "rb");
	struct bpf_map *drops_map = bpf_object__find_map_by_name(obj, "drops");
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, "produce");
	if (!rb_map || !drops_map || !prog)
		die("%s: map rb, map drops or program produce missing", obj_path);
	if (bpf_map__set_max_entries(rb_map, ring))
		die("set ring size %ld", ring);
	int err = bpf_object__load(obj);
	if (err)
		die("load %s: %s", obj_path, strerror(-err));

	rb = ring_buffer__new(bpf_map__fd(rb_map), on_sample, NULL, NULL);
	if (!rb)
		die("ring_buffer__new: %s", strerror(errno));
	if (drain)
		return drain_bench(obj, prog, drops_map, size, records, capacity);

	char bench[64];
	snprintf(bench, sizeof(bench), "ringbuf-%ld%s%s", size, adaptive ? "-adaptive" : "",
		 burst ? "-burst" : "");
	struct paced_params pp = {
		.prog_fd = bpf_program__fd(prog), .drops_fd = bpf_map__fd(drops_map),
		.size = size, .records = records, .batch = batch, .limit = limit, .burst = burst,
		.flags = adaptive ? 0 : BPF_RB_NO_WAKEUP,
		.last_flags = adaptive ? 0 : BPF_RB_FORCE_WAKEUP,
	};
	double *rate = calloc(repeat, sizeof(*rate)), *cpu = calloc(repeat, sizeof(*cpu));
	double *elapsed = calloc(repeat, sizeof(*elapsed));
	uint64_t drops = 0, got = 0;

	for (int r = 0; r < repeat; r++) {
		struct paced_result res = paced_run(&pp);

		note("%s run %d: %llu records in %.1f ms (%.0f/s), drops %llu, producer busy %.1f ms, producer waits %llu",
		     bench, r + 1, (unsigned long long)res.consumed, res.elapsed_ms,
		     res.events_per_s, (unsigned long long)res.drops, res.producer_ms,
		     (unsigned long long)res.waits);
		rate[r] = res.events_per_s;
		cpu[r] = res.cpu_per_event;
		elapsed[r] = res.elapsed_ms;
		drops += res.drops;
		got += res.consumed;
	}
	note("%s: records=%ld x %d runs, ring=%ld, batch=%ld, window=%ld%% (in-flight limit %llu records), wakeup=%s; values are medians over the runs, drops and consumed are totals",
	     bench, records, repeat, ring, batch, window, (unsigned long long)limit,
	     adaptive ? "adaptive" : "batch");
	result(bench, "libbpf", "events_per_s", stats_of(rate, repeat).median, "events/s");
	result(bench, "libbpf", "consumed", got, "events");
	result(bench, "libbpf", "drops", drops, "events");
	result(bench, "libbpf", "elapsed", stats_of(elapsed, repeat).median, "ms");
	result(bench, "libbpf", "consumer_cpu_per_event", stats_of(cpu, repeat).median, "ns");
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return 0;
}
