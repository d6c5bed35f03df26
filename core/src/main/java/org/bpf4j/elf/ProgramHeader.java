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
    public static final int PT_NULL = 0;
    public static final int PT_LOAD = 1;
    public static final int PT_DYNAMIC = 2;
    public static final int PT_INTERP = 3;
    public static final int PT_NOTE = 4;

    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;
}
