package org.bpf4j.elf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.ObjectFileException;

/**
 * Where a function of an executable or shared library lies in its file: the offset a uprobe
 * needs. Pure parsing of an {@link ElfFile}.
 *
 * <p>The rules are libbpf's ({@code elf_find_func_offset}): {@code .dynsym} is searched first, then
 * {@code .symtab} (a stripped binary has only the first, a static one only the second); a name
 * matches a symbol spelled the same or followed by a version ({@code getpid@@GLIBC_2.2.5}); a
 * name with a version ({@code memcpy@GLIBC_2.2.5}, {@code memcpy@@GLIBC_2.14}) matches only that
 * version. Several matches at one offset are one function; a global and a weak symbol at
 * different offsets resolve to the global one; two global ones are ambiguous. The symbol's
 * virtual address becomes a file offset through the {@code PT_LOAD} program header that
 * contains it (the section header when a file has no program headers): for position-independent
 * executables and shared libraries the two differ as soon as a segment's address is not its
 * offset.
 */
public final class SymbolOffsets {
    private SymbolOffsets() {}

    private static final int SHT_GNU_VERDEF = 0x6ffffffd, SHT_GNU_VERSYM = 0x6fffffff;

    /**
     * A function symbol found in a file.
     *
     * @param name the symbol's name as the table spells it, with its version if it has one
     * @param address the symbol's virtual address ({@code st_value})
     * @param fileOffset the address's offset in the file, what a uprobe attaches to
     * @param bind the symbol's binding, such as {@link Symbol#STB_GLOBAL}
     * @param dynamic true if found in {@code .dynsym}, false if in {@code .symtab}
     */
    public record Match(String name, long address, long fileOffset, int bind, boolean dynamic) {}

    /**
     * The file offset of function {@code name} in {@code elf}.
     *
     * @param elf the executable or shared library
     * @param name the function's name, optionally with a version ({@code memcpy@GLIBC_2.2.5})
     * @return its offset in the file
     * @throws ObjectFileException naming the file and symbol if there is no such function, it is ambiguous, or its
     * address lies in no loaded segment
     */
    public static long functionOffset(ElfFile elf, String name) {
        return find(elf, name).fileOffset();
    }

    /**
     * Like {@link #functionOffset}, with the symbol that matched.
     *
     * @param elf the executable or shared library
     * @param name the function's name, optionally with a version ({@code memcpy@GLIBC_2.2.5})
     * @return the matching symbol and its file offset
     * @throws IllegalArgumentException if {@code name} is null or empty
     * @throws ObjectFileException as {@link #functionOffset} does
     */
    public static Match find(ElfFile elf, String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("empty symbol name");
        int at = name.indexOf('@');
        String base = at < 0 ? name : name.substring(0, at);
        String version = at < 0 ? null : name.substring(name.charAt(at + 1) == '@' ? at + 2 : at + 1);
        for (boolean dynamic : new boolean[] {true, false}) {
            List<Symbol> table = dynamic ? elf.dynamicSymbols() : elf.symbols();
            if (table.isEmpty()) continue;
            String[] versions = dynamic && version != null ? versionNames(elf) : null;
            Match best = null;
            for (Symbol s : table) {
                if (s.type() != Symbol.STT_FUNC) continue; // as libbpf: not STT_GNU_IFUNC resolvers
                if (s.sectionIndex() == Symbol.SHN_UNDEF || s.value() == 0) continue;
                if (!matches(s, base, version, versions, dynamic)) continue;
                long off = fileOffset(elf, s.value(), s.sectionIndex(), s.name());
                Match m = new Match(s.name(), s.value(), off, s.bind(), dynamic);
                if (best == null || best.fileOffset() == off) {
                    if (best == null) best = m;
                    continue;
                }
                if (best.bind() != Symbol.STB_WEAK && s.bind() != Symbol.STB_WEAK) {
                    throw new ObjectFileException(elf.origin(), dynamic ? ".dynsym" : ".symtab", "function '" + name
                            + "' is ambiguous: '" + best.name() + "' at 0x" + Long.toHexString(best.address()) + " and '"
                            + s.name() + "' at 0x" + Long.toHexString(s.value())
                            + (version == null ? "; name a version, as in " + base + "@VERSION" : ""));
                }
                if (best.bind() == Symbol.STB_WEAK && s.bind() != Symbol.STB_WEAK) best = m;
            }
            if (best != null) return best;
        }
        String tables = (elf.dynamicSymbols().isEmpty() ? "" : ".dynsym")
                + (elf.symbols().isEmpty() ? "" : (elf.dynamicSymbols().isEmpty() ? "" : " or ") + ".symtab");
        throw new ObjectFileException(elf.origin(), null, "no function '" + name + "' in "
                + (tables.isEmpty() ? "its symbol tables (the file has none: stripped?)" : tables));
    }

    private static boolean matches(Symbol s, String base, String version, String[] versions, boolean dynamic) {
        String n = s.name();
        if (!n.startsWith(base)) return false;
        if (n.length() != base.length() && n.charAt(base.length()) != '@') return false;
        if (version == null) return true;
        if (n.length() != base.length()) {
            // .symtab spells the version in the name: func@VER or func@@VER
            int at = base.length();
            String v = n.substring(n.charAt(at + 1) == '@' ? at + 2 : at + 1);
            return v.equals(version);
        }
        if (!dynamic || versions == null) return false;
        return s.index() < versions.length && version.equals(versions[s.index()]);
    }

    /** For each .dynsym entry, the name of its version from .gnu.version and .gnu.version_d, or null. */
    private static String[] versionNames(ElfFile elf) {
        Section versym = null, verdef = null;
        for (Section s : elf.sections()) {
            if (s.type() == SHT_GNU_VERSYM) versym = s;
            if (s.type() == SHT_GNU_VERDEF) verdef = s;
        }
        if (versym == null || verdef == null) return null;
        byte[] d = elf.data();
        // version index -> name, from the Elf64_Verdef chain (20-byte entries, Elf64_Verdaux {name, next})
        List<String> byIndex = new ArrayList<>();
        Section strtab = verdef.link() > 0 && verdef.link() < elf.sections().size() ? elf.section(verdef.link()) : null;
        if (strtab == null) return null;
        long p = verdef.offset(), end = verdef.offset() + verdef.size();
        for (int guard = 0; p + 20 <= end && guard < 65536; guard++) {
            int ndx = u16(d, p + 4);
            long aux = u32(d, p + 12), next = u32(d, p + 16);
            if (p + aux + 8 <= end) {
                String vn = cString(d, strtab.offset() + u32(d, p + aux), strtab.offset() + strtab.size());
                while (byIndex.size() <= ndx) byIndex.add(null);
                byIndex.set(ndx, vn);
            }
            if (next == 0) break;
            p += next;
        }
        int n = (int) (versym.size() / 2);
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            int v = u16(d, versym.offset() + 2L * i) & 0x7fff; // bit 15: hidden (a non-default version)
            out[i] = v < byIndex.size() ? byIndex.get(v) : null;
        }
        return out;
    }

    /**
     * The file offset of virtual address {@code vaddr}: through the {@code PT_LOAD} segment that contains it, as the
     * kernel maps the file.
     *
     * @param elf the executable or shared library
     * @param vaddr a virtual address as the file's symbols give it
     * @return its offset in the file
     * @throws ObjectFileException if no loaded segment holds the address
     */
    public static long fileOffset(ElfFile elf, long vaddr) {
        return fileOffset(elf, vaddr, -1, "0x" + Long.toHexString(vaddr));
    }

    private static long fileOffset(ElfFile elf, long vaddr, int sectionIndex, String what) {
        for (ProgramHeader ph : elf.programHeaders()) {
            if (ph.type() != ProgramHeader.PT_LOAD) continue;
            if (Long.compareUnsigned(vaddr, ph.vaddr()) >= 0
                    && Long.compareUnsigned(vaddr - ph.vaddr(), ph.fileSize()) < 0) {
                return vaddr - ph.vaddr() + ph.offset();
            }
        }
        if (elf.programHeaders().isEmpty() && sectionIndex > 0 && sectionIndex < elf.sections().size()) {
            Section s = elf.section(sectionIndex);
            return vaddr - s.addr() + s.offset();
        }
        throw new ObjectFileException(elf.origin(), null, "'" + what + "' at 0x" + Long.toHexString(vaddr)
                + " lies in no loaded segment of the file");
    }

    private static int u16(byte[] d, long p) {
        int i = (int) p;
        return (d[i] & 0xff) | (d[i + 1] & 0xff) << 8;
    }

    private static long u32(byte[] d, long p) {
        int i = (int) p;
        return (d[i] & 0xffL) | (d[i + 1] & 0xffL) << 8 | (d[i + 2] & 0xffL) << 16 | (d[i + 3] & 0xffL) << 24;
    }

    private static String cString(byte[] d, long start, long limit) {
        // a name offset read from the file may point past its string table
        if (start < 0 || start >= limit || start >= d.length) return null;
        int s = (int) start, e = s;
        while (e < limit && e < d.length && d[e] != 0) e++;
        return new String(d, s, e - s, StandardCharsets.UTF_8);
    }
}
