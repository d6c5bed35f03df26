package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** offcputime -p of a process that sleeps 2 s in nanosleep (src/test/c/sleeper.c, built here). */
class OffcputimeTest {
    @TempDir
    Path dir;

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /** The number of this JVM's BPF links on sched_switch (fdinfo {@code tp_name: sched_switch}). */
    static int tracingLinks() throws IOException {
        int n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fdinfo"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readString(fd).contains("tp_name:\tsched_switch")) n++;
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return n;
    }

    /** The program types (fdinfo {@code prog_type}) of this JVM's BPF program fds. */
    static List<Integer> progTypes() throws IOException {
        List<Integer> types = new java.util.ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fdinfo"))) {
            for (Path fd : fds.toList()) {
                try {
                    for (String l : Files.readAllLines(fd)) {
                        if (l.startsWith("prog_type:")) types.add(Integer.parseInt(l.substring(10).trim()));
                    }
                } catch (IOException | RuntimeException e) {
                    // closed meanwhile
                }
            }
        }
        return types;
    }

    /** BPF_PROG_TYPE_RAW_TRACEPOINT and BPF_PROG_TYPE_TRACING (tp_btf). */
    static final int RAW_TRACEPOINT = 17, TRACING = 26;

    @Test
    void nanosleepTimeWithKernelStackThroughSchedule() throws Exception {
        nanosleep(false);
    }

    /**
     * The raw_tp fallback of kernels without BTF tracepoints, forced here (bpf4j.noTpBtf, as
     * BPF4J_NO_TP_BTF=1 does): raw_tp/sched_switch loads instead of tp_btf, with the same result.
     */
    @Test
    void rawTracepointFallbackGivesTheSameTime() throws Exception {
        System.setProperty("bpf4j.noTpBtf", "true");
        try {
            nanosleep(true);
        } finally {
            System.clearProperty("bpf4j.noTpBtf");
        }
    }

    void nanosleep(boolean raw) throws Exception {
        ProfileTest.gcc(dir, "-O1", "-g", "-fno-omit-frame-pointer", "-o", "sleeper",
                Path.of("src/test/c/sleeper.c").toAbsolutePath().toString());
        Process child = new ProcessBuilder(dir.resolve("sleeper").toString()).start();
        try {
            int before = tracingLinks();
            List<Integer> typesBefore = progTypes();
            SyscountTest.Running r = new SyscountTest.Running("offcputime", "-p", Long.toString(child.pid()), "-f", "60");
            long deadline = System.currentTimeMillis() + 60_000;
            while (tracingLinks() <= before) {
                if (!r.thread.isAlive()) fail("offcputime ended: " + r.output() + r.errBuf);
                if (System.currentTimeMillis() > deadline) fail("offcputime not attached after 60 s");
                Thread.sleep(10);
            }
            // the one program it loaded is of the kind asked for
            List<Integer> types = new java.util.ArrayList<>(progTypes());
            for (Integer t : typesBefore) types.remove(t);
            assertEquals(List.of(raw ? RAW_TRACEPOINT : TRACING), types, r.errBuf.toString());
            OutputStream in = child.getOutputStream();
            in.write("go\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("done", out.readLine());
            r.thread.interrupt();
            assertEquals(0, r.join(60_000), r.errBuf.toString());
            long slept = 0;
            for (String line : r.output().lines().toList()) {
                int sp = line.lastIndexOf(' ');
                List<String> frames = List.of(line.substring(0, sp).split(";"));
                if (frames.stream().anyMatch(f -> f.contains("nanosleep"))) {
                    assertTrue(frames.contains("schedule"), "no schedule in " + line);
                    slept += Long.parseLong(line.substring(sp + 1));
                }
            }
            // 10 x 200 ms, in microseconds, within 10%
            assertTrue(Math.abs(slept - 2_000_000) <= 200_000, "nanosleep time " + slept + " us:\n" + r.output());
        } finally {
            child.destroyForcibly().waitFor();
        }
    }
}
