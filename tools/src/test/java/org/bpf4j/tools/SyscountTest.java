package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("matrix")
class SyscountTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /** Output of a command running in a background thread. */
    static final class Running {
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        final ByteArrayOutputStream errBuf = new ByteArrayOutputStream();
        final PrintStream err = new PrintStream(errBuf, true, StandardCharsets.UTF_8);
        final int[] status = {-1};
        final Thread thread;

        Running(String... args) {
            thread = new Thread(() -> status[0] = Main.run(args, out, err), "bpf4j " + String.join(" ", args));
            thread.start();
        }

        synchronized String output() {
            return buf.toString(StandardCharsets.UTF_8);
        }

        void awaitOutput(String text, long millis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + millis;
            while (!output().contains(text)) {
                if (!thread.isAlive()) fail("command ended before printing '" + text + "': " + output() + errBuf);
                if (System.currentTimeMillis() > deadline) fail("no '" + text + "' after " + millis + " ms: " + output());
                Thread.sleep(5);
            }
        }

        int join(long millis) throws InterruptedException {
            thread.join(millis);
            if (thread.isAlive()) {
                StringBuilder st = new StringBuilder();
                for (StackTraceElement e : thread.getStackTrace()) st.append("\n  at ").append(e);
                fail("command still running after " + millis + " ms: " + output() + st);
            }
            return status[0];
        }
    }

    static Process startGetppidChild(int n) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), GetppidLoop.class.getName(), Integer.toString(n)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (!"ready".equals(line)) fail("child said " + line);
        return p;
    }

    @Test
    void countsExactlyTheGetppidCallsOfOnePid() throws Exception {
        // under QEMU's TCG (the kernel matrix) a traced getppid costs ~50 us on 6.12: fewer calls and a
        // longer run there, so the child ends well inside syscount's duration (78474 of 100000 in 4 s)
        boolean vm = "1".equals(System.getenv("BPF4J_IN_VM"));
        int n = vm ? 20_000 : 100_000;
        Process child = startGetppidChild(n);
        try {
            Running sc = new Running("syscount", "-p", Long.toString(child.pid()), "-d", vm ? "10" : "4", "-T", "50");
            sc.awaitOutput("Tracing syscalls, printing top 50... Ctrl+C to quit.\n", 20_000);

            // while syscount runs, this JVM maps no native library but libc's and the JDK's own
            assertOnlyLibcAndJdkLibraries();

            Writer w = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
            w.write("go\n");
            w.flush();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child finished");
            assertEquals(0, sc.join(60_000), sc.errBuf.toString());

            String out = sc.output();
            Matcher ts = Pattern.compile("(?m)^\\[\\d\\d:\\d\\d:\\d\\d\\]$").matcher(out);
            assertTrue(ts.find(), "a [HH:MM:SS] line: " + out);
            assertTrue(out.contains("SYSCALL                   COUNT\n"), "libbpf-tools' header: " + out);
            Matcher m = Pattern.compile("(?m)^getppid\\s+(\\d+)$").matcher(out);
            assertTrue(m.find(), "a getppid line: " + out);
            long count = Long.parseLong(m.group(1));
            assertTrue(count >= n && count < n + 100, "getppid counted " + count + " times for " + n + " calls");
        } finally {
            child.destroyForcibly();
        }
    }

    /** -x, -e ENOENT and -P -e 2 on a child whose only failures are exactly n openat ENOENT. */
    @Test
    void countsExactlyTheFailuresOfOnePid(@TempDir Path dir) throws Exception {
        int n = 300;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                FailLoop.class.getName(), dir.resolve("missing").toString(), Integer.toString(n)).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", r.readLine());
            String pid = Long.toString(child.pid());
            Running failed = new Running("syscount", "-x", "-p", pid, "-T", "50");
            Running enoent = new Running("syscount", "-e", "ENOENT", "-p", pid, "-T", "50");
            Running byProcess = new Running("syscount", "-P", "-e", "2", "-p", pid);
            for (Running sc : List.of(failed, enoent, byProcess)) sc.awaitOutput("Ctrl+C to quit.\n", 20_000);
            Writer w = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
            w.write("go\n");
            w.flush();
            assertEquals("done", r.readLine());
            for (Running sc : List.of(failed, enoent, byProcess)) {
                sc.thread.interrupt();
                assertEquals(0, sc.join(60_000), sc.errBuf.toString());
            }
            assertEquals(n, row(failed.output(), "openat"), failed.output());
            assertEquals(n, row(enoent.output(), "openat"), enoent.output());
            assertTrue(enoent.output().contains("SYSCALL                   COUNT\n"), enoent.output());
            assertTrue(byProcess.output().contains("PID    COMM               COUNT\n"), byProcess.output());
            Matcher m = Pattern.compile("(?m)^" + pid + " +\\S.{0,14} +(\\d+)$").matcher(byProcess.output());
            assertTrue(m.find(), byProcess.output());
            assertEquals(n, Long.parseLong(m.group(1)), byProcess.output());
            w.write("exit\n");
            w.flush();
        } finally {
            child.destroyForcibly();
        }
    }

    private static long row(String out, String syscall) {
        Matcher m = Pattern.compile("(?m)^" + syscall + " +(\\d+)$").matcher(out);
        assertTrue(m.find(), "a " + syscall + " row: " + out);
        return Long.parseLong(m.group(1));
    }

    static void assertOnlyLibcAndJdkLibraries() throws IOException {
        String javaHome = Path.of(System.getProperty("java.home")).toRealPath().toString();
        List<String> unexpected = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int slash = line.indexOf('/');
            if (slash < 0) continue;
            String path = line.substring(slash);
            String file = path.substring(path.lastIndexOf('/') + 1);
            if (!file.contains(".so")) continue;
            if (path.startsWith(javaHome)) continue;
            // glibc: libc, the dynamic loader, and the parts libjvm links (libm, libdl, libpthread, librt)
            if (file.matches("(libc|ld-linux-x86-64|ld-linux-aarch64|libm|libdl|libpthread|librt)[.-].*")) continue;
            unexpected.add(path);
        }
        assertEquals(List.of(), unexpected.stream().distinct().toList(),
                "native libraries other than libc and the JDK's (no libbpf, nothing of bpf4j)");
    }
}
