package org.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.BpfException;
import org.junit.jupiter.api.Test;

/** Uprobe target names to files, against the libc this JVM maps and the shell on PATH. */
class BinariesTest {
    static Path mappedLibc() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int slash = l.indexOf('/');
            if (slash > 0 && l.substring(slash).matches(".*/libc\\.so\\.6$")) return Path.of(l.substring(slash));
        }
        throw new AssertionError("this JVM maps no libc.so.6");
    }

    @Test
    void shortAndFileNamesOfLibc() throws IOException {
        Path libc = mappedLibc();
        assertTrue(Files.isSameFile(libc, Binaries.resolve("c")), "c: " + Binaries.resolve("c"));
        assertTrue(Files.isSameFile(libc, Binaries.resolve("libc.so.6")));
        assertEquals(libc, Binaries.resolve(libc.toString()), "a path is used as given");
    }

    @Test
    void executablesOnPath() throws IOException {
        assertTrue(Files.isSameFile(Path.of("/bin/sh"), Binaries.resolve("sh")));
    }

    @Test
    void unknownNamesSayWhereTheyWereLookedFor() {
        var e = assertThrows(BpfException.class, () -> Binaries.resolve("b4j-no-such-thing"));
        assertTrue(e.getMessage().contains("'b4j-no-such-thing'") && e.getMessage().contains("PATH")
                && e.getMessage().contains("/etc/ld.so.cache"), e.getMessage());
        var e2 = assertThrows(BpfException.class, () -> Binaries.resolve("libb4jnothing.so.1"));
        assertTrue(e2.getMessage().contains("/etc/ld.so.cache"), e2.getMessage());
        var e3 = assertThrows(BpfException.class, () -> Binaries.resolve("/no/such/file"));
        assertTrue(e3.getMessage().contains("/no/such/file does not exist"), e3.getMessage());
    }
}
