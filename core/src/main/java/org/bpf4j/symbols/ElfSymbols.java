package org.bpf4j.symbols;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.bpf4j.elf.ElfFile;
import org.bpf4j.elf.ProgramHeader;
import org.bpf4j.elf.Section;
import org.bpf4j.elf.Symbol;

/**
 * The function symbols of one ELF file, by virtual address: {@code .symtab}, else those of its
 * separate debug file (by build id under {@code /usr/lib/debug/.build-id}, or by
 * {@code .gnu_debuglink} next to it, in its {@code .debug} directory or under
 * {@code /usr/lib/debug}), else {@code .dynsym}. Names are as the file has them: C++ and Rust
 * names stay mangled. Its loadable segments turn a file offset (what {@code /proc/PID/maps}
 * gives) into a virtual address, which is how PIE executables and shared libraries are biased.
 */
public final class ElfSymbols {
    private static final Path DEBUG_ROOT = Path.of("/usr/lib/debug");

    private final String path;
    private final SymbolTable table;
    private final List<ProgramHeader> loads;
    private final String source;

    private ElfSymbols(String path, SymbolTable table, List<ProgramHeader> loads, String source) {
        this.path = path;
        this.table = table;
        this.loads = loads;
        this.source = source;
    }

    /**
     * Reads the symbols of {@code file}; {@code name} is the path it is known by (the one in
     * /proc/PID/maps, which may differ from the file read through /proc/PID/root).
     *
     * @param name the path to report it by
     * @param file the file to read
     * @return the function symbols, with the file's loadable segments
     * @throws org.bpf4j.ObjectFileException naming the file if it is not a readable ELF file
     */
    public static ElfSymbols read(Path file, String name) {
        ElfFile elf = ElfFile.read(file);
        List<ProgramHeader> loads = elf.programHeaders().stream().filter(p -> p.type() == ProgramHeader.PT_LOAD).toList();
        String source = ".symtab";
        List<Symbol> syms = elf.symbols();
        if (!hasFunctions(syms)) {
            Path debug = debugFile(elf, file);
            syms = List.of();
            if (debug != null) {
                try {
                    syms = ElfFile.read(debug).symbols();
                    source = debug.toString();
                } catch (RuntimeException e) {
                    syms = List.of();
                }
            }
            if (!hasFunctions(syms)) {
                syms = elf.dynamicSymbols();
                source = ".dynsym";
            }
        }
        SymbolTable.Builder b = new SymbolTable.Builder();
        // globals first, so that of aliases at one address the exported name wins
        for (int pass = 0; pass < 2; pass++) {
            for (Symbol s : syms) {
                if (!isFunction(s) || (s.bind() == Symbol.STB_LOCAL) != (pass == 1)) continue;
                b.add(s.value(), s.size(), s.name());
            }
        }
        return new ElfSymbols(name, b.build(), loads, source);
    }

    private static boolean isFunction(Symbol s) {
        return (s.type() == Symbol.STT_FUNC || s.type() == 10 /* STT_GNU_IFUNC */) && s.sectionIndex() != Symbol.SHN_UNDEF
                && s.value() != 0 && !s.name().isEmpty();
    }

    private static boolean hasFunctions(List<Symbol> syms) {
        for (Symbol s : syms) if (isFunction(s)) return true;
        return false;
    }

    /** The installed separate debug file of {@code elf}, or null. */
    static Path debugFile(ElfFile elf, Path file) {
        String id = buildId(elf);
        if (id != null && id.length() > 2) {
            Path p = DEBUG_ROOT.resolve(".build-id").resolve(id.substring(0, 2)).resolve(id.substring(2) + ".debug");
            if (Files.isRegularFile(p)) return p;
        }
        Section link = elf.section(".gnu_debuglink");
        if (link != null && !link.isNoBits()) {
            byte[] b = elf.bytes(link);
            int end = 0;
            while (end < b.length && b[end] != 0) end++;
            String name = new String(b, 0, end, StandardCharsets.UTF_8);
            Path dir = file.toAbsolutePath().getParent();
            if (!name.isEmpty() && dir != null) {
                for (Path p : new Path[] {dir.resolve(name), dir.resolve(".debug").resolve(name),
                        Path.of(DEBUG_ROOT + dir.toString()).resolve(name)}) {
                    if (!p.equals(file) && Files.isRegularFile(p)) return p;
                }
            }
        }
        return null;
    }

    /**
     * The GNU build id of {@code elf} in lower-case hex, or null.
     *
     * @param elf the ELF file
     * @return the build id as hex, or null if the file has no {@code NT_GNU_BUILD_ID} note
     */
    public static String buildId(ElfFile elf) {
        Section s = elf.section(".note.gnu.build-id");
        if (s == null || s.isNoBits()) return null;
        ByteBuffer b = ByteBuffer.wrap(elf.bytes(s)).order(ByteOrder.LITTLE_ENDIAN);
        int o = 0;
        while (o + 12 <= b.limit()) {
            int namesz = b.getInt(o), descsz = b.getInt(o + 4), type = b.getInt(o + 8);
            int nameOff = o + 12, descOff = nameOff + ((namesz + 3) & ~3);
            if (descOff + descsz > b.limit()) break;
            if (type == 3 /* NT_GNU_BUILD_ID */ && namesz == 4) {
                byte[] id = new byte[descsz];
                b.get(descOff, id);
                return HexFormat.of().formatHex(id);
            }
            o = descOff + ((descsz + 3) & ~3);
        }
        return null;
    }

    /** {@return the path the file is known by, as given to {@link #read}} */
    public String path() {
        return path;
    }

    /**
     * Where the names came from: {@code .symtab}, {@code .dynsym} or the debug file's path.
     *
     * @return the source of the names
     */
    public String source() {
        return source;
    }

    /**
     * How many function symbols.
     *
     * @return the number of function symbols
     */
    public int size() {
        return table.size();
    }

    /**
     * The virtual address of file offset {@code offset} (in a loadable segment), or -1.
     *
     * @param offset a file offset
     * @return the virtual address, or -1 outside every loadable segment
     */
    public long virtualAddress(long offset) {
        for (ProgramHeader p : loads) {
            if (offset >= p.offset() && offset < p.offset() + Math.max(p.fileSize(), p.memSize())) {
                return offset - p.offset() + p.vaddr();
            }
        }
        return -1;
    }

    /**
     * The function holding virtual address {@code vaddr} (as the file's symbols count them), or null.
     *
     * @param vaddr a virtual address
     * @return the frame (module: {@link #path()}), or null
     */
    public Frame resolve(long vaddr) {
        int i = table.find(vaddr);
        return i < 0 ? null : new Frame(table.name(i), vaddr - table.start(i), path);
    }
}
