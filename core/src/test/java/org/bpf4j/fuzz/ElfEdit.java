package org.bpf4j.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.bpf4j.elf.ElfFile;
import org.bpf4j.elf.Section;
import org.bpf4j.elf.Symbol;

/**
 * A copy of an ELF64 little-endian file with the file offsets of its fields, to damage exactly
 * one of them: the ELF header, a section header, a symbol. Test support for the reproducers and
 * the fuzz targets.
 */
final class ElfEdit {
    static final int SHDR_NAME = 0, SHDR_TYPE = 4, SHDR_FLAGS = 8, SHDR_OFFSET = 24, SHDR_SIZE = 32,
            SHDR_LINK = 40, SHDR_INFO = 44, SHDR_ENTSIZE = 56;
    static final int SYM_VALUE = 8, SYM_SIZE = 16;

    final byte[] data;
    final ElfFile elf;

    ElfEdit(byte[] original) {
        this.data = original.clone();
        this.elf = ElfFile.parse(original.clone(), "original");
    }

    static byte[] fixture(String name) {
        try (InputStream in = ElfEdit.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) throw new IllegalStateException("missing fixture " + name + " (run scripts/build-fixtures)");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long shoff() {
        return u64(data, 40);
    }

    int shentsize() {
        return u16(data, 58);
    }

    /** File offset of section {@code index}'s header. */
    int sectionHeader(int index) {
        return (int) shoff() + index * shentsize();
    }

    Section section(String name) {
        Section s = elf.section(name);
        if (s == null) throw new IllegalArgumentException("no section " + name);
        return s;
    }

    List<Section> sectionsOfType(int type) {
        List<Section> out = new ArrayList<>();
        for (Section s : elf.sections()) if (s.type() == type) out.add(s);
        return out;
    }

    /** File offset of the symbol table entry {@code index}. */
    int symbolEntry(int index) {
        Section symtab = sectionsOfType(Section.SHT_SYMTAB).getFirst();
        long ent = symtab.entSize() == 0 ? 24 : symtab.entSize();
        return (int) (symtab.offset() + index * ent);
    }

    /** The first function symbol of an executable section. */
    Symbol firstFunction() {
        for (Symbol s : elf.symbols()) {
            if (s.type() == Symbol.STT_FUNC && s.sectionIndex() > 0 && s.sectionIndex() < elf.sections().size()
                    && (elf.section(s.sectionIndex()).flags() & Section.SHF_EXECINSTR) != 0) {
                return s;
            }
        }
        throw new IllegalArgumentException("no function symbol");
    }

    ElfEdit shdr(Section s, int field, long value) {
        int p = sectionHeader(s.index()) + field;
        if (field == SHDR_NAME || field == SHDR_TYPE || field == SHDR_LINK || field == SHDR_INFO) putU32(data, p, (int) value);
        else putU64(data, p, value);
        return this;
    }

    ElfEdit symbol(Symbol s, int field, long value) {
        putU64(data, symbolEntry(s.index()) + field, value);
        return this;
    }

    ElfEdit header(int offset, long value, int width) {
        switch (width) {
            case 2 -> putU16(data, offset, (int) value);
            case 4 -> putU32(data, offset, (int) value);
            case 8 -> putU64(data, offset, value);
            default -> throw new IllegalArgumentException("width " + width);
        }
        return this;
    }

    static int u16(byte[] d, int p) {
        return (d[p] & 0xff) | (d[p + 1] & 0xff) << 8;
    }

    static int u32(byte[] d, int p) {
        return (d[p] & 0xff) | (d[p + 1] & 0xff) << 8 | (d[p + 2] & 0xff) << 16 | (d[p + 3] & 0xff) << 24;
    }

    static long u64(byte[] d, int p) {
        return (u32(d, p) & 0xffffffffL) | (long) u32(d, p + 4) << 32;
    }

    static void putU16(byte[] d, int p, int v) {
        d[p] = (byte) v;
        d[p + 1] = (byte) (v >> 8);
    }

    static void putU32(byte[] d, int p, int v) {
        for (int i = 0; i < 4; i++) d[p + i] = (byte) (v >> (8 * i));
    }

    static void putU64(byte[] d, int p, long v) {
        for (int i = 0; i < 8; i++) d[p + i] = (byte) (v >> (8 * i));
    }
}
