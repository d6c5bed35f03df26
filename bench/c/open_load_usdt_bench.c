/*
 * open-load-usdt baseline: libbpf open + load + USDT attach + destroy of
 * bench/bpf/externs_usdt.bpf.o, an object with __kconfig externs, a typeless ksym, kfuncs and a
 * program of libbpf's usdt.bpf.h.
 *
 * usage: open_load_usdt_bench OBJ LIBJVM [--iterations N]
 *
 * One cycle: bpf_object__open_file -> bpf_object__load (kconfig from /proc/config.gz, kallsyms,
 * kfunc BTF ids, CO-RE, maps, programs) -> bpf_program__attach_usdt (LIBJVM's hotspot:gc__begin,
 * every process: .note.stapsdt, argument specs into __bpf_usdt_specs, one uprobe per site)
 * -> bpf_link__destroy -> bpf_object__close. Each phase is timed with CLOCK_MONOTONIC.
 * cold: the first cycle in this process; warm: the mean (and median of the totals) of N more.
 */
#include "bench_common.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

enum { OPEN, LOAD, ATTACH, DETACH, CLOSE, TOTAL, PHASES };
static const char *phase_names[PHASES] = { "open", "load", "attach", "detach", "close", "total" };

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static void cycle(const char *path, const char *libjvm, double *ms)
{
	uint64_t t0 = now_ns();
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	if (!obj)
		die("open %s: %s", path, strerror(errno));
	uint64_t t1 = now_ns();
	int err = bpf_object__load(obj);
	if (err)
		die("load %s: %s", path, strerror(-err));
	uint64_t t2 = now_ns();
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, "gc_begin");
	if (!prog)
		die("%s: no program gc_begin", path);
	struct bpf_link *link = bpf_program__attach_usdt(prog, -1, libjvm, "hotspot", "gc__begin", NULL);
	if (!link)
		die("attach usdt hotspot:gc__begin of %s: %s", libjvm, strerror(errno));
	uint64_t t3 = now_ns();
	bpf_link__destroy(link);
	uint64_t t4 = now_ns();
	bpf_object__close(obj);
	uint64_t t5 = now_ns();

	ms[OPEN] = (t1 - t0) / 1e6;
	ms[LOAD] = (t2 - t1) / 1e6;
	ms[ATTACH] = (t3 - t2) / 1e6;
	ms[DETACH] = (t4 - t3) / 1e6;
	ms[CLOSE] = (t5 - t4) / 1e6;
	ms[TOTAL] = ms[OPEN] + ms[LOAD] + ms[ATTACH] + ms[DETACH] + ms[CLOSE];
}

int main(int argc, char **argv)
{
	long iterations = 100;

	if (argc < 3)
		die("usage: open_load_usdt_bench OBJ LIBJVM [--iterations N]");
	for (int i = 3; i < argc; i++) {
		if (i + 1 >= argc)
			die("missing value for %s", argv[i]);
		if (!strcmp(argv[i], "--iterations")) iterations = arg_long(argv[++i]);
		else die("unknown option %s", argv[i]);
	}
	libbpf_set_print(quiet);

	double cold[PHASES], one[PHASES], sum[PHASES] = { 0 };
	double *totals = calloc(iterations, sizeof(*totals));

	cycle(argv[1], argv[2], cold);
	for (long i = 0; i < iterations; i++) {
		cycle(argv[1], argv[2], one);
		for (int p = 0; p < PHASES; p++)
			sum[p] += one[p];
		totals[i] = one[TOTAL];
	}
	struct stats s = stats_of(totals, iterations);

	note("open-load-usdt: %s, usdt hotspot:gc__begin of %s, cold = first cycle in the process, "
	     "warm = mean of %ld more", argv[1], argv[2], iterations);
	phase_results("open-load-usdt", "libbpf", phase_names, PHASES, cold, sum, iterations, s.median);
	return 0;
}
