package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bpf4j mountsnoop} on the real kernel: exactly the mounts and umounts of this test's {@code mount}/{@code umount} children. */
class MountsnoopTest {
    static final String HEADER = "COMM             PID     TID     MNT_NS      CALL\n";

    @BeforeEach
    void kernel() throws Exception {
        KernelTests.requireKernel();
        KernelTests.require(Files.isExecutable(Path.of("/usr/bin/mount")) && Files.isExecutable(Path.of("/usr/bin/umount")),
                "no mount(8)");
    }

    /** This process's mount namespace's inode number, from {@code /proc/self/ns/mnt}. */
    static long mntNs() throws Exception {
        String l = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString(); // mnt:[4026531841]
        return Long.parseLong(l.substring(l.indexOf('[') + 1, l.length() - 1));
    }

    /** Runs {@code cmd}, returns its pid; its exit status must be {@code status}. */
    static long run(int status, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(status, p.waitFor(), String.join(" ", cmd));
        return p.pid();
    }

    /**
     * Three tmpfs mounts on directories of {@code dir} (nosuid, nodev, and both; sizes 1, 2 and 3 MiB) and their
     * umounts, a mount on a missing directory (ENOENT) and an umount of a directory that is no
     * mount point (EINVAL). Returns the CALL column libbpf-tools prints for each, by pid.
     */
    static Map<Long, String> workload(Path dir) throws Exception {
        Map<Long, String> want = new LinkedHashMap<>();
        String[] opts = {"nosuid", "nodev", "nosuid,nodev"}, names = {"MS_NOSUID", "MS_NODEV", "MS_NOSUID | MS_NODEV"};
        List<Path> points = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path m = Files.createDirectory(dir.resolve("m" + i));
            points.add(m);
            long pid = run(0, "mount", "-t", "tmpfs", "-o", opts[i] + ",size=" + (i + 1) + "m", "bpf4jsrc" + i, m.toString());
            want.put(pid, "mount(\"bpf4jsrc" + i + "\", \"" + m + "\", \"tmpfs\", " + names[i] + ", \"size=" + (i + 1) + "m\") = 0");
        }
        for (Path m : points) want.put(run(0, "umount", m.toString()), "umount(\"" + m + "\", 0x0) = 0");
        Path missing = dir.resolve("missing");
        want.put(run(32, "mount", "-t", "tmpfs", "bpf4jsrc", missing.toString()),
                "mount(\"bpf4jsrc\", \"" + missing + "\", \"tmpfs\", 0x0, \"\") = -ENOENT");
        want.put(run(32, "umount", points.get(0).toString()), "umount(\"" + points.get(0) + "\", 0x0) = -EINVAL");
        return want;
    }

    /** The lines whose PID column is a key of {@code want}. */
    static List<String> lines(String out, Map<Long, String> want) {
        List<String> l = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.split(" +", 5);
            if (f.length == 5 && f[1].matches("\\d+") && want.containsKey(Long.parseLong(f[1]))) l.add(line);
        }
        return l;
    }

    @Test
    void reportsEachMountAndUmount(@TempDir Path dir) throws Exception {
        SyscountTest.Running ms = new SyscountTest.Running("mountsnoop");
        ms.awaitOutput(HEADER, 30_000);
        Map<Long, String> want = workload(dir);
        long deadline = System.currentTimeMillis() + 30_000;
        while (lines(ms.output(), want).size() < want.size() && System.currentTimeMillis() < deadline) Thread.sleep(20);
        Thread.sleep(300); // a duplicate would show up by now
        assertEquals(0, ExecsnoopTest.stop(ms), ms.errBuf.toString());
        assertTrue(ms.output().startsWith(HEADER), ms.output());
        List<String> expected = new ArrayList<>();
        for (var e : want.entrySet()) {
            String comm = e.getValue().startsWith("mount(") ? "mount" : "umount";
            expected.add(String.format("%-16s %-7d %-7d %-11d %s", comm, e.getKey(), e.getKey(), mntNs(), e.getValue()));
        }
        assertEquals(expected, lines(ms.output(), want), ms.output());
    }

    /** {@code -d -t}: one block per call, each field on its own line under the time. */
    @Test
    void detailed(@TempDir Path dir) throws Exception {
        SyscountTest.Running ms = new SyscountTest.Running("mountsnoop", "-d", "-t");
        // no header with -d: attached once a probe umount (of no mount point: EINVAL) shows
        Path probe = Files.createDirectory(dir.resolve("probe"));
        long deadline = System.currentTimeMillis() + 60_000;
        while (!ms.output().contains("TARGET: " + probe + "\n")) {
            run(32, "umount", probe.toString());
            Thread.sleep(100);
            assertTrue(ms.thread.isAlive() && System.currentTimeMillis() < deadline, "attached: " + ms.output() + ms.errBuf);
        }
        Path m = Files.createDirectory(dir.resolve("m"));
        long pid = run(0, "mount", "-t", "tmpfs", "-o", "noexec,size=1m", "bpf4jdetail", m.toString());
        while (!ms.output().contains("PID:    " + pid + "\n") && System.currentTimeMillis() < deadline) Thread.sleep(20);
        Thread.sleep(300);
        run(0, "umount", m.toString());
        assertEquals(0, ExecsnoopTest.stop(ms), ms.errBuf.toString());
        String out = ms.output();
        int at = out.indexOf("    PID:    " + pid + "\n");
        assertTrue(at > 10, out);
        String block = out.substring(at - 10, out.indexOf("\n\n", at) + 2);
        assertTrue(block.matches("(?s)\\d\\d:\\d\\d:\\d\\d \n    PID:.*"), block);
        assertEquals(("    PID:    %d\n    TID:    %d\n    COMM:   mount\n    OP:     MOUNT\n    RET:    0\n    LAT:    LATus\n"
                + "    MNT_NS: %d\n    FS:     tmpfs\n    SOURCE: bpf4jdetail\n    TARGET: %s\n    DATA:   size=1m\n"
                + "    FLAGS:  MS_NOEXEC\n\n").formatted(pid, pid, mntNs(), m),
                block.substring(10).replaceFirst("LAT:    \\d+us", "LAT:    LATus"));
    }

    @Test
    void json(@TempDir Path dir) throws Exception {
        SyscountTest.Running ms = new SyscountTest.Running("mountsnoop", "--json");
        Path probe = Files.createDirectory(dir.resolve("probe"));
        long deadline = System.currentTimeMillis() + 60_000;
        while (!ms.output().contains("\"target\":\"" + probe + "\"")) {
            run(32, "umount", probe.toString());
            Thread.sleep(100);
            assertTrue(ms.thread.isAlive() && System.currentTimeMillis() < deadline, "attached: " + ms.output() + ms.errBuf);
        }
        Map<Long, String> want = workload(dir);
        String ns = ",\"mnt_ns\":" + mntNs() + ",";
        while (want.keySet().stream().anyMatch(p -> !ms.output().contains("\"pid\":" + p + ",")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        assertEquals(0, ExecsnoopTest.stop(ms), ms.errBuf.toString());
        for (var e : want.entrySet()) {
            List<String> l = ExecsnoopTest.linesWith(ms.output(), "\"pid\":" + e.getKey() + ",");
            assertEquals(1, l.size(), ms.output());
            String line = l.get(0);
            boolean mount = e.getValue().startsWith("mount(");
            assertTrue(line.startsWith("{\"comm\":\"" + (mount ? "mount" : "umount") + "\",\"pid\":" + e.getKey() + ",\"tid\":"
                    + e.getKey() + ns + "\"op\":\"" + (mount ? "MOUNT" : "UMOUNT") + "\","), line);
            assertTrue(line.endsWith(",\"call\":\"" + e.getValue().replace("\"", "\\\"") + "\"}"), line);
            String result = e.getValue().substring(e.getValue().lastIndexOf("= ") + 2);
            assertTrue(line.contains("\"result\":\"" + result + "\""), line);
        }
    }
}
