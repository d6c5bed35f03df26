package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line without the kernel: names, options, usage errors. */
class CliTest {
    @Test
    void listsSyscallNamesAndUnknownNumbers() {
        assertEquals("getppid", SyscallNames.name(110));
        assertEquals("bpf", SyscallNames.name(321));
        assertEquals("[unknown: 999]", SyscallNames.name(999));
        assertEquals("[unknown: 4294967295]", SyscallNames.name(-1));
    }

    @Test
    void badOptionsAreUsageErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, Main.run(new String[] {"syscount", "-p", "abc"}, System.out, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("invalid PID: abc"), err.toString());
        err.reset();
        assertEquals(2, Main.run(new String[] {"syscount", "-q"}, System.out, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unrecognized option '-q'"), err.toString());
    }

    @Test
    void argsReadShortLongCombinedAndInlineValues() {
        String[] table = {"-p", "--pid=", "-L", "--latency", "-m", "--milliseconds"};
        Args a = new Args(new String[] {"x", "-p42", "-Lm", "--pid=7", "pos", "--pid", "9", "-p", "3"}, 1);
        assertEquals("--pid", a.next(table));
        assertEquals("42", a.value("--pid"));
        assertEquals("--latency", a.next(table));
        assertEquals("--milliseconds", a.next(table));
        assertEquals("--pid", a.next(table));
        assertEquals("7", a.value("--pid"));
        assertEquals("--pid", a.next(table));
        assertEquals("9", a.value("--pid"));
        assertEquals("--pid", a.next(table));
        assertEquals("3", a.value("--pid"));
        assertEquals(null, a.next(table));
        assertEquals(java.util.List.of("pos"), a.positional());
    }

    @Test
    void theSkeletonEmbedsTheObjectByteForByte() throws Exception {
        byte[] resource;
        try (var in = org.bpf4j.tools.bpf.SyscountSkeleton.class.getResourceAsStream(
                org.bpf4j.tools.bpf.SyscountSkeleton.OBJECT_RESOURCE)) {
            resource = in.readAllBytes();
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(resource, org.bpf4j.tools.bpf.SyscountSkeleton.objectBytes());
    }
}
