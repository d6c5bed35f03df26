package org.bpf4j.elf;

/**
 * One ELF64 program header (segment).
 *
 * @param type     {@code p_type}, such as {@link #PT_LOAD}
 * @param flags    {@code p_flags}: {@link #PF_X}, {@link #PF_W}, {@link #PF_R}
 * @param offset   {@code p_offset}
 * @param vaddr    {@code p_vaddr}
 * @param paddr    {@code p_paddr}
 * @param fileSize {@code p_filesz}
 * @param memSize  {@code p_memsz}
 * @param align    {@code p_align}
 */
public record ProgramHeader(int type, int flags, long offset, long vaddr, long paddr, long fileSize,
                            long memSize, long align) {
    /** {@code p_type} of an unused entry. */
    public static final int PT_NULL = 0;
    /** {@code p_type} of a loadable segment, mapped from the file. */
    public static final int PT_LOAD = 1;
    /** {@code p_type} of the dynamic linking information. */
    public static final int PT_DYNAMIC = 2;
    /** {@code p_type} of the program interpreter's path. */
    public static final int PT_INTERP = 3;
    /** {@code p_type} of notes. */
    public static final int PT_NOTE = 4;

    /** {@code p_flags} bit: executable. */
    public static final int PF_X = 1;
    /** {@code p_flags} bit: writable. */
    public static final int PF_W = 2;
    /** {@code p_flags} bit: readable. */
    public static final int PF_R = 4;
}
