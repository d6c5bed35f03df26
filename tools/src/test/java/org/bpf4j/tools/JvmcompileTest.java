package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bpf4j jvmcompile -p PID} on a test JVM that runs {@link JvmLoop#hot} until the JIT
 * compiles it, beside the JVM's own log of its compilations ({@code -Xlog:jit+compilation}).
 */
class JvmcompileTest {
    static final String HEADER = "Tracing JIT compilations... Hit Ctrl-C to end.\n" + Jvmcompile.HEADER;
    static final String CLASS = JvmLoop.class.getName();
    /** A compilation in HotSpot's log: id, flags (% for OSR), tier, then class::method; tiers 1-3 are C1's, 4 C2's. */
    static final Pattern LOGGED = Pattern.compile("\\[jit,compilation\\] +\\d+ +[%sbn!]* *(\\d) +(" + Pattern.quote(CLASS) + "::\\w+) ");

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /**
     * Every compilation of a JvmLoop method that the JVM logs is one line, with its compiler (C1 for
     * tiers 1 to 3, C2 for 4), and there are no others; hot(J)J is among them, compiled successfully.
     */
    @Test
    void reportsTheCompilationsTheJvmLogs(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("jit.log");
        SyscountTest.Running r;
        String pid;
        try (JvmgcTest.Target t = new JvmgcTest.Target(List.of("-Xlog:jit+compilation=debug:file=" + log), "compile")) {
            pid = t.pid();
            r = new SyscountTest.Running("jvmcompile", "-p", pid);
            r.awaitOutput(HEADER, 60_000);
            t.go();
            JvmgcTest.awaitLines(r, " " + CLASS + ".hot(J)J", 1);
            Thread.sleep(1000); // the compilations of work() the loop's end may still run
            assertEquals(0, ExecsnoopTest.stop(r), r.errBuf.toString());
        }
        List<String> logged = new ArrayList<>();
        for (String l : Files.readAllLines(log)) {
            if (l.contains("made not entrant")) continue;
            Matcher m = LOGGED.matcher(l);
            if (m.find()) logged.add((Integer.parseInt(m.group(1)) == 4 ? "C2 " : "C1 ") + m.group(2));
        }
        String out = r.output();
        assertTrue(out.startsWith(HEADER), out);
        List<String> ours = new ArrayList<>();
        for (String l : ExecsnoopTest.linesWith(out, " " + CLASS + ".")) {
            assertTrue(l.matches("\\d\\d:\\d\\d:\\d\\d " + pid + " +\\d+ +C[12] +yes +\\d+ " + Pattern.quote(CLASS) + "\\.\\w+\\(.*\\).+"), l);
            String[] f = l.split(" +");
            String m = f[6].substring(0, f[6].indexOf('('));
            ours.add(f[3] + " " + m.substring(0, m.lastIndexOf('.')) + "::" + m.substring(m.lastIndexOf('.') + 1));
        }
        assertFalse(logged.isEmpty(), "the JVM logged no compilation of " + CLASS);
        assertEquals(logged.stream().sorted().toList(), ours.stream().sorted().toList(), out);
        assertTrue(out.contains(" " + CLASS + ".hot(J)J\n"), out);
    }

    /** --json lines, beside a plain run; and -t 10000000 (10 s) leaves every compilation out. */
    @Test
    void jsonLines() throws Exception {
        try (JvmgcTest.Target t = new JvmgcTest.Target(List.of(), "compile")) {
            SyscountTest.Running probe = new SyscountTest.Running("jvmcompile", "-p", t.pid());
            SyscountTest.Running r = new SyscountTest.Running("jvmcompile", "-p", t.pid(), "--json");
            SyscountTest.Running slow = new SyscountTest.Running("jvmcompile", "-p", t.pid(), "-t", "10000000");
            probe.awaitOutput(HEADER, 60_000);
            slow.awaitOutput(HEADER, 60_000);
            Thread.sleep(1000); // the JSON one, started at the same time, has attached too
            t.go();
            JvmgcTest.awaitLines(probe, " " + CLASS + ".hot(J)J", 1);
            JvmgcTest.awaitLines(r, "\"method\":\"" + CLASS + ".hot(J)J\"", 1);
            assertEquals(0, ExecsnoopTest.stop(probe), probe.errBuf.toString());
            assertEquals(0, ExecsnoopTest.stop(r), r.errBuf.toString());
            assertEquals(0, ExecsnoopTest.stop(slow), slow.errBuf.toString());
            assertEquals(HEADER, slow.output(), "no compilation takes 10 s (-t 10000000)");
            List<String> lines = r.output().lines().toList();
            assertFalse(lines.isEmpty());
            for (String l : lines) {
                assertTrue(l.matches("\\{\"time\":\"[0-9:]{8}\",\"pid\":" + t.pid() + ",\"tid\":\\d+,\"compiler\":\"C[12]\","
                        + "\"success\":(true|false),\"time_us\":\\d+,\"method\":\".+\\(.*\\).+\"}"), l);
            }
            assertTrue(r.output().contains("\"method\":\"" + CLASS + ".hot(J)J\""), r.output());
        }
    }
}
