/**
 * A reader for little-endian ELF64 files (BPF objects, kernel images and modules, shared objects):
 * sections, symbols, relocations and program headers. Pure parsing, no system calls.
 *
 * <p>{@link org.bpf4j.elf.ElfFile#parse} checks the header and that every section lies inside the
 * file; a malformed file is reported as one {@link org.bpf4j.ObjectFileException} naming the file
 * and, where one is at fault, the section.
 */
package org.bpf4j.elf;
