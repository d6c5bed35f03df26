package org.bpf4j.elf;

/**
 * One relocation entry of a SHT_REL or SHT_RELA section.
 *
 * @param offset {@code r_offset}: for relocatable objects the byte offset in the section it applies to
 * @param symbol {@code ELF64_R_SYM(r_info)}: the index in the linked symbol table
 * @param type   {@code ELF64_R_TYPE(r_info)}, machine-specific (e.g. R_BPF_64_64 = 1)
 * @param addend {@code r_addend} for SHT_RELA, 0 for SHT_REL
 */
public record Relocation(long offset, int symbol, int type, long addend) {
}
