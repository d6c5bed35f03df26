package org.bpf4j.btf;

/**
 * One .BTF.ext func_info record: a function (BTF FUNC {@code typeId}) starts at this instruction.
 *
 * @param insnOffset the BYTE offset of the instruction in its ELF section, as stored in the object
 *                   file (the kernel wants instruction indexes: divide by 8 relative to the program)
 * @param typeId     the BTF FUNC type of the function
 */
public record FuncInfo(int insnOffset, int typeId) {
}
