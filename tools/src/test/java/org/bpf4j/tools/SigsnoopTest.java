package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bpf4j.sys.Os;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bpf4j sigsnoop} and {@code killsnoop} on the real kernel: exactly the signals this JVM
 * sends to its children, with {@code -p} set to this JVM.
 */
class SigsnoopTest {
    static final String HEADER = "TIME     PID     COMM             SIG       TPID    RESULT\n";

    private static final MethodHandle KILL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("kill").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /** kill(2) from this thread: 0 or -1. */
    static int kill(long pid, int sig) {
        try {
            return (int) KILL.invokeExact((int) pid, sig);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** Lines whose TPID column is one of {@code pids}, without the time column, sorted. */
    static List<String> toChildren(String out, Set<Long> pids) {
        List<String> l = new ArrayList<>();
        for (String line : out.split("\n")) {
            // fixed columns: TIME 8, PID 7, COMM 16, SIG 9, then TPID (COMM may hold spaces)
            String tpid = line.length() >= 51 ? line.substring(44, 51).trim() : "";
            if (tpid.matches("\\d+") && pids.contains(Long.parseLong(tpid))) l.add(line.substring(9));
        }
        l.sort(null);
        return l;
    }

    static List<Process> sleepers(int n) throws Exception {
        List<Process> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(new ProcessBuilder("/bin/sleep", "60").start());
        return l;
    }

    /**
     * Six signals from this thread to three {@code sleep} children: SIGCONT and SIGWINCH (ignored
     * by sleep) and SIGKILL to the first, SIGURG and SIGUSR1 to the second, SIGTERM to the
     * third. {@code sigsnoop -n -p <this JVM>} prints those six, by name, result 0, and nothing
     * else to them; kill(pid, 0) generates no signal and is not shown.
     */
    @Test
    void reportsExactlyTheSignalsThisJvmSends() throws Exception {
        List<Process> c = sleepers(3);
        try {
            SyscountTest.Running ss = new SyscountTest.Running("sigsnoop", "-n", "-p", Integer.toString(Os.getpid()));
            ss.awaitOutput(HEADER, 30_000);
            assertEquals(0, kill(c.get(0).pid(), 18));
            assertEquals(0, kill(c.get(0).pid(), 28));
            assertEquals(0, kill(c.get(0).pid(), 0));
            assertEquals(0, kill(c.get(1).pid(), 23));
            assertEquals(0, kill(c.get(1).pid(), 10));
            assertEquals(0, kill(c.get(2).pid(), 15));
            assertEquals(0, kill(c.get(0).pid(), 9));
            for (Process p : c) p.waitFor();
            Set<Long> pids = Set.of(c.get(0).pid(), c.get(1).pid(), c.get(2).pid());
            long deadline = System.currentTimeMillis() + 30_000;
            while (toChildren(ss.output(), pids).size() < 6 && System.currentTimeMillis() < deadline) Thread.sleep(20);
            Thread.sleep(300);
            assertEquals(0, ExecsnoopTest.stop(ss), ss.errBuf.toString());
            assertTrue(ss.output().startsWith(HEADER), ss.output());
            String comm = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/comm")).strip();
            List<String> want = new ArrayList<>();
            String[][] sent = {{"0", "SIGCONT"}, {"0", "SIGWINCH"}, {"1", "SIGURG"}, {"1", "SIGUSR1"}, {"2", "SIGTERM"},
                    {"0", "SIGKILL"}};
            for (String[] s : sent) {
                want.add(String.format("%-7d %-16s %-9s %-7d %-6d", Os.getpid(), comm, s[1], c.get(Integer.parseInt(s[0])).pid(), 0));
            }
            want.sort(null);
            assertEquals(want, toChildren(ss.output(), pids), ss.output());
            for (String line : ss.output().split("\n")) {
                if (!line.equals(HEADER.strip())) assertTrue(line.substring(9).startsWith(Os.getpid() + " "), "-p: " + line);
            }
        } finally {
            for (Process p : c) p.destroyForcibly();
        }
    }

    /**
     * {@code killsnoop --json -p <this JVM>}: the kill syscalls only, with their results:
     * kill(pid, 0) shows as signal 0, a kill to a reaped child fails with -ESRCH (-3).
     */
    @Test
    void killsnoopReportsTheKillCallsWithResults() throws Exception {
        List<Process> c = sleepers(1);
        Process gone = new ProcessBuilder("/bin/true").start();
        gone.waitFor();
        try {
            SyscountTest.Running ks = new SyscountTest.Running("killsnoop", "--json", "-p", Integer.toString(Os.getpid()));
            String probe = "\"sig\":0,\"sig_name\":\"N/A\",\"tpid\":" + c.get(0).pid() + ",\"result\":0}";
            long deadline = System.currentTimeMillis() + 60_000;
            // no header with --json: attached once a kill(pid, 0) shows
            while (!ks.output().contains(probe)) {
                assertTrue(ks.thread.isAlive() && System.currentTimeMillis() < deadline, "killsnoop attached: " + ks.output() + ks.errBuf);
                assertEquals(0, kill(c.get(0).pid(), 0));
                Thread.sleep(200);
            }
            assertEquals(-1, kill(gone.pid(), 9));
            assertEquals(0, kill(c.get(0).pid(), 12));
            c.get(0).waitFor();
            String failed = "\"sig\":9,\"sig_name\":\"SIGKILL\",\"tpid\":" + gone.pid() + ",\"result\":-3}";
            String usr2 = "\"sig\":12,\"sig_name\":\"SIGUSR2\",\"tpid\":" + c.get(0).pid() + ",\"result\":0}";
            while (!(ks.output().contains(failed) && ks.output().contains(usr2)) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(300);
            assertEquals(0, ExecsnoopTest.stop(ks), ks.errBuf.toString());
            assertEquals(1, ExecsnoopTest.linesWith(ks.output(), failed).size(), ks.output());
            assertEquals(1, ExecsnoopTest.linesWith(ks.output(), usr2).size(), ks.output());
            for (String line : ks.output().split("\n")) {
                assertTrue(line.matches("\\{\"time\":\"\\d\\d:\\d\\d:\\d\\d\",\"pid\":" + Os.getpid() + ",\"comm\":\"[^\"]*\",.*"), line);
            }
        } finally {
            for (Process p : c) p.destroyForcibly();
        }
    }
}
