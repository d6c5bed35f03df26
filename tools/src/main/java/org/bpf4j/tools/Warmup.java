package org.bpf4j.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.Signals;
import org.bpf4j.btf.Btf;

/**
 * Start-up overlap: while the main thread reads options and parses the tool's BPF object, a
 * background thread brings up the FFM downcall (its first creation costs milliseconds) and
 * parses the kernel BTF that CO-RE will need. Both are shared, lazily initialised, thread-safe
 * singletons, so the main thread simply finds them ready (or waits for them).
 */
final class Warmup {
    private Warmup() {}

    /** Milliseconds since the launcher started, when it says (BPF4J_TRACE_STARTUP=1). */
    static void trace(String what) {
        String t0 = System.getProperty("bpf4j.t0");
        if (t0 == null) return;
        long now = java.time.Instant.now().toEpochMilli() * 1_000_000L;
        String cpu = "";
        try {
            String[] f = Files.readString(Path.of("/proc/self/stat")).split(" ");
            cpu = " (process CPU " + (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10 + " ms)";
        } catch (IOException | RuntimeException ignored) {
            // tracing only
        }
        System.err.println("bpf4j: " + what + " at " + (now - Long.parseLong(t0)) / 1_000_000.0 + " ms" + cpu);
    }

    /** @param types the kernel types the tool's CO-RE relocations will look up (warms that path) */
    static void start(String... types) {
        // two threads: on two CPUs the FFM set-up and the BTF parse each take about as long as
        // the main thread's own work (options, the tool's object), so all three overlap
        daemon("bpf4j-ffm", () -> {
            Signals.ignored(Signals.SIGINT);
            trace("FFM ready");
        });
        if (Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
            daemon("bpf4j-btf", () -> {
                try {
                    Btf k = Btf.kernel();
                    trace("kernel BTF parsed");
                    for (String t : types) k.findByEssentialName(t, null);
                    trace("kernel BTF looked up");
                } catch (RuntimeException ignored) {
                    // the main thread meets the same error where it matters, with context
                }
            });
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
