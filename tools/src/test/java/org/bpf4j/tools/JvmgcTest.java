package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
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
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code bpf4j jvmgc -p PID} on a test JVM (this JDK's libjvm.so and its USDT probes) that calls System.gc() N times. */
class JvmgcTest {
    /** A {@link JvmLoop} child JVM: started, told to go, waited for, ended. */
    static final class Target implements AutoCloseable {
        final Process jvm;
        final BufferedReader in;

        Target(List<String> jvmOptions, String... args) throws Exception {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmOptions);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), JvmLoop.class.getName()));
            cmd.addAll(List.of(args));
            jvm = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            in = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", in.readLine());
        }

        String pid() {
            return Long.toString(jvm.pid());
        }

        /** Lets it do its work and waits until it has. */
        void go() throws Exception {
            go("go");
        }

        /** One round of work, with {@code line} as its input line. */
        void go(String line) throws Exception {
            Writer w = new OutputStreamWriter(jvm.getOutputStream(), StandardCharsets.UTF_8);
            w.write(line + "\n");
            w.flush();
            assertEquals("done", in.readLine());
        }

        @Override
        public void close() throws Exception {
            jvm.getOutputStream().close();
            if (!jvm.waitFor(30, TimeUnit.SECONDS)) {
                jvm.destroyForcibly();
                fail("the test JVM did not end");
            }
        }
    }

    /** Waits until {@code r}'s output has {@code n} lines with {@code marker} (or 30 s), then a little more for strays. */
    static void awaitLines(SyscountTest.Running r, String marker, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (ExecsnoopTest.linesWith(r.output(), marker).size() < n && System.currentTimeMillis() < deadline) {
            if (!r.thread.isAlive()) fail("the tool ended: " + r.output() + r.errBuf);
            Thread.sleep(20);
        }
        Thread.sleep(300);
    }

    static final String HEADER = "Tracing JVM garbage collections... Hit Ctrl-C to end.\n" + Jvmgc.HEADER;

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /**
     * Twelve System.gc() calls of a Serial GC JVM: exactly twelve lines, each a full collection
     * by Serial's full collector (MarkSweepCompact) in the JVM's pid, with the heap used before
     * and after; on exit the histogram counts twelve pauses.
     */
    /** A collection in the JVM's own log: {@code GC(3) Pause Full (System.gc()) 4M->1M(61M) 12.345ms}. */
    static final java.util.regex.Pattern LOGGED = java.util.regex.Pattern.compile(
            "\\[gc\\] GC\\(\\d+\\) Pause Full \\(System.gc\\(\\)\\) (\\d+)M->(\\d+)M\\(\\d+M\\) (\\d+)\\.(\\d{3})ms");

    /**
     * Twelve System.gc() calls of a Serial GC JVM: exactly twelve lines, each a full collection
     * by Serial's full collector (MarkSweepCompact) in the JVM's pid; beside the JVM's own log
     * ({@code -Xlog:gc}) of the same twelve, in order, the heap before and after within a MB of
     * the log's (which truncates to MB) and a pause no shorter than the log's (the probes enclose
     * the pause it times) and at most 50 ms longer; on exit the histogram counts twelve pauses.
     */
    @Test
    void reportsEachCollectionBesideTheJvmLog(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        int n = 12;
        Path log = dir.resolve("gc.log");
        SyscountTest.Running gc;
        String pid;
        try (Target t = new Target(List.of("-XX:+UseSerialGC", "-Xmx64m", "-Xlog:gc:file=" + log), "gc", Integer.toString(n))) {
            pid = t.pid();
            gc = new SyscountTest.Running("jvmgc", "-p", pid);
            gc.awaitOutput(HEADER, 60_000);
            t.go();
            awaitLines(gc, " " + pid + " ", n);
            assertEquals(0, ExecsnoopTest.stop(gc), gc.errBuf.toString());
        }
        String out = gc.output();
        assertTrue(out.startsWith(HEADER), out);
        List<String> lines = ExecsnoopTest.linesWith(out, " " + pid + " ");
        assertEquals(n, lines.size(), out);
        List<java.util.regex.Matcher> logged = Files.readAllLines(log).stream().map(LOGGED::matcher)
                .filter(java.util.regex.Matcher::find).toList();
        assertEquals(n, logged.size(), "the JVM's log: " + Files.readString(log));
        for (int i = 0; i < n; i++) {
            String line = lines.get(i);
            assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d " + pid + " +\\d+ +full  MarkSweepCompact +\\d+ +\\d+ +\\d+"), line);
            String[] f = line.trim().split(" +");
            long before = Long.parseLong(f[5]), after = Long.parseLong(f[6]), us = Long.parseLong(f[7]);
            java.util.regex.Matcher m = logged.get(i);
            String both = line + " / " + m.group();
            assertTrue(Math.abs(before / 1024 - Long.parseLong(m.group(1))) <= 1, "heap before: " + both);
            assertTrue(Math.abs(after / 1024 - Long.parseLong(m.group(2))) <= 1, "heap after: " + both);
            long logUs = Long.parseLong(m.group(3)) * 1000 + Long.parseLong(m.group(4));
            assertTrue(us >= logUs - 1 && us <= logUs + 50_000, "pause: " + both);
        }
        String hist = out.substring(out.indexOf("     usecs"));
        int counted = 0;
        for (String l : hist.lines().skip(1).toList()) counted += Integer.parseInt(l.split(":")[1].trim().split(" ")[0]);
        assertEquals(n, counted, hist);
    }

    /** --json: one object per collection and the histogram's object last, in milliseconds with -m. */
    @Test
    void jsonHasOneObjectPerCollection() throws Exception {
        int n = 3;
        try (Target t = new Target(List.of("-XX:+UseSerialGC", "-Xmx64m"), "gc", Integer.toString(n))) {
            String pid = t.pid();
            SyscountTest.Running gc = new SyscountTest.Running("jvmgc", "-p", pid, "--json", "-m");
            // no header in JSON: one collection a round until the tool sees one, then the N counted
            String marker = "\"pid\":" + pid + ",";
            long deadline = System.currentTimeMillis() + 60_000;
            while (ExecsnoopTest.linesWith(gc.output(), marker).isEmpty()) {
                if (System.currentTimeMillis() > deadline || !gc.thread.isAlive()) fail("no collection seen: " + gc.output() + gc.errBuf);
                t.go("1");
                Thread.sleep(100);
            }
            Thread.sleep(300);
            int before = ExecsnoopTest.linesWith(gc.output(), marker).size();
            t.go();
            awaitLines(gc, marker, before + n);
            assertEquals(0, ExecsnoopTest.stop(gc), gc.errBuf.toString());
            List<String> lines = gc.output().lines().toList();
            assertEquals(before + n + 1, lines.size(), gc.output());
            for (String l : lines.subList(0, before + n)) {
                assertTrue(l.matches("\\{\"time\":\"[0-9:]{8}\",\"pid\":" + pid + ",\"tid\":\\d+,\"cpu\":\\d+,\"kind\":\"full\","
                        + "\"collector\":\"MarkSweepCompact\",\"pools\":\\d+,\"before_bytes\":\\d+,\"after_bytes\":\\d+,\"pause_us\":\\d+}"), l);
            }
            String hist = lines.get(before + n);
            assertTrue(hist.startsWith("{\"unit\":\"msecs\",\"pauses\":[{\"low\":"), hist);
            assertEquals(before + n, java.util.regex.Pattern.compile("\"count\":(\\d+)").matcher(hist).results()
                    .mapToInt(m -> Integer.parseInt(m.group(1))).sum(), hist);
        }
    }

    @Test
    void badInputIsOneLine() throws Exception {
        for (String[] args : List.of(new String[] {"jvmgc", "-p", "1"}, new String[] {"jvmgc", "-t", "x"})) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            PrintStream o = new PrintStream(buf, true, StandardCharsets.UTF_8);
            assertTrue(Main.run(args, o, o) != 0);
            String text = buf.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("process 1 is not a JVM") || text.contains("Invalid time: x"), text);
            assertTrue(text.lines().count() <= 3, text); // a usage error adds argp's usage and "Try" lines
            assertTrue(!text.contains("Exception"), text);
        }
    }
}
