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

    @Test
    void nanosleepTimeWithKernelStackThroughSchedule() throws Exception {
        ProfileTest.gcc(dir, "-O1", "-g", "-fno-omit-frame-pointer", "-o", "sleeper",
                Path.of("src/test/c/sleeper.c").toAbsolutePath().toString());
        Process child = new ProcessBuilder(dir.resolve("sleeper").toString()).start();
        try {
            int before = tracingLinks();
            SyscountTest.Running r = new SyscountTest.Running("offcputime", "-p", Long.toString(child.pid()), "-f", "60");
            long deadline = System.currentTimeMillis() + 60_000;
            while (tracingLinks() <= before) {
                if (!r.thread.isAlive()) fail("offcputime ended: " + r.output() + r.errBuf);
                if (System.currentTimeMillis() > deadline) fail("offcputime not attached after 60 s");
                Thread.sleep(10);
            }
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
