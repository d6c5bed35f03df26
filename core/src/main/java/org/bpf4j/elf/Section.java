package org.bpf4j.elf;

/**
 * One ELF64 section header, with its name resolved from the section header string table.
 *
 * @param index     the section's index in the section header table (0 is the null section)
 * @param name      the section's name, "" for none
 * @param type      {@code sh_type}, such as {@link #SHT_PROGBITS}
 * @param flags     {@code sh_flags}, such as {@link #SHF_EXECINSTR}
 * @param addr      {@code sh_addr}
 * @param offset    {@code sh_offset}: where the contents start in the file
 * @param size      {@code sh_size}: the contents' length in bytes (in memory only for {@link #SHT_NOBITS})
 * @param link      {@code sh_link}: for symbol tables the string table, for relocations the symbol table
 * @param info      {@code sh_info}: for relocations the section they apply to
 * @param addrAlign {@code sh_addralign}
 * @param entSize   {@code sh_entsize}: the size of one entry for tables
 */
public record Section(int index, String name, int type, long flags, long addr, long offset, long size,
                      int link, int info, long addrAlign, long entSize) {
    /** {@code sh_type} of the null section (index 0). */
    public static final int SHT_NULL = 0;
    /** {@code sh_type} of program-defined contents: code, data, BTF. */
    public static final int SHT_PROGBITS = 1;
    /** {@code sh_type} of the symbol table. */
    public static final int SHT_SYMTAB = 2;
    /** {@code sh_type} of a string table. */
    public static final int SHT_STRTAB = 3;
    /** {@code sh_type} of relocations with explicit addends. */
    public static final int SHT_RELA = 4;
    /** {@code sh_type} of a symbol hash table. */
    public static final int SHT_HASH = 5;
    /** {@code sh_type} of the dynamic linking information. */
    public static final int SHT_DYNAMIC = 6;
    /** {@code sh_type} of notes, such as {@code .note.stapsdt}. */
    public static final int SHT_NOTE = 7;
    /** {@code sh_type} of a section without bytes in the file, such as {@code .bss}. */
    public static final int SHT_NOBITS = 8;
    /** {@code sh_type} of relocations without addends. */
    public static final int SHT_REL = 9;
    /** {@code sh_type} of the dynamic symbol table. */
    public static final int SHT_DYNSYM = 11;
    /** {@code sh_type} of the extended section indexes of a symbol table. */
    public static final int SHT_SYMTAB_SHNDX = 18;

    /** {@code sh_flags} bit: writable at run time. */
    public static final long SHF_WRITE = 1;
    /** {@code sh_flags} bit: occupies memory at run time. */
    public static final long SHF_ALLOC = 2;
    /** {@code sh_flags} bit: holds code. */
    public static final long SHF_EXECINSTR = 4;

    /** {@return whether this is a relocation section, {@link #SHT_REL} or {@link #SHT_RELA}} */
    public boolean isRelocation() {
        return type == SHT_REL || type == SHT_RELA;
    }

    /** {@return whether the section holds no bytes in the file ({@link #SHT_NOBITS}, such as .bss)} */
    public boolean isNoBits() {
        return type == SHT_NOBITS;
    }

    /** {@return whether the section holds code ({@link #SHF_EXECINSTR})} */
    public boolean isExecutable() {
        return (flags & SHF_EXECINSTR) != 0;
    }

    /** {@return whether the section is writable at run time ({@link #SHF_WRITE})} */
    public boolean isWritable() {
        return (flags & SHF_WRITE) != 0;
    }

    /** {@return whether the section occupies memory at run time ({@link #SHF_ALLOC})} */
    public boolean isAlloc() {
        return (flags & SHF_ALLOC) != 0;
    }
}
