/*
 * core-relocs baseline: what CO-RE costs libbpf when it opens and loads
 * bench/bpf/syscount.bpf.o against the running kernel's BTF.
 *
 * usage: core_relocs_bench CORE_OBJ NOCORE_OBJ [--iterations N]
 *
 * CORE_OBJ is syscount.bpf.c built against vmlinux.h (one CO-RE field relocation);
 * NOCORE_OBJ is the same source built with -DNO_CORE (no relocation, so libbpf does not even
 * load the kernel BTF). Three measurements, each the mean of N open+load+close cycles after one
 * unmeasured cycle:
 *  open_load / open_load_nocore / by_difference: bpf_object__open_file + bpf_object__load of
 *    each object; by_difference = the first minus the second: kernel BTF parse + relocation.
 *  vmlinux_btf, relocate: libbpf's debug messages are timestamped by a print callback that
 *    formats nothing. vmlinux_btf = from the call to bpf_object__load to the message
 *    "loading kernel BTF"; relocate = from "sec '...': found N CO-RE relocations" to the last
 *    "relo #" message (candidate search over the kernel BTF + computing + patching).
 *  memory (one cycle of each object in a forked child, so the process is fresh):
 *    rss_growth = ru_maxrss after open+load minus before; retained = malloc'ed bytes still held
 *    after load (libbpf frees the kernel BTF at the end of load).
 */
#include "bench_common.h"

#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static uint64_t t_btf_loaded, t_relo_first, t_relo_last;

static int timestamps(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	uint64_t t = now_ns();

	(void)ap;
	if (strstr(fmt, "loading kernel BTF"))
		t_btf_loaded = t;
	else if (strstr(fmt, "found %d CO-RE relocations")) {
		if (!t_relo_first)
			t_relo_first = t;
	} else if (strstr(fmt, "relo #"))
		t_relo_last = t;
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static double open_load(const char *path, double *btf_ms, double *relo_ms)
{
	t_btf_loaded = t_relo_first = t_relo_last = 0;
	uint64_t t0 = now_ns();
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	if (!obj)
		die("open %s: %s", path, strerror(errno));
	uint64_t t1 = now_ns();
	int err = bpf_object__load(obj);
	if (err)
		die("load %s: %s", path, strerror(-err));
	uint64_t t2 = now_ns();
	bpf_object__close(obj);
	if (btf_ms)
		*btf_ms = t_btf_loaded ? (t_btf_loaded - t1) / 1e6 : -1;
	if (relo_ms)
		*relo_ms = t_relo_first && t_relo_last ? (t_relo_last - t_relo_first) / 1e6 : -1;
	return (t2 - t0) / 1e6;
}

/* In a forked child: bytes of rss growth and retained heap for one open+load. */
static void memory(const char *path, uint64_t *rss_growth, int64_t *retained)
{
	int fds[2];
	uint64_t out[2];

	if (pipe(fds))
		die("pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		uint64_t rss0 = max_rss(), heap0 = heap_in_use();
		struct bpf_object *obj = bpf_object__open_file(path, NULL);

		if (!obj || bpf_object__load(obj))
			_exit(1);
		out[0] = max_rss() - rss0;
		out[1] = heap_in_use() - heap0;
		if (write(fds[1], out, sizeof(out)) != sizeof(out))
			_exit(1);
		_exit(0);
	}
	int status;
	if (read(fds[0], out, sizeof(out)) != sizeof(out))
		die("memory measurement of %s failed", path);
	waitpid(pid, &status, 0);
	close(fds[0]);
	close(fds[1]);
	*rss_growth = out[0];
	*retained = (int64_t)out[1];
}

int main(int argc, char **argv)
{
	long iterations = 100;

	if (argc < 3)
		die("usage: core_relocs_bench CORE_OBJ NOCORE_OBJ [--iterations N]");
	for (int i = 3; i < argc; i++) {
		if (i + 1 >= argc)
			die("missing value for %s", argv[i]);
		if (!strcmp(argv[i], "--iterations")) iterations = arg_long(argv[++i]);
		else die("unknown option %s", argv[i]);
	}
	const char *core = argv[1], *nocore = argv[2];

	libbpf_set_print(timestamps);
	uint64_t rss_core, rss_nocore;
	int64_t ret_core, ret_nocore;
	memory(core, &rss_core, &ret_core);
	memory(nocore, &rss_nocore, &ret_nocore);

	double btf_ms, relo_ms, sum_core = 0, sum_nocore = 0, sum_btf = 0, sum_relo = 0;
	open_load(core, NULL, NULL);
	open_load(nocore, &btf_ms, &relo_ms);
	if (btf_ms >= 0 || relo_ms >= 0)
		die("%s: libbpf loaded the kernel BTF or relocated; is it really built without CO-RE?",
		    nocore);
	for (long i = 0; i < iterations; i++) {
		sum_core += open_load(core, &btf_ms, &relo_ms);
		if (btf_ms < 0 || relo_ms < 0)
			die("%s: no 'loading kernel BTF' or CO-RE relocation message from libbpf", core);
		sum_btf += btf_ms;
		sum_relo += relo_ms;
		sum_nocore += open_load(nocore, NULL, NULL);
	}
	note("core-relocs: %s (1 CO-RE relocation) vs %s, mean of %ld open+load+close cycles each",
	     core, nocore, iterations);
	result("core-relocs", "libbpf", "open_load", sum_core / iterations, "ms");
	result("core-relocs", "libbpf", "open_load_nocore", sum_nocore / iterations, "ms");
	result("core-relocs", "libbpf", "by_difference", (sum_core - sum_nocore) / iterations, "ms");
	result("core-relocs", "libbpf", "vmlinux_btf", sum_btf / iterations, "ms");
	result("core-relocs", "libbpf", "relocate", sum_relo / iterations, "ms");
	result("core-relocs", "libbpf", "rss_growth", rss_core, "bytes");
	result("core-relocs", "libbpf", "rss_growth_nocore", rss_nocore, "bytes");
	result("core-relocs", "libbpf", "retained", ret_core, "bytes");
	result("core-relocs", "libbpf", "retained_nocore", ret_nocore, "bytes");
	return 0;
}
