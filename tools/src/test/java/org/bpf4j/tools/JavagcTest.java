package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bpf4j javagc -p PID} on a test JVM (this JDK, HotSpot's USDT probes in its libjvm.so)
 * that calls System.gc() a known number of times, beside Debian's libbpf-tools javagc.
 */
class JavagcTest {
    static final String HEADER = "Tracing javagc time... Hit Ctrl-C to end.\nTIME     CPU     PID     GC TIME\n";

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /**
     * Twelve System.gc() calls of a Serial GC JVM: javagc prints exactly twelve lines, each with
     * the JVM's pid and a time in microseconds; libbpf-tools' javagc, attached at the same time,
     * prints the same headers and as many lines, with the same PID column.
     */
    @Test
    void reportsEachCollectionOfTheJvm() throws Exception {
        int n = 12;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                GcLoop.class.getName(), Integer.toString(n)).redirectErrorStream(true).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        ExecsnoopTest.Oracle oracle = null;
        try {
            assertEquals("ready", in.readLine());
            String pid = Long.toString(jvm.pid());
            if (Files.isExecutable(Path.of("/usr/sbin/javagc")) && Files.isExecutable(Path.of("/usr/bin/stdbuf"))) {
                oracle = new ExecsnoopTest.Oracle("/usr/sbin/javagc", "-p", pid, "-t", "0");
            }
            // -t 0: every collection (both tools print only those over 1000 us by default)
            SyscountTest.Running gc = new SyscountTest.Running("javagc", "-p", pid, "-t", "0");
            gc.awaitOutput(HEADER, 60_000);
            if (oracle != null) oracle.await(l -> l.startsWith("TIME "), 1, 30_000); // attached once it printed its header
            Writer w = new OutputStreamWriter(jvm.getOutputStream(), StandardCharsets.UTF_8);
            w.write("go\n");
            w.flush();
            assertEquals("done", in.readLine());
            long deadline = System.currentTimeMillis() + 30_000;
            while (ExecsnoopTest.linesWith(gc.output(), " " + pid + " ").size() < n && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(300);
            assertEquals(0, ExecsnoopTest.stop(gc), gc.errBuf.toString());
            assertTrue(gc.output().startsWith(HEADER), gc.output());
            List<String> lines = gc.output().substring(HEADER.length()).lines().toList();
            assertEquals(n, lines.size(), gc.output());
            for (String line : lines) {
                assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d \\d+ +" + pid + " +\\d+ *"), line);
                assertEquals(pid, line.substring(17, 24).trim(), line);
                assertTrue(Long.parseLong(line.substring(25).trim()) < 10_000_000, "a collection under 10 s: " + line);
            }
            if (oracle != null) {
                List<String> theirs = oracle.await(l -> l.length() > 24 && l.substring(17, 24).trim().equals(pid), n, 30_000);
                assertEquals(HEADER.substring(0, HEADER.indexOf('\n')), oracle.lines.peek(), "libbpf-tools' first line");
                assertTrue(oracle.lines.contains(HEADER.substring(HEADER.indexOf('\n') + 1).strip()), "libbpf-tools' column header");
                assertEquals(n, theirs.size(), "libbpf-tools' javagc lines: " + theirs);
            }
        } finally {
            if (oracle != null) oracle.close();
            jvm.getOutputStream().close();
            if (!jvm.waitFor(30, TimeUnit.SECONDS)) {
                jvm.destroyForcibly();
                fail("the test JVM did not end");
            }
        }
    }

    @Test
    void aProcessThatIsNoJvmIsOneLine() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream o = new java.io.PrintStream(out, true, StandardCharsets.UTF_8);
        int status = Main.run(new String[] {"javagc", "-p", "1"}, o, o);
        assertTrue(status != 0);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.lines().count(), text);
        assertTrue(text.contains("process 1 is not a JVM"), text);
    }
}
