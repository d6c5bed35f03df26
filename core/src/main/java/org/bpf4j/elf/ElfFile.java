package org.bpf4j.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.bpf4j.ObjectFileException;

/**
 * A parsed little-endian ELF64 file: sections, symbols, relocations and program headers. Pure
 * parsing, no system calls except reading the file in {@link #read(Path)}.
 *
 * <p>The header, the section headers and the program headers are parsed and checked eagerly (every
 * section's contents must lie inside the file); symbol tables are decoded on first use. Instances
 * are immutable and safe to share between threads.
 */
public final class ElfFile {
    /** {@code e_machine} of x86-64. */
    public static final int EM_X86_64 = 62;
    /** {@code e_machine} of AArch64. */
    public static final int EM_AARCH64 = 183;
    /** {@code e_machine} of BPF objects, as clang {@code -target bpf} writes them. */
    public static final int EM_BPF = 247;

    /** {@code e_type} of a relocatable object (a {@code .o}, such as a compiled BPF program). */
    public static final int ET_REL = 1;
    /** {@code e_type} of an executable at a fixed address. */
    public static final int ET_EXEC = 2;
    /** {@code e_type} of a shared library or a position-independent executable. */
    public static final int ET_DYN = 3;

    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int SYM_SIZE = 24;
    private static final int REL_SIZE = 16;
    private static final int RELA_SIZE = 24;

    private final byte[] data;
    private final String origin;
    private final int type;
    private final int machine;
    private final List<Section> sections;
    private final List<ProgramHeader> programHeaders;
    private volatile List<Symbol> symbols;
    private volatile List<Symbol> dynamicSymbols;

    private ElfFile(byte[] data, String origin, int type, int machine, List<Section> sections,
                    List<ProgramHeader> programHeaders) {
        this.data = data;
        this.origin = origin;
        this.type = type;
        this.machine = machine;
        this.sections = sections;
        this.programHeaders = programHeaders;
    }

    /**
     * Parses an ELF64 little-endian file held in memory (the array is kept, not copied).
     *
     * @param data the whole file; not modified, and not to be modified afterwards
     * @param origin the file name to use in error messages
     * @return the parsed file
     * @throws ObjectFileException if the data is not a well-formed little-endian ELF64 file
     */
    public static ElfFile parse(byte[] data, String origin) {
        if (data.length < EHDR_SIZE) {
            throw new ObjectFileException(origin, null, "truncated ELF header: file has " + data.length
                    + " bytes, an ELF64 header needs " + EHDR_SIZE);
        }
        checkIdent(data, origin);
        int type = u16(data, 16);
        int machine = u16(data, 18);
        long phoff = u64(data, 32);
        long shoff = u64(data, 40);
        int phentsize = u16(data, 54);
        int phnum = u16(data, 56);
        int shentsize = u16(data, 58);
        int shnum = u16(data, 60);
        int shstrndx = u16(data, 62);

        List<Section> sections = List.of();
        if (shoff != 0) {
            if (shentsize < SHDR_SIZE) {
                throw new ObjectFileException(origin, null, "bad section header size " + shentsize
                        + " (ELF64 needs " + SHDR_SIZE + ")");
            }
            checkRange(data, origin, null, shoff, SHDR_SIZE, "section header 0");
            long count = shnum;
            if (count == 0) count = u64(data, (int) shoff + 32); // extended count lives in section 0
            if (shstrndx == Symbol.SHN_XINDEX) shstrndx = (int) Math.min(u32(data, (int) shoff + 40), Integer.MAX_VALUE);
            if (Long.compareUnsigned(count, (data.length - shoff) / shentsize) > 0) {
                throw new ObjectFileException(origin, null, "truncated: " + Long.toUnsignedString(count)
                        + " section headers at offset " + shoff + " do not fit in the file (" + data.length + " bytes)");
            }
            sections = readSections(data, origin, (int) shoff, shentsize, (int) count, shstrndx);
        }

        List<ProgramHeader> phdrs = List.of();
        if (phoff != 0 && phnum != 0) {
            if (phentsize < PHDR_SIZE) {
                throw new ObjectFileException(origin, null, "bad program header size " + phentsize
                        + " (ELF64 needs " + PHDR_SIZE + ")");
            }
            if (Long.compareUnsigned(phoff, data.length) > 0 || (long) phnum * phentsize > data.length - phoff) {
                throw new ObjectFileException(origin, null, "truncated: " + phnum + " program headers at offset "
                        + Long.toUnsignedString(phoff) + " do not fit in the file (" + data.length + " bytes)");
            }
            ProgramHeader[] ph = new ProgramHeader[phnum];
            for (int i = 0; i < phnum; i++) {
                int p = (int) phoff + i * phentsize;
                ph[i] = new ProgramHeader((int) u32(data, p), (int) u32(data, p + 4), u64(data, p + 8),
                        u64(data, p + 16), u64(data, p + 24), u64(data, p + 32), u64(data, p + 40),
                        u64(data, p + 48));
            }
            phdrs = List.of(ph);
        }
        return new ElfFile(data, origin, type, machine, sections, phdrs);
    }

    /**
     * Reads and parses an ELF file.
     *
     * @param path the file to read
     * @return the parsed file
     * @throws ObjectFileException naming the path if the file cannot be read or is malformed
     */
    public static ElfFile read(Path path) {
        byte[] data;
        try {
            data = Files.readAllBytes(path);
        } catch (IOException | OutOfMemoryError e) {
            throw new ObjectFileException(path.toString(), null, "cannot read file: " + describe(e), e);
        }
        return parse(data, path.toString());
    }

    /**
     * Reads an ELF file's headers and the contents of the named sections only: the rest of the
     * file reads as zeros. For a large binary of which a few sections matter (the USDT notes of a
     * 23 MB libjvm.so), this reads kilobytes instead of the whole file.
     *
     * @param path     the file to read
     * @param contents the names of the sections whose contents to read
     * @return the parsed file, whose other sections' bytes are zeros
     * @throws ObjectFileException naming the path if the file cannot be read or is malformed
     */
    public static ElfFile readSections(Path path, java.util.Set<String> contents) {
        String origin = path.toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new ObjectFileException(origin, null, "cannot read file: " + size + " bytes is more than 2 GB");
            }
            byte[] data = new byte[(int) size];
            fill(ch, data, 0, EHDR_SIZE);
            if (size >= EHDR_SIZE) {
                checkIdent(data, origin);
                long phoff = u64(data, 32), shoff = u64(data, 40);
                int phentsize = u16(data, 54), phnum = u16(data, 56), shentsize = u16(data, 58);
                long shnum = u16(data, 60);
                int shstrndx = u16(data, 62);
                fill(ch, data, phoff, (long) phnum * phentsize);
                fill(ch, data, shoff, SHDR_SIZE);
                if (shnum == 0 && inside(data, shoff, SHDR_SIZE)) shnum = u64(data, (int) shoff + 32);
                if (shstrndx == Symbol.SHN_XINDEX && inside(data, shoff, SHDR_SIZE)) shstrndx = (int) u32(data, (int) shoff + 40);
                if (Long.compareUnsigned(shnum, size) < 0) fill(ch, data, shoff, shnum * shentsize);
                long names = shoff + (long) shstrndx * shentsize;
                if (shstrndx > 0 && inside(data, names, SHDR_SIZE)) {
                    fill(ch, data, u64(data, (int) names + 24), u64(data, (int) names + 32));
                }
            }
            // malformed headers are parse's to report, as for read()
            ElfFile elf = parse(data, origin);
            for (Section s : elf.sections()) {
                if (contents.contains(s.name()) && s.type() != Section.SHT_NOBITS) fill(ch, data, s.offset(), s.size());
            }
            return elf;
        } catch (IOException | OutOfMemoryError e) {
            throw new ObjectFileException(origin, null, "cannot read file: " + describe(e), e);
        }
    }

    private static boolean inside(byte[] data, long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= data.length && length <= data.length - offset;
    }

    /** Reads {@code [offset, offset + length)} of the file into the same place of {@code data}, what of it the file has. */
    private static void fill(FileChannel ch, byte[] data, long offset, long length) throws IOException {
        if (offset < 0 || length <= 0 || offset >= data.length) return;
        int n = (int) Math.min(length, data.length - offset);
        ByteBuffer buf = ByteBuffer.wrap(data, (int) offset, n);
        while (buf.hasRemaining()) {
            if (ch.read(buf, offset + (buf.position() - offset)) < 0) return;
        }
    }

    /**
     * Reads only the contents of the first section with the given name from an ELF file, without loading the rest of
     * the file (useful for the .BTF section of a large vmlinux).
     *
     * @param path the file to read
     * @param sectionName the section's exact name, such as {@code .BTF}
     * @return the section's contents, or null if the file has no section of that name
     * @throws ObjectFileException if the file cannot be read or is not a well-formed ELF64 file
     */
    public static byte[] readSection(Path path, String sectionName) {
        String origin = path.toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            byte[] ehdr = readAt(ch, 0, (int) Math.min(EHDR_SIZE, fileSize));
            if (ehdr.length < EHDR_SIZE) {
                throw new ObjectFileException(origin, null, "truncated ELF header: file has " + ehdr.length
                        + " bytes, an ELF64 header needs " + EHDR_SIZE);
            }
            checkIdent(ehdr, origin);
            long shoff = u64(ehdr, 40);
            int shentsize = u16(ehdr, 58);
            int shnum = u16(ehdr, 60);
            int shstrndx = u16(ehdr, 62);
            if (shoff == 0) return null;
            if (shentsize < SHDR_SIZE) {
                throw new ObjectFileException(origin, null, "bad section header size " + shentsize);
            }
            if (fileSize < SHDR_SIZE || Long.compareUnsigned(shoff, fileSize - SHDR_SIZE) > 0) {
                throw new ObjectFileException(origin, null, "truncated: section headers at offset "
                        + Long.toUnsignedString(shoff)
                        + " beyond the end of the file (" + fileSize + " bytes)");
            }
            byte[] sh0 = readAt(ch, shoff, SHDR_SIZE);
            long count = shnum != 0 ? shnum : u64(sh0, 32);
            if (shstrndx == Symbol.SHN_XINDEX) shstrndx = (int) Math.min(u32(sh0, 40), Integer.MAX_VALUE);
            if (Long.compareUnsigned(count, (fileSize - shoff) / shentsize) > 0 || count * shentsize > Integer.MAX_VALUE) {
                throw new ObjectFileException(origin, null, "truncated: " + Long.toUnsignedString(count)
                        + " section headers at offset "
                        + shoff + " do not fit in the file (" + fileSize + " bytes)");
            }
            byte[] table = readAt(ch, shoff, (int) (count * shentsize));
            if (shstrndx <= 0 || shstrndx >= count) {
                throw new ObjectFileException(origin, null, "bad section name string table index " + shstrndx);
            }
            int sp = shstrndx * shentsize;
            byte[] names = readContents(ch, fileSize, origin, ".shstrtab", u64(table, sp + 24), u64(table, sp + 32));
            byte[] wanted = sectionName.getBytes(StandardCharsets.UTF_8);
            for (int i = 1; i < count; i++) {
                int p = i * shentsize;
                long nameOff = u32(table, p);
                if (!nameEquals(names, nameOff, wanted)) continue;
                if (u32(table, p + 4) == Section.SHT_NOBITS) return new byte[0];
                return readContents(ch, fileSize, origin, sectionName, u64(table, p + 24), u64(table, p + 32));
            }
            return null;
        } catch (IOException e) {
            throw new ObjectFileException(origin, null, "cannot read file: " + describe(e), e);
        }
    }

    /** {@return the file name given when parsing, for messages} */
    public String origin() {
        return origin;
    }

    /** {@return {@code e_machine}, such as {@link #EM_BPF}} */
    public int machine() {
        return machine;
    }

    /** {@return {@code e_type}, such as {@link #ET_REL}} */
    public int type() {
        return type;
    }

    /** {@return all sections in index order, the null section 0 included; unmodifiable} */
    public List<Section> sections() {
        return sections;
    }

    /**
     * The first section with this name.
     *
     * @param name the section's exact name, such as {@code .text}
     * @return the section, or null if there is none
     */
    public Section section(String name) {
        for (Section s : sections) {
            if (s.name().equals(name)) return s;
        }
        return null;
    }

    /**
     * The section with this index, or null if there is none (an index read from the file, such as
     * a relocation section's {@code sh_info} or a symbol's {@code st_shndx}, may point anywhere).
     *
     * @param index the index in the section header table, 0 for the null section
     * @return the section, or null
     */
    public Section section(int index) {
        return index >= 0 && index < sections.size() ? sections.get(index) : null;
    }

    /**
     * {@return the entries of the first SHT_SYMTAB section in index order (the null entry 0 included); empty if none}
     */
    public List<Symbol> symbols() {
        List<Symbol> s = symbols;
        if (s == null) symbols = s = readSymbols(Section.SHT_SYMTAB);
        return s;
    }

    /** {@return the entries of the first SHT_DYNSYM section in index order; empty if none} */
    public List<Symbol> dynamicSymbols() {
        List<Symbol> s = dynamicSymbols;
        if (s == null) dynamicSymbols = s = readSymbols(Section.SHT_DYNSYM);
        return s;
    }

    /**
     * The entries of a relocation section, SHT_REL (addend 0) or SHT_RELA.
     *
     * @param relOrRela a relocation section of this file
     * @return the relocations in table order; unmodifiable
     * @throws IllegalArgumentException if the section is not a relocation section of this file
     * @throws ObjectFileException      if the section's size is not a multiple of its entry size
     */
    public List<Relocation> relocations(Section relOrRela) {
        if (!relOrRela.isRelocation()) {
            throw new IllegalArgumentException(origin + ": section " + relOrRela.name()
                    + " is not a relocation section (type " + relOrRela.type() + ")");
        }
        boolean rela = relOrRela.type() == Section.SHT_RELA;
        int entSize = entrySize(relOrRela, rela ? RELA_SIZE : REL_SIZE);
        int n = (int) (relOrRela.size() / entSize);
        Relocation[] out = new Relocation[n];
        int p = (int) relOrRela.offset();
        for (int i = 0; i < n; i++, p += entSize) {
            long info = u64(data, p + 8);
            out[i] = new Relocation(u64(data, p), (int) (info >>> 32), (int) info, rela ? u64(data, p + 16) : 0);
        }
        return Collections.unmodifiableList(Arrays.asList(out));
    }

    /** {@return the program headers in file order; empty if none (relocatable objects have none)} */
    public List<ProgramHeader> programHeaders() {
        return programHeaders;
    }

    /**
     * A copy of a section's contents.
     *
     * @param s a section of this file
     * @return a new array with its contents; empty for SHT_NOBITS and SHT_NULL
     */
    public byte[] bytes(Section s) {
        if (s.type() == Section.SHT_NOBITS || s.type() == Section.SHT_NULL) return new byte[0];
        return Arrays.copyOfRange(data, (int) s.offset(), (int) (s.offset() + s.size()));
    }

    /**
     * The whole file, not copied: do not modify.
     *
     * @return the array the file was parsed from
     */
    public byte[] data() {
        return data;
    }

    @Override
    public String toString() {
        return "ElfFile[" + origin + ", type " + type + ", machine " + machine + ", " + sections.size() + " sections]";
    }

    // ---------------------------------------------------------------------------------------------

    private static void checkIdent(byte[] d, String origin) {
        if (d[0] != 0x7f || d[1] != 'E' || d[2] != 'L' || d[3] != 'F') {
            throw new ObjectFileException(origin, null, "not an ELF file (bad magic "
                    + String.format("%02x %02x %02x %02x", d[0] & 0xff, d[1] & 0xff, d[2] & 0xff, d[3] & 0xff) + ")");
        }
        if (d[4] != 2) {
            throw new ObjectFileException(origin, null, "not an ELF64 file (EI_CLASS " + d[4]
                    + (d[4] == 1 ? ", 32-bit" : "") + ")");
        }
        if (d[5] != 1) {
            throw new ObjectFileException(origin, null, "not a little-endian ELF file (EI_DATA " + d[5]
                    + (d[5] == 2 ? ", big-endian" : "") + ")");
        }
    }

    private static List<Section> readSections(byte[] data, String origin, int shoff, int shentsize, int count,
                                              int shstrndx) {
        if (count == 0) return List.of();
        if (shstrndx >= count) {
            throw new ObjectFileException(origin, null, "section name string table index " + shstrndx
                    + " out of range (" + count + " sections)");
        }
        long strOff = 0, strSize = 0;
        if (shstrndx != 0) {
            int sp = shoff + shstrndx * shentsize;
            strOff = u64(data, sp + 24);
            strSize = u64(data, sp + 32);
            checkRange(data, origin, "#" + shstrndx + " (section names)", strOff, strSize, "contents");
        }
        Section[] out = new Section[count];
        for (int i = 0; i < count; i++) {
            int p = shoff + i * shentsize;
            long nameOff = u32(data, p);
            String name;
            if (nameOff == 0 || shstrndx == 0) {
                name = "";
            } else if (nameOff >= strSize) {
                throw new ObjectFileException(origin, "#" + i, "name offset " + nameOff
                        + " beyond the section name string table (" + strSize + " bytes)");
            } else {
                name = cString(data, (int) (strOff + nameOff), (int) (strOff + strSize));
            }
            int type = (int) u32(data, p + 4);
            long offset = u64(data, p + 24);
            long size = u64(data, p + 32);
            if (type != Section.SHT_NOBITS && type != Section.SHT_NULL) {
                checkRange(data, origin, name.isEmpty() ? "#" + i : name, offset, size, "contents");
            }
            out[i] = new Section(i, name, type, u64(data, p + 8), u64(data, p + 16), offset, size,
                    (int) u32(data, p + 40), (int) u32(data, p + 44), u64(data, p + 48), u64(data, p + 56));
        }
        return List.of(out);
    }

    private List<Symbol> readSymbols(int tableType) {
        Section table = null;
        for (Section s : sections) {
            if (s.type() == tableType) {
                table = s;
                break;
            }
        }
        if (table == null) return List.of();
        int entSize = entrySize(table, SYM_SIZE);
        if (table.link() <= 0 || table.link() >= sections.size()
                || sections.get(table.link()).type() != Section.SHT_STRTAB) {
            throw new ObjectFileException(origin, table.name(), "bad string table link " + table.link());
        }
        Section strtab = sections.get(table.link());
        int[] xindex = null;
        for (Section s : sections) {
            if (s.type() == Section.SHT_SYMTAB_SHNDX && s.link() == table.index()) {
                int n = (int) (s.size() / 4);
                xindex = new int[n];
                for (int i = 0; i < n; i++) xindex[i] = (int) u32(data, (int) s.offset() + 4 * i);
                break;
            }
        }
        int strStart = (int) strtab.offset();
        int strEnd = (int) (strtab.offset() + strtab.size());
        int n = (int) (table.size() / entSize);
        Symbol[] out = new Symbol[n];
        int p = (int) table.offset();
        for (int i = 0; i < n; i++, p += entSize) {
            long nameOff = u32(data, p);
            String name;
            if (nameOff == 0) {
                name = "";
            } else if (nameOff >= strtab.size()) {
                throw new ObjectFileException(origin, table.name(), "symbol #" + i + ": name offset " + nameOff
                        + " beyond string table " + strtab.name() + " (" + strtab.size() + " bytes)");
            } else {
                name = cString(data, strStart + (int) nameOff, strEnd);
            }
            int info = data[p + 4] & 0xff;
            int shndx = u16(data, p + 6);
            if (shndx == Symbol.SHN_XINDEX && xindex != null && i < xindex.length) shndx = xindex[i];
            out[i] = new Symbol(i, name, u64(data, p + 8), u64(data, p + 16), info >>> 4, info & 0xf,
                    data[p + 5] & 0xff, shndx);
        }
        return List.of(out);
    }

    private int entrySize(Section s, int minimum) {
        long ent = s.entSize() == 0 ? minimum : s.entSize();
        if (ent < minimum || ent > Integer.MAX_VALUE) {
            throw new ObjectFileException(origin, s.name(), "bad entry size " + s.entSize() + " (expected "
                    + minimum + ")");
        }
        if (s.size() % ent != 0) {
            throw new ObjectFileException(origin, s.name(), "size " + s.size()
                    + " is not a multiple of the entry size " + ent);
        }
        return (int) ent;
    }

    private static void checkRange(byte[] data, String origin, String section, long offset, long size,
                                   String what) {
        if (offset < 0 || size < 0 || offset > data.length || size > data.length - offset) {
            throw new ObjectFileException(origin, section, what + " at offset " + Long.toUnsignedString(offset)
                    + " size " + Long.toUnsignedString(size) + " beyond the end of the file ("
                    + data.length + " bytes)");
        }
    }

    private static byte[] readContents(FileChannel ch, long fileSize, String origin, String section, long offset,
                                       long size) throws IOException {
        if (offset < 0 || size < 0 || offset > fileSize || size > fileSize - offset) {
            throw new ObjectFileException(origin, section, "contents at offset " + Long.toUnsignedString(offset)
                    + " size " + Long.toUnsignedString(size) + " beyond the end of the file (" + fileSize + " bytes)");
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new ObjectFileException(origin, section, "section too large (" + size + " bytes)");
        }
        return readAt(ch, offset, (int) size);
    }

    private static byte[] readAt(FileChannel ch, long position, int length) throws IOException {
        byte[] out = new byte[length];
        ByteBuffer buf = ByteBuffer.wrap(out);
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + buf.position());
            if (n < 0) return Arrays.copyOf(out, buf.position());
        }
        return out;
    }

    private static boolean nameEquals(byte[] names, long off, byte[] wanted) {
        if (off + wanted.length >= names.length) return false;
        int o = (int) off;
        for (int i = 0; i < wanted.length; i++) {
            if (names[o + i] != wanted[i]) return false;
        }
        return names[o + wanted.length] == 0;
    }

    private static String cString(byte[] d, int start, int end) {
        int i = start;
        while (i < end && d[i] != 0) i++;
        return new String(d, start, i - start, StandardCharsets.UTF_8);
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    static int u16(byte[] d, int p) {
        return (d[p] & 0xff) | (d[p + 1] & 0xff) << 8;
    }

    static long u32(byte[] d, int p) {
        return ((d[p] & 0xff) | (d[p + 1] & 0xff) << 8 | (d[p + 2] & 0xff) << 16 | (d[p + 3] & 0xff) << 24) & 0xffffffffL;
    }

    static long u64(byte[] d, int p) {
        return u32(d, p) | u32(d, p + 4) << 32;
    }
}
