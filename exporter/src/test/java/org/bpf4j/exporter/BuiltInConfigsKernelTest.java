package org.bpf4j.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.bpf4j.sys.Native;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ready configs shipped in the jar (syscount, biolatency, runqlat), found by name without a
 * config directory, under exact workloads: calls of a system call number no kernel has, direct
 * writes to a loop device the test makes, and a thread's sleeps.
 */
class BuiltInConfigsKernelTest {
    static CountDownLatch stop;
    static Thread server;
    static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        KernelTests.requireKernel();
        ExporterKernelTest.port = ExporterKernelTest.freePort();
        var o = ExporterCommand.parse(new String[] {"exporter", "--config.names", "syscount,biolatency,runqlat",
                "--web.listen-address", "127.0.0.1:" + ExporterKernelTest.port});
        stop = new CountDownLatch(1);
        PrintStream log = new PrintStream(LOG, true, StandardCharsets.UTF_8);
        server = Thread.ofPlatform().name("exporter").start(() -> ExporterCommand.serve(o, log, log, stop));
        for (int i = 0; i < 200; i++) {
            try {
                ExporterKernelTest.get("/metrics");
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the exporter did not start: " + LOG);
    }

    @AfterAll
    static void end() throws InterruptedException {
        if (stop == null) return;
        stop.countDown();
        server.join(30_000);
    }

    static String metrics() throws Exception {
        return ExporterKernelTest.get("/metrics");
    }

    @Test
    void allThreeLoad() throws Exception {
        String text = metrics();
        for (String n : Config.BUILT_IN) assertEquals(1.0, ExporterKernelTest.value(text, "ebpf_exporter_enabled_configs", "name", n), LOG.toString());
    }

    @Test
    void syscountCountsEachCall() throws Exception {
        // no kernel has system call 1000: nothing else on the machine makes it, and it fails with ENOSYS
        String name = "ebpf_exporter_syscount_calls_total", label = "unknown_syscall:1000";
        double before = ExporterKernelTest.value(metrics(), name, "syscall", label);
        for (int i = 0; i < 4321; i++) assertEquals(-38, Native.call(1000, 0));
        assertEquals(before + 4321, ExporterKernelTest.value(metrics(), name, "syscall", label));
        String text = metrics();
        assertTrue(ExporterKernelTest.value(text, name, "syscall", "getpid") >= 0);
        assertTrue(ExporterKernelTest.value(text, "ebpf_exporter_syscount_errors_total", "errno", "ENOSYS") >= 4321, text);
    }

    /** The cumulative buckets (le -> count) of a histogram's series with the given labels. */
    static Map<Double, Double> buckets(String text, String name, Map<String, String> labels) {
        Map<Double, Double> out = new TreeMap<>();
        for (var s : ExporterKernelTest.samples(text, name + "_bucket")) {
            Map<String, String> l = new java.util.HashMap<>(s.getKey());
            String le = l.remove("le");
            if (l.equals(labels)) out.put(Double.parseDouble(le.replace("+Inf", "Infinity")), s.getValue());
        }
        return out;
    }

    static void assertCumulative(Map<Double, Double> b) {
        double prev = 0;
        for (double v : b.values()) {
            assertTrue(v >= prev, b.toString());
            prev = v;
        }
    }

    @Test
    void biolatencyCountsEachWriteOfALoopDevice(@TempDir Path tmp) throws Exception {
        KernelTests.require(Cmd.available("losetup"), "no losetup");
        Path file = tmp.resolve("disk.img");
        try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(16 << 20);
        }
        var r = Cmd.run("losetup", "--find", "--show", file.toString());
        KernelTests.require(r.status() == 0, "losetup: " + r.err());
        String dev = r.out().trim();
        try {
            String disk = dev.substring(dev.lastIndexOf('/') + 1);
            Map<String, String> labels = Map.of("device", disk, "operation", "write");
            String name = "ebpf_exporter_biolatency_seconds";
            Map<Double, Double> before = buckets(metrics(), name, labels);
            double count0 = ExporterKernelTest.value(metrics(), name + "_count", "device", disk);
            var dd = Cmd.run("dd", "if=/dev/zero", "of=" + dev, "bs=4096", "count=25", "oflag=direct");
            assertEquals(0, dd.status(), dd.err());
            String text = metrics();
            Map<Double, Double> after = buckets(text, name, labels);
            assertEquals(28 + 1, after.size(), text); // buckets 2^0..2^27 us, and +Inf
            assertCumulative(after);
            double inf = after.get(Double.POSITIVE_INFINITY), inf0 = before.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
            assertEquals(inf0 + 25, inf, text);
            double sum = 0;
            for (var s : ExporterKernelTest.samples(text, name + "_sum")) {
                if (labels.equals(s.getKey())) sum = s.getValue();
            }
            assertTrue(sum > 0, text);
            assertTrue(count0 >= 0);
        } finally {
            Cmd.run("losetup", "-d", dev);
        }
    }

    @Test
    void runqlatSeesEveryWakeUp() throws Exception {
        String name = "ebpf_exporter_runqlat_seconds";
        double before = buckets(metrics(), name, Map.of()).getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            ts.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 200; i++) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        for (Thread t : ts) t.join();
        String text = metrics();
        Map<Double, Double> after = buckets(text, name, Map.of());
        assertEquals(27 + 1, after.size(), text);
        assertCumulative(after);
        // each of the 400 sleeps ends in a wake-up and a switch onto a CPU (the rest of the machine adds more)
        assertTrue(after.get(Double.POSITIVE_INFINITY) >= before + 400, before + " -> " + after);
        assertEquals(Math.pow(2, 26) * 1e-6, after.keySet().stream().filter(Double::isFinite).max(Double::compare).get(), 1e-12);
    }
}
