package org.bpf4j.bench;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.bpf4j.BpfMap;
import org.bpf4j.MapSpec;
import org.bpf4j.MapType;

/**
 * hash-dump: a BPF_MAP_TYPE_HASH of u32 -> u64 with 1 M entries k -> 3k + 1, filled with one
 * BPF_MAP_UPDATE_BATCH, dumped with BPF_MAP_LOOKUP_BATCH (checking the count and every value) and
 * with get_next_key + lookup.
 */
final class HashDumpBench {
    private HashDumpBench() {}

    static void run(String[] args) {
        int entries = (int) Results.arg(args, "--entries", 1_000_000);
        int batch = (int) Results.arg(args, "--batch", 4096);
        String[] sizes = Results.arg(args, "--sizes", "256,1024,4096,16384,65536").split(",");
        int runs = (int) Results.arg(args, "--runs", 10);
        int iterRuns = (int) Results.arg(args, "--iter-runs", 3);
        MapSpec spec = MapSpec.of("bench_hash", MapType.HASH, 4, 8, entries);
        try (BpfMap map = BpfMap.create(spec); Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(4L * entries, 8);
            MemorySegment values = arena.allocate(8L * entries, 8);
            for (int k = 0; k < entries; k++) {
                keys.setAtIndex(JAVA_INT, k, k);
                values.setAtIndex(JAVA_LONG, k, 3L * k + 1);
            }
            long f0 = System.nanoTime();
            int written = map.updateBatch(keys, values, entries, 0);
            long f1 = System.nanoTime();
            if (written != entries) throw new AssertionError("update batch wrote " + written);
            Results.note("hash-dump: " + entries + " entries, lookup_batch size " + batch + ", " + runs
                    + " dumps; checks every value");
            Results.result("hash-dump", "fill_update_batch", Results.ms(f1 - f0), "ms");
            double[] t = new double[runs];
            for (int r = 0; r < runs; r++) t[r] = dump(map, batch, entries);
            double[] s = Results.stats(t);
            Results.result("hash-dump", "batch_min", s[0], "ms");
            Results.result("hash-dump", "batch_median", s[1], "ms");
            Results.result("hash-dump", "batch_mean", s[2], "ms");
            for (String sz : sizes) {
                int b = Integer.parseInt(sz.trim());
                double[] u = new double[3];
                for (int r = 0; r < 3; r++) u[r] = dump(map, b, entries);
                Results.result("hash-dump", "batch" + b + "_median", Results.stats(u)[1], "ms");
            }
            double[] it = new double[iterRuns];
            for (int r = 0; r < iterRuns; r++) it[r] = iterate(map, arena, entries);
            double[] si = Results.stats(it);
            Results.result("hash-dump", "iterate_min", si[0], "ms");
            Results.result("hash-dump", "iterate_median", si[1], "ms");
        }
    }

    /** One full batch dump, checked; returns its time in ms. */
    static double dump(BpfMap map, int batch, int entries) {
        long[] count = {0};
        long[] bad = {0};
        long t0 = System.nanoTime();
        map.forEachBatch(batch, (ks, vs, n) -> {
            for (int i = 0; i < n; i++) {
                int k = ks.getAtIndex(JAVA_INT, i);
                if (vs.getAtIndex(JAVA_LONG, i) != 3L * k + 1) bad[0]++;
            }
            count[0] += n;
        });
        long t1 = System.nanoTime();
        if (count[0] != entries || bad[0] != 0) {
            throw new AssertionError("dump saw " + count[0] + " entries, " + bad[0] + " wrong values");
        }
        return Results.ms(t1 - t0);
    }

    static double iterate(BpfMap map, Arena arena, int entries) {
        MemorySegment key = arena.allocate(4, 4), next = arena.allocate(4, 4), value = arena.allocate(8, 8);
        long n = 0;
        long t0 = System.nanoTime();
        MemorySegment prev = null;
        while (map.nextKey(prev, next)) {
            MemorySegment.copy(next, 0, key, 0, 4);
            prev = key;
            if (!map.lookup(key, value)) continue;
            if (value.get(JAVA_LONG, 0) != 3L * key.get(JAVA_INT, 0) + 1) throw new AssertionError("bad value");
            n++;
        }
        long t1 = System.nanoTime();
        if (n != entries) throw new AssertionError("iteration saw " + n);
        return Results.ms(t1 - t0);
    }
}
