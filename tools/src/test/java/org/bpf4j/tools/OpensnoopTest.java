package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bpf4j opensnoop} on the real kernel, through a ring buffer and a perf buffer: exact counts per process and libbpf-tools' output. */
class OpensnoopTest {
    static final String HEADER = "PID    COMM              FD ERR PATH\n";

    @TempDir
    Path dir;

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    static Process startOpenLoop(Path file, Path missing, int n, int m) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                OpenLoop.class.getName(), file.toString(), missing.toString(), Integer.toString(n), Integer.toString(m))
                .redirectErrorStream(true).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"ready".equals(line)) fail("child said " + line);
        return p;
    }

    static void go(Process p) throws Exception {
        Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        w.write("go\n");
        w.flush();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child finished");
        assertEquals(0, p.exitValue());
    }

    /**
     * A child process opens a file 300 times and a missing path 200 times: with {@code -p} its
     * lines are exactly those, with the child's pid, a file descriptor for the first and
     * {@code -1 2} (ENOENT) for the others; with {@code -x} only the failures. The first run
     * reads a ring buffer (this kernel has them), the second the perf buffer of older kernels.
     */
    @Test
    void reportsEveryOpenOfOneProcessExactly() throws Exception {
        Path file = Files.writeString(dir.resolve("opened-" + UUID.randomUUID()), "x");
        Path missing = dir.resolve("missing-" + UUID.randomUUID());
        for (boolean failedOnly : new boolean[] {false, true}) {
            Process child = startOpenLoop(file, missing, 300, 200);
            try {
                List<String> args = new ArrayList<>(List.of("opensnoop", "-p", Long.toString(child.pid())));
                if (failedOnly) args.add("-x");
                if (failedOnly) System.setProperty("bpf4j.perfbuffer", "true");
                SyscountTest.Running os = new SyscountTest.Running(args.toArray(String[]::new));
                os.awaitOutput(HEADER, 30_000);
                System.clearProperty("bpf4j.perfbuffer");
                go(child);
                int want = failedOnly ? 200 : 500;
                long deadline = System.currentTimeMillis() + 30_000;
                while (ExecsnoopTest.linesWith(os.output(), dir.toString()).size() < want
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(200);
                assertEquals(0, ExecsnoopTest.stop(os), os.errBuf.toString());
                Files.writeString(Path.of("/tmp/opensnoop-test-" + failedOnly + ".txt"), os.output());
                int ok = 0, enoent = 0;
                for (String line : ExecsnoopTest.linesWith(os.output(), dir.toString())) {
                    String[] f = line.trim().split(" +");
                    assertEquals(Long.toString(child.pid()), f[0], line);
                    if (f[4].equals(file.toString()) && Integer.parseInt(f[2]) >= 0 && f[3].equals("0")) ok++;
                    else if (f[4].equals(missing.toString()) && f[2].equals("-1") && f[3].equals("2")) enoent++;
                    else fail("unexpected line: " + line);
                }
                assertEquals(failedOnly ? 0 : 300, ok, "successful opens" + (failedOnly ? " with -x" : "") + "; stderr: "
                        + os.errBuf);
                assertEquals(200, enoent, "failed opens");
                for (String line : os.output().split("\n")) {
                    if (line.equals(HEADER.trim())) continue;
                    assertTrue(line.trim().startsWith(child.pid() + " "), "-p lets only the child through: " + line);
                }
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void durationEndsTracing() throws Exception {
        long t0 = System.nanoTime();
        SyscountTest.Running os = new SyscountTest.Running("opensnoop", "-d", "1", "-p", "1");
        assertEquals(0, os.join(60_000), os.errBuf.toString());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(os.output().startsWith(HEADER), os.output());
        assertTrue(ms >= 1000, "ended after " + ms + " ms");
    }

    /** The same opens through libbpf-tools' opensnoop and bpf4j's, with several option sets: the same bytes. */
    @Test
    void printsWhatLibbpfToolsOpensnoopPrints() throws Exception {
        KernelTests.require(Files.isExecutable(Path.of("/usr/sbin/opensnoop")), "no /usr/sbin/opensnoop (libbpf-tools)");
        KernelTests.require(Files.isExecutable(Path.of("/usr/bin/stdbuf")), "no stdbuf (coreutils)");
        Path file = Files.writeString(dir.resolve("oracle-" + UUID.randomUUID()), "x");
        Path missing = dir.resolve("oracle-missing-" + UUID.randomUUID());
        String[][] variants = {{"-n", "cat"}, {"-x", "-e", "-U", "-n", "cat"}};
        for (String[] opts : variants) {
            List<String> cmd = new ArrayList<>(List.of("/usr/sbin/opensnoop"));
            cmd.addAll(List.of(opts));
            List<String> args = new ArrayList<>(List.of("opensnoop"));
            args.addAll(List.of(opts));
            try (ExecsnoopTest.Oracle oracle = new ExecsnoopTest.Oracle(cmd.toArray(String[]::new))) {
                SyscountTest.Running os = new SyscountTest.Running(args.toArray(String[]::new));
                os.awaitOutput("PATH\n", 30_000);
                new ProcessBuilder("/bin/cat", file.toString(), missing.toString(), file.toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start().waitFor();
                int expected = opts[0].equals("-x") ? 1 : 3;
                String marker = dir.toString();
                long deadline = System.currentTimeMillis() + 30_000;
                while (ExecsnoopTest.linesWith(os.output(), marker).size() < expected
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                List<String> theirs = oracle.await(l -> l.contains(marker), expected, 30_000);
                assertEquals(0, ExecsnoopTest.stop(os), os.errBuf.toString());
                assertEquals(oracle.lines.peek(), os.output().substring(0, os.output().indexOf('\n')), "header");
                List<String> ours = ExecsnoopTest.linesWith(os.output(), marker);
                assertEquals(expected, ours.size(), os.output());
                assertEquals(theirs, ours, String.join(" ", opts));
            }
        }
    }
}
