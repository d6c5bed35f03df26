package org.bpf4j.bench;

import java.nio.file.Path;
import org.bpf4j.BpfObject;
import org.bpf4j.ObjectSpec;
import org.bpf4j.BpfLink;

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
        OpenLoadAttachBench.phases("open-load-usdt", "open-load-usdt: " + obj + ", usdt hotspot:gc__begin of " + libjvm
                + ", cold = first cycle in this JVM, warm = mean of " + iterations + " cycles", cold, iterations,
                () -> cycle(obj, libjvm));
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
