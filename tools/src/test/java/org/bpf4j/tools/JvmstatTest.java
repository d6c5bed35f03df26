package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code bpf4j jvmstat -p PID} on test JVMs with known work: the counts of the intervals add up to it. */
class JvmstatTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    private static long sum(List<String> lines, ToLongFunction<String> f) {
        return lines.stream().mapToLong(f).sum();
    }

    private static long field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(\\d+|null)").matcher(json);
        if (!m.find()) fail("no " + key + " in " + json);
        return m.group(1).equals("null") ? -1 : Long.parseLong(m.group(1));
    }

    /**
     * A JVM with the method, allocation and monitor probes on that collects 5 times: over the
     * intervals, exactly 5 collections, method calls and allocations counted, no note on stderr.
     */
    @Test
    void countsTheCollectionsAndTheExtendedProbes() throws Exception {
        try (JvmgcTest.Target t = new JvmgcTest.Target(List.of("-XX:+UseSerialGC", "-Xmx64m", "-XX:+DTraceMethodProbes",
                "-XX:+DTraceAllocProbes", "-XX:+DTraceMonitorProbes"), "gc", "5")) {
            String pid = t.pid();
            SyscountTest.Running r = new SyscountTest.Running("jvmstat", "--json", "-p", pid, "1");
            JvmgcTest.awaitLines(r, "\"pid\":" + pid + ",", 1); // attached: the first interval's report
            t.go();
            long deadline = System.currentTimeMillis() + 30_000;
            while (sum(ExecsnoopTest.linesWith(r.output(), "\"pid\":"), l -> field(l, "gc")) < 5 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1200);
            assertEquals(0, ExecsnoopTest.stop(r), r.errBuf.toString());
            List<String> lines = r.output().lines().toList();
            for (String l : lines) {
                assertTrue(l.matches("\\{\"time\":\"[0-9:]{8}\",\"pid\":" + pid + ",\"cmdline\":\"" + JvmLoop.class.getName()
                        + "\",\"gc\":\\d+,\"gc_ms\":\\d+,\"threads_started\":\\d+,\"threads_stopped\":\\d+,\"classes_loaded\":\\d+,"
                        + "\"classes_unloaded\":\\d+,\"compilations\":\\d+,\"methods\":\\d+,\"objects\":\\d+,\"monitors\":\\d+}"), l);
            }
            assertEquals(5, sum(lines, l -> field(l, "gc")), r.output());
            assertTrue(sum(lines, l -> field(l, "methods")) > 1000, "System.gc() and the loop are method calls: " + r.output());
            assertTrue(sum(lines, l -> field(l, "objects")) > 0, r.output());
            assertEquals("", r.errBuf.toString());
        }
    }

    /**
     * A JVM without those probes that starts 6 threads: the THR+ and THR- columns add up to 6,
     * METHOD, OBJNEW and MONITOR show -, and stderr says why in one line.
     */
    @Test
    void countsThreadsAndSaysWhatIsOff() throws Exception {
        try (JvmgcTest.Target t = new JvmgcTest.Target(List.of("-Xmx64m", "-XX:-UseDynamicNumberOfCompilerThreads"),
                "threads", "6", "bpf4j-stat")) {
            String pid = t.pid();
            SyscountTest.Running r = new SyscountTest.Running("jvmstat", "-C", "-p", pid, "1");
            JvmgcTest.awaitLines(r, Jvmstat.HEADER.strip(), 1);
            t.go();
            Pattern row = Pattern.compile("^" + pid + " +\\S+ +(\\d+) +(\\d+) +(\\d+) +(\\d+) +(\\d+) +(\\d+) +(\\d+) +- +- +-$");
            ToLongFunction<String> started = l -> rowField(row, l, 3), stopped = l -> rowField(row, l, 4);
            long deadline = System.currentTimeMillis() + 30_000;
            while (sum(ExecsnoopTest.linesWith(r.output(), pid + " "), stopped) < 6 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1200);
            assertEquals(0, ExecsnoopTest.stop(r), r.errBuf.toString());
            String out = r.output();
            assertTrue(out.startsWith("Tracing JVMs... Output every 1 secs. Hit Ctrl-C to end.\n\n"), out);
            List<String> rows = out.lines().filter(l -> l.startsWith(pid + " ")).toList();
            for (String l : rows) assertTrue(row.matcher(l).matches(), l);
            assertEquals(6, sum(rows, started), out);
            assertEquals(6, sum(rows, stopped), out);
            String err = r.errBuf.toString();
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.startsWith("METHOD, OBJNEW and MONITOR count only with -XX:+DTraceMethodProbes")
                    && err.strip().endsWith("; shown as - where off: PID " + pid + " (METHOD OBJNEW MONITOR)"), err);
        }
    }

    private static long rowField(Pattern row, String line, int group) {
        Matcher m = row.matcher(line);
        return m.matches() ? Long.parseLong(m.group(group)) : 0;
    }

    /**
     * Without -p, every JVM on the machine: two test JVMs collecting 2 and 3 times are two rows,
     * whose counts add up to 2 and 3; the tool's own JVM is no row.
     */
    @Test
    void everyJvmIsARow() throws Exception {
        try (JvmgcTest.Target a = new JvmgcTest.Target(List.of("-XX:+UseSerialGC", "-Xmx64m"), "gc", "2");
             JvmgcTest.Target b = new JvmgcTest.Target(List.of("-XX:+UseSerialGC", "-Xmx64m"), "gc", "3")) {
            SyscountTest.Running r = new SyscountTest.Running("jvmstat", "--json", "1");
            JvmgcTest.awaitLines(r, "\"pid\":" + b.pid() + ",", 1);
            a.go();
            b.go();
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline && (sum(ExecsnoopTest.linesWith(r.output(), "\"pid\":" + a.pid() + ","), l -> field(l, "gc")) < 2
                    || sum(ExecsnoopTest.linesWith(r.output(), "\"pid\":" + b.pid() + ","), l -> field(l, "gc")) < 3)) {
                Thread.sleep(50);
            }
            Thread.sleep(1200);
            assertEquals(0, ExecsnoopTest.stop(r), r.errBuf.toString());
            String out = r.output();
            assertEquals(2, sum(ExecsnoopTest.linesWith(out, "\"pid\":" + a.pid() + ","), l -> field(l, "gc")), out);
            assertEquals(3, sum(ExecsnoopTest.linesWith(out, "\"pid\":" + b.pid() + ","), l -> field(l, "gc")), out);
            assertEquals(List.of(), ExecsnoopTest.linesWith(out, "\"pid\":" + ProcessHandle.current().pid() + ","), out);
        }
    }

    /** The flags as the JVM reads them, the last word winning, and JAVA_TOOL_OPTIONS before the command line; the main class. */
    @Test
    void readsTheProbeFlagsAndTheMainClassOfAJvm() throws Exception {
        List<String> cmd = List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+DTraceMethodProbes", "-XX:+DTraceAllocProbes", "-XX:-DTraceAllocProbes",
                "-cp", System.getProperty("java.class.path"), JvmLoop.class.getName(), "gc", "1");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA_TOOL_OPTIONS", "-XX:+DTraceMonitorProbes -XX:+DTraceAllocProbes");
        Process p = pb.start();
        try {
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first.startsWith("Picked up")) first = in.readLine();
            assertEquals("ready", first);
            int pid = (int) p.pid();
            assertEquals(Jvmstat.METHODS | Jvmstat.MONITORS, Jvmstat.extended(pid));
            assertEquals(JvmLoop.class.getName(), Jvmstat.mainOf(pid));
        } finally {
            p.getOutputStream().close();
            p.waitFor();
        }
    }

    @Test
    void badOperandsAreOneLineAndUsage() {
        for (String[] args : List.of(new String[] {"jvmstat", "0"}, new String[] {"jvmstat", "1", "x"}, new String[] {"jvmstat", "-p", "1"})) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            PrintStream o = new PrintStream(buf, true, StandardCharsets.UTF_8);
            assertTrue(Main.run(args, o, o) != 0, String.join(" ", args));
            String text = buf.toString(StandardCharsets.UTF_8);
            assertTrue(text.startsWith("invalid interval") || text.startsWith("invalid count") || text.contains("process 1 is not a JVM"), text);
            assertTrue(text.lines().count() <= 3 && !text.contains("Exception"), text);
        }
    }
}
