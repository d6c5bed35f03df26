package org.bpf4j.bench;

import java.nio.file.Path;
import org.bpf4j.BpfObject;
import org.bpf4j.ObjectSpec;
import org.bpf4j.BpfLink;
import org.bpf4j.map.Codecs;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.SysNr;

/**
 * open-load-attach: the skeleton life cycle of bench/bpf/syscount.bpf.o: open
 * ({@code ObjectSpec.read}), load, attach, detach (closing the link), close. Cold is the first
 * cycle in the JVM, class loading and interpretation included.
 */
final class OpenLoadAttachBench {
    private OpenLoadAttachBench() {}

    static void run(String[] args) {
        Path obj = Path.of(args[0]);
        int iterations = (int) Results.arg(args, "--iterations", 100);
        double[] cold = cycle(obj, true);
        phases("open-load-attach", "open-load-attach: " + obj + ", cold = first cycle in this JVM, warm = mean of "
                + iterations + " cycles", cold, iterations, () -> cycle(obj, false));
    }

    /**
     * The result lines of a life-cycle benchmark: cold_PHASE of {@code cold}, warm_PHASE (mean of
     * {@code iterations} more cycles) and warm_total_median, for open, load, attach, detach, close, total.
     */
    static void phases(String bench, String note, double[] cold, int iterations,
                       java.util.function.Supplier<double[]> cycle) {
        Results.note(note);
        String[] phases = {"open", "load", "attach", "detach", "close", "total"};
        for (int i = 0; i < phases.length; i++) Results.result(bench, "cold_" + phases[i], cold[i], "ms");
        double[] sum = new double[6];
        double[] totals = new double[iterations];
        for (int it = 0; it < iterations; it++) {
            double[] c = cycle.get();
            for (int i = 0; i < 6; i++) sum[i] += c[i];
            totals[it] = c[5];
        }
        for (int i = 0; i < phases.length; i++) Results.result(bench, "warm_" + phases[i], sum[i] / iterations, "ms");
        Results.result(bench, "warm_total_median", Results.stats(totals)[1], "ms");
    }

    /** open, load, attach, detach, close, total in ms. */
    static double[] cycle(Path obj, boolean check) {
        long t0 = System.nanoTime();
        ObjectSpec spec = ObjectSpec.read(obj);
        long t1 = System.nanoTime();
        BpfObject o = spec.load();
        long t2 = System.nanoTime();
        BpfLink link = o.program("sys_enter").attach();
        long t3 = System.nanoTime();
        if (check) {
            Native.call(SysNr.GETPPID, 0);
            Long n = o.map("counts").view(Codecs.U32, Codecs.U64).get(SysNr.GETPPID);
            if (n == null || n < 1) throw new AssertionError("getppid not counted");
        }
        long t4 = System.nanoTime();
        link.close();
        long t5 = System.nanoTime();
        o.close();
        long t6 = System.nanoTime();
        return new double[] {Results.ms(t1 - t0), Results.ms(t2 - t1), Results.ms(t3 - t2), Results.ms(t5 - t4),
            Results.ms(t6 - t5), Results.ms(t6 - t0 - (t4 - t3))};
    }
}
