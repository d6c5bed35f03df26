package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * futexctn on a workload of known contention (src/test/c/futexer.c, built here): a thread whose
 * FUTEX_WAITs on one word succeed exactly N times. The lock's histogram counts exactly N, under
 * the waiting thread's stack; and beside libbpf-tools' futexctn (built from bcc's sources by
 * bench/libbpf-tools/build: Debian's libbpf-tools 0.26 has none) the --help and the report agree.
 */
class FutexctnTest {
    static final int N = 100;

    @TempDir
    Path dir;

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /** The futexer process: started, its lock's address read; {@link #go()} starts the N waits. */
    static final class Futexer implements AutoCloseable {
        final Process p;
        final BufferedReader out;
        final String lock;

        Futexer(Path dir) throws IOException, InterruptedException {
            ProfileTest.gcc(dir, "-O1", "-g", "-fno-omit-frame-pointer", "-pthread", "-o", "futexer",
                    Path.of("src/test/c/futexer.c").toAbsolutePath().toString());
            p = new ProcessBuilder(dir.resolve("futexer").toString(), Integer.toString(N)).start();
            out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertNotNull(first);
            assertTrue(first.startsWith("lock 0x"), first);
            lock = first.substring(5);
        }

        /** Runs the N waits and returns once they are done (the process stays, for the symbols). */
        void go() throws IOException {
            OutputStream in = p.getOutputStream();
            in.write("go\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertEquals("done", out.readLine());
        }

        @Override
        public void close() throws InterruptedException {
            p.destroyForcibly().waitFor();
        }
    }

    static void awaitErr(SyscountTest.Running r, String text) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!r.errBuf.toString(StandardCharsets.UTF_8).contains(text)) {
            if (!r.thread.isAlive()) fail("futexctn ended: " + r.output() + r.errBuf);
            if (System.currentTimeMillis() > deadline) fail("no '" + text + "' after 60 s: " + r.errBuf);
            Thread.sleep(5);
        }
    }

    static final String BANNER = "Summarize futex contention latency, hit ctrl-c to exit";
    static final Pattern HEAD = Pattern.compile("(\\S+)\\[(\\d+)\\] lock (0x[0-9a-f]+) contended (\\d+) times, (\\d+) avg usecs "
            + "\\[max: (\\d+) usecs, min (\\d+) usecs\\]");

    /** The report's block for {@code lock}: its head line, then the stack and histogram lines up to the next block. */
    static List<String> block(String report, String lock) {
        List<String> lines = report.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = HEAD.matcher(lines.get(i));
            if (m.matches() && m.group(3).equals(lock)) {
                List<String> b = new ArrayList<>(List.of(lines.get(i)));
                for (int j = i + 1; j < lines.size() && !HEAD.matcher(lines.get(j)).matches(); j++) {
                    if (!lines.get(j).isEmpty()) b.add(lines.get(j));
                }
                return b;
            }
        }
        return fail("no lock " + lock + " in:\n" + report);
    }

    static List<String> rows(List<String> block) {
        return block.stream().filter(l -> l.matches("\\s*\\d+ -> \\d+\\s+: .*")).toList();
    }

    @Test
    void countsExactlyTheContendedWaitsOfTheLockWithTheirStack() throws Exception {
        try (Futexer f = new Futexer(dir)) {
            SyscountTest.Running r = new SyscountTest.Running("futexctn", "-p", Long.toString(f.p.pid()));
            awaitErr(r, BANNER);
            f.go();
            r.thread.interrupt();
            assertEquals(0, r.join(60_000), r.errBuf.toString());
            List<String> b = block(r.output(), f.lock);
            Matcher m = HEAD.matcher(b.get(0));
            assertTrue(m.matches());
            assertEquals("futexer", m.group(1));
            assertTrue(Long.parseLong(m.group(2)) != f.p.pid(), "the waiter is a thread of its own: " + b.get(0));
            assertEquals(N, Long.parseLong(m.group(4)), b.get(0));
            long min = Long.parseLong(m.group(7)), avg = Long.parseLong(m.group(5)), max = Long.parseLong(m.group(6));
            assertTrue(min <= avg && avg <= max, b.get(0));
            assertEquals(N, HistToolsTest.sum(rows(b)), String.join("\n", b));
            // the stack between the two "    -" lines: the waiting thread's function, named
            assertEquals("    -", b.get(1));
            int end = b.subList(2, b.size()).indexOf("    -") + 2;
            List<String> stack = b.subList(2, end);
            assertTrue(stack.contains("    futex_waiter"), String.join("\n", b));
            assertTrue(b.get(end + 1).equals("     usecs               : count    distribution"), String.join("\n", b));
            // the -p filter: only the futexer's threads
            for (String line : r.output().lines().toList()) {
                Matcher h = HEAD.matcher(line);
                if (h.matches()) assertEquals("futexer", h.group(1), line);
            }
        }
    }

    @Test
    void summaryPerProcessLockFilterAndJson() throws Exception {
        try (Futexer f = new Futexer(dir)) {
            SyscountTest.Running s = new SyscountTest.Running("futexctn", "-s", "-l", f.lock);
            SyscountTest.Running j = new SyscountTest.Running("futexctn", "--json", "-p", Long.toString(f.p.pid()), "-m");
            awaitErr(s, BANNER);
            awaitErr(j, BANNER);
            f.go();
            s.thread.interrupt();
            j.thread.interrupt();
            assertEquals(0, s.join(60_000), s.errBuf.toString());
            assertEquals(0, j.join(60_000), j.errBuf.toString());
            // -s: under the process, no stack; -l: that lock only
            List<String> heads = s.output().lines().filter(l -> HEAD.matcher(l).matches()).toList();
            assertEquals(1, heads.size(), s.output());
            Matcher m = HEAD.matcher(heads.get(0));
            assertTrue(m.matches());
            assertEquals(Long.toString(f.p.pid()), m.group(2), heads.get(0));
            assertEquals(Integer.toString(N), m.group(4), heads.get(0));
            assertFalse(s.output().contains("    -"), s.output());
            // --json -m: one object for the lock, N in its slots and its count
            String obj = j.output().lines().filter(l -> l.contains("\"lock\":\"" + f.lock + "\"")).findFirst().orElseThrow();
            assertTrue(obj.contains("\"contended\":" + N + ","), obj);
            assertTrue(obj.contains("\"unit\":\"msecs\""), obj);
            assertTrue(obj.contains("\"futex_waiter\""), obj);
            long total = 0;
            for (Matcher c = Pattern.compile("\"count\":(\\d+)").matcher(obj); c.find(); ) total += Long.parseLong(c.group(1));
            assertEquals(N, total, obj);
        }
    }

    @Test
    void badInputIsOneLine() {
        for (String[] args : List.of(new String[] {"futexctn", "-l", "zz"}, new String[] {"futexctn", "-t", "0"},
                new String[] {"futexctn", "1", "2", "3"})) {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            java.io.PrintStream o = new java.io.PrintStream(b, true, StandardCharsets.UTF_8);
            assertEquals(Argp.EX_USAGE, Main.run(args, o, o), String.join(" ", args));
            String first = b.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
            assertTrue(first.equals("Invalid lock: zz") || first.equals("Invalid TID: 0")
                    || first.equals("unrecognized positional argument: 3"), first);
        }
    }

    /** libbpf-tools' futexctn built by bench/libbpf-tools/build, or null. */
    static Path theirs() {
        String d = System.getenv().getOrDefault("BPF4J_LIBBPF_TOOLS", "/tmp/bpf4j-libbpf-tools");
        Path p = Path.of(d, "futexctn");
        return Files.isExecutable(p) ? p : null;
    }

    /**
     * Beside libbpf-tools' futexctn, which Debian's libbpf-tools (0.26) lacks: built from bcc's
     * sources by bench/libbpf-tools/build, so it runs on request only
     * ({@code mvn -pl core,tools test -Dgroups=built-oracle -Dtest=FutexctnTest}), not in CI.
     */
    @Test
    @org.junit.jupiter.api.Tag("built-oracle")
    void besideLibbpfToolsFutexctn() throws Exception {
        Path bin = theirs();
        Assumptions.assumeTrue(bin != null,
                "no libbpf-tools futexctn: build it with bench/libbpf-tools/build BCC_DIR (Debian's libbpf-tools has none)");
        String theirHelp = Cmd.run(bin.toString(), "--help").out();
        String ourHelp = ArgpTest.run("futexctn", "--help");
        assertEquals(ArgpTest.options(theirHelp), ArgpTest.options(ourHelp).replaceAll(ArgpTest.BPF4J_OPTIONS, ""));
        assertEquals(theirHelp.split("\n")[1], ourHelp.split("\n")[1]);
        try (Futexer f = new Futexer(dir)) {
            String pid = Long.toString(f.p.pid());
            SyscountTest.Running ours = new SyscountTest.Running("futexctn", "-p", pid);
            Process p = new ProcessBuilder("stdbuf", "-oL", bin.toString(), "-p", pid).redirectErrorStream(true).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            try {
                assertEquals(BANNER, r.readLine());
                awaitErr(ours, BANNER);
                f.go();
                ours.thread.interrupt();
                assertEquals(0, ours.join(60_000), ours.errBuf.toString());
                Cmd.check("kill", "-INT", Long.toString(p.pid()));
                StringBuilder t = new StringBuilder();
                for (String l; (l = r.readLine()) != null; ) t.append(l).append('\n');
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                List<String> a = block(t.toString(), f.lock), b = block(ours.output(), f.lock);
                // the same head but for the times, the same stack, the same count in the same rows' ranges
                String times = "\\d+ avg usecs \\[max: \\d+ usecs, min \\d+ usecs\\]";
                assertEquals(a.get(0).replaceAll(times, ""), b.get(0).replaceAll(times, ""));
                // frame by frame; where theirs has no name (libc's start_thread is in no symbol table
                // of Debian's stripped libc, only in its debug file, which bpf4j reads), ours may
                List<String> sa = a.subList(1, a.indexOf("     usecs               : count    distribution"));
                List<String> sb = b.subList(1, b.indexOf("     usecs               : count    distribution"));
                assertEquals(sa.size(), sb.size(), t + "\n" + ours.output());
                for (int i = 0; i < sa.size(); i++) {
                    if (!sa.get(i).equals("    [unknown]")) assertEquals(sa.get(i), sb.get(i), t + "\n" + ours.output());
                }
                assertTrue(sa.contains("    futex_waiter"), t.toString());
                assertEquals(HistToolsTest.sum(rows(a)), HistToolsTest.sum(rows(b)));
                assertEquals(N, HistToolsTest.sum(rows(b)));
            } finally {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
