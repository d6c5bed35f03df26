package org.bpf4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bpf4j.ObjectFileException;
import org.bpf4j.testing.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14's reproducers ({@link Reproducers}): each gets an ObjectFileException naming the file
 * (and the section where there is one), writes no C, and takes under a second, here and in a
 * JVM of 256 MB of heap.
 */
class ReproducersTest {
    /** What each message must say, beside the file name. */
    static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("rel-info-out-of-range", "rel_info.o: section .rel");
        EXPECTED.put("rel-info-negative", "rel_info_neg.o: section .rel");
        EXPECTED.put("func-st-value-negative", "st_value.o: section ");
        EXPECTED.put("func-st-size-negative", "st_size.o: section ");
        EXPECTED.put("btf-file-e-shoff-minus-1", "shoff.o: truncated: section headers at offset 18446744073709551615");
        EXPECTED.put("object-e-shoff-minus-1", "shoff_obj.o: section header 0 at offset 18446744073709551615");
        EXPECTED.put("bss-1.37GB", "bss.o: section .bss: 1370000000 bytes of global data");
        EXPECTED.put("bss-2GB", "bss2.o: section .bss: 2147483648 bytes of global data");
        EXPECTED.put("btf-dump-struct-size-2GB", "size.o: impossible layout of ");
        EXPECTED.put("btf-dump-struct-size-200MB", "size200.o: impossible layout of ");
        EXPECTED.put("btf-dump-member-offset-beyond-size", "member.o: impossible layout of ");
        EXPECTED.put("btf-dump-member-out-of-order", "order.o: impossible layout of ");
    }

    static List<String> names() {
        return List.copyOf(Reproducers.cases().keySet());
    }

    @Test
    void everyCaseIsListed() {
        assertEquals(EXPECTED.keySet(), Reproducers.cases().keySet());
    }

    @ParameterizedTest
    @MethodSource("names")
    void typedAndFast(String name, @TempDir Path dir) {
        Reproducers.written = 0;
        long t0 = System.nanoTime();
        ObjectFileException e = assertThrows(ObjectFileException.class, () -> Reproducers.cases().get(name).run(dir));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.getMessage().contains(EXPECTED.get(name)), "expected '" + EXPECTED.get(name) + "' in: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(dir.toString()), e.getMessage());
        assertEquals(0, Reproducers.written, "C written before the refusal");
        assertTrue(ms < 1000, name + " took " + ms + " ms");
    }

    @Test
    void allInA256MbHeap() {
        String java = ProcessHandle.current().info().command().orElse("java");
        String out = Cmd.check(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Reproducers.class.getName());
        List<String> lines = out.strip().lines().toList();
        assertEquals(EXPECTED.size(), lines.size(), out);
        for (String line : lines) {
            String[] f = line.split(" ", 5);
            assertEquals(ObjectFileException.class.getName(), f[1], line);
            assertTrue(Long.parseLong(f[2]) < 1000, "over a second: " + line);
            assertEquals("0", f[3], "C written: " + line);
            assertTrue(f[4].contains(EXPECTED.get(f[0])), line);
        }
    }
}
