package org.bpf4j.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.btf.Btf;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;

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
        // kernels before 6.16 (or so) cannot map it: then the caller reads; both must agree otherwise
        if (mapped != null) assertArrayEquals(read, mapped);
        assertEquals(read.length, Btf.read(p).raw().length);
        assertNull(Os.readMapped("/nonexistent/file", 10));
    }
}
