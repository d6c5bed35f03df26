package org.bpf4j.btf;

/**
 * One .BTF.ext CO-RE relocation record ({@code struct bpf_core_relo}).
 *
 * @param insnOffset         the BYTE offset of the instruction to patch in its ELF section, as stored
 * @param typeId             the local BTF type the access starts from (the root type)
 * @param accessStringOffset the BTF string offset of the access string
 * @param access             the access string, such as "0:1:2" (field), "0" (type), or the
 *                           enumerator index (enum value)
 * @param kind               what to compute
 */
public record CoreRelo(int insnOffset, int typeId, int accessStringOffset, String access, CoreReloKind kind) {
}
