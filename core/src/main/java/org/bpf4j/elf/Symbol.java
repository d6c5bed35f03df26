package org.bpf4j.elf;

/**
 * One ELF64 symbol table entry, with its name resolved from the linked string table.
 *
 * @param index        the entry's index in its symbol table
 * @param name         the symbol's name, "" for none
 * @param value        {@code st_value}: for relocatable objects the offset in its section
 * @param size         {@code st_size}
 * @param bind         {@code ELF64_ST_BIND(st_info)}, such as {@link #STB_GLOBAL}
 * @param type         {@code ELF64_ST_TYPE(st_info)}, such as {@link #STT_FUNC}
 * @param other        {@code st_other}; its low two bits are the visibility
 * @param sectionIndex {@code st_shndx} (the extended index from SHT_SYMTAB_SHNDX when it is SHN_XINDEX),
 *                     or one of {@link #SHN_UNDEF}, {@link #SHN_ABS}, {@link #SHN_COMMON}
 */
public record Symbol(int index, String name, long value, long size, int bind, int type, int other,
                     int sectionIndex) {
    /** Binding: local to its file. */
    public static final int STB_LOCAL = 0;
    /** Binding: global. */
    public static final int STB_GLOBAL = 1;
    /** Binding: weak (global, yielding to a global definition). */
    public static final int STB_WEAK = 2;

    /** Type: unspecified. */
    public static final int STT_NOTYPE = 0;
    /** Type: a data object. */
    public static final int STT_OBJECT = 1;
    /** Type: a function. */
    public static final int STT_FUNC = 2;
    /** Type: a section. */
    public static final int STT_SECTION = 3;
    /** Type: the source file name. */
    public static final int STT_FILE = 4;

    /** Visibility: as the binding says. */
    public static final int STV_DEFAULT = 0;
    /** Visibility: internal (processor-specific hidden). */
    public static final int STV_INTERNAL = 1;
    /** Visibility: hidden, not visible outside its component. */
    public static final int STV_HIDDEN = 2;
    /** Visibility: protected, visible but not preemptible. */
    public static final int STV_PROTECTED = 3;

    /** Section index: undefined (an external symbol). */
    public static final int SHN_UNDEF = 0;
    /** Section index: an absolute value, in no section. */
    public static final int SHN_ABS = 0xfff1;
    /** Section index: a common block not yet allocated. */
    public static final int SHN_COMMON = 0xfff2;
    /** Section index: the real index is in SHT_SYMTAB_SHNDX. */
    public static final int SHN_XINDEX = 0xffff;

    /** {@return {@code ELF64_ST_VISIBILITY(st_other)}, such as {@link #STV_HIDDEN}} */
    public int visibility() {
        return other & 3;
    }
}
