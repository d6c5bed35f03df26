package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code bpf4j jvmthreads -p PID} on a test JVM that starts N named threads one after the other. */
class JvmthreadsTest {
    static final String HEADER = "Tracing Java threads... Hit Ctrl-C to end.\n" + Jvmthreads.HEADER;

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /**
     * Twenty threads named PREFIX-0 .. PREFIX-19: exactly one start and one stop line for each, in
     * that order, with the same native and Java ids, not daemons, in the JVM's pid.
     */
    @Test
    void reportsTheStartAndStopOfEachNamedThread() throws Exception {
        int n = 20;
        String prefix = "bpf4j-t-" + UUID.randomUUID().toString().substring(0, 8);
        try (JvmgcTest.Target t = new JvmgcTest.Target(List.of("-Xmx64m"), "threads", Integer.toString(n), prefix)) {
            String pid = t.pid();
            SyscountTest.Running r = new SyscountTest.Running("jvmthreads", "-p", pid);
            r.awaitOutput(HEADER, 60_000);
            t.go();
            JvmgcTest.awaitLines(r, " " + prefix + "-", 2 * n);
            assertEquals(0, ExecsnoopTest.stop(r), r.errBuf.toString());
            String out = r.output();
            assertTrue(out.startsWith(HEADER), out);
            List<String> lines = ExecsnoopTest.linesWith(out, " " + prefix + "-");
            assertEquals(2 * n, lines.size(), out);
            for (int i = 0; i < n; i++) {
                String name = prefix + "-" + i;
                List<String> mine = lines.stream().filter(l -> l.endsWith(" " + name)).toList();
                assertEquals(2, mine.size(), name + " in " + out);
                String[] start = mine.get(0).split(" +"), stop = mine.get(1).split(" +");
                assertTrue(mine.get(0).matches("\\d\\d:\\d\\d:\\d\\d " + pid + " +\\d+ +\\d+ +start no +" + name), mine.get(0));
                assertTrue(mine.get(1).matches("\\d\\d:\\d\\d:\\d\\d " + pid + " +\\d+ +\\d+ +stop  no +" + name), mine.get(1));
                assertEquals(start[2], stop[2], "native tid: " + mine);
                assertEquals(start[3], stop[3], "Java tid: " + mine);
                assertTrue(!start[2].equals(pid), "a thread of its own: " + mine);
            }
        }
    }

    /**
     * Without -p every JVM is traced but this one, where the tool runs: the target's 3 threads are
     * 6 lines; a thread this JVM starts meanwhile is none.
     */
    @Test
    void everyJvmButItsOwn() throws Exception {
        String prefix = "bpf4j-all-" + UUID.randomUUID().toString().substring(0, 8);
        try (JvmgcTest.Target t = new JvmgcTest.Target(List.of("-Xmx64m"), "threads", "3", prefix)) {
            SyscountTest.Running r = new SyscountTest.Running("jvmthreads");
            r.awaitOutput(HEADER, 60_000);
            Thread own = new Thread(() -> {}, prefix + "-self");
            own.start();
            own.join();
            t.go();
            JvmgcTest.awaitLines(r, " " + prefix + "-", 6);
            assertEquals(0, ExecsnoopTest.stop(r), r.errBuf.toString());
            List<String> lines = ExecsnoopTest.linesWith(r.output(), " " + prefix + "-");
            assertEquals(6, lines.size(), r.output());
            for (String l : lines) assertEquals(t.pid(), l.split(" +")[1], l);
        }
    }

    @Test
    void jsonAndBadInput() throws Exception {
        try (JvmgcTest.Target t = new JvmgcTest.Target(List.of("-Xmx64m"), "threads", "1", "bpf4j-json")) {
            SyscountTest.Running r = new SyscountTest.Running("jvmthreads", "-p", t.pid(), "--json");
            long deadline = System.currentTimeMillis() + 60_000;
            // no header in JSON: a thread a round until the tool sees one
            while (ExecsnoopTest.linesWith(r.output(), "\"name\":\"bpf4j-json-0\"").size() < 2) {
                assertTrue(System.currentTimeMillis() < deadline && r.thread.isAlive(), r.output() + r.errBuf);
                t.go();
                Thread.sleep(200);
            }
            assertEquals(0, ExecsnoopTest.stop(r), r.errBuf.toString());
            for (String l : r.output().lines().toList()) {
                assertTrue(l.matches("\\{\"time\":\"[0-9:]{8}\",\"pid\":" + t.pid() + ",\"tid\":\\d+,\"java_tid\":\\d+,"
                        + "\"event\":\"(start|stop)\",\"daemon\":(true|false),\"name\":\".*\"}"), l);
            }
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(buf, true, StandardCharsets.UTF_8);
        assertTrue(Main.run(new String[] {"jvmthreads", "-p", "1"}, o, o) != 0);
        assertEquals("process 1 is not a JVM (no libjvm.so in /proc/1/maps)", buf.toString(StandardCharsets.UTF_8).strip().replaceFirst("^.*?: ", ""));
    }
}
