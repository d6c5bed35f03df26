/*
 * btf-parse baseline: libbpf btf__parse() of the kernel BTF.
 *
 * usage: btf_parse_bench [--file PATH] [--iterations N] [--warmup N]
 *
 * cold:   the first btf__parse of PATH in this process (page cache warm: the file was read by
 *         earlier runs; libbpf itself keeps no cache).
 * warm:   N more parses after WARMUP parses, each followed by btf__free; min/median/mean.
 * memory: retained = malloc'ed bytes (mallinfo2 uordblks + hblkhd) held by one parsed btf;
 *         rss_growth = ru_maxrss after the first parse minus before it.
 */
#include "bench_common.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	const char *path = "/sys/kernel/btf/vmlinux";
	long iterations = 100, warmup = 10;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			die("usage: btf_parse_bench [--file PATH] [--iterations N] [--warmup N]");
		if (!strcmp(argv[i], "--file")) path = argv[++i];
		else if (!strcmp(argv[i], "--iterations")) iterations = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--warmup")) warmup = arg_long(argv[++i]);
		else die("unknown option %s", argv[i]);
	}

	uint64_t rss0 = max_rss(), heap0 = heap_in_use();
	uint64_t t0 = now_ns();
	struct btf *btf = btf__parse(path, NULL);
	uint64_t t1 = now_ns();
	if (!btf)
		die("btf__parse %s: %s", path, strerror(errno));
	uint64_t heap1 = heap_in_use(), rss1 = max_rss();
	uint32_t types = btf__type_cnt(btf) - 1;

	if (btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT) <= 0)
		die("task_struct not found in %s", path);
	btf__free(btf);

	for (long i = 0; i < warmup; i++) {
		btf = btf__parse(path, NULL);
		if (!btf)
			die("btf__parse %s: %s", path, strerror(errno));
		btf__free(btf);
	}
	double *ms = calloc(iterations, sizeof(*ms));
	for (long i = 0; i < iterations; i++) {
		uint64_t a = now_ns();
		btf = btf__parse(path, NULL);
		uint64_t b = now_ns();
		if (!btf)
			die("btf__parse %s: %s", path, strerror(errno));
		btf__free(btf);
		ms[i] = (b - a) / 1e6;
	}
	struct stats s = stats_of(ms, iterations);

	note("btf-parse: %s, %u types, warm = %ld parses after %ld warm-up parses", path, types,
	     iterations, warmup);
	result("btf-parse", "libbpf", "cold", (t1 - t0) / 1e6, "ms");
	result("btf-parse", "libbpf", "warm_min", s.min, "ms");
	result("btf-parse", "libbpf", "warm_median", s.median, "ms");
	result("btf-parse", "libbpf", "warm_mean", s.mean, "ms");
	result("btf-parse", "libbpf", "retained", heap1 - heap0, "bytes");
	result("btf-parse", "libbpf", "rss_growth", rss1 - rss0, "bytes");
	return 0;
}
