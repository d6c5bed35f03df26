package org.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * (core/src/test/bpf/core) resolved against this kernel's BTF (libbpf's answer computed now, by
 * the oracle) and against Debian's 6.1 amd64, cloud-amd64 and rt-amd64 BTFs (libbpf's answers
 * checked in; recomputed too when the oracle can be built). Same program, instruction, kind,
 * type, access string and result: the value patched in, poison, error or unprocessed.
 */
class CoreDifferentialTest {
    static Stream<Path> corpus() {
        return CoreOracle.corpus().stream();
    }

    private static List<String> ours(Path object, Btf target) {
        return CoreOracle.lines(ObjectSpec.read(object).resolveCore(target));
    }

    @Test
    void corpusIsComplete() {
        // every source has its object and its expectations for every pinned kernel
        List<String> names = CoreOracle.corpus().stream().map(CoreOracle::name).toList();
        assertEquals(17, names.size(), names.toString());
        for (String n : names) {
            assertTrue(Files.isRegularFile(CoreOracle.sourceRoot().resolve("core/src/test/bpf/core/" + n + ".bpf.c")), n);
            for (DebianKernels.Kernel k : DebianKernels.pinned()) {
                assertTrue(Files.isRegularFile(CoreOracle.fixtures().resolve(n + "." + k.release() + ".relocs")),
                        n + " on " + k.release());
            }
        }
        assertEquals(3, DebianKernels.pinned().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void sameAsLibbpfOnDebianKernels(Path object) {
        List<String> failures = new ArrayList<>();
        int compared = 0;
        for (DebianKernels.Target k : DebianKernels.require()) {
            List<String> got = ours(object, Btf.read(k.btf()));
            if (k.pinned()) {
                compared++;
                List<String> expected = CoreOracle.expected(object, k.release());
                if (!expected.equals(got)) failures.add(diff(k.release() + " (checked-in libbpf answer)", expected, got));
            }
            if (!k.pinned() || CoreOracle.available()) {
                compared++;
                List<String> expected = CoreOracle.run(object, k.btf());
                if (!expected.equals(got)) failures.add(diff(k.release() + " (libbpf now)", expected, got));
            }
        }
        assertTrue(compared >= 3, "compared with " + compared + " answers");
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
