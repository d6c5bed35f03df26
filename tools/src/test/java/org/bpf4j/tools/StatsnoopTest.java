package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.sys.Os;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bpf4j statsnoop} on the real kernel: exactly the stat-family calls of a named thread of this JVM. */
class StatsnoopTest {
    static final String HEADER = "PID     COMM                 RET  ERR  PATH\n";
    static final String THREAD = "bpf4jstatter";

    /** x86_64 syscall numbers: the raw calls, not glibc's choice of them */
    static final long SYS_STAT = 4, SYS_LSTAT = 6, SYS_STATFS = 137, SYS_NEWFSTATAT = 262, SYS_STATX = 332;
    static final int AT_FDCWD = -100;

    private static final Linker L = Linker.nativeLinker();
    private static final MethodHandle SYSCALL = L.downcallHandle(L.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
        KernelTests.require("amd64".equals(System.getProperty("os.arch")), "x86_64 syscall numbers");
    }

    static long syscall(long nr, long a, long b, long c, long d, long e) {
        try {
            return (long) SYSCALL.invokeExact(nr, a, b, c, d, e);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * In a thread named {@value #THREAD}: stat of a file that exists twice, of one that does not
     * three times, lstat once, newfstatat four times, statx five times and statfs six times on the
     * file that exists, one of each kind (and a stat) on the missing one. Returns the lines
     * statsnoop prints for them, in order, without the PID and COMM columns.
     */
    static List<String> workload(Path dir) throws Exception {
        Path file = dir.resolve("here"), missing = dir.resolve("not-here");
        Files.writeString(file, "x");
        List<String> want = new ArrayList<>();
        Throwable[] failed = {null};
        Thread t = new Thread(() -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(4096), f = a.allocateFrom(file.toString()), m = a.allocateFrom(missing.toString());
                for (int i = 0; i < 2; i++) assertEquals(0, syscall(SYS_STAT, f.address(), buf.address(), 0, 0, 0));
                for (int i = 0; i < 3; i++) assertEquals(-1, syscall(SYS_STAT, m.address(), buf.address(), 0, 0, 0));
                assertEquals(0, syscall(SYS_LSTAT, f.address(), buf.address(), 0, 0, 0));
                for (int i = 0; i < 4; i++) assertEquals(0, syscall(SYS_NEWFSTATAT, AT_FDCWD, f.address(), buf.address(), 0, 0));
                for (int i = 0; i < 5; i++) assertEquals(0, syscall(SYS_STATX, AT_FDCWD, f.address(), 0, 0xfff, buf.address()));
                for (int i = 0; i < 6; i++) assertEquals(0, syscall(SYS_STATFS, f.address(), buf.address(), 0, 0, 0));
                assertEquals(-1, syscall(SYS_LSTAT, m.address(), buf.address(), 0, 0, 0));
                assertEquals(-1, syscall(SYS_NEWFSTATAT, AT_FDCWD, m.address(), buf.address(), 0, 0));
                assertEquals(-1, syscall(SYS_STATX, AT_FDCWD, m.address(), 0, 0xfff, buf.address()));
                assertEquals(-1, syscall(SYS_STATFS, m.address(), buf.address(), 0, 0, 0));
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, THREAD);
        t.start();
        t.join();
        if (failed[0] != null) throw new AssertionError(failed[0]);
        int[] ok = {2, 0, 1, 4, 5, 6};
        String[] calls = {"newstat", "newstat", "newlstat", "newfstatat", "statx", "statfs"};
        for (int i = 0; i < ok.length; i++) {
            for (int j = 0; j < ok[i]; j++) want.add(calls[i] + " 0    0    " + file);
            if (i == 1) for (int j = 0; j < 3; j++) want.add("newstat -1   2    " + missing);
        }
        for (String c : new String[] {"newlstat", "newfstatat", "statx", "statfs"}) want.add(c + " -1   2    " + missing);
        return want;
    }

    /**
     * The lines of {@code out} (after {@code skip} columns of time) of this JVM's {@value #THREAD}
     * on paths in {@code dir}, without PID and COMM (the JVM's class loading in the thread stats
     * class files too).
     */
    static List<String> mine(String out, int skip, Path dir) {
        String prefix = String.format("%-7d %-20s ", Os.getpid(), THREAD);
        List<String> l = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.length() > skip && line.substring(skip).startsWith(prefix) && line.contains("    " + dir + "/")) {
                l.add(line.substring(skip + prefix.length()));
            }
        }
        return l;
    }

    static void await(SyscountTest.Running r, int skip, int n, Path dir) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (mine(r.output(), skip, dir).size() < n && System.currentTimeMillis() < deadline) Thread.sleep(20);
        Thread.sleep(300); // a duplicate would show up by now
    }

    @Test
    void reportsEachCallOfTheThread(@TempDir Path dir) throws Exception {
        SyscountTest.Running ss = new SyscountTest.Running("statsnoop", "-p", Integer.toString(Os.getpid()));
        ss.awaitOutput(HEADER, 30_000);
        List<String> want = workload(dir);
        await(ss, 0, want.size(), dir);
        assertEquals(0, ExecsnoopTest.stop(ss), ss.errBuf.toString());
        assertTrue(ss.output().startsWith(HEADER), ss.output());
        assertEquals(want.stream().map(w -> w.substring(w.indexOf(' ') + 1)).toList(), mine(ss.output(), 0, dir), ss.output());
    }

    /** {@code -x -t}: the failed calls only, with a time column counting from the first event. */
    @Test
    void failedOnlyWithTimestamps(@TempDir Path dir) throws Exception {
        SyscountTest.Running ss = new SyscountTest.Running("statsnoop", "-x", "-t", "-p", Integer.toString(Os.getpid()));
        ss.awaitOutput("TIME(s)        " + HEADER, 30_000);
        List<String> want = workload(dir).stream().filter(w -> w.contains(" -1 ")).map(w -> w.substring(w.indexOf(' ') + 1)).toList();
        await(ss, 15, want.size(), dir);
        assertEquals(0, ExecsnoopTest.stop(ss), ss.errBuf.toString());
        assertEquals(want, mine(ss.output(), 15, dir), ss.output());
        String first = ss.output().split("\n")[1];
        assertTrue(first.startsWith("0.000000000    "), first);
        for (String line : ss.output().split("\n")) {
            if (!line.startsWith("TIME")) assertTrue(line.matches("\\d+\\.\\d{9} +\\d+ .* -1   \\d+ .*"), line);
        }
    }

    /** {@code --json}: one object per call, with the syscall's name. */
    @Test
    void json(@TempDir Path dir) throws Exception {
        SyscountTest.Running ss = new SyscountTest.Running("statsnoop", "--json", "-p", Integer.toString(Os.getpid()));
        Path probe = Files.writeString(dir.resolve("probe"), "");
        long deadline = System.currentTimeMillis() + 60_000;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(4096), p = a.allocateFrom(probe.toString());
            while (!ss.output().contains(probe.toString())) {
                syscall(SYS_STAT, p.address(), buf.address(), 0, 0, 0);
            Thread.sleep(100);
                assertTrue(ss.thread.isAlive() && System.currentTimeMillis() < deadline, "attached: " + ss.output() + ss.errBuf);
            }
        }
        List<String> want = workload(dir);
        String marker = "{\"pid\":" + Os.getpid() + ",\"comm\":\"" + THREAD + "\",", inDir = "\"path\":\"" + dir + "/";
        long until = System.currentTimeMillis() + 30_000;
        while (json(ss.output(), marker, inDir).size() < want.size() && System.currentTimeMillis() < until) Thread.sleep(20);
        Thread.sleep(300);
        assertEquals(0, ExecsnoopTest.stop(ss), ss.errBuf.toString());
        List<String> got = new ArrayList<>();
        for (String w : want) {
            String[] f = w.split(" +", 4);
            got.add(marker + "\"syscall\":\"" + f[0] + "\",\"ret\":" + f[1] + ",\"err\":" + f[2] + ",\"path\":\"" + f[3] + "\"}");
        }
        assertEquals(got, json(ss.output(), marker, inDir), ss.output());
    }

    static List<String> json(String out, String marker, String inDir) {
        return ExecsnoopTest.linesWith(out, marker).stream().filter(l -> l.contains(inDir)).toList();
    }
}
