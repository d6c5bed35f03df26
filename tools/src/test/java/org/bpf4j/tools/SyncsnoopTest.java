package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bpf4j.sys.Os;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bpf4j syncsnoop} on the real kernel: exactly the sync-family calls of a named thread of this JVM. */
class SyncsnoopTest {
    static final String HEADER = "TIME(s)            COMM             CALL\n";
    static final String THREAD = "bpf4jsyncer";

    private static final Linker L = Linker.nativeLinker();

    private static MethodHandle libc(String name, FunctionDescriptor fd) {
        return L.downcallHandle(L.defaultLookup().find(name).orElseThrow(), fd);
    }

    private static final MethodHandle OPEN = libc("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
            CLOSE = libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT)),
            SYNC = libc("sync", FunctionDescriptor.ofVoid()),
            SYNCFS = libc("syncfs", FunctionDescriptor.of(JAVA_INT, JAVA_INT)),
            FSYNC = libc("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT)),
            FDATASYNC = libc("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT)),
            SYNC_FILE_RANGE = libc("sync_file_range", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /**
     * In a thread named {@value #THREAD}: sync once, syncfs twice, fsync three times, fdatasync
     * four times, sync_file_range five times (libc's), msync six times (a mapped buffer's force).
     * Returns the expected count per call name.
     */
    static Map<String, Integer> workload(Path dir) throws Exception {
        Path file = dir.resolve("data");
        Files.write(file, new byte[8192]);
        Throwable[] failed = {null};
        Thread t = new Thread(() -> {
            try (Arena a = Arena.ofConfined();
                 FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                int fd = (int) OPEN.invokeExact(a.allocateFrom(file.toString()), 2 /* O_RDWR */);
                assertTrue(fd >= 0, "open " + file);
                SYNC.invokeExact();
                for (int i = 0; i < 2; i++) assertEquals(0, (int) SYNCFS.invokeExact(fd));
                for (int i = 0; i < 3; i++) assertEquals(0, (int) FSYNC.invokeExact(fd));
                for (int i = 0; i < 4; i++) assertEquals(0, (int) FDATASYNC.invokeExact(fd));
                for (int i = 0; i < 5; i++) assertEquals(0, (int) SYNC_FILE_RANGE.invokeExact(fd, 0L, 0L, 2 /* WRITE */));
                assertEquals(0, (int) CLOSE.invokeExact(fd));
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, 4096);
                for (int i = 0; i < 6; i++) {
                    m.put(0, (byte) i);
                    m.force();
                }
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, THREAD);
        t.start();
        t.join();
        if (failed[0] != null) throw new AssertionError(failed[0]);
        Map<String, Integer> want = new TreeMap<>();
        String[] calls = {"sync", "syncfs", "fsync", "fdatasync", "sync_file_range", "msync"};
        for (int i = 0; i < calls.length; i++) want.put(calls[i], i + 1);
        return want;
    }

    static void awaitCount(SyscountTest.Running r, String marker, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (ExecsnoopTest.linesWith(r.output(), marker).size() < n && System.currentTimeMillis() < deadline) Thread.sleep(20);
        Thread.sleep(300); // a duplicate would show up by now
    }

    @Test
    void reportsEachCallOfTheThread(@TempDir Path dir) throws Exception {
        SyscountTest.Running ss = new SyscountTest.Running("syncsnoop");
        ss.awaitOutput(HEADER, 30_000);
        Map<String, Integer> want = workload(dir);
        String marker = " " + THREAD + " ";
        awaitCount(ss, marker, 21);
        assertEquals(0, ExecsnoopTest.stop(ss), ss.errBuf.toString());
        assertTrue(ss.output().startsWith(HEADER), ss.output());
        List<String> lines = ExecsnoopTest.linesWith(ss.output(), marker);
        Map<String, Integer> got = new TreeMap<>();
        double last = 0;
        for (String line : lines) {
            String time = line.substring(0, 18).trim(), call = line.substring(36).trim();
            assertTrue(time.matches("\\d+\\.\\d{9}"), line);
            assertTrue(Double.parseDouble(time) >= last, "in order: " + line);
            last = Double.parseDouble(time);
            assertEquals(String.format("%-18s %-16s %-16s", time, THREAD, call), line);
            got.merge(call, 1, Integer::sum);
        }
        assertEquals(want, got, ss.output());
    }

    @Test
    void json(@TempDir Path dir) throws Exception {
        SyscountTest.Running ss = new SyscountTest.Running("syncsnoop", "--json");
        // no header with --json: attached once a probe fsync of this thread shows
        Path probe = dir.resolve("probe");
        String mine = "\"pid\":" + Os.getpid() + ",\"comm\":\"";
        long deadline = System.currentTimeMillis() + 60_000;
        while (ExecsnoopTest.linesWith(ss.output(), mine).isEmpty()) {
            try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Thread.sleep(100);
            assertTrue(ss.thread.isAlive() && System.currentTimeMillis() < deadline, "attached: " + ss.output() + ss.errBuf);
        }
        Map<String, Integer> want = workload(dir);
        String marker = mine + THREAD + "\"";
        awaitCount(ss, marker, 21);
        assertEquals(0, ExecsnoopTest.stop(ss), ss.errBuf.toString());
        Map<String, Integer> got = new TreeMap<>();
        for (String line : ExecsnoopTest.linesWith(ss.output(), marker)) {
            assertTrue(line.matches("\\{\"ts_us\":\\d+," + java.util.regex.Pattern.quote(marker) + ",\"call\":\"[a-z_]+\"}"), line);
            got.merge(line.substring(line.lastIndexOf(":\"") + 2, line.length() - 2), 1, Integer::sum);
        }
        assertEquals(want, got, ss.output());
    }
}
