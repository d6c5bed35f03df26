/*
 * perfbuf baseline: libbpf perf_buffer__poll consuming records produced by
 * bench/bpf/perfbuf_producer.bpf.c (a raw_tp program run with BPF_PROG_TEST_RUN).
 *
 * usage: perfbuf_bench OBJ [--size 8|256] [--records N] [--pages PER_CPU] [--batch N]
 *                          [--window PERCENT] [--repeat N] [--burst | --drain]
 *
 * Same design as ringbuf_bench.c (paced runs repeated REPEAT times, default 3, medians). The perf buffer is libbpf's default (perf_buffer__new: one
 * PERF_COUNT_SW_BPF_OUTPUT event per CPU, sample_period 1, wakeup_events 1, PAGES pages of data
 * per CPU). In paced mode at most WINDOW percent of ONE CPU buffer's record capacity is in flight
 * (all the records of a run go to the CPU the run executes on). --drain: the same thread fills
 * one CPU buffer's capacity (on whatever CPU it runs) and times perf_buffer__consume emptying it.
 * (BPF_F_TEST_RUN_ON_CPU is not used: from another CPU it costs an IPI, and a reader on another
 * CPU than the data made the drain rate bimodal here, 120 vs 380 M/s.)
 * See bench/README.md, "Protocol: perfbuf".
 */
#include "bench_common.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define MAX_CPUS 1024

static struct perf_buffer *pb;
static uint32_t rec_size;
static _Atomic uint64_t consumed;
static _Atomic int producer_done;
static _Atomic uint64_t expected;
static uint64_t next_seq[MAX_CPUS], seq_errors, lost, t_last, consumer_cpu_ns;

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void on_sample(void *ctx, int cpu, void *data, uint32_t len)
{
	uint64_t v = *(uint64_t *)data;

	(void)ctx;
	/* perf pads raw samples so that size field + data is a multiple of 8 bytes */
	if (len < rec_size || len >= rec_size + 8 || cpu < 0 || cpu >= MAX_CPUS ||
	    v < next_seq[cpu])
		seq_errors++;
	else
		next_seq[cpu] = v + 1;
	atomic_store_explicit(&consumed, atomic_load_explicit(&consumed, memory_order_relaxed) + 1,
			      memory_order_release);
}

static void on_lost(void *ctx, int cpu, unsigned long long cnt)
{
	(void)ctx;
	(void)cpu;
	lost += cnt;
}

static void *consumer(void *arg)
{
	uint64_t cpu0 = thread_cpu_ns();

	(void)arg;
	for (;;) {
		int n = perf_buffer__poll(pb, 100);

		if (n < 0 && n != -EINTR)
			die("perf_buffer__poll: %s", strerror(-n));
		if (n > 0)
			t_last = now_ns();
		if (atomic_load(&producer_done) &&
		    atomic_load(&consumed) >= atomic_load(&expected))
			break;
	}
	consumer_cpu_ns = thread_cpu_ns() - cpu0;
	return NULL;
}

static void run_producer(int prog_fd, uint64_t count, uint64_t seq, uint32_t size, int on_cpu0,
			 uint64_t *committed)
{
	uint64_t args[3] = { count, seq, size };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));

	if (on_cpu0) {
		opts.flags = BPF_F_TEST_RUN_ON_CPU;
		opts.cpu = 0;
	}
	if (bpf_prog_test_run_opts(prog_fd, &opts))
		die("BPF_PROG_TEST_RUN: %s", strerror(errno));
	if ((int32_t)opts.retval < 0)
		die("producer returned %d", (int32_t)opts.retval);
	*committed += opts.retval;
}

static uint64_t read_drops(struct bpf_map *drops_map)
{
	uint32_t zero = 0;
	uint64_t drops = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(drops_map), &zero, &drops))
		die("lookup drops: %s", strerror(errno));
	return drops;
}

static void drain_bench(int prog_fd, struct bpf_map *drops_map, long size, long records,
			uint64_t capacity)
{
	uint64_t produced = 0, committed = 0, busy_ns = 0, cpu_ns = 0;
	char bench[64];
	int rounds = 0, max_rounds = records / (capacity - 1) + 2;
	double *rate = calloc(max_rounds, sizeof(*rate));

	while (produced < (uint64_t)records) {
		uint64_t fill = capacity - 1;

		while (fill) {
			uint64_t n = fill < (1 << 23) ? fill : (1 << 23);

			run_producer(prog_fd, n, produced, size, 0, &committed);
			produced += n;
			fill -= n;
		}
		uint64_t t0 = now_ns(), c0 = thread_cpu_ns(), before = atomic_load(&consumed);
		while (atomic_load(&consumed) < committed) {
			int err = perf_buffer__consume(pb);

			if (err < 0)
				die("perf_buffer__consume: %s", strerror(-err));
		}
		uint64_t dt = now_ns() - t0, n = atomic_load(&consumed) - before;

		busy_ns += dt;
		cpu_ns += thread_cpu_ns() - c0;
		if (rounds < max_rounds)
			rate[rounds++] = n / (dt / 1e9);
	}
	struct stats rs = stats_of(rate, rounds);
	uint64_t got = atomic_load(&consumed), drops = read_drops(drops_map);
	if (got != committed || seq_errors)
		die("drain: consumed %llu, committed %llu, sequence errors %llu",
		    (unsigned long long)got, (unsigned long long)committed,
		    (unsigned long long)seq_errors);
	snprintf(bench, sizeof(bench), "perfbuf-%ld-drain", size);
	note("%s: records=%llu in rounds of %llu (one CPU buffer's capacity); drops while filling: %llu, lost: %llu",
	     bench, (unsigned long long)produced, (unsigned long long)capacity - 1,
	     (unsigned long long)drops, (unsigned long long)lost);
	result(bench, "libbpf", "events_per_s", rs.median, "events/s");
	result(bench, "libbpf", "events_per_s_overall", got / (busy_ns / 1e9), "events/s");
	result(bench, "libbpf", "consumer_cpu_per_event", (double)cpu_ns / got, "ns");
	result(bench, "libbpf", "consumed", got, "events");
}

struct paced_result {
	double events_per_s, elapsed_ms, producer_ms, cpu_per_event;
	uint64_t consumed, drops, waits;
};

/* One producer/reader run: records from sequence number 0, a fresh reader thread. */
static struct paced_result paced_run(int prog_fd, struct bpf_map *drops_map, uint32_t size,
				     uint64_t records, uint64_t batch, uint64_t limit, int burst)
{
	struct paced_result res = { 0 };
	uint64_t produced = 0, committed = 0, drops0 = read_drops(drops_map);
	struct timespec pause = { 0, 50000 };
	pthread_t th;

	atomic_store(&consumed, 0);
	atomic_store(&producer_done, 0);
	atomic_store(&expected, 0);
	memset(next_seq, 0, sizeof(next_seq));
	t_last = 0;
	if (pthread_create(&th, NULL, consumer, NULL))
		die("pthread_create");

	uint64_t t0 = now_ns();
	while (produced < records) {
		uint64_t left = records - produced;
		uint64_t n = left < batch ? left : batch;

		if (!burst) {
			while (committed - atomic_load_explicit(&consumed, memory_order_acquire) + n >
			       limit) {
				res.waits++;
				nanosleep(&pause, NULL);
			}
		}
		run_producer(prog_fd, n, produced, size, 0, &committed);
		produced += n;
	}
	uint64_t t_produced = now_ns();
	res.drops = read_drops(drops_map) - drops0;
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
	long size = 8, records = 20000000, pages = 4096, batch = 0, window = 50;
	int burst = 0, drain = 0, repeat = 3;
	const char *obj_path;

	if (argc < 2)
		die("usage: perfbuf_bench OBJ [--size 8|256] [--records N] [--pages PER_CPU] [--batch N] [--window PERCENT] [--repeat N] [--burst | --drain]");
	obj_path = argv[1];
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--burst")) { burst = 1; continue; }
		if (!strcmp(argv[i], "--drain")) { drain = 1; continue; }
		if (i + 1 >= argc)
			die("missing value for %s", argv[i]);
		if (!strcmp(argv[i], "--size")) size = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--records")) records = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--pages")) pages = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--batch")) batch = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--window")) window = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--repeat")) repeat = arg_long(argv[++i]);
		else die("unknown option %s", argv[i]);
	}
	if (size != 8 && size != 256)
		die("--size must be 8 or 256");
	if (repeat < 1)
		die("--repeat must be at least 1");
	rec_size = size;

	/* perf_event_header (8) + u32 size + data, rounded up to 8 bytes */
	uint64_t footprint = (size + 12 + 7) & ~7ull;
	uint64_t capacity = pages * (uint64_t)sysconf(_SC_PAGESIZE) / footprint;
	uint64_t limit = capacity * window / 100;

	if (!batch)
		batch = limit / 4;
	if (batch < 1 || batch > (1 << 23))
		die("batch %ld out of range 1..1<<23", batch);

	struct bpf_object *obj = bpf_object__open_file(obj_path, NULL);
	if (!obj)
		die("open %s: %s", obj_path, strerror(errno));
	struct bpf_map *pb_map = bpf_object__find_map_by_name(obj, "pb");
	struct bpf_map *drops_map = bpf_object__find_map_by_name(obj, "drops");
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, "produce");
	if (!pb_map || !drops_map || !prog)
		die("%s: map pb, map drops or program produce missing", obj_path);
	int err = bpf_object__load(obj);
	if (err)
		die("load %s: %s", obj_path, strerror(-err));
	pb = perf_buffer__new(bpf_map__fd(pb_map), pages, on_sample, on_lost, NULL, NULL);
	if (!pb)
		die("perf_buffer__new: %s", strerror(errno));
	int prog_fd = bpf_program__fd(prog);

	if (drain) {
		drain_bench(prog_fd, drops_map, size, records, capacity);
		perf_buffer__free(pb);
		bpf_object__close(obj);
		return 0;
	}

	char bench[64];
	snprintf(bench, sizeof(bench), "perfbuf-%ld%s", size, burst ? "-burst" : "");
	double *rate = calloc(repeat, sizeof(*rate)), *cpu = calloc(repeat, sizeof(*cpu));
	double *elapsed = calloc(repeat, sizeof(*elapsed));
	uint64_t drops = 0, got = 0;

	for (int r = 0; r < repeat; r++) {
		struct paced_result res = paced_run(prog_fd, drops_map, size, records, batch, limit,
						    burst);

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
	note("%s: records=%ld x %d runs, pages_per_cpu=%ld, batch=%ld, window=%ld%% (in-flight limit %llu records); values are medians over the runs, drops, lost and consumed are totals",
	     bench, records, repeat, pages, batch, window, (unsigned long long)limit);
	result(bench, "libbpf", "events_per_s", stats_of(rate, repeat).median, "events/s");
	result(bench, "libbpf", "consumed", got, "events");
	result(bench, "libbpf", "drops", drops, "events");
	result(bench, "libbpf", "lost", lost, "events");
	result(bench, "libbpf", "elapsed", stats_of(elapsed, repeat).median, "ms");
	result(bench, "libbpf", "consumer_cpu_per_event", stats_of(cpu, repeat).median, "ns");
	perf_buffer__free(pb);
	bpf_object__close(obj);
	return 0;
}
