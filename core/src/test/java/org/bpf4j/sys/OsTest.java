package org.bpf4j.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bpf4j.btf.Btf;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsTest {
    @Test
    void mappedReadOfTheKernelBtfEqualsReadingIt() throws Exception {
        Path p = Path.of("/sys/kernel/btf/vmlinux");
        KernelTests.require(Files.isReadable(p), "no readable " + p);
        byte[] read;
        try (var in = new java.io.FileInputStream(p.toFile())) {
            read = in.readAllBytes();
        }
        byte[] mapped = Os.readMapped(p.toString(), p.toFile().length());
        // sysfs maps the kernel's BTF since 6.16 (before, unless backported, the caller reads it)
        if (atLeast(System.getProperty("os.version"), 6, 16)) {
            assertNotNull(mapped, "Linux " + System.getProperty("os.version") + " maps " + p);
        }
        if (mapped != null) assertArrayEquals(read, mapped);
        assertEquals(read.length, Btf.read(p).raw().length);
        assertNull(Os.readMapped("/nonexistent/file", 10));
    }

    /** An ordinary file is always mappable: its bytes, across page boundaries, whatever the kernel. */
    @Test
    void mappedReadOfAFileIsItsBytes(@TempDir Path dir) throws Exception {
        byte[] data = new byte[3 * 4096 + 123];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31 + (i >> 12));
        Path f = Files.write(dir.resolve("data"), data);
        assertArrayEquals(data, Os.readMapped(f.toString(), data.length));
        assertArrayEquals(Arrays.copyOf(data, 5000), Os.readMapped(f.toString(), 5000));
        assertNull(Os.readMapped(f.toString(), 0));
    }

    private static boolean atLeast(String release, int major, int minor) {
        String[] v = release.split("[.-]");
        int ma = Integer.parseInt(v[0]), mi = Integer.parseInt(v[1]);
        return ma > major || ma == major && mi >= minor;
    }
}
