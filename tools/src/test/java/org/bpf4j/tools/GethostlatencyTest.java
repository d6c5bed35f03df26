package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bpf4j.sys.Os;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code bpf4j gethostlatency} on the real kernel: exactly the look-ups of a named thread of this JVM, through libc. */
class GethostlatencyTest {
    static final String HEADER = "TIME     PID     COMM             LATms      HOST\n";
    static final String THREAD = "bpf4jresolver";

    private static final Linker L = Linker.nativeLinker();

    private static MethodHandle libc(String name, FunctionDescriptor fd) {
        return L.downcallHandle(L.defaultLookup().find(name).orElseThrow(), fd);
    }

    private static final MethodHandle GETADDRINFO = libc("getaddrinfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
            FREEADDRINFO = libc("freeaddrinfo", FunctionDescriptor.ofVoid(ADDRESS)),
            GETHOSTBYNAME = libc("gethostbyname", FunctionDescriptor.of(ADDRESS, ADDRESS)),
            GETHOSTBYNAME2 = libc("gethostbyname2", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /**
     * In a thread named {@value #THREAD}: getaddrinfo("127.0.0.1") three times, gethostbyname("127.0.0.2") twice,
     * gethostbyname2("127.0.0.3", AF_INET) once (numeric names: no resolver traffic). Returns the count per host.
     */
    static Map<String, Integer> lookups() throws Exception {
        Throwable[] failed = {null};
        Thread t = new Thread(() -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment res = a.allocate(ADDRESS);
                for (int i = 0; i < 3; i++) {
                    assertEquals(0, (int) GETADDRINFO.invokeExact(a.allocateFrom("127.0.0.1"), MemorySegment.NULL, MemorySegment.NULL, res));
                    FREEADDRINFO.invokeExact(res.get(ADDRESS, 0));
                }
                for (int i = 0; i < 2; i++) assertTrue(((MemorySegment) GETHOSTBYNAME.invokeExact(a.allocateFrom("127.0.0.2"))).address() != 0);
                assertTrue(((MemorySegment) GETHOSTBYNAME2.invokeExact(a.allocateFrom("127.0.0.3"), 2)).address() != 0);
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, THREAD);
        t.start();
        t.join();
        if (failed[0] != null) throw new AssertionError(failed[0]);
        return new TreeMap<>(Map.of("127.0.0.1", 3, "127.0.0.2", 2, "127.0.0.3", 1));
    }

    @Test
    void reportsEachLookUpOfTheThread() throws Exception {
        SyscountTest.Running gl = new SyscountTest.Running("gethostlatency", "-p", Integer.toString(Os.getpid()));
        gl.awaitOutput(HEADER, 30_000);
        Map<String, Integer> want = lookups();
        String mine = String.format(" %-7d %-16s ", Os.getpid(), THREAD);
        long deadline = System.currentTimeMillis() + 30_000;
        while (ExecsnoopTest.linesWith(gl.output(), mine).size() < 6 && System.currentTimeMillis() < deadline) Thread.sleep(20);
        Thread.sleep(300);
        assertEquals(0, ExecsnoopTest.stop(gl), gl.errBuf.toString());
        assertTrue(gl.output().startsWith(HEADER), gl.output());
        Map<String, Integer> got = new TreeMap<>();
        for (String l : ExecsnoopTest.linesWith(gl.output(), mine)) {
            assertTrue(l.matches("\\d\\d:\\d\\d:\\d\\d " + java.util.regex.Pattern.quote(mine.substring(1)) + "\\d+\\.\\d{3} +127\\.0\\.0\\.[123]"), l);
            assertEquals(String.format("%-10s", l.substring(34, 44).trim()), l.substring(34, 44), l);
            got.merge(l.substring(45), 1, Integer::sum);
        }
        assertEquals(want, got, gl.output());
    }

    @Test
    void json() throws Exception {
        SyscountTest.Running gl = new SyscountTest.Running("gethostlatency", "--json", "-p", Integer.toString(Os.getpid()));
        String marker = "\"pid\":" + Os.getpid() + ",\"comm\":\"" + THREAD + "\",";
        long deadline = System.currentTimeMillis() + 60_000;
        while (!gl.output().contains(marker)) {
            lookups();
            Thread.sleep(100);
            assertTrue(gl.thread.isAlive() && System.currentTimeMillis() < deadline, "attached: " + gl.output() + gl.errBuf);
        }
        Thread.sleep(300);
        int before = ExecsnoopTest.linesWith(gl.output(), marker).size();
        Map<String, Integer> want = lookups();
        while (ExecsnoopTest.linesWith(gl.output(), marker).size() < before + 6 && System.currentTimeMillis() < deadline) Thread.sleep(20);
        Thread.sleep(300);
        assertEquals(0, ExecsnoopTest.stop(gl), gl.errBuf.toString());
        List<String> l = ExecsnoopTest.linesWith(gl.output(), marker);
        assertEquals(before + 6, l.size(), gl.output());
        Map<String, Integer> got = new TreeMap<>();
        for (String line : l.subList(before, l.size())) {
            assertTrue(line.matches("\\{\"time\":\"\\d\\d:\\d\\d:\\d\\d\"," + java.util.regex.Pattern.quote(marker)
                    + "\"lat_ms\":\\d+\\.\\d{3},\"host\":\"127\\.0\\.0\\.[123]\"}"), line);
            got.merge(line.substring(line.length() - 11, line.length() - 2), 1, Integer::sum);
        }
        assertEquals(want, got, gl.output());
    }
}
