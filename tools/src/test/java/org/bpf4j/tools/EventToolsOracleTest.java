package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.bpf4j.sys.Os;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The event tools beside their libbpf-tools namesakes (Debian's binaries) on the same events:
 * the header line and every event line the same, but for the columns that depend on when each
 * tool read the clock (exitsnoop's AGE and TIME(s), sigsnoop's TIME), which are masked.
 */
class EventToolsOracleTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
        KernelTests.require(Files.isExecutable(Path.of("/usr/bin/stdbuf")), "no stdbuf (coreutils)");
    }

    /** A workload: runs, and returns the pids whose lines are compared. */
    interface Workload {
        Set<Long> run() throws Exception;
    }

    /**
     * Runs the Debian binary {@code /usr/sbin/NAME opts} and {@code bpf4j NAME opts} at once over
     * {@code workload}; compares the headers, then the {@code n} lines each printed about the
     * workload's pids (chosen by {@code mine}), with {@code mask} applied.
     */
    static void compare(String name, String[] opts, Workload workload, int n, Function<Set<Long>, Predicate<String>> mine,
                        Function<String, String> mask) throws Exception {
        Path bin = Path.of("/usr/sbin", name);
        KernelTests.require(Files.isExecutable(bin), "no " + bin + " (libbpf-tools)");
        List<String> cmd = new ArrayList<>(List.of(bin.toString()));
        cmd.addAll(List.of(opts));
        List<String> args = new ArrayList<>(List.of(name));
        args.addAll(List.of(opts));
        try (ExecsnoopTest.Oracle oracle = new ExecsnoopTest.Oracle(cmd.toArray(String[]::new))) {
            SyscountTest.Running ours = new SyscountTest.Running(args.toArray(String[]::new));
            String header = oracle.lines.peek();
            ours.awaitOutput(header + "\n", 30_000);
            Set<Long> pids = workload.run();
            Predicate<String> keep = mine.apply(pids);
            List<String> theirs = oracle.await(keep, n, 30_000);
            long deadline = System.currentTimeMillis() + 30_000;
            while (ours.output().lines().filter(keep).count() < n && System.currentTimeMillis() < deadline) Thread.sleep(20);
            Thread.sleep(300);
            assertEquals(0, ExecsnoopTest.stop(ours), ours.errBuf.toString());
            List<String> ourLines = ours.output().lines().filter(keep).map(mask).sorted().toList();
            assertEquals(n, ourLines.size(), ours.output());
            assertEquals(theirs.stream().map(mask).sorted().toList(), ourLines, name + " " + String.join(" ", opts));
        }
    }

    /** Exits of {@code sh} children (codes 0 and 5, SIGTERM): plain, and {@code -t -x}. */
    @Test
    void exitsnoop() throws Exception {
        for (String[] opts : new String[][] {{}, {"-t", "-x"}}) {
            boolean x = opts.length > 0;
            int at = x ? 9 : 0; // the TIME(s) column
            compare("exitsnoop", opts, () -> Set.of(ExitsnoopTest.sh("exit 0"), ExitsnoopTest.sh("exit 5"),
                    ExitsnoopTest.sh("kill -s TERM $$")), x ? 2 : 3, pids -> line -> {
                        String[] f = line.substring(Math.min(at, line.length())).trim().split(" +");
                        return f.length > 5 && f[2].equals(Integer.toString(Os.getpid())) && f[1].matches("\\d+")
                                && pids.contains(Long.parseLong(f[1]));
                    }, line -> "TIME     ".substring(0, at) + line.substring(at, at + 41) + "AGE    " + line.substring(at + 48));
        }
    }

    /** Signals this JVM sends to {@code sleep} children: sigsnoop, sigsnoop -n, sigsnoop -k, killsnoop. */
    @Test
    void sigsnoopAndKillsnoop() throws Exception {
        String me = Integer.toString(Os.getpid());
        String[][] runs = {{"sigsnoop", "-p", me}, {"sigsnoop", "-n", "-p", me}, {"sigsnoop", "-k", "-p", me},
                {"killsnoop", "-p", me}};
        for (String[] run : runs) {
            String[] opts = List.of(run).subList(1, run.length).toArray(String[]::new);
            boolean kill = run[0].equals("killsnoop") || opts[0].equals("-k");
            compare(run[0], opts, () -> {
                List<Process> c = SigsnoopTest.sleepers(2);
                SigsnoopTest.kill(c.get(0).pid(), 28);
                SigsnoopTest.kill(c.get(0).pid(), 0);
                SigsnoopTest.kill(c.get(1).pid(), 10);
                SigsnoopTest.kill(c.get(0).pid(), 9);
                for (Process p : c) p.waitFor();
                return Set.of(c.get(0).pid(), c.get(1).pid());
            }, kill ? 4 : 3, pids -> line -> {
                String tpid = line.length() >= 51 ? line.substring(44, 51).trim() : "";
                return tpid.matches("\\d+") && pids.contains(Long.parseLong(tpid));
            }, line -> "TIME    " + line.substring(8));
        }
    }

    /** Mounts and umounts of this test's children (tmpfs, with flags and data; two that fail): mountsnoop and -t. */
    @Test
    void mountsnoop(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        for (String[] opts : new String[][] {{}, {"-t"}}) {
            int at = opts.length > 0 ? 9 : 0; // the TIME column
            Path sub = Files.createDirectory(dir.resolve("run" + opts.length));
            compare("mountsnoop", opts, () -> MountsnoopTest.workload(sub).keySet(), 8, pids -> line -> {
                String[] f = line.substring(Math.min(at, line.length())).split(" +", 5);
                return f.length == 5 && f[1].matches("\\d+") && pids.contains(Long.parseLong(f[1]));
            }, line -> "TIME     ".substring(0, at) + line.substring(at));
        }
    }

    /** Three loopback connections to a server of this test: tcpstates -L PORT (its side of them: 5 changes each), and -D PORT -w (the clients': 5 each). */
    @Test
    void tcpstates() throws Exception {
        try (var server = TcpstatesTest.server("127.0.0.1", 0)) {
            String port = Integer.toString(TcpstatesTest.port(server));
            for (String[] opts : new String[][] {{"-L", port}, {"-D", port, "-w"}}) {
                compare("tcpstates", opts, () -> {
                    TcpstatesTest.connections(server, 3, i -> 100 * (i + 1));
                    return Set.of();
                }, 15, pids -> line -> !line.startsWith("SKADDR"), line -> line.replaceFirst(" [0-9.]+$", " MS"));
            }
        }
    }

    /** Three loopback connections of this test, both ends (6 sessions), beside Debian's tcplife: plain and -w; MS masked. */
    @Test
    void tcplife() throws Exception {
        try (var server = TcpstatesTest.server("127.0.0.1", 0)) {
            int port = TcpstatesTest.port(server);
            for (String[] opts : new String[][] {{"-p", Integer.toString(Os.getpid())}, {"-w", "-p", Integer.toString(Os.getpid())}}) {
                compare("tcplife", opts, () -> {
                    TcplifeTest.connections(server, 3);
                    return Set.of();
                }, 6, pids -> line -> line.matches(".* " + port + " .*"), line -> line.replaceFirst(" [0-9.]+$", " MS"));
            }
        }
    }

    /** A thread kept off its CPU N times by a SCHED_FIFO spinner (RunqslowerTest's workload): runqslower -t TID; TIME and LAT masked. */
    @Test
    void runqslower() throws Exception {
        RunqslowerTest.Workload w = new RunqslowerTest.Workload();
        int tid = w.start()[0];
        compare("runqslower", new String[] {"-t", Integer.toString(tid), "20000"}, () -> {
            w.run();
            return Set.of();
        }, RunqslowerTest.ROUNDS, pids -> line -> line.length() >= 47 && line.substring(32, 47).trim().matches("\\d+")
                && Long.parseLong(line.substring(32, 47).trim()) >= (RunqslowerTest.SPIN_MS - 5) * 1000L,
                line -> "TIME     " + line.substring(9, 32) + "LAT");
    }

    /** The six numeric look-ups of GethostlatencyTest's named thread, beside Debian's gethostlatency -p; TIME and LATms masked. */
    @Test
    void gethostlatency() throws Exception {
        compare("gethostlatency", new String[] {"-p", Integer.toString(Os.getpid())}, () -> {
            GethostlatencyTest.lookups();
            return Set.of();
        }, 6, pids -> line -> line.contains(" " + GethostlatencyTest.THREAD + " "),
                line -> "TIME     " + line.substring(9, 34) + "LATms      " + line.substring(45));
    }

    /** The lines of an interactive bash of BashreadlineTest, beside Debian's bashreadline; TIME masked. */
    @Test
    void bashreadline() throws Exception {
        compare("bashreadline", new String[0], () -> Set.of(BashreadlineTest.bash(4)), 5,
                pids -> line -> line.length() > 18 && pids.contains(Long.parseLong("0" + line.substring(10, 17).trim().replaceAll("\\D", ""))),
                line -> "TIME      " + line.substring(10));
    }
}
