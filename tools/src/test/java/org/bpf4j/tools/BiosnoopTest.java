package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.sys.Os;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bpf4j biosnoop} on the real kernel: exactly the N direct reads of a loop device by a named thread of this test. */
class BiosnoopTest {
    static final String HEADER = "TIME(s)     COMM           PID     DISK    T    SECTOR     BYTES   LAT(ms)\n";
    static final String THREAD = "bpf4jbioreader";

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /** {@link HistToolsTest#directReads} of {@code loop} in a thread named {@value #THREAD}. */
    static void reads(String loop, int n) throws Exception {
        Throwable[] failed = {null};
        Thread t = new Thread(() -> {
            try {
                HistToolsTest.directReads(Path.of(loop), n);
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, THREAD);
        t.start();
        t.join();
        if (failed[0] != null) throw new AssertionError(failed[0]);
    }

    static List<String> lines(String out, String disk) {
        List<String> l = new ArrayList<>();
        for (String line : out.split("\n")) if (line.length() > 43 && line.substring(35, 42).trim().equals(disk)) l.add(line);
        return l;
    }

    /** {@code -d LOOP}: one line per read, in order, with the reader, the sector and the size. */
    @Test
    void reportsEachDirectReadOfALoopDevice(@TempDir Path dir) throws Exception {
        String loop = HistToolsTest.loopDevice(dir);
        String disk = loop.substring(loop.lastIndexOf('/') + 1);
        try {
            int n = 40;
            SyscountTest.Running bs = new SyscountTest.Running("biosnoop", "-d", disk);
            bs.awaitOutput(HEADER, 30_000);
            reads(loop, n);
            long deadline = System.currentTimeMillis() + 30_000;
            while (lines(bs.output(), disk).size() < n && System.currentTimeMillis() < deadline) Thread.sleep(20);
            Thread.sleep(300);
            assertEquals(0, ExecsnoopTest.stop(bs), bs.errBuf.toString());
            assertTrue(bs.output().startsWith(HEADER), bs.output());
            List<String> lines = lines(bs.output(), disk);
            assertEquals(n, lines.size(), bs.output());
            assertEquals(n + 1, bs.output().split("\n").length, "-d: that disk only: " + bs.output());
            double last = -1;
            for (int i = 0; i < n; i++) {
                String l = lines.get(i);
                double t = Double.parseDouble(l.substring(0, 11).trim());
                assertTrue(t >= last && l.substring(0, 11).trim().matches("\\d+\\.\\d{6}"), l);
                last = t;
                assertTrue(l.matches(".* +\\d+\\.\\d{3}"), l);
                assertEquals(String.format("%-11s %-14.14s %-7d %-7s %-4s %-10d %-7d ", l.substring(0, 11).trim(), THREAD, Os.getpid(),
                        disk, "RS", (long) (i % 256) * 8, 4096), l.substring(0, 67), l);
            }
            assertTrue(lines.get(0).startsWith("0.000000    "), lines.get(0));
        } finally {
            Cmd.run("losetup", "-d", loop);
        }
    }

    /** {@code -Q --json}: the queued time too, one object per read. */
    @Test
    void queuedAsJson(@TempDir Path dir) throws Exception {
        String loop = HistToolsTest.loopDevice(dir);
        String disk = loop.substring(loop.lastIndexOf('/') + 1);
        try {
            SyscountTest.Running bs = new SyscountTest.Running("biosnoop", "-Q", "-d", disk, "--json");
            // no header with --json: attached once a probe read shows
            long deadline = System.currentTimeMillis() + 60_000;
            while (!bs.output().contains("\"disk\":\"" + disk + "\"")) {
                reads(loop, 1);
                Thread.sleep(100);
                assertTrue(bs.thread.isAlive() && System.currentTimeMillis() < deadline, "attached: " + bs.output() + bs.errBuf);
            }
            int before = bs.output().split("\n").length;
            reads(loop, 10);
            while (bs.output().split("\n").length < before + 10 && System.currentTimeMillis() < deadline) Thread.sleep(20);
            Thread.sleep(300);
            assertEquals(0, ExecsnoopTest.stop(bs), bs.errBuf.toString());
            List<String> l = List.of(bs.output().split("\n"));
            assertEquals(before + 10, l.size(), bs.output());
            for (int i = 0; i < 10; i++) {
                assertTrue(l.get(before + i).matches("\\{\"time\":\\d+\\.\\d{6},\"comm\":\"" + THREAD + "\",\"pid\":" + Os.getpid()
                        + ",\"disk\":\"" + disk + "\",\"rwbs\":\"RS\",\"sector\":" + (i * 8) + ",\"bytes\":4096,\"que_ms\":-?\\d+\\.\\d{3},"
                        + "\"lat_ms\":\\d+\\.\\d{3}}"), l.get(before + i));
            }
        } finally {
            Cmd.run("losetup", "-d", loop);
        }
    }
}
