package org.bpf4j.bench;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfCDumper;

/**
 * btf-dump-c: the kernel BTF as a vmlinux.h, bpf4j against bpftool in the same run.
 * <ul>
 * <li>in this JVM: {@code cold} (the first parse + dump, class loading and JIT warm-up
 *     included) and {@code warm_*} (parse + dump after warm-up), to a discarding stream;</li>
 * <li>processes, interleaved so that both see the same machine load: {@code bpftool btf dump
 *     file F format c} and, with {@code --launcher ./bpf4j}, {@code ./bpf4j btf dump file F format
 *     c} (a fresh JVM each time: start-up counts), each exec to exit with stdout discarded;
 *     result lines for impl bpftool and bpf4j, and their ratio.</li>
 * </ul>
 */
final class BtfDumpCBench {
    private BtfDumpCBench() {}

    static void run(String[] args) throws Exception {
        Path file = Path.of(Results.arg(args, "--file", "/sys/kernel/btf/vmlinux"));
        int iterations = (int) Results.arg(args, "--iterations", 30);
        int warmup = (int) Results.arg(args, "--warmup", 10);
        int runs = (int) Results.arg(args, "--runs", 20);
        String launcher = Results.arg(args, "--launcher", System.getenv("BPF4J"));
        String bpftool = Results.arg(args, "--bpftool", "bpftool");

        CountingStream sink = new CountingStream();
        long t0 = System.nanoTime();
        BtfCDumper.dumpVmlinuxH(Btf.read(file), sink);
        long t1 = System.nanoTime();
        long bytes = sink.n;
        Results.note("btf-dump-c: " + file + " -> " + bytes + " bytes of C; in-process: cold = first read + dump in"
                + " this JVM, warm = " + iterations + " after " + warmup + " warm-up");
        Results.result("btf-dump-c", "inproc_cold", Results.ms(t1 - t0), "ms");
        for (int i = 0; i < warmup; i++) BtfCDumper.dumpVmlinuxH(Btf.read(file), OutputStream.nullOutputStream());
        double[] warm = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long a = System.nanoTime();
            BtfCDumper.dumpVmlinuxH(Btf.read(file), OutputStream.nullOutputStream());
            warm[i] = Results.ms(System.nanoTime() - a);
        }
        double[] w = Results.stats(warm);
        Results.result("btf-dump-c", "inproc_warm_min", w[0], "ms");
        Results.result("btf-dump-c", "inproc_warm_median", w[1], "ms");

        if (runs <= 0) return;
        List<String> tool = List.of(bpftool, "btf", "dump", "file", file.toString(), "format", "c");
        List<String> ours = launcher == null ? null : List.of(launcher, "btf", "dump", "file", file.toString(), "format", "c");
        Results.note("btf-dump-c processes, interleaved, exec to exit, stdout discarded, " + runs + " runs after 2 warm-up: "
                + String.join(" ", tool) + (ours != null ? " | " + String.join(" ", ours) : " (no --launcher: bpf4j not run)"));
        for (int i = 0; i < 2; i++) {
            time(tool);
            if (ours != null) time(ours);
        }
        double[] b = new double[runs];
        double[] j = new double[runs];
        for (int i = 0; i < runs; i++) {
            b[i] = time(tool);
            if (ours != null) j[i] = time(ours);
        }
        double[] bs = Results.stats(b);
        System.out.printf("btf-dump-c\tbpftool\tproc_min\t%.1f\tms%nbtf-dump-c\tbpftool\tproc_median\t%.1f\tms%n", bs[0], bs[1]);
        if (ours != null) {
            double[] js = Results.stats(j);
            Results.result("btf-dump-c", "proc_min", js[0], "ms");
            Results.result("btf-dump-c", "proc_median", js[1], "ms");
            Results.result("btf-dump-c", "ratio_median", js[1] / bs[1], "x");
        }
    }

    /** Wall time of one run, ms; fails unless it exits with 0. */
    private static double time(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.to(new File("/dev/null")));
        long a = System.nanoTime();
        Process p = pb.start();
        int rc = p.waitFor();
        long z = System.nanoTime();
        if (rc != 0) throw new IllegalStateException(String.join(" ", cmd) + " exited with " + rc);
        return Results.ms(z - a);
    }

    private static final class CountingStream extends OutputStream {
        long n;

        @Override
        public void write(int b) {
            n++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            n += len;
        }
    }
}
