package org.bpf4j.btf;

import static org.bpf4j.btf.BtfTestSupport.fixture;
import static org.bpf4j.btf.BtfTestSupport.read;
import static org.bpf4j.btf.BtfTestSupport.requireOrSkip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.bpf4j.BpfException;
import org.bpf4j.btf.BtfTestSupport.Blob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * sizeOf, alignOf and resolve against libbpf's btf__resolve_size, btf__align_of and
 * btf__resolve_type for every type: the checked-in NAME.libbpf.txt of each fixture, and the
 * running kernel's BTF through the oracle built at test time.
 */
class BtfAlgebraTest {

    static List<String> fixtures() {
        return BtfTestSupport.btfFixtures();
    }

    /** Lines "ID RESOLVE_SIZE ALIGN_OF RESOLVE_TYPE" from core/src/test/tools/btf_oracle.c. */
    static int compareWithLibbpf(Btf btf, String oracle) {
        int n = 0;
        for (String line : oracle.split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.split(" ");
            int id = Integer.parseInt(f[0]);
            long size = Long.parseLong(f[1]);
            int align = Integer.parseInt(f[2]);
            int resolved = Integer.parseInt(f[3]);
            String what = btf.describe(id);
            if (size >= 0) {
                assertEquals(size, btf.sizeOf(id), "sizeOf " + what);
            } else {
                assertThrows(BpfException.class, () -> btf.sizeOf(id), "sizeOf " + what + " (libbpf: " + size + ")");
            }
            if (align > 0) {
                assertEquals(align, btf.alignOf(id), "alignOf " + what);
            } else {
                assertThrows(BpfException.class, () -> btf.alignOf(id), "alignOf " + what + " (libbpf: " + align + ")");
            }
            // btf__resolve_type also skips VAR, and fails on void and FWD where resolve() returns them
            if (btf.kind(id) != BtfKind.VAR) {
                int ours = btf.resolve(id);
                if (resolved >= 0) {
                    assertEquals(resolved, ours, "resolve " + what);
                } else {
                    assertTrue(ours == 0 || btf.kind(ours) == BtfKind.FWD, "resolve " + what + " -> " + btf.describe(ours));
                }
            }
            n++;
        }
        assertEquals(btf.typeCount() - btf.firstId(), n, "the oracle covers every type");
        return n;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void fixtureMatchesLibbpf(String name) {
        compareWithLibbpf(Btf.read(fixture(name + ".o")), read(fixture(name + ".libbpf.txt")));
    }

    @Test
    void kernelMatchesLibbpf() {
        requireOrSkip(Files.isReadable(BtfTestSupport.VMLINUX), "no kernel BTF at /sys/kernel/btf/vmlinux");
        Path oracle = BtfTestSupport.oracle();
        requireOrSkip(oracle != null, "cannot build the libbpf oracle (needs cc and libbpf-dev)");
        String out = BtfTestSupport.run(List.of(oracle.toString(), BtfTestSupport.VMLINUX.toString()));
        assertTrue(compareWithLibbpf(Btf.kernel(), out) > 1000);
    }

    @Test
    void packedAndOverAlignedStructs() {
        Btf btf = Btf.read(fixture("btf_kinds.o"));
        BtfType.Composite flavours = (BtfType.Composite) btf.type(btf.find("flavours", BtfKind.STRUCT));
        // struct __attribute__((packed)) { char x; int y; }: y at byte 1, so libbpf infers alignment 1
        int packed = flavours.member("packed").type();
        assertEquals(5, btf.sizeOf(packed));
        assertEquals(1, btf.alignOf(packed));
        // struct { char x; long y; } __attribute__((aligned(16))): BTF has no alignment; size 16, align 8
        int aligned = flavours.member("aligned").type();
        assertEquals(16, btf.sizeOf(aligned));
        assertEquals(8, btf.alignOf(aligned));
    }

    @Test
    void hugeArraysAndLoopsAreReported() {
        // [1] int, [2] ARRAY of 0x10000 x [1], [3] ARRAY of 0x10000 x [2] (16 GiB), [4] CONST -> [5] CONST -> [4]
        byte[] strings = "\0int\0".getBytes();
        Blob t = new Blob();
        t.type(1, BtfKind.INT.code(), 0, false, 4).u32(1 << 24 | 32);
        t.type(0, BtfKind.ARRAY.code(), 0, false, 0).u32(1).u32(1).u32(0x10000);
        t.type(0, BtfKind.ARRAY.code(), 0, false, 0).u32(2).u32(1).u32(0x10000);
        t.type(0, BtfKind.CONST.code(), 0, false, 5);
        t.type(0, BtfKind.CONST.code(), 0, false, 4);
        Btf btf = Btf.parse(Blob.btf(t.toByteArray(), strings), "loops.btf");
        assertEquals(0x40000, btf.sizeOf(2));
        BpfException big = assertThrows(BpfException.class, () -> btf.sizeOf(3));
        assertTrue(big.getMessage().contains("4 GiB"), big.getMessage());
        BpfException loop = assertThrows(BpfException.class, () -> btf.skipModifiers(4));
        assertTrue(loop.getMessage().contains("loop") && loop.getMessage().startsWith("loops.btf"), loop.getMessage());
        assertThrows(BpfException.class, () -> btf.resolve(5));
        assertThrows(BpfException.class, () -> btf.sizeOf(4));
        assertThrows(BpfException.class, () -> btf.alignOf(4));
        try {
            btf.sizeOf(0);
            fail("void has no size");
        } catch (BpfException e) {
            assertTrue(e.getMessage().contains("[0] void"), e.getMessage());
        }
    }
}
