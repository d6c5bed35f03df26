package org.bpf4j.bench;

import java.nio.file.Path;
import org.bpf4j.BpfObject;
import org.bpf4j.ObjectSpec;
import org.bpf4j.link.BpfLink;

/**
 * open-load-usdt: the life cycle of bench/bpf/externs_usdt.bpf.o, an object with __kconfig
 * externs, a typeless ksym, kfuncs and a usdt.bpf.h program: open, load, attach to the JVM's
 * hotspot:gc__begin in LIBJVM (every process), detach, close; as open_load_usdt_bench.c does
 * with libbpf. Cold is the first cycle in the JVM.
 */
final class OpenLoadUsdtBench {
    private OpenLoadUsdtBench() {}

    static void run(String[] args) {
        Path obj = Path.of(args[0]);
        String libjvm = args[1];
        int iterations = (int) Results.arg(args, "--iterations", 100);
        double[] cold = cycle(obj, libjvm);
        Results.note("open-load-usdt: " + obj + ", usdt hotspot:gc__begin of " + libjvm
                + ", cold = first cycle in this JVM, warm = mean of " + iterations + " cycles");
        String[] phases = {"open", "load", "attach", "detach", "close", "total"};
        for (int i = 0; i < phases.length; i++) Results.result("open-load-usdt", "cold_" + phases[i], cold[i], "ms");
        double[] sum = new double[6];
        double[] totals = new double[iterations];
        for (int it = 0; it < iterations; it++) {
            double[] c = cycle(obj, libjvm);
            for (int i = 0; i < 6; i++) sum[i] += c[i];
            totals[it] = c[5];
        }
        for (int i = 0; i < phases.length; i++) {
            Results.result("open-load-usdt", "warm_" + phases[i], sum[i] / iterations, "ms");
        }
        Results.result("open-load-usdt", "warm_total_median", Results.stats(totals)[1], "ms");
    }

    /** open, load, attach, detach, close, total in ms. */
    static double[] cycle(Path obj, String libjvm) {
        long t0 = System.nanoTime();
        ObjectSpec spec = ObjectSpec.read(obj);
        long t1 = System.nanoTime();
        BpfObject o = spec.load();
        long t2 = System.nanoTime();
        BpfLink link = o.program("gc_begin").attachUsdt(-1, libjvm, "hotspot", "gc__begin");
        long t3 = System.nanoTime();
        link.close();
        long t4 = System.nanoTime();
        o.close();
        long t5 = System.nanoTime();
        return new double[] {Results.ms(t1 - t0), Results.ms(t2 - t1), Results.ms(t3 - t2), Results.ms(t4 - t3),
            Results.ms(t5 - t4), Results.ms(t5 - t0)};
    }
}
