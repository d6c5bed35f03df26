package org.bpf4j.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.bpf4j.BpfException;
import org.bpf4j.ObjectFileException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed BTF, made by damaging the btf_kinds fixture's .BTF: each is rejected by parse with one
 * ObjectFileException naming the origin and the problem; random damage never escapes as any other
 * exception.
 */
class BtfMalformedTest {
    static byte[] good;
    static Btf parsed;
    static int typesStart;

    @BeforeAll
    static void load() {
        good = BtfTestSupport.btfSection("btf_kinds");
        parsed = Btf.parse(good, "good");
        typesStart = 24 + Btf.u32(good, 8);
    }

    static ObjectFileException rejected(byte[] data, String expectedProblem) {
        ObjectFileException e = assertThrows(ObjectFileException.class, () -> Btf.parse(data, "bad.btf"));
        assertEquals("bad.btf", e.file());
        assertNull(e.section());
        assertTrue(e.getMessage().startsWith("bad.btf: "), e.getMessage());
        assertTrue(e.getMessage().contains(expectedProblem), "expected '" + expectedProblem + "' in: " + e.getMessage());
        return e;
    }

    static void putU32(byte[] d, int p, int v) {
        d[p] = (byte) v;
        d[p + 1] = (byte) (v >> 8);
        d[p + 2] = (byte) (v >> 16);
        d[p + 3] = (byte) (v >> 24);
    }

    static byte[] with(int offset, int value) {
        byte[] d = good.clone();
        putU32(d, offset, value);
        return d;
    }

    /** Absolute offset of a type's record in the blob. */
    static int rec(int id) {
        return parsed.recordOffset(id);
    }

    static int id(String name, BtfKind kind) {
        return parsed.find(name, kind);
    }

    @Test
    void everyTruncationIsRejected() {
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            ObjectFileException e = assertThrows(ObjectFileException.class, () -> Btf.parse(cut, "cut.btf"), "length " + len);
            assertTrue(e.getMessage().startsWith("cut.btf: malformed BTF: "), e.getMessage());
        }
        rejected(Arrays.copyOf(good, 10), "truncated header");
        rejected(Arrays.copyOf(good, good.length - 1), "truncated");
    }

    @Test
    void badHeaders() {
        byte[] magic = good.clone();
        magic[0] = 0x12;
        rejected(magic, "bad magic 0xeb12");
        byte[] bigEndian = good.clone();
        bigEndian[0] = (byte) 0xeb;
        bigEndian[1] = (byte) 0x9f;
        rejected(bigEndian, "big-endian");
        byte[] version = good.clone();
        version[2] = 2;
        rejected(version, "unsupported version 2");
        rejected(with(4, 16), "bad header length 16");
        rejected(with(4, good.length + 1), "bad header length");
        byte[] misaligned = with(8, 2);
        putU32(misaligned, 12, Btf.u32(good, 12) - 2);
        rejected(misaligned, "type section offset 2 is not 4-byte aligned");
        rejected(with(12, Btf.u32(good, 16) + 4), "overlaps the string section");
        rejected(with(20, Btf.u32(good, 20) + 1), "truncated: string section");
        rejected(with(16, -8), "truncated: string section");
        // strings must end with NUL and (for base BTF) start with the empty string
        byte[] unterminated = good.clone();
        unterminated[unterminated.length - 1] = 'x';
        rejected(unterminated, "not NUL-terminated");
        byte[] start = good.clone();
        start[24 + Btf.u32(good, 16)] = 'x';
        rejected(start, "does not start with the empty string");
        // an empty type section is fine
        byte[] empty = BtfTestSupport.Blob.btf(new byte[0], new byte[] {0});
        assertEquals(1, Btf.parse(empty, "empty").typeCount());
    }

    @Test
    void unknownKinds() {
        int everything = id("everything", BtfKind.STRUCT);
        for (int kind : new int[] {0, 20, 31}) {
            byte[] d = good.clone();
            d[rec(everything) + 7] = (byte) ((d[rec(everything) + 7] & 0xe0) | kind);
            rejected(d, "type [" + everything + "]: unknown kind " + kind);
        }
    }

    @Test
    void recordsOverrunningTheTypeSection() {
        // a huge vlen on the last type (a DATASEC) runs past the end of the type section
        int last = parsed.typeCount() - 1;
        byte[] d = good.clone();
        d[rec(last) + 4] = (byte) 0xff;
        d[rec(last) + 5] = (byte) 0xff;
        rejected(d, "type [" + last + "] at offset " + (rec(last) - typesStart) + " is truncated");
        // and a type section whose length cuts a record
        rejected(with(12, Btf.u32(good, 12) - 4), "is truncated");
    }

    @Test
    void stringOffsetsOutOfRange() {
        int strLen = Btf.u32(good, 20);
        int everything = id("everything", BtfKind.STRUCT);
        rejected(with(rec(everything), strLen), "type [" + everything + "]: name string offset " + strLen + " out of range");
        rejected(with(rec(everything), -1), "string offset 4294967295 out of range");
        rejected(with(rec(everything) + 12 + 12 * 3, strLen + 100), "type [" + everything + "]: member name string offset");
        int neg = id("neg", BtfKind.ENUM);
        rejected(with(rec(neg) + 12 + 8, strLen), "type [" + neg + "]: enumerator name string offset");
        int big = id("big_unsigned", BtfKind.ENUM64);
        rejected(with(rec(big) + 12 + 12, strLen), "type [" + big + "]: enumerator name string offset");
        int proto = parsed.sizeOrType(id("global_helper", BtfKind.FUNC));
        rejected(with(rec(proto) + 12, strLen), "type [" + proto + "]: parameter name string offset");
    }

    @Test
    void typeIdsOutOfRange() {
        int n = parsed.typeCount();
        int ptr = parsed.memberType(id("everything", BtfKind.STRUCT), 9); // fwd_ptr_t typedef
        rejected(with(rec(ptr) + 8, n), "type [" + ptr + "] refers to type id " + n + ", out of range");
        rejected(with(rec(ptr) + 8, 0x80000000), "refers to type id 2147483648");
        int everything = id("everything", BtfKind.STRUCT);
        rejected(with(rec(everything) + 12 + 4, n + 7), "type [" + everything + "] refers to type id " + (n + 7));
        int matrix = parsed.memberType(id("nested", BtfKind.STRUCT), 3);
        rejected(with(rec(matrix) + 16, n), "type [" + matrix + "] refers to type id " + n);
        rejected(with(rec(matrix) + 12, n), "type [" + matrix + "] refers to type id " + n);
        int data = id(".data", BtfKind.DATASEC);
        rejected(with(rec(data) + 12, n), "type [" + data + "] refers to type id " + n);
        int proto = parsed.sizeOrType(id("global_helper", BtfKind.FUNC));
        rejected(with(rec(proto) + 8, n), "type [" + proto + "] refers to type id " + n);
        rejected(with(rec(proto) + 16, n), "type [" + proto + "] refers to type id " + n);
        int var = id("data_int", BtfKind.VAR);
        rejected(with(rec(var) + 8, n), "type [" + var + "] refers to type id " + n);
    }

    @Test
    void funcMustReferToFuncProto() {
        int f = id("global_helper", BtfKind.FUNC);
        rejected(with(rec(f) + 8, id("int", BtfKind.INT)), "type [" + f + "]: FUNC refers to type [2] which is INT, not FUNC_PROTO");
    }

    @Test
    void readReportsThePathAndSection(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.btf");
        byte[] d = good.clone();
        d[rec(3) + 7] = 25;
        Files.write(bad, d);
        ObjectFileException e = assertThrows(ObjectFileException.class, () -> Btf.read(bad));
        assertEquals(bad.toString(), e.file());
        assertTrue(e.getMessage().contains("unknown kind 25"), e.getMessage());
        Path text = dir.resolve("text.txt");
        Files.writeString(text, "hello world");
        assertTrue(assertThrows(ObjectFileException.class, () -> Btf.read(text)).getMessage()
                .contains("neither raw BTF"));
        Path missing = dir.resolve("missing");
        assertEquals(missing.toString(), assertThrows(ObjectFileException.class, () -> Btf.read(missing)).file());
        // an ELF without .BTF
        Path so = BtfTestSupport.fixture("elf_host.so");
        assertTrue(assertThrows(ObjectFileException.class, () -> Btf.read(so)).getMessage().contains("no .BTF section"));
        // errors in an object's .BTF name the section
        byte[] obj = Files.readAllBytes(BtfTestSupport.fixture("btf_kinds.o"));
        org.bpf4j.elf.ElfFile elf = org.bpf4j.elf.ElfFile.parse(obj, "x");
        int at = (int) elf.section(".BTF").offset();
        obj[at + 2] = 7;
        Path badObj = dir.resolve("bad.o");
        Files.write(badObj, obj);
        ObjectFileException oe = assertThrows(ObjectFileException.class, () -> Btf.read(badObj));
        assertEquals(".BTF", oe.section());
        assertTrue(oe.getMessage().startsWith(badObj + ": section .BTF: malformed BTF: unsupported version 7"),
                oe.getMessage());
    }

    /** Random damage: parse either rejects with ObjectFileException, or everything built on it still works. */
    @Test
    void randomDamageNeverEscapesAsAnotherException() {
        Random random = new Random(20240601);
        int accepted = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] d = good.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                // mostly the header and the type section, where the structure is
                int p = random.nextInt(10) < 8 ? random.nextInt(Math.min(d.length, typesStart + Btf.u32(good, 12)))
                        : random.nextInt(d.length);
                d[p] = (byte) random.nextInt(256);
            }
            Btf btf;
            try {
                btf = Btf.parse(d, "fuzz");
            } catch (ObjectFileException e) {
                assertTrue(e.getMessage().startsWith("fuzz: "), e.getMessage());
                continue;
            } catch (RuntimeException e) {
                throw new AssertionError("round " + round + ": " + e, e);
            }
            accepted++;
            try {
                BtfRawFormatter.format(btf);
                for (int id = 0; id < btf.typeCount(); id++) {
                    btf.type(id);
                    btf.find(btf.name(id), btf.kind(id));
                    btf.findByEssentialName(btf.name(id), null);
                    try {
                        btf.sizeOf(id);
                    } catch (BpfException e) {
                        // no size: fine
                    }
                    try {
                        btf.alignOf(id);
                    } catch (BpfException e) {
                        // no alignment: fine
                    }
                }
            } catch (RuntimeException e) {
                fail("round " + round + ": accepted BTF broke an accessor: " + e, e);
            }
        }
        assertTrue(accepted > 100, "some damage is harmless (offsets, sizes): " + accepted);
    }
}
