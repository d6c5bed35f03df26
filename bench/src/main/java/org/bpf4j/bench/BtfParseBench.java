package org.bpf4j.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfKind;

/**
 * btf-parse: reading and parsing the kernel BTF into a state where every type is indexed by id,
 * as libbpf's btf__parse does. {@code Btf.read} of a /sys/kernel/btf file trusts the kernel's own
 * validation (what {@code Btf.kernel()} does); {@code validated} is the same bytes parsed with full
 * validation, as for an untrusted file.
 */
final class BtfParseBench {
    private BtfParseBench() {}

    static void run(String[] args) throws Exception {
        Path path = Path.of(Results.arg(args, "--file", "/sys/kernel/btf/vmlinux"));
        int iterations = (int) Results.arg(args, "--iterations", 100);
        int warmup = (int) Results.arg(args, "--warmup", 10);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();

        long heap0 = heapAfterGc();
        long a0 = threads.getThreadAllocatedBytes(tid);
        long t0 = System.nanoTime();
        Btf btf = Btf.read(path);
        long t1 = System.nanoTime();
        long a1 = threads.getThreadAllocatedBytes(tid);
        if (btf.find("task_struct", BtfKind.STRUCT) <= 0) throw new AssertionError("task_struct not found");
        long heap1 = heapAfterGc();
        int types = btf.typeCount() - 1;
        Results.note("btf-parse: " + path + ", " + types + " types, warm = " + iterations + " parses after "
                + warmup + " warm-up parses; cold = the first parse in this JVM (class loading included)");
        Results.result("btf-parse", "cold", Results.ms(t1 - t0), "ms");
        btf = null;

        // steady state of a bpf4j process: the FFM downcall is up, so sysfs BTF is read by mmap
        org.bpf4j.sys.Os.getpid();
        for (int i = 0; i < warmup; i++) Btf.read(path);
        double[] ms = new double[iterations];
        long alloc = 0;
        for (int i = 0; i < iterations; i++) {
            long aa = threads.getThreadAllocatedBytes(tid);
            long a = System.nanoTime();
            Btf b = Btf.read(path);
            long z = System.nanoTime();
            alloc += threads.getThreadAllocatedBytes(tid) - aa;
            if (b.typeCount() != types + 1) throw new AssertionError();
            ms[i] = Results.ms(z - a);
        }
        double[] s = Results.stats(ms);
        Results.result("btf-parse", "warm_min", s[0], "ms");
        Results.result("btf-parse", "warm_median", s[1], "ms");
        Results.result("btf-parse", "warm_mean", s[2], "ms");
        Results.result("btf-parse", "retained", heap1 - heap0, "bytes");
        Results.result("btf-parse", "allocated_cold", a1 - a0, "bytes");
        Results.result("btf-parse", "allocated", (double) alloc / iterations, "bytes");

        byte[] raw = Files.readAllBytes(path);
        double[] v = new double[Math.max(10, iterations / 4)];
        for (int i = 0; i < warmup; i++) Btf.parse(raw, path.toString());
        for (int i = 0; i < v.length; i++) {
            long a = System.nanoTime();
            Btf.parse(raw, path.toString());
            v[i] = Results.ms(System.nanoTime() - a);
        }
        Results.result("btf-parse", "validated_warm_median", Results.stats(v)[1], "ms");
    }

    static long heapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }
}
