package org.bpf4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.BpfObject;
import org.bpf4j.CoreRelocation;
import org.bpf4j.LoadOptions;
import org.bpf4j.ObjectSpec;
import org.bpf4j.btf.Btf;
import org.bpf4j.core.CoreTargets;

/**
 * core-relocs: what CO-RE costs at load, the Java counterpart of bench/c/core_relocs_bench.c
 * (bench/README.md), same arguments: {@code core-relocs CORE_OBJ NOCORE_OBJ [--iterations N]}.
 *
 * <ul>
 *   <li>{@code open_load}, {@code open_load_nocore}, {@code by_difference}: means of N
 *       ObjectSpec.read + load + close cycles. A bpf4j process parses the kernel BTF once
 *       ({@code Btf.kernel()}), so these are steady-state numbers; {@code open_load_fresh_btf}
 *       loads against a kernel BTF parsed just before (not timed: add {@code vmlinux_btf}), whose
 *       name index is not built yet, as every libbpf load is.</li>
 *   <li>{@code vmlinux_btf}: mean of N fresh parses of /sys/kernel/btf/vmlinux.</li>
 *   <li>{@code relocate}: mean of N resolutions + patches of every relocation against a freshly
 *       parsed kernel BTF (no name index yet: what a load right after the parse does);
 *       {@code relocate_indexed}: against a BTF whose name index is built.</li>
 *   <li>{@code cold_*}: the same phases the first time in this JVM (class loading and the
 *       interpreter included).</li>
 *   <li>{@code relocate_allocated}, {@code open_load_allocated}: bytes the thread allocates.</li>
 *   <li>memory, in a fresh JVM per object: {@code rss_growth} = peak RSS (VmHWM) after
 *       read + load minus before, {@code retained} = heap in use after a full GC with the object
 *       still loaded minus before (the kernel BTF, cached by {@code Btf.kernel()}, included).</li>
 * </ul>
 *
 * {@code core-relocs --child OBJ} is the child's side of the memory measurement.
 */
final class CoreRelocsBench {
    private CoreRelocsBench() {}

    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static void run(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("--child")) {
            child(Path.of(args[1]));
            return;
        }
        if (args.length < 2) {
            System.err.println("usage: bpf4j-bench core-relocs CORE_OBJ NOCORE_OBJ [--iterations N]");
            System.exit(2);
        }
        Path core = Path.of(args[0]), nocore = Path.of(args[1]);
        int iterations = (int) Results.arg(args, "--iterations", 100);

        // memory first, each object in a fresh JVM
        long[] memCore = memory(core), memNocore = memory(nocore);

        // cold: the first time in this JVM
        long t0 = System.nanoTime();
        Btf fresh = Btf.read(VMLINUX);
        long t1 = System.nanoTime();
        ObjectSpec spec = ObjectSpec.read(core);
        long a0 = allocated();
        long t2 = System.nanoTime();
        List<CoreRelocation> relocs = spec.resolveCore(CoreTargets.of(fresh));
        long t3 = System.nanoTime();
        long a1 = allocated();
        int n = relocs.size();
        for (CoreRelocation r : relocs) {
            if (r.outcome() != CoreRelocation.Outcome.PATCHED) throw new AssertionError("not patched: " + r);
        }
        if (n == 0) throw new AssertionError(core + " has no CO-RE relocation");
        if (!ObjectSpec.read(nocore).resolveCore(CoreTargets.of(fresh)).isEmpty()) {
            throw new AssertionError(nocore + " has CO-RE relocations; is it really built without CO-RE?");
        }
        long c0 = System.nanoTime();
        try (BpfObject o = ObjectSpec.read(core).load()) {
            if (o.programs().isEmpty()) throw new AssertionError("no program loaded");
        }
        long c1 = System.nanoTime();

        // warm
        for (int i = 0; i < 10; i++) {
            cycle(core, null);
            cycle(nocore, null);
            ObjectSpec.read(core).resolveCore(CoreTargets.of(Btf.read(VMLINUX)));
        }
        double sumCore = 0, sumNocore = 0, sumFresh = 0, sumBtf = 0, sumRelo = 0, sumReloIndexed = 0;
        double[] mCore = new double[iterations], mNocore = new double[iterations], mBtf = new double[iterations],
                mRelo = new double[iterations];
        long allocRelo = 0, allocLoad = 0;
        Btf indexed = Btf.read(VMLINUX);
        ObjectSpec.read(core).resolveCore(CoreTargets.of(indexed));
        for (int i = 0; i < 20; i++) indexed.findByEssentialName("task_struct", null); // past the scanned lookups
        for (int it = 0; it < iterations; it++) {
            long la = allocated();
            sumCore += mCore[it] = cycle(core, null);
            allocLoad += allocated() - la;
            sumNocore += mNocore[it] = cycle(nocore, null);
            long b0 = System.nanoTime();
            Btf b = Btf.read(VMLINUX);
            sumBtf += mBtf[it] = Results.ms(System.nanoTime() - b0);
            sumFresh += cycle(core, b);
            Btf b2 = Btf.read(VMLINUX);
            ObjectSpec s = ObjectSpec.read(core);
            long ra = allocated();
            long r0 = System.nanoTime();
            s.resolveCore(CoreTargets.of(b2));
            long r1 = System.nanoTime();
            allocRelo += allocated() - ra;
            sumRelo += mRelo[it] = Results.ms(r1 - r0);
            long i0 = System.nanoTime();
            s.resolveCore(CoreTargets.of(indexed));
            sumReloIndexed += Results.ms(System.nanoTime() - i0);
        }
        Results.note("core-relocs: " + core + " (" + n + " CO-RE relocation" + (n == 1 ? "" : "s") + ") vs " + nocore
                + ", means of " + iterations + " cycles; cold = first time in this JVM; open_load uses the process's"
                + " kernel BTF (parsed once), open_load_fresh_btf one parsed just before (parse not included)");
        Results.result("core-relocs", "open_load", sumCore / iterations, "ms");
        Results.result("core-relocs", "open_load_nocore", sumNocore / iterations, "ms");
        Results.result("core-relocs", "by_difference", (sumCore - sumNocore) / iterations, "ms");
        Results.result("core-relocs", "open_load_fresh_btf", sumFresh / iterations, "ms");
        Results.result("core-relocs", "vmlinux_btf", sumBtf / iterations, "ms");
        Results.result("core-relocs", "relocate", sumRelo / iterations, "ms");
        Results.result("core-relocs", "relocate_indexed", sumReloIndexed / iterations, "ms");
        Results.result("core-relocs", "open_load_median", Results.stats(mCore)[1], "ms");
        Results.result("core-relocs", "open_load_nocore_median", Results.stats(mNocore)[1], "ms");
        Results.result("core-relocs", "vmlinux_btf_median", Results.stats(mBtf)[1], "ms");
        Results.result("core-relocs", "relocate_median", Results.stats(mRelo)[1], "ms");
        Results.result("core-relocs", "relocate_allocated", (double) allocRelo / iterations, "bytes");
        Results.result("core-relocs", "open_load_allocated", (double) allocLoad / iterations, "bytes");
        Results.result("core-relocs", "cold_vmlinux_btf", Results.ms(t1 - t0), "ms");
        Results.result("core-relocs", "cold_relocate", Results.ms(t3 - t2), "ms");
        Results.result("core-relocs", "cold_relocate_allocated", a1 - a0, "bytes");
        Results.result("core-relocs", "cold_open_load", Results.ms(c1 - c0), "ms");
        Results.result("core-relocs", "rss_growth", memCore[0], "bytes");
        Results.result("core-relocs", "rss_growth_nocore", memNocore[0], "bytes");
        Results.result("core-relocs", "retained", memCore[1], "bytes");
        Results.result("core-relocs", "retained_nocore", memNocore[1], "bytes");
    }

    /** One read + load + close in ms; {@code btf} null: the process's kernel BTF (Btf.kernel()). */
    private static double cycle(Path obj, Btf btf) {
        long t0 = System.nanoTime();
        ObjectSpec spec = ObjectSpec.read(obj);
        try (BpfObject o = spec.load(btf == null ? LoadOptions.defaults() : LoadOptions.defaults().withTargetBtf(btf))) {
            if (o.programs().isEmpty()) throw new AssertionError();
        }
        return Results.ms(System.nanoTime() - t0);
    }

    private static long allocated() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().threadId());
    }

    /** {rss growth, retained} of one read + load of {@code obj} in a fresh JVM. */
    private static long[] memory(Path obj) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Bench.class.getName(), "core-relocs", "--child",
                obj.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) throw new AssertionError("memory measurement of " + obj + " failed: " + out);
        String[] f = out.split(" ");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    }

    private static void child(Path obj) throws IOException {
        long heap0 = heapAfterGc();
        long rss0 = hwm();
        ObjectSpec spec = ObjectSpec.read(obj);
        BpfObject o = spec.load();
        long rss1 = hwm();
        long heap1 = heapAfterGc();
        System.out.println((rss1 - rss0) + " " + (heap1 - heap0));
        o.close();
    }

    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Peak resident set size (VmHWM) in bytes. */
    private static long hwm() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        throw new IOException("no VmHWM in /proc/self/status");
    }
}
