package org.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bpf4j.ObjectSpec;
import org.bpf4j.btf.Btf;
import org.bpf4j.testing.CoreOracle;
import org.bpf4j.testing.DebianKernels;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * bpf4j's CO-RE engine against libbpf, line for line: every relocation of every corpus object
 * (core/src/test/bpf/core) resolved against this kernel's BTF and the Debian 6.1 kernels apt serves
 * today (libbpf's answers computed now, by the oracle), and against the pinned Debian 6.1 amd64,
 * cloud-amd64 and rt-amd64 kernels (their trimmed BTF and libbpf's answers checked in). Same
 * program, instruction, kind, type, access string and result: the value patched in, poison, error
 * or unprocessed. Trimming a BTF (BtfTrim, as for the checked-in ones) changes no answer, of libbpf
 * or of bpf4j: checked on the served kernels, and on the pinned ones when their full BTF is cached.
 */
class CoreDifferentialTest {
    static Stream<Path> corpus() {
        return CoreOracle.corpus().stream();
    }

    private static List<String> ours(Path object, Btf target) {
        return CoreOracle.lines(ObjectSpec.read(object).resolveCore(target));
    }

    private static List<String> ours(Path object, Path target) {
        return ours(object, Btf.read(target));
    }

    @Test
    void corpusIsComplete() throws IOException {
        // every source has its object and its expectations for every pinned kernel, whose trimmed BTF is checked in
        List<String> names = CoreOracle.corpus().stream().map(CoreOracle::name).toList();
        assertEquals(17, names.size(), names.toString());
        for (String n : names) {
            assertTrue(Files.isRegularFile(CoreOracle.sourceRoot().resolve("core/src/test/bpf/core/" + n + ".bpf.c")), n);
            for (DebianKernels.Kernel k : DebianKernels.pinned()) {
                assertTrue(Files.isRegularFile(CoreOracle.fixtures().resolve(n + "." + k.release() + ".relocs")),
                        n + " on " + k.release());
            }
        }
        // Debian's 6.1 amd64, cloud-amd64, rt-amd64 and 6.12 amd64 (bookworm-backports)
        assertEquals(List.of("6.1.0-56-amd64", "6.1.0-56-cloud-amd64", "6.1.0-56-rt-amd64", "6.12"),
                DebianKernels.pinned().stream().map(k -> k.release().replaceFirst("^6\\.12\\..*", "6.12")).toList());
        for (DebianKernels.Kernel k : DebianKernels.pinned()) {
            long size = Files.size(k.fixture());
            assertTrue(size > 10_000 && size < 500_000, k.fixture() + ": " + size + " bytes");
            Btf trimmed = Btf.read(k.btf()); // sha256 as pinned, or AssertionError
            assertTrue(trimmed.typeCount() > 90_000, "type ids are kept: " + trimmed.typeCount());
        }
    }

    /** The pinned kernels: bpf4j and libbpf (now) on the checked-in trimmed BTF give the checked-in answers. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void sameAsLibbpfsCheckedInAnswers(Path object) {
        List<String> failures = new ArrayList<>();
        for (DebianKernels.Kernel k : DebianKernels.pinned()) {
            List<String> expected = CoreOracle.expected(object, k.release());
            List<String> got = ours(object, k.btf());
            if (!expected.equals(got)) failures.add(diff(k.release() + " (checked-in libbpf answer)", expected, got));
            if (CoreOracle.available() || KernelTests.required()) {
                List<String> libbpf = CoreOracle.run(object, k.btf());
                if (!expected.equals(libbpf)) failures.add(diff(k.release() + " (checked-in vs libbpf now)", expected, libbpf));
            }
            Path full = k.cachedFull();
            if (full != null) {
                List<String> onFull = ours(object, full);
                if (!expected.equals(onFull)) failures.add(diff(k.release() + " (full BTF, bpf4j)", expected, onFull));
            }
        }
        assertTrue(CoreOracle.expected(object, DebianKernels.pinned().getFirst().release()).size() > 0);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /**
     * The newest Debian 6.1 kernels apt serves: bpf4j is libbpf (now), on the full BTF and on the
     * same BTF trimmed; libbpf's answers on the trimmed BTF are its answers on the full one.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void sameAsLibbpfOnServedDebianKernels(Path object) {
        List<String> failures = new ArrayList<>();
        for (DebianKernels.Served k : DebianKernels.served()) {
            List<String> expected = CoreOracle.run(object, k.btf());
            List<String> got = ours(object, k.btf());
            if (!expected.equals(got)) failures.add(diff(k.release() + " (libbpf now)", expected, got));
            List<String> libbpfTrimmed = CoreOracle.run(object, k.trimmed());
            if (!expected.equals(libbpfTrimmed)) failures.add(diff(k.release() + " trimmed (libbpf)", expected, libbpfTrimmed));
            List<String> oursTrimmed = ours(object, k.trimmed());
            if (!expected.equals(oursTrimmed)) failures.add(diff(k.release() + " trimmed (bpf4j)", expected, oursTrimmed));
            assertTrue(expected.size() > 0, k.release());
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void sameAsLibbpfOnThisKernel(Path object) {
        Path vmlinux = Path.of("/sys/kernel/btf/vmlinux");
        KernelTests.require(Files.isReadable(vmlinux), "no kernel BTF at " + vmlinux);
        List<String> expected = CoreOracle.run(object, vmlinux);
        List<String> got = ours(object, Btf.kernel());
        assertEquals(String.join("\n", expected), String.join("\n", got), CoreOracle.name(object) + " on this kernel");
        assertTrue(expected.size() > 0);
    }

    static String diff(String what, List<String> expected, List<String> got) {
        StringBuilder sb = new StringBuilder(what).append(": libbpf vs bpf4j\n");
        int n = Math.max(expected.size(), got.size());
        for (int i = 0; i < n; i++) {
            String e = i < expected.size() ? expected.get(i) : "<none>";
            String g = i < got.size() ? got.get(i) : "<none>";
            if (!e.equals(g)) sb.append("  - ").append(e).append("\n  + ").append(g).append('\n');
        }
        return sb.toString();
    }
}
