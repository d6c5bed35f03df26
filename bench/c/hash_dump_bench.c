/*
 * hash-dump baseline: dump a BPF_MAP_TYPE_HASH (u32 key -> u64 value) of ENTRIES entries with
 * libbpf's bpf_map_lookup_batch, and with bpf_map_get_next_key + bpf_map_lookup_elem.
 *
 * usage: hash_dump_bench [--entries N] [--batch N] [--sizes N,N,...] [--runs N] [--iter-runs N]
 *
 * The map is created with bpf_map_create (max_entries = ENTRIES, no flags: preallocated) and
 * filled by bpf_map_update_batch with key k -> value k * 3 + 1 for k in 0..ENTRIES-1.
 * Each dump reads every entry into user-space arrays and checks the count and the values.
 * batch:   RUNS dumps with batch size BATCH (min/median/mean), then 3 dumps per size in SIZES
 *          (median; the batch token is the kernel's bucket index, passed as opaque u32 memory).
 * iterate: ITER_RUNS dumps with get_next_key (starting from NULL) + lookup_elem per key.
 */
#include "bench_common.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define MAX_BATCH 65536

static uint32_t *keys;
static uint64_t *vals;

static void check(long entries, long got)
{
	if (got != entries)
		die("dump returned %ld entries, expected %ld", got, entries);
	for (long i = 0; i < got; i++)
		if (vals[i] != (uint64_t)keys[i] * 3 + 1 || keys[i] >= (uint64_t)entries)
			die("bad entry %u -> %llu", keys[i], (unsigned long long)vals[i]);
}

static long dump_batch(int fd, long entries, uint32_t batch)
{
	uint32_t token = 0;
	long total = 0;
	int first = 1;

	for (;;) {
		uint32_t n = batch;	/* keys/vals have MAX_BATCH spare slots past entries */

		if (total > entries)
			die("the map holds more than %ld entries", entries);
		int err = bpf_map_lookup_batch(fd, first ? NULL : &token, &token, keys + total,
					       vals + total, &n, NULL);
		first = 0;
		total += n;
		if (err) {
			if (errno == ENOENT)
				break;
			die("bpf_map_lookup_batch: %s", strerror(errno));
		}
	}
	return total;
}

static long dump_iterate(int fd)
{
	uint32_t key, next;
	long total = 0;
	int err = bpf_map_get_next_key(fd, NULL, &next);

	while (!err) {
		key = next;
		keys[total] = key;
		if (bpf_map_lookup_elem(fd, &key, &vals[total]))
			die("bpf_map_lookup_elem: %s", strerror(errno));
		total++;
		err = bpf_map_get_next_key(fd, &key, &next);
	}
	if (errno != ENOENT)
		die("bpf_map_get_next_key: %s", strerror(errno));
	return total;
}

static struct stats series(int fd, long entries, uint32_t batch, int runs)
{
	double *ms = calloc(runs, sizeof(*ms));

	for (int r = 0; r < runs; r++) {
		memset(keys, 0xff, sizeof(*keys) * entries);
		uint64_t t0 = now_ns();
		long got = batch ? dump_batch(fd, entries, batch) : dump_iterate(fd);
		ms[r] = (now_ns() - t0) / 1e6;
		check(entries, got);
	}
	struct stats s = stats_of(ms, runs);
	free(ms);
	return s;
}

int main(int argc, char **argv)
{
	long entries = 1000000, batch = 4096, runs = 10, iter_runs = 3;
	char sizes[256] = "256,1024,4096,16384,65536";

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			die("usage: hash_dump_bench [--entries N] [--batch N] [--sizes N,N,...] [--runs N] [--iter-runs N]");
		if (!strcmp(argv[i], "--entries")) entries = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--batch")) batch = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--sizes")) snprintf(sizes, sizeof(sizes), "%s", argv[++i]);
		else if (!strcmp(argv[i], "--runs")) runs = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--iter-runs")) iter_runs = arg_long(argv[++i]);
		else die("unknown option %s", argv[i]);
	}

	if (batch < 1 || batch > MAX_BATCH)
		die("batch size %ld out of range 1..%d", batch, MAX_BATCH);
	keys = calloc(entries + MAX_BATCH, sizeof(*keys));
	vals = calloc(entries + MAX_BATCH, sizeof(*vals));
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "bench_hash", sizeof(uint32_t), sizeof(uint64_t),
				entries, NULL);
	if (fd < 0)
		die("bpf_map_create: %s", strerror(errno));
	for (long k = 0; k < entries; k++) {
		keys[k] = k;
		vals[k] = (uint64_t)k * 3 + 1;
	}
	uint32_t count = entries;
	uint64_t f0 = now_ns();
	if (bpf_map_update_batch(fd, keys, vals, &count, NULL) || count != entries)
		die("bpf_map_update_batch: %s (%u of %ld)", strerror(errno), count, entries);
	uint64_t f1 = now_ns();

	note("hash-dump: HASH u32->u64, %ld entries; batch = %ld runs of batch size %ld; iterate = %ld runs",
	     entries, runs, batch, iter_runs);
	result("hash-dump", "libbpf", "fill_update_batch", (f1 - f0) / 1e6, "ms");

	struct stats s = series(fd, entries, batch, runs);
	result("hash-dump", "libbpf", "batch_min", s.min, "ms");
	result("hash-dump", "libbpf", "batch_median", s.median, "ms");
	result("hash-dump", "libbpf", "batch_mean", s.mean, "ms");

	for (char *tok = strtok(sizes, ","); tok; tok = strtok(NULL, ",")) {
		char metric[64];
		long b = arg_long(tok);

		if (b < 1 || b > MAX_BATCH)
			die("batch size %ld out of range 1..%d", b, MAX_BATCH);
		s = series(fd, entries, b, runs < 3 ? runs : 3);
		snprintf(metric, sizeof(metric), "batch%ld_median", b);
		result("hash-dump", "libbpf", metric, s.median, "ms");
	}

	s = series(fd, entries, 0, iter_runs);
	result("hash-dump", "libbpf", "iterate_min", s.min, "ms");
	result("hash-dump", "libbpf", "iterate_median", s.median, "ms");
	return 0;
}
