package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bpf4j.sys.Os;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code bpf4j exitsnoop} on the real kernel: exactly the exits of this test's children, with their codes and signals. */
class ExitsnoopTest {
    static final String HEADER = "PCOMM            PID     PPID    TID     AGE(s)  EXIT_CODE\n";

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /** Starts {@code sh -c script} and waits for it; returns its pid. */
    static long sh(String script) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true).start();
        p.waitFor();
        return p.pid();
    }

    /** Lines of {@code out} whose PPID column is this JVM and PID one of {@code pids}. */
    static List<String> childLines(String out, Set<Long> pids) {
        List<String> l = new ArrayList<>();
        String ppid = Integer.toString(Os.getpid());
        for (String line : out.split("\n")) {
            String[] f = line.trim().split(" +");
            if (f.length > 5 && f[2].equals(ppid) && pids.contains(Long.parseLong(f[1]))) l.add(line);
        }
        return l;
    }

    /**
     * Twelve children: seven {@code sh -c 'exit N'} (N = 0..6), three that kill themselves with
     * SIGTERM, two {@code sleep}s this test kills with SIGKILL. exitsnoop prints exactly one line
     * for each, with its pid, this JVM as parent, pid as tid, an age under a minute and the
     * exit status as libbpf-tools words it ({@code 0}, {@code code N}, {@code signal N (...)}).
     */
    @Test
    void reportsTheExitCodeAndSignalOfEachChild() throws Exception {
        SyscountTest.Running es = new SyscountTest.Running("exitsnoop");
        es.awaitOutput(HEADER, 30_000);
        Map<Long, String> expected = new LinkedHashMap<>();
        for (int i = 0; i <= 6; i++) expected.put(sh("exit " + i), "sh:" + (i == 0 ? "0" : "code " + i));
        for (int i = 0; i < 3; i++) expected.put(sh("kill -s TERM $$"), "sh:signal 15 (Terminated)");
        for (int i = 0; i < 2; i++) {
            Process p = new ProcessBuilder("/bin/sleep", "60").start();
            p.destroyForcibly().waitFor();
            expected.put(p.pid(), "sleep:signal 9 (Killed)");
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (childLines(es.output(), expected.keySet()).size() < expected.size() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300); // a duplicate would show up by now
        assertEquals(0, ExecsnoopTest.stop(es), es.errBuf.toString());
        assertTrue(es.output().startsWith(HEADER), es.output());
        List<String> lines = childLines(es.output(), expected.keySet());
        assertEquals(expected.size(), lines.size(), es.output());
        Set<Long> seen = new HashSet<>();
        for (String line : lines) {
            long pid = Long.parseLong(line.trim().split(" +")[1]);
            assertTrue(seen.add(pid), "twice: " + line);
            String[] want = expected.get(pid).split(":", 2);
            String age = line.substring(41, 48).trim();
            assertTrue(age.matches("\\d+\\.\\d\\d") && Double.parseDouble(age) < 60, line);
            assertEquals(String.format("%-16s %-7d %-7d %-7d %-7s %s", want[0], pid, Os.getpid(), pid, age, want[1]), line);
        }
    }

    /** {@code -x --json}: error exits only, one JSON object each (exit 0 left out). */
    @Test
    void failedOnlyAsJson() throws Exception {
        SyscountTest.Running es = new SyscountTest.Running("exitsnoop", "-x", "--json");
        long deadline = System.currentTimeMillis() + 60_000;
        // no header with --json: it is attached once the exit of a probe child shows
        while (true) {
            long probe = sh("exit 9");
            long until = System.currentTimeMillis() + 1000;
            while (!es.output().contains("\"pid\":" + probe + ",") && System.currentTimeMillis() < until) Thread.sleep(20);
            if (es.output().contains("\"pid\":" + probe + ",")) break;
            assertTrue(es.thread.isAlive() && System.currentTimeMillis() < deadline, "exitsnoop attached: " + es.output() + es.errBuf);
        }
        long zero = sh("exit 0");
        long seven = sh("exit 7");
        long term = sh("kill -s TERM $$");
        String ppid = "\"ppid\":" + Os.getpid() + ",";
        String sevenLine = "\"pid\":" + seven + ",", termLine = "\"pid\":" + term + ",";
        while (!(es.output().contains(sevenLine) && es.output().contains(termLine)) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        assertEquals(0, ExecsnoopTest.stop(es), es.errBuf.toString());
        List<String> mine = ExecsnoopTest.linesWith(es.output(), ppid);
        for (String l : mine) assertTrue(l.startsWith("{\"pcomm\":\"sh\","), l);
        assertEquals(1, ExecsnoopTest.linesWith(es.output(), sevenLine).size(), es.output());
        assertTrue(ExecsnoopTest.linesWith(es.output(), sevenLine).get(0)
                .matches("\\{\"pcomm\":\"sh\",\"pid\":" + seven + "," + ppid + "\"tid\":" + seven
                        + ",\"age\":[0-9.]+,\"exit_code\":7,\"signal\":0,\"core_dumped\":false}"), es.output());
        assertTrue(ExecsnoopTest.linesWith(es.output(), termLine).get(0).endsWith(
                "\"exit_code\":0,\"signal\":15,\"signal_name\":\"Terminated\",\"core_dumped\":false}"), es.output());
        assertEquals(0, ExecsnoopTest.linesWith(es.output(), "\"pid\":" + zero + ",").size(), "-x: no exit 0");
    }
}
