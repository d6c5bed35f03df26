package org.bpf4j.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpf4j.ObjectFileException;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Function symbol to file offset, checked against llvm-objdump: the bytes objdump shows at a
 * function's address must be the bytes of the file at the offset computed for it. Fixture:
 * uprobe_target, a PIE whose functions are linked at 0x20000 but lie at file offset 0x4000.
 */
class SymbolOffsetsTest {
    record Disassembled(long address, byte[] bytes) {}

    /** Functions and their bytes from an `llvm-objdump -d` listing. */
    static Map<String, Disassembled> objdump(String text) {
        Map<String, Disassembled> out = new LinkedHashMap<>();
        Pattern label = Pattern.compile("^([0-9a-f]+) <([^>]+)>:$");
        Pattern line = Pattern.compile("^\\s*([0-9a-f]+):\\s+((?:[0-9a-f]{2}(?: |$))+)");
        String name = null;
        long addr = 0;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String l : (text + "\n\n").split("\n", -1)) {
            Matcher m = label.matcher(l);
            if (m.matches()) {
                name = m.group(2);
                addr = Long.parseUnsignedLong(m.group(1), 16);
                bytes.reset();
                continue;
            }
            Matcher b = line.matcher(l);
            if (name != null && b.find()) {
                for (String h : b.group(2).trim().split(" ")) bytes.write(Integer.parseInt(h, 16));
            } else if (name != null && l.isBlank()) {
                out.put(name, new Disassembled(addr, bytes.toByteArray()));
                name = null;
            }
        }
        return out;
    }

    @Test
    void offsetsOfThePieFixtureMatchObjdump() throws IOException {
        ElfFile elf = ElfFile.read(KernelTests.fixture("uprobe_target"));
        Map<String, Disassembled> dis = objdump(Files.readString(KernelTests.fixture("uprobe_target.objdump.txt")));
        assertEquals(List.of("b4j_twice", "b4j_square_plus"), List.copyOf(dis.keySet()));
        for (var e : dis.entrySet()) {
            SymbolOffsets.Match m = SymbolOffsets.find(elf, e.getKey());
            assertEquals(e.getValue().address(), m.address(), e.getKey());
            assertTrue(m.fileOffset() != m.address(), "address and file offset differ in this fixture");
            byte[] inFile = Arrays.copyOfRange(elf.data(), (int) m.fileOffset(), (int) m.fileOffset() + e.getValue().bytes().length);
            assertArrayEquals(e.getValue().bytes(), inFile, e.getKey() + " at file offset 0x" + Long.toHexString(m.fileOffset()));
        }
        assertTrue(SymbolOffsets.find(elf, "b4j_square_plus").dynamic(), "exported: found in .dynsym first");
        assertFalse(SymbolOffsets.find(elf, "b4j_twice").dynamic(), "static: only .symtab has it");
        assertEquals(0x4010, SymbolOffsets.functionOffset(elf, "b4j_square_plus"));
        assertEquals(0x4010, SymbolOffsets.fileOffset(elf, 0x20010));
        var e = assertThrows(ObjectFileException.class, () -> SymbolOffsets.functionOffset(elf, "b4j_square"));
        assertTrue(e.getMessage().contains("no function 'b4j_square' in .dynsym or .symtab"), e.getMessage());
        assertTrue(e.getMessage().contains("uprobe_target"), e.getMessage());
        var e2 = assertThrows(ObjectFileException.class, () -> SymbolOffsets.fileOffset(elf, 0x900000));
        assertTrue(e2.getMessage().contains("lies in no loaded segment"), e2.getMessage());
    }

    @Test
    void sharedObjectFixture() {
        ElfFile elf = ElfFile.read(KernelTests.fixture("elf_host.so"));
        // host_weak is weak, host_hidden has hidden visibility (local after linking: .symtab only)
        assertTrue(SymbolOffsets.find(elf, "host_add").dynamic());
        assertEquals(Symbol.STB_WEAK, SymbolOffsets.find(elf, "host_weak").bind());
        assertFalse(SymbolOffsets.find(elf, "host_hidden").dynamic());
        assertThrows(ObjectFileException.class, () -> SymbolOffsets.find(elf, "host_counter"), "an object, not a function");
    }

    static Path libc() {
        for (String p : List.of("/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6", "/lib64/libc.so.6")) {
            if (Files.exists(Path.of(p))) return Path.of(p);
        }
        return null;
    }

    static String readelf() {
        return Cmd.available("llvm-readelf-19") ? "llvm-readelf-19" : Cmd.available("llvm-readelf") ? "llvm-readelf" : null;
    }

    /**
     * Every versioned function of the system's libc ({@code realpath@GLIBC_2.2.5},
     * {@code realpath@@GLIBC_2.3}) resolves to the address llvm-readelf lists for that version.
     */
    @Test
    void versionedSymbolsOfLibcMatchReadelf() {
        Path libc = libc();
        Assumptions.assumeTrue(libc != null && readelf() != null, "needs glibc and llvm-readelf");
        String out = Cmd.check(readelf(), "--dyn-syms", "--wide", libc.toString());
        ElfFile elf = ElfFile.read(libc);
        Pattern row = Pattern.compile("^\\s*\\d+:\\s+([0-9a-f]+)\\s+\\d+\\s+FUNC\\s+(GLOBAL|WEAK)\\s+\\S+\\s+\\d+\\s+(\\S+)$");
        int checked = 0;
        for (String l : out.split("\n")) {
            Matcher m = row.matcher(l);
            if (!m.matches() || !m.group(3).contains("@")) continue;
            long addr = Long.parseUnsignedLong(m.group(1), 16);
            String versioned = m.group(3);
            assertEquals(addr, SymbolOffsets.find(elf, versioned).address(), versioned);
            checked++;
        }
        assertTrue(checked > 500, "libc has many versioned functions: " + checked);
    }

    @Test
    void libcFunctionBytesMatchObjdump() {
        Path libc = libc();
        // GNU objdump: llvm-objdump disassembles nothing of a library without .symtab
        String objdump = Cmd.available("objdump") ? "objdump" : null;
        Assumptions.assumeTrue(libc != null && objdump != null, "needs glibc and objdump (binutils)");
        ElfFile elf = ElfFile.read(libc);
        for (String f : List.of("getpid", "malloc", "realpath@GLIBC_2.2.5", "realpath@@GLIBC_2.3", "memcpy")) {
            SymbolOffsets.Match m = SymbolOffsets.find(elf, f);
            String text = Cmd.check(objdump, "-d", "--start-address=0x" + Long.toHexString(m.address()),
                    "--stop-address=0x" + Long.toHexString(m.address() + 16), libc.toString());
            byte[] want = objdump(text).values().iterator().next().bytes();
            byte[] got = Arrays.copyOfRange(elf.data(), (int) m.fileOffset(), (int) m.fileOffset() + want.length);
            assertArrayEquals(want, got, f);
        }
        // two global versions of realpath at different addresses: a bare name is ambiguous
        var e = assertThrows(ObjectFileException.class, () -> SymbolOffsets.find(elf, "realpath"));
        assertTrue(e.getMessage().contains("ambiguous") && e.getMessage().contains("realpath@VERSION"), e.getMessage());
        // memcpy@@GLIBC_2.14 is an IFUNC (a resolver, not code to probe): as libbpf, only the plain FUNC counts
        assertEquals(SymbolOffsets.find(elf, "memcpy@GLIBC_2.2.5").address(), SymbolOffsets.find(elf, "memcpy").address());
    }
}
