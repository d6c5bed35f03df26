/**
 * BPF instructions as data: {@link org.bpf4j.asm.Instructions} reads and patches the 8-byte
 * {@code struct bpf_insn} slots of a program, {@link org.bpf4j.asm.Opcode} names the encoding
 * constants, and {@link org.bpf4j.asm.Disassembler} prints instructions as the verifier's log does.
 * Pure data, no system calls.
 */
package org.bpf4j.asm;
