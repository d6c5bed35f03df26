package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bpf4j jvmclassload -p PID} on a test JVM that defines {@link JvmLoop.Payload} again in a
 * class loader of its own at run time, drops the loader and collects.
 */
class JvmclassloadTest {
    static final String HEADER = "Tracing JVM class loading... Hit Ctrl-C to end.\n" + Jvmclassload.HEADER;
    static final String PAYLOAD = JvmLoop.Payload.class.getName();

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /**
     * The class defined at run time is one load line, not from the CDS archive, by a loader of its
     * own, and one unload line with that loader once the loader is collected; the summary on exit
     * has that loader with 1 loaded and 1 unloaded. (The application loader may load Payload too,
     * before or during the round: by another loader, and never unloaded.)
     */
    @Test
    void reportsAClassDefinedAtRunTimeAndItsUnloading() throws Exception {
        try (JvmgcTest.Target t = new JvmgcTest.Target(List.of("-XX:+UseSerialGC", "-Xmx64m"), "classes")) {
            String pid = t.pid();
            SyscountTest.Running r = new SyscountTest.Running("jvmclassload", "-p", pid);
            r.awaitOutput(HEADER, 60_000);
            t.go();
            JvmgcTest.awaitLines(r, " unload ", 1);
            assertEquals(0, ExecsnoopTest.stop(r), r.errBuf.toString());
            String out = r.output();
            assertTrue(out.startsWith(HEADER), out);
            List<String> unloads = ExecsnoopTest.linesWith(out, " unload ");
            assertEquals(1, unloads.size(), out);
            String unload = unloads.get(0);
            assertTrue(unload.matches("\\d\\d:\\d\\d:\\d\\d " + pid + " +\\d+ +unload no +0x[0-9a-f]{16} " + PAYLOAD.replace("$", "\\$")), unload);
            String loader = unload.split(" +")[5];
            List<String> loads = ExecsnoopTest.linesWith(out, " load ").stream().filter(l -> l.endsWith(" " + PAYLOAD)).toList();
            assertTrue(loads.size() == 1 || loads.size() == 2, out);
            List<String> byOwn = loads.stream().filter(l -> l.contains(" " + loader + " ")).toList();
            assertEquals(1, byOwn.size(), out);
            assertTrue(byOwn.get(0).matches("\\d\\d:\\d\\d:\\d\\d " + pid + " +\\d+ +load   no +" + loader + " " + PAYLOAD.replace("$", "\\$")), byOwn.get(0));
            assertTrue(out.indexOf(byOwn.get(0)) < out.indexOf(unload), "loaded before unloaded: " + out);
            if (loads.size() == 2) assertNotEquals(loads.get(0).split(" +")[5], loads.get(1).split(" +")[5], "two loaders: " + loads);
            String summary = out.substring(out.indexOf("\n\n" + Jvmclassload.SUMMARY_HEADER) + 2);
            List<String> rows = ExecsnoopTest.linesWith(summary, " " + loader + " ");
            assertEquals(List.of(String.format("%-7s %s 1        1", pid, loader)), rows, summary);
        }
    }

    /** --json and -s: no event lines, one object per loader on exit, the run-time loader's with 1 and 1. */
    @Test
    void jsonSummaryHasTheLoader() throws Exception {
        try (JvmgcTest.Target t = new JvmgcTest.Target(List.of("-XX:+UseSerialGC", "-Xmx64m"), "classes")) {
            SyscountTest.Running r = new SyscountTest.Running("jvmclassload", "-p", t.pid(), "-s", "--json");
            Thread.sleep(200);
            SyscountTest.Running probe = new SyscountTest.Running("jvmclassload", "-p", t.pid());
            probe.awaitOutput(HEADER, 60_000); // the second one attached: the first, started before, has too
            Thread.sleep(500);
            t.go();
            JvmgcTest.awaitLines(probe, " unload ", 1);
            assertEquals(0, ExecsnoopTest.stop(probe), probe.errBuf.toString());
            assertEquals(0, ExecsnoopTest.stop(r), r.errBuf.toString());
            String loader = ExecsnoopTest.linesWith(probe.output(), " unload ").get(0).split(" +")[5];
            List<String> lines = r.output().lines().toList();
            for (String l : lines) assertTrue(l.matches("\\{\"pid\":" + t.pid() + ",\"loader\":\"0x[0-9a-f]{16}\",\"loaded\":\\d+,\"unloaded\":\\d+}"), l);
            assertEquals(List.of("{\"pid\":" + t.pid() + ",\"loader\":\"" + loader + "\",\"loaded\":1,\"unloaded\":1}"),
                    lines.stream().filter(l -> l.contains(loader)).toList(), r.output());
        }
    }
}
