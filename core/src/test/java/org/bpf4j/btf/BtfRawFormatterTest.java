package org.bpf4j.btf;

import static org.bpf4j.btf.BtfTestSupport.assertSameText;
import static org.bpf4j.btf.BtfTestSupport.bpftool;
import static org.bpf4j.btf.BtfTestSupport.bpftoolRaw;
import static org.bpf4j.btf.BtfTestSupport.fixture;
import static org.bpf4j.btf.BtfTestSupport.read;
import static org.bpf4j.btf.BtfTestSupport.requireOrSkip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BtfRawFormatter} must print exactly what {@code bpftool btf dump file X format raw}
 * prints: for every checked-in fixture (against the dump scripts/build-fixtures saved), and at test
 * time for the running kernel's BTF, a loaded module's, and split BTF.
 */
class BtfRawFormatterTest {

    static List<String> fixtures() {
        return BtfTestSupport.btfFixtures();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void fixtureMatchesCheckedInBpftoolDump(String name) {
        Btf btf = Btf.read(fixture(name + ".o"));
        String expected = read(fixture(name + ".btf.txt"));
        assertFalse(expected.isEmpty());
        assertSameText(expected, BtfRawFormatter.format(btf), name);
        // through an Appendable that is not a StringBuilder (chunked flushing)
        StringWriter w = new StringWriter();
        BtfRawFormatter.format(btf, w);
        assertEquals(expected, w.toString());
    }

    @Test
    void fixturesCoverEveryKind() {
        String dump = read(fixture("btf_kinds.btf.txt"));
        for (BtfKind k : BtfKind.values()) {
            if (k == BtfKind.UNKN) continue;
            assertTrue(dump.contains("] " + k.name() + " '"), "btf_kinds has a " + k);
        }
        assertTrue(dump.contains("bitfield_size="), "bitfields with the kind flag");
        assertTrue(dump.contains("encoding=SIGNED size=8"), "signed ENUM64");
        assertTrue(dump.contains("val=-5"), "negative enumerator");
        assertTrue(dump.contains("fwd_kind=union"), "union forward declaration");
        assertTrue(dump.contains("linkage=extern"), "extern VAR");
        assertTrue(dump.contains("linkage=static"), "static FUNC/VAR");
        assertTrue(dump.contains("component_idx=0"), "decl tag on a parameter");
        assertTrue(dump.contains("'(anon)' type_id=0\n"), "varargs");
    }

    @Test
    void kernelBtfMatchesBpftool() {
        requireOrSkip(Files.isReadable(BtfTestSupport.VMLINUX), "no kernel BTF at /sys/kernel/btf/vmlinux");
        requireOrSkip(bpftool() != null, "bpftool not installed");
        String expected = bpftoolRaw(BtfTestSupport.VMLINUX, null);
        Btf kernel = Btf.kernel();
        assertSame(kernel, Btf.kernel(), "parsed once and shared");
        assertTrue(kernel.typeCount() > 1000);
        assertSameText(expected, BtfRawFormatter.format(kernel), "kernel BTF (trusted parse)");
        // the same bytes through the fully validating parser
        Btf full = Btf.parse(BtfTestSupport.bytes(BtfTestSupport.VMLINUX), "vmlinux copy");
        assertSameText(expected, BtfRawFormatter.format(full), "kernel BTF (full validation)");
    }

    /**
     * Module BTF of the running kernel. This host's kernel has no loadable modules: the test runs in the
     * kernel-matrix VM (tag vm; vmtest loads veth and friends, scripts/kernel-matrix copies bpftool in).
     */
    @Test
    @org.junit.jupiter.api.Tag("vm")
    void kernelModuleBtfMatchesBpftool() throws IOException {
        requireOrSkip(Files.isReadable(BtfTestSupport.VMLINUX), "no kernel BTF at /sys/kernel/btf/vmlinux");
        requireOrSkip(bpftool() != null, "bpftool not installed");
        String module = null;
        try (Stream<Path> s = Files.list(Path.of("/sys/kernel/btf"))) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                if (!p.getFileName().toString().equals("vmlinux")) {
                    module = p.getFileName().toString();
                    break;
                }
            }
        }
        // a kernel without loadable modules (or with none loaded) has only vmlinux: nothing to compare
        requireOrSkip(module != null, "no module BTF under /sys/kernel/btf (no modules loaded)");
        Btf btf = Btf.kernelModule(module);
        assertSame(btf, Btf.kernelModule(module), "cached");
        assertSame(Btf.kernel(), btf.base());
        assertEquals(Btf.kernel().typeCount(), btf.firstId());
        // bpftool picks /sys/kernel/btf/vmlinux as the base by itself for files under /sys/kernel/btf
        assertSameText(bpftoolRaw(Path.of("/sys/kernel/btf", module), null), BtfRawFormatter.format(btf), module);
    }

    /** Split BTF over a fixture, made by hand, against bpftool -B. */
    @Test
    void splitBtfMatchesBpftool() throws IOException {
        requireOrSkip(bpftool() != null, "bpftool not installed");
        Path base = fixture("btf_kinds.o");
        byte[] split = SplitBtf.make(Btf.read(base));
        File tmp = File.createTempFile("split", ".btf");
        try {
            Files.write(tmp.toPath(), split);
            Btf btf = Btf.readSplit(tmp.toPath(), Btf.read(base));
            assertSameText(bpftoolRaw(tmp.toPath(), base), BtfRawFormatter.format(btf), "split BTF");
        } finally {
            tmp.delete();
        }
    }

    /**
     * Module BTF of a Debian kernel over its vmlinux BTF: real split BTF from the .ko files of the
     * newest Debian 6.1 amd64 kernel apt serves (fetched with its modules, as the kernel matrix does).
     */
    @Test
    void debianModuleBtfMatchesBpftool() throws IOException {
        org.bpf4j.testing.KernelTests.require(bpftool() != null, "bpftool not installed");
        org.bpf4j.testing.DebianKernels.Served k = org.bpf4j.testing.DebianKernels.servedWithModules("amd64");
        Path ko;
        try (Stream<Path> w = Files.walk(k.modules())) {
            ko = w.filter(p -> p.toString().endsWith(".ko")).sorted().findFirst().orElseThrow();
        }
        Btf base = Btf.read(k.btf());
        Btf mod = Btf.readSplit(ko, base);
        assertEquals(base.typeCount(), mod.firstId());
        String expected = bpftoolRaw(ko, k.btf());
        assertSameText(expected, BtfRawFormatter.format(mod), ko.toString());
        // the structure-only parse used for /sys/kernel/btf gives the same result
        byte[] raw = org.bpf4j.elf.ElfFile.readSection(ko, ".BTF");
        Btf trusted = Btf.parseTrusted(raw, Btf.parseTrusted(BtfTestSupport.bytes(k.btf()), null, "base"), "mod");
        assertSameText(expected, BtfRawFormatter.format(trusted), ko + " (trusted)");
        BtfLookupTest.checkAgainstBruteForce(trusted);
    }
}
