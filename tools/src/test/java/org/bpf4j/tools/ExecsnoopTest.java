package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import org.bpf4j.sys.Os;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code bpf4j execsnoop} on the real kernel: exact process accounting and libbpf-tools' output. */
class ExecsnoopTest {
    static final String HEADER = "PCOMM            PID    PPID   RET ARGS\n";

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /** Lines of {@code out} (after the header) whose text contains {@code marker}. */
    static List<String> linesWith(String out, String marker) {
        List<String> l = new ArrayList<>();
        for (String line : out.split("\n", -1)) if (line.contains(marker)) l.add(line);
        return l;
    }

    static void awaitLines(SyscountTest.Running r, String marker, int n, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (linesWith(r.output(), marker).size() < n) {
            if (!r.thread.isAlive()) fail("execsnoop ended: " + r.output() + r.errBuf);
            if (System.currentTimeMillis() > deadline) {
                fail("only " + linesWith(r.output(), marker).size() + " of " + n + " lines after " + millis + " ms");
            }
            Thread.sleep(20);
        }
    }

    static int stop(SyscountTest.Running r) throws InterruptedException {
        r.thread.interrupt();
        return r.join(60_000); // detaching waits for RCU grace periods: seconds on a busy host
    }

    /**
     * Exactly 1000 /bin/true processes, each with a marker and its index as arguments: execsnoop
     * reports each once, with its pid, this JVM as parent, return value 0, command "true" and the
     * exact arguments. Other processes on the machine exec too; only marked lines count.
     */
    @Test
    void reportsExactlyTheThousandProcessesStarted() throws Exception {
        String marker = "bpf4j-execsnoop-" + UUID.randomUUID();
        SyscountTest.Running es = new SyscountTest.Running("execsnoop");
        es.awaitOutput(HEADER, 30_000);
        Map<Long, Integer> started = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            Process p = new ProcessBuilder("/bin/true", marker, Integer.toString(i))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            started.put(p.pid(), i);
            assertEquals(0, p.waitFor());
        }
        assertEquals(1000, started.size(), "1000 distinct pids");
        awaitLines(es, marker, 1000, 30_000);
        Thread.sleep(200); // a duplicate would show up by now
        assertEquals(0, stop(es), es.errBuf.toString());

        List<String> lines = linesWith(es.output(), marker);
        assertEquals(1000, lines.size(), "one line per process");
        Set<Long> pids = new HashSet<>();
        String ppid = Integer.toString(Os.getpid());
        for (String line : lines) {
            String[] f = line.trim().split(" +");
            long pid = Long.parseLong(f[1]);
            pids.add(pid);
            Integer i = started.get(pid);
            assertTrue(i != null, "a pid this test did not start: " + line);
            assertEquals(String.format("%-16s %-6d %-6s %3d /bin/true %s %d ", "true", pid, ppid, 0, marker, i), line);
        }
        assertEquals(started.keySet(), pids);
    }

    /** Lines the libbpf-tools binary printed that satisfy {@code keep}, read until {@code n} arrived. */
    static final class Oracle implements AutoCloseable {
        final Process process;
        final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

        Oracle(String... cmd) throws IOException, InterruptedException {
            List<String> c = new ArrayList<>(List.of("stdbuf", "-oL"));
            c.addAll(List.of(cmd));
            process = new ProcessBuilder(c).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String header = r.readLine(); // printed once attached
            if (header == null) fail(cmd[0] + " printed nothing");
            lines.add(header);
            Thread t = new Thread(() -> {
                try {
                    for (String l; (l = r.readLine()) != null; ) lines.add(l);
                } catch (IOException ignored) {
                    // the process was stopped
                }
            });
            t.setDaemon(true);
            t.start();
        }

        List<String> await(Predicate<String> keep, int n, long millis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + millis;
            while (true) {
                List<String> got = lines.stream().filter(keep).toList();
                if (got.size() >= n || System.currentTimeMillis() > deadline) return got;
                Thread.sleep(20);
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    /**
     * The same exec events through libbpf-tools' execsnoop and bpf4j's, with options that change
     * the output (-x, -q, --max-args, -U): header and event lines are byte for byte the same.
     */
    @Test
    void printsWhatLibbpfToolsExecsnoopPrints() throws Exception {
        KernelTests.require(Files.isExecutable(Path.of("/usr/sbin/execsnoop")), "no /usr/sbin/execsnoop (libbpf-tools)");
        KernelTests.require(Files.isExecutable(Path.of("/usr/bin/stdbuf")), "no stdbuf (coreutils)");
        String[][] variants = {{}, {"-x", "-q", "--max-args", "3", "-U"}};
        for (String[] opts : variants) {
            String marker = "bpf4j-oracle-" + UUID.randomUUID();
            List<String> cmd = new ArrayList<>(List.of("/usr/sbin/execsnoop"));
            cmd.addAll(List.of(opts));
            List<String> args = new ArrayList<>(List.of("execsnoop"));
            args.addAll(List.of(opts));
            try (Oracle oracle = new Oracle(cmd.toArray(String[]::new))) {
                SyscountTest.Running es = new SyscountTest.Running(args.toArray(String[]::new));
                es.awaitOutput("ARGS\n", 30_000);
                List<List<String>> workload = List.of(
                        List.of("/bin/true", marker, "a\"b", "tab\there", "c", "d", "e"),
                        List.of("/bin/true", marker),
                        List.of("/bin/sh", "-c", "exit 0", marker),
                        List.of("/nonexistent/" + marker, "x"));
                for (List<String> w : workload) {
                    try {
                        new ProcessBuilder(w).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                .redirectErrorStream(true).start().waitFor();
                    } catch (IOException expected) {
                        // the nonexistent program: execve fails with ENOENT
                    }
                }
                // without -x the failed exec is missing; with --max-args 3 the marker of the sh line is
                int expected = 3;
                awaitLines(es, marker, expected, 30_000);
                List<String> theirs = oracle.await(l -> l.contains(marker), expected, 30_000);
                assertEquals(0, stop(es), es.errBuf.toString());
                assertEquals(oracle.lines.peek(), es.output().substring(0, es.output().indexOf('\n')), "header");
                assertEquals(theirs, linesWith(es.output(), marker), String.join(" ", opts));
            }
        }
    }

    @Test
    void nameFilterAndFailedExecs() throws Exception {
        String marker = "bpf4j-filter-" + UUID.randomUUID();
        SyscountTest.Running es = new SyscountTest.Running("execsnoop", "-n", "true");
        es.awaitOutput(HEADER, 30_000);
        new ProcessBuilder("/bin/sh", "-c", "true", marker).start().waitFor();
        new ProcessBuilder("/bin/true", marker).start().waitFor();
        try {
            new ProcessBuilder("/nonexistent/" + marker).start();
        } catch (IOException expected) {
            // not traced without -x
        }
        awaitLines(es, marker, 1, 30_000);
        Thread.sleep(300);
        assertEquals(0, stop(es));
        List<String> lines = linesWith(es.output(), marker);
        assertEquals(1, lines.size(), es.output());
        assertTrue(lines.get(0).startsWith("true "), lines.get(0));
    }
}
