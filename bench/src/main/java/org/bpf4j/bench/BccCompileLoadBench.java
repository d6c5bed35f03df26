package org.bpf4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.ObjectSpec;
import org.bpf4j.bcc.Bcc;
import org.bpf4j.bcc.BccProgram;

/**
 * bcc-compile-load: a BCC-style source (the study document's BPF_HASH counter) compiled at run
 * time, loaded and attached, then closed; BCC's {@code BPF(text=...)} and {@code cleanup()} are
 * the baseline (bench/bcc/compile_load.py). The first cycle of the JVM is cold: with
 * {@code --cache DIR} empty it also generates vmlinux.h ({@code cold_uncached_*}), otherwise it
 * finds it there ({@code cold_cached_*}); warm is the mean of {@code --iterations} cycles after it.
 */
final class BccCompileLoadBench {
    private BccCompileLoadBench() {}

    static void run(String[] args) throws Exception {
        Path source = Path.of(args[0]);
        Path cache = Path.of(Results.arg(args, "--cache", System.getProperty("java.io.tmpdir") + "/bpf4j-bench-bcc"));
        int iterations = (int) Results.arg(args, "--iterations", 10);
        String text = Files.readString(source);
        boolean cached;
        try (var s = Files.exists(cache) ? Files.walk(cache) : java.util.stream.Stream.<Path>empty()) {
            cached = s.anyMatch(p -> p.getFileName().toString().equals("vmlinux.h"));
        }
        Bcc.Options options = Bcc.Options.defaults().cacheDir(cache);
        double[] cold = cycle(text, source, options);
        String kind = cached ? "cold_cached_" : "cold_uncached_";
        Results.note("bcc-compile-load: " + source + ", " + kind + "* = first cycle in this JVM (vmlinux.h "
                + (cached ? "in " : "generated into ") + cache + "), warm = mean of " + iterations + " cycles");
        String[] phases = {"compile", "load_attach", "close", "total"};
        for (int i = 0; i < phases.length; i++) Results.result("bcc-compile-load", kind + phases[i], cold[i], "ms");
        double[] sum = new double[4];
        double[] totals = new double[iterations];
        for (int it = 0; it < iterations; it++) {
            double[] c = cycle(text, source, options);
            for (int i = 0; i < 4; i++) sum[i] += c[i];
            totals[it] = c[3];
        }
        for (int i = 0; i < phases.length; i++) Results.result("bcc-compile-load", "warm_" + phases[i], sum[i] / iterations, "ms");
        Results.result("bcc-compile-load", "warm_total_median", Results.stats(totals)[1], "ms");
    }

    /** compile, load and attach, close, total in ms. */
    static double[] cycle(String text, Path source, Bcc.Options options) {
        long t0 = System.nanoTime();
        ObjectSpec spec = Bcc.compile(text, source.toString(), options);
        long t1 = System.nanoTime();
        BccProgram b = BccProgram.load(spec);
        long t2 = System.nanoTime();
        if (b.links().isEmpty()) throw new AssertionError("nothing attached");
        b.close();
        long t3 = System.nanoTime();
        return new double[] {Results.ms(t1 - t0), Results.ms(t2 - t1), Results.ms(t3 - t2), Results.ms(t3 - t0)};
    }
}
