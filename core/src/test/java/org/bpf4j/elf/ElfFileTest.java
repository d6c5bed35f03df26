package org.bpf4j.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bpf4j.ObjectFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ELF reader against llvm-readelf's view of the same fixtures (NAME.readelf.txt, written by
 * scripts/build-fixtures next to each object), plus malformed copies made here.
 */
class ElfFileTest {

    static Path fixture(String name) {
        try {
            return Path.of(Objects.requireNonNull(ElfFileTest.class.getResource("/fixtures/" + name),
                    "missing fixture " + name + " (run scripts/build-fixtures)").toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static String text(String name) throws IOException {
        return Files.readString(fixture(name), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------------------------------
    // llvm-readelf output, parsed

    record RSection(int index, String name, String type, long addr, long off, long size, long entSize, String flags,
                    int link, int info, long align) {
    }

    record RSymbol(int num, long value, long size, String type, String bind, String vis, String ndx, String name) {
    }

    record RReloc(long offset, long info, String symbolName) {
    }

    static List<RSection> readelfSections(String text) {
        List<RSection> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.matches("^\\s*\\[\\s*\\d+\\].*") || line.contains("Nr]")) continue;
            // names longer than the column push the rest right: split on whitespace after "]"
            String rest = line.substring(line.indexOf(']') + 1);
            String[] tok = rest.trim().split("\\s+");
            int index = Integer.parseInt(line.substring(line.indexOf('[') + 1, line.indexOf(']')).trim());
            int t = 0;
            String name;
            if (tok[0].equals("NULL") && index == 0) {
                name = "";
            } else {
                name = tok[t++];
            }
            String type = tok[t++];
            long addr = Long.parseUnsignedLong(tok[t++], 16);
            long off = Long.parseLong(tok[t++], 16);
            long size = Long.parseLong(tok[t++], 16);
            long es = Long.parseLong(tok[t++], 16);
            int remaining = tok.length - t;
            String flags = remaining == 4 ? tok[t++] : "";
            int lk = Integer.parseInt(tok[t++]);
            int inf = Integer.parseInt(tok[t++]);
            long al = Long.parseLong(tok[t]);
            out.add(new RSection(index, name, type, addr, off, size, es, flags, lk, inf, al));
        }
        return out;
    }

    private static final Pattern SYMBOL = Pattern.compile(
            "^\\s*(\\d+): ([0-9a-f]{16})\\s+(\\d+|0x[0-9a-f]+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+) ?(.*)$");

    /** Symbol tables by name (".symtab", ".dynsym"). */
    static Map<String, List<RSymbol>> readelfSymbols(String text) {
        Map<String, List<RSymbol>> out = new LinkedHashMap<>();
        List<RSymbol> current = null;
        for (String line : text.split("\n")) {
            Matcher h = Pattern.compile("^Symbol table '([^']+)' contains (\\d+) entries:").matcher(line);
            if (h.find()) {
                current = new ArrayList<>();
                out.put(h.group(1), current);
                continue;
            }
            if (current == null) continue;
            Matcher m = SYMBOL.matcher(line);
            if (m.matches()) {
                String sz = m.group(3);
                long size = sz.startsWith("0x") ? Long.parseLong(sz.substring(2), 16) : Long.parseLong(sz);
                current.add(new RSymbol(Integer.parseInt(m.group(1)), Long.parseUnsignedLong(m.group(2), 16), size,
                        m.group(4), m.group(5), m.group(6), m.group(7), m.group(8)));
            } else if (line.isBlank()) {
                current = null;
            }
        }
        return out;
    }

    /** Relocations by relocation section name. */
    static Map<String, List<RReloc>> readelfRelocs(String text) {
        Map<String, List<RReloc>> out = new LinkedHashMap<>();
        List<RReloc> current = null;
        Pattern head = Pattern.compile("^Relocation section '([^']+)' at offset 0x[0-9a-f]+ contains (\\d+) entr");
        Pattern row = Pattern.compile("^([0-9a-f]{16})\\s+([0-9a-f]{16})\\s+\\S+(?:\\s+[0-9a-f]{16}\\s+(.*))?$");
        for (String line : text.split("\n")) {
            Matcher h = head.matcher(line);
            if (h.find()) {
                current = new ArrayList<>();
                out.put(h.group(1), current);
                continue;
            }
            if (current == null) continue;
            Matcher m = row.matcher(line);
            if (m.matches()) {
                current.add(new RReloc(Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16),
                        m.group(3)));
            } else if (line.isBlank()) {
                current = null;
            }
        }
        return out;
    }

    static int sectionType(String name) {
        return switch (name) {
            case "NULL" -> 0;
            case "PROGBITS" -> 1;
            case "SYMTAB" -> 2;
            case "STRTAB" -> 3;
            case "RELA" -> 4;
            case "HASH" -> 5;
            case "DYNAMIC" -> 6;
            case "NOTE" -> 7;
            case "NOBITS" -> 8;
            case "REL" -> 9;
            case "DYNSYM" -> 11;
            case "GNU_HASH" -> 0x6ffffff6;
            case "X86_64_UNWIND" -> 0x70000001;
            case "LLVM_ADDRSIG" -> 0x6fff4c03;
            default -> throw new AssertionError("unmapped section type " + name);
        };
    }

    static long sectionFlags(String letters) {
        long f = 0;
        for (char c : letters.toCharArray()) {
            f |= switch (c) {
                case 'W' -> 1L;
                case 'A' -> 2L;
                case 'X' -> 4L;
                case 'M' -> 0x10L;
                case 'S' -> 0x20L;
                case 'I' -> 0x40L;
                case 'L' -> 0x80L;
                case 'E' -> 0x80000000L;
                default -> throw new AssertionError("unmapped section flag " + c);
            };
        }
        return f;
    }

    // ---------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"btf_kinds", "btf_ext"})
    void bpfObjectMatchesReadelf(String name) throws IOException {
        ElfFile elf = ElfFile.read(fixture(name + ".o"));
        String readelf = text(name + ".readelf.txt");
        assertEquals(fixture(name + ".o").toString(), elf.origin());
        assertEquals(ElfFile.EM_BPF, elf.machine());
        assertEquals(ElfFile.ET_REL, elf.type());
        assertTrue(elf.programHeaders().isEmpty());
        assertTrue(elf.dynamicSymbols().isEmpty());
        checkSections(elf, readelfSections(readelf));
        checkSymbols(elf, elf.symbols(), readelfSymbols(readelf).get(".symtab"));
        checkRelocations(elf, readelfRelocs(readelf));
    }

    @Test
    void sharedObjectMatchesReadelf() throws IOException {
        ElfFile elf = ElfFile.read(fixture("elf_host.so"));
        String readelf = text("elf_host.readelf.txt");
        assertEquals(ElfFile.EM_X86_64, elf.machine());
        assertEquals(ElfFile.ET_DYN, elf.type());
        checkSections(elf, readelfSections(readelf));
        Map<String, List<RSymbol>> symbols = readelfSymbols(readelf);
        checkSymbols(elf, elf.symbols(), symbols.get(".symtab"));
        checkSymbols(elf, elf.dynamicSymbols(), symbols.get(".dynsym"));
        checkRelocations(elf, readelfRelocs(readelf));

        // program headers: "Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align" (Flg may hold spaces)
        List<long[]> expected = new ArrayList<>();
        List<String> types = new ArrayList<>();
        boolean in = false;
        for (String line : readelf.split("\n")) {
            if (line.startsWith("Program Headers:")) {
                in = true;
                continue;
            }
            if (!in) continue;
            if (line.isBlank()) break;
            String[] tok = line.trim().split("\\s+");
            if (tok[0].equals("Type")) continue;
            String flags = String.join("", List.of(tok).subList(6, tok.length - 1));
            int pf = (flags.contains("R") ? 4 : 0) | (flags.contains("W") ? 2 : 0) | (flags.contains("E") ? 1 : 0);
            types.add(tok[0]);
            expected.add(new long[] {Long.decode(tok[1]), Long.decode(tok[2]), Long.decode(tok[3]), Long.decode(tok[4]),
                Long.decode(tok[5]), pf, Long.decode(tok[tok.length - 1])});
        }
        assertEquals(8, expected.size(), "readelf lists 8 program headers");
        assertEquals(expected.size(), elf.programHeaders().size());
        int loads = 0;
        for (int i = 0; i < expected.size(); i++) {
            ProgramHeader ph = elf.programHeaders().get(i);
            long[] e = expected.get(i);
            if (types.get(i).equals("LOAD")) {
                assertEquals(ProgramHeader.PT_LOAD, ph.type());
                loads++;
            }
            if (types.get(i).equals("DYNAMIC")) assertEquals(ProgramHeader.PT_DYNAMIC, ph.type());
            assertArrayEquals(e, new long[] {ph.offset(), ph.vaddr(), ph.paddr(), ph.fileSize(), ph.memSize(), ph.flags(),
                ph.align()}, "program header " + i);
        }
        assertEquals(4, loads);

        // by construction from elf_host.c
        Symbol add = find(elf.dynamicSymbols(), "host_add");
        assertEquals(Symbol.STT_FUNC, add.type());
        assertEquals(Symbol.STB_GLOBAL, add.bind());
        assertEquals(Symbol.STB_WEAK, find(elf.dynamicSymbols(), "host_weak").bind());
        Symbol zeroed = find(elf.dynamicSymbols(), "host_zeroed");
        assertEquals(128, zeroed.size());
        assertEquals(Section.SHT_NOBITS, elf.section(zeroed.sectionIndex()).type());
        assertEquals(0, elf.bytes(elf.section(".bss")).length);
        Symbol counter = find(elf.symbols(), "host_counter");
        Section data = elf.section(counter.sectionIndex());
        byte[] contents = elf.bytes(data);
        int at = (int) (counter.value() - data.addr());
        assertEquals(5, contents[at] | contents[at + 1] << 8 | contents[at + 2] << 16 | contents[at + 3] << 24,
                "host_counter = 5");
        // the .rela.dyn entries refer to .dynsym
        Section rela = elf.section(".rela.dyn");
        assertEquals(Section.SHT_RELA, rela.type());
        assertEquals(".dynsym", elf.section(rela.link()).name());
        for (Relocation r : elf.relocations(rela)) {
            assertTrue(List.of("host_zeroed", "host_counter").contains(elf.dynamicSymbols().get(r.symbol()).name()));
            assertEquals(0, r.addend());
            assertEquals(6, r.type(), "R_X86_64_GLOB_DAT");
        }
    }

    private static Symbol find(List<Symbol> symbols, String name) {
        for (Symbol s : symbols) {
            if (s.name().equals(name)) return s;
        }
        throw new AssertionError("no symbol " + name);
    }

    private static void checkSections(ElfFile elf, List<RSection> expected) {
        assertTrue(expected.size() > 5, "parsed readelf's section list");
        assertEquals(expected.size(), elf.sections().size());
        for (RSection e : expected) {
            Section s = elf.section(e.index());
            String what = "section [" + e.index() + "] " + e.name();
            assertEquals(e.index(), s.index(), what);
            assertEquals(e.name(), s.name(), what);
            assertEquals(sectionType(e.type()), s.type(), what);
            assertEquals(e.addr(), s.addr(), what);
            assertEquals(e.off(), s.offset(), what);
            assertEquals(e.size(), s.size(), what);
            assertEquals(e.entSize(), s.entSize(), what);
            assertEquals(sectionFlags(e.flags()), s.flags(), what);
            assertEquals(e.link(), s.link(), what);
            assertEquals(e.info(), s.info(), what);
            assertEquals(e.align(), s.addrAlign(), what);
            if (!e.name().isEmpty()) assertEquals(e.index(), elf.section(e.name()).index(), what);
            byte[] bytes = elf.bytes(s);
            assertEquals(s.type() == Section.SHT_NOBITS || s.type() == 0 ? 0 : e.size(), bytes.length, what);
        }
        assertNull(elf.section("no such section"));
    }

    private static void checkSymbols(ElfFile elf, List<Symbol> actual, List<RSymbol> expected) {
        assertNotNull(expected, "readelf lists the table");
        assertEquals(expected.size(), actual.size());
        for (RSymbol e : expected) {
            Symbol s = actual.get(e.num());
            String what = "symbol " + e.num() + " " + e.name();
            assertEquals(e.num(), s.index(), what);
            assertEquals(e.value(), s.value(), what);
            assertEquals(e.size(), s.size(), what);
            assertEquals(switch (e.type()) {
                case "NOTYPE" -> Symbol.STT_NOTYPE;
                case "OBJECT" -> Symbol.STT_OBJECT;
                case "FUNC" -> Symbol.STT_FUNC;
                case "SECTION" -> Symbol.STT_SECTION;
                case "FILE" -> Symbol.STT_FILE;
                default -> throw new AssertionError(e.type());
            }, s.type(), what);
            assertEquals(switch (e.bind()) {
                case "LOCAL" -> Symbol.STB_LOCAL;
                case "GLOBAL" -> Symbol.STB_GLOBAL;
                case "WEAK" -> Symbol.STB_WEAK;
                default -> throw new AssertionError(e.bind());
            }, s.bind(), what);
            assertEquals(switch (e.vis()) {
                case "DEFAULT" -> Symbol.STV_DEFAULT;
                case "INTERNAL" -> Symbol.STV_INTERNAL;
                case "HIDDEN" -> Symbol.STV_HIDDEN;
                case "PROTECTED" -> Symbol.STV_PROTECTED;
                default -> throw new AssertionError(e.vis());
            }, s.visibility(), what);
            assertEquals(switch (e.ndx()) {
                case "UND" -> Symbol.SHN_UNDEF;
                case "ABS" -> Symbol.SHN_ABS;
                case "COM" -> Symbol.SHN_COMMON;
                default -> Integer.parseInt(e.ndx());
            }, s.sectionIndex(), what);
            // readelf shows a section symbol by its section's name
            String name = s.type() == Symbol.STT_SECTION ? elf.section(s.sectionIndex()).name() : s.name();
            assertEquals(e.name(), name, what);
        }
    }

    private static void checkRelocations(ElfFile elf, Map<String, List<RReloc>> expected) {
        assertTrue(!expected.isEmpty(), "readelf lists relocations");
        int sections = 0;
        for (Section s : elf.sections()) {
            if (!s.isRelocation()) continue;
            sections++;
            List<RReloc> e = expected.get(s.name());
            assertNotNull(e, "readelf lists " + s.name());
            List<Relocation> actual = elf.relocations(s);
            assertEquals(e.size(), actual.size(), s.name());
            List<Symbol> symtab = elf.section(s.link()).type() == Section.SHT_DYNSYM ? elf.dynamicSymbols() : elf.symbols();
            for (int i = 0; i < e.size(); i++) {
                Relocation r = actual.get(i);
                assertEquals(e.get(i).offset(), r.offset(), s.name() + " #" + i);
                assertEquals(e.get(i).info(), (long) r.symbol() << 32 | (r.type() & 0xffffffffL), s.name() + " #" + i);
                if (e.get(i).symbolName() != null) {
                    Symbol sym = symtab.get(r.symbol());
                    String name = sym.type() == Symbol.STT_SECTION ? elf.section(sym.sectionIndex()).name() : sym.name();
                    assertEquals(e.get(i).symbolName().replaceAll(" \\+ \\d+$", ""), name, s.name() + " #" + i);
                }
            }
        }
        assertEquals(expected.size(), sections);
    }

    @Test
    void bpfObjectContentsByConstruction() {
        ElfFile elf = ElfFile.read(fixture("btf_ext.o"));
        assertArrayEquals("GPL\0".getBytes(StandardCharsets.US_ASCII), elf.bytes(elf.section("license")));
        Section xdp = elf.section("xdp");
        assertTrue(xdp.isExecutable() && xdp.isAlloc() && !xdp.isWritable());
        assertEquals(16, xdp.size(), "xdp_pass is two instructions: r0 = XDP_PASS; exit");
        byte[] insns = elf.bytes(xdp);
        assertEquals((byte) 0x95, insns[8], "second instruction is exit");
        Section bss = elf.section(".bss");
        assertTrue(bss.isNoBits() && bss.isWritable());
        assertEquals(0, elf.bytes(bss).length);
        // bytes() is a copy
        insns[0] = 42;
        assertTrue(elf.bytes(xdp)[0] != 42);
        // the relocation for the call from on_exit to the global subprogram read_bits
        Section rel = elf.section(".relkprobe/do_exit");
        assertEquals(elf.section("kprobe/do_exit").index(), rel.info());
        Relocation call = elf.relocations(rel).get(0);
        assertEquals("read_bits", elf.symbols().get(call.symbol()).name());
        assertEquals(10, call.type(), "R_BPF_64_32");
        assertEquals(0, call.addend());
        IllegalArgumentException notRel = assertThrows(IllegalArgumentException.class, () -> elf.relocations(xdp));
        assertTrue(notRel.getMessage().contains("xdp"), notRel.getMessage());
        assertEquals(0, elf.symbols().get(0).index());
        assertEquals("", elf.symbols().get(0).name());
        assertEquals(0, elf.section(0).type());
    }

    @Test
    void readSectionReadsOnlyThatSection() throws IOException {
        Path path = fixture("btf_kinds.o");
        ElfFile elf = ElfFile.read(path);
        assertArrayEquals(elf.bytes(elf.section(".BTF")), ElfFile.readSection(path, ".BTF"));
        assertArrayEquals(elf.bytes(elf.section(".BTF.ext")), ElfFile.readSection(path, ".BTF.ext"));
        assertArrayEquals(new byte[0], ElfFile.readSection(path, ".bss"));
        assertNull(ElfFile.readSection(path, ".no_such"));
        assertNull(ElfFile.readSection(path, ".BT"), "no prefix matching");
    }

    // ---------------------------------------------------------------------------------------
    // Malformed files: one ObjectFileException naming the file (and the section where one is at fault)

    private static ObjectFileException rejects(byte[] data, String origin) {
        ObjectFileException e = assertThrows(ObjectFileException.class, () -> {
            ElfFile elf = ElfFile.parse(data, origin);
            elf.symbols();
            for (Section s : elf.sections()) {
                if (s.isRelocation()) elf.relocations(s);
            }
        });
        assertEquals(origin, e.file());
        assertTrue(e.getMessage().startsWith(origin + ": "), e.getMessage());
        return e;
    }

    @Test
    void everyTruncationIsRejected() throws IOException {
        byte[] data = Files.readAllBytes(fixture("btf_ext.o"));
        ElfFile.parse(data, "ok.o");
        // clang puts the section header table at the end: any cut loses part of it
        assertEquals(data.length, ElfFile.u64(data, 40) + 64L * ElfFile.u16(data, 60));
        for (int len = 0; len < data.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(data, len);
            ObjectFileException e = rejects(cut, "cut-" + len + ".o");
            if (len < 64) assertTrue(e.getMessage().contains("truncated ELF header"), e.getMessage());
        }
    }

    @Test
    void badIdentIsRejected() throws IOException {
        byte[] data = Files.readAllBytes(fixture("btf_ext.o"));
        byte[] magic = data.clone();
        magic[1] = 'X';
        assertTrue(rejects(magic, "magic.o").getMessage().contains("not an ELF file"));
        byte[] elf32 = data.clone();
        elf32[4] = 1;
        assertTrue(rejects(elf32, "elf32.o").getMessage().contains("not an ELF64 file"));
        byte[] big = data.clone();
        big[5] = 2;
        assertTrue(rejects(big, "big.o").getMessage().contains("not a little-endian"));
        assertTrue(rejects("hello".getBytes(StandardCharsets.US_ASCII), "text.txt").getMessage().contains("truncated"));
    }

    @Test
    void sectionBeyondTheFileIsRejectedNamingIt() throws IOException {
        byte[] data = Files.readAllBytes(fixture("btf_ext.o"));
        ElfFile elf = ElfFile.parse(data, "x.o");
        Section btf = elf.section(".BTF");
        long shoff = ElfFile.u64(data, 40);
        byte[] bad = data.clone();
        putU64(bad, (int) shoff + 64 * btf.index() + 32, data.length); // sh_size
        ObjectFileException e = rejects(bad, "bad-size.o");
        assertEquals(".BTF", e.section());
        assertTrue(e.getMessage().contains("section .BTF"), e.getMessage());
        byte[] bad2 = data.clone();
        putU64(bad2, (int) shoff + 64 * btf.index() + 24, -8); // sh_offset huge
        assertEquals(".BTF", rejects(bad2, "bad-offset.o").section());
        byte[] bad3 = data.clone();
        putU32(bad3, (int) shoff + 64 * btf.index(), 0x7fff0000); // sh_name
        assertTrue(rejects(bad3, "bad-name.o").getMessage().contains("name offset"));
        byte[] bad4 = data.clone();
        bad4[58] = 40; // e_shentsize
        assertTrue(rejects(bad4, "bad-shentsize.o").getMessage().contains("section header size"));
    }

    @Test
    void badSymbolTableIsRejectedNamingIt() throws IOException {
        byte[] data = Files.readAllBytes(fixture("btf_ext.o"));
        ElfFile elf = ElfFile.parse(data, "x.o");
        Section symtab = elf.section(".symtab");
        byte[] bad = data.clone();
        putU32(bad, (int) symtab.offset() + 24, 0x7ffffff0); // symbol 1's st_name
        ObjectFileException e = rejects(bad, "bad-sym.o");
        assertEquals(".symtab", e.section());
        assertTrue(e.getMessage().contains("symbol #1"), e.getMessage());
        long shoff = ElfFile.u64(data, 40);
        byte[] bad2 = data.clone();
        putU64(bad2, (int) shoff + 64 * symtab.index() + 56, 20); // sh_entsize
        assertEquals(".symtab", rejects(bad2, "bad-entsize.o").section());
    }

    @Test
    void unreadableFileIsReportedWithItsPath(@TempDir Path dir) {
        Path missing = dir.resolve("missing.o");
        ObjectFileException e = assertThrows(ObjectFileException.class, () -> ElfFile.read(missing));
        assertEquals(missing.toString(), e.file());
        ObjectFileException e2 = assertThrows(ObjectFileException.class, () -> ElfFile.readSection(missing, ".BTF"));
        assertEquals(missing.toString(), e2.file());
    }

    @Test
    void machineAndTypeComeFromTheHeader() throws IOException {
        byte[] data = Files.readAllBytes(fixture("btf_ext.o"));
        data[18] = (byte) ElfFile.EM_AARCH64;
        data[16] = (byte) ElfFile.ET_EXEC;
        ElfFile elf = ElfFile.parse(data, "arm.o");
        assertEquals(ElfFile.EM_AARCH64, elf.machine());
        assertEquals(ElfFile.ET_EXEC, elf.type());
        if (elf.data() != data) fail("data() is not a copy");
    }

    private static void putU32(byte[] d, int p, int v) {
        d[p] = (byte) v;
        d[p + 1] = (byte) (v >> 8);
        d[p + 2] = (byte) (v >> 16);
        d[p + 3] = (byte) (v >> 24);
    }

    private static void putU64(byte[] d, int p, long v) {
        putU32(d, p, (int) v);
        putU32(d, p + 4, (int) (v >>> 32));
    }

    /**
     * readSections on the running JDK's libjvm.so (23 MB, 566 USDT notes): the same sections and
     * program headers as read(), the same USDT notes, the requested sections' bytes, and zeros for
     * the others.
     */
    @Test
    void readSectionsReadsTheHeadersAndTheNamedSectionsOnly() {
        Path libjvm = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
        assertTrue(Files.isRegularFile(libjvm), libjvm.toString());
        ElfFile full = ElfFile.read(libjvm);
        ElfFile part = ElfFile.readSections(libjvm, java.util.Set.of(UsdtNote.SECTION, ".stapsdt.base"));
        assertEquals(full.sections(), part.sections());
        assertEquals(full.programHeaders(), part.programHeaders());
        assertEquals(UsdtNote.all(full), UsdtNote.all(part));
        assertTrue(UsdtNote.all(part).size() > 500, "HotSpot's probes");
        assertArrayEquals(full.bytes(full.section(UsdtNote.SECTION)), part.bytes(part.section(UsdtNote.SECTION)));
        byte[] text = part.bytes(part.section(".text"));
        assertTrue(text.length > 1 << 20, ".text of libjvm.so");
        for (byte b : text) if (b != 0) fail(".text was not asked for, yet read");
        assertThrows(ObjectFileException.class, () -> ElfFile.readSections(Path.of("/no/such/file"), java.util.Set.of()));
    }
}
