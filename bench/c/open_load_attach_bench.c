/*
 * open-load-attach baseline: libbpf open + load + attach + destroy of bench/bpf/syscount.bpf.o.
 *
 * usage: open_load_attach_bench OBJ [--iterations N]
 *
 * One cycle: bpf_object__open_file (parse ELF and BTF) -> bpf_object__load (kernel BTF, CO-RE,
 * create maps, load BTF and program) -> bpf_program__attach (tracepoint raw_syscalls/sys_enter)
 * -> bpf_link__destroy (detach) -> bpf_object__close (close). Each phase is timed with
 * CLOCK_MONOTONIC; total is their sum (the verification below is not counted).
 * cold: the first cycle in this process (includes libbpf's one-time kernel feature probes).
 * warm: the mean (and median of the totals) of the next N cycles.
 * The first cycle also checks that the program counts: after attaching, it makes a getppid()
 * and expects a non-zero count for that syscall in map "counts".
 */
#include "bench_common.h"

#include <sys/syscall.h>
#include <unistd.h>
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

static void cycle(const char *path, double *ms, int verify)
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
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, "sys_enter");
	if (!prog)
		die("%s: no program sys_enter", path);
	struct bpf_link *link = bpf_program__attach(prog);
	if (!link)
		die("attach sys_enter: %s", strerror(errno));
	uint64_t t3 = now_ns();
	if (verify) {
		uint32_t key = SYS_getppid;
		uint64_t count = 0;

		syscall(SYS_getppid);
		if (bpf_map_lookup_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, "counts")),
					&key, &count) || count == 0)
			die("attached program did not count getppid");
	}
	uint64_t t4 = now_ns();
	bpf_link__destroy(link);
	uint64_t t5 = now_ns();
	bpf_object__close(obj);
	uint64_t t6 = now_ns();

	ms[OPEN] = (t1 - t0) / 1e6;
	ms[LOAD] = (t2 - t1) / 1e6;
	ms[ATTACH] = (t3 - t2) / 1e6;
	ms[DETACH] = (t5 - t4) / 1e6;
	ms[CLOSE] = (t6 - t5) / 1e6;
	ms[TOTAL] = ms[OPEN] + ms[LOAD] + ms[ATTACH] + ms[DETACH] + ms[CLOSE];
}

int main(int argc, char **argv)
{
	long iterations = 100;

	if (argc < 2)
		die("usage: open_load_attach_bench OBJ [--iterations N]");
	for (int i = 2; i < argc; i++) {
		if (i + 1 >= argc)
			die("missing value for %s", argv[i]);
		if (!strcmp(argv[i], "--iterations")) iterations = arg_long(argv[++i]);
		else die("unknown option %s", argv[i]);
	}
	libbpf_set_print(quiet);

	double cold[PHASES], one[PHASES], sum[PHASES] = { 0 };
	double *totals = calloc(iterations, sizeof(*totals));

	cycle(argv[1], cold, 1);
	for (long i = 0; i < iterations; i++) {
		cycle(argv[1], one, 0);
		for (int p = 0; p < PHASES; p++)
			sum[p] += one[p];
		totals[i] = one[TOTAL];
	}
	struct stats s = stats_of(totals, iterations);

	note("open-load-attach: %s, cold = first cycle in the process, warm = mean of %ld more",
	     argv[1], iterations);
	phase_results("open-load-attach", "libbpf", phase_names, PHASES, cold, sum, iterations, s.median);
	return 0;
}
