package org.bpf4j;

import org.bpf4j.btf.CoreReloKind;
import org.bpf4j.core.CoreResult;

/**
 * One CO-RE relocation of an object, resolved against a target kernel's BTF.
 *
 * @param program the function holding the instruction (a program, or a subprogram by its own name)
 * @param insn    the instruction index within that function, as libbpf's debug log numbers it
 * @param kind    the relocation kind
 * @param type    the local type's name ("" for anonymous types)
 * @param access  the access string, such as {@code 0:1:2}
 * @param result  the outcome, or null when resolution failed ({@link #error}) or never ran
 * @param error   why resolution failed, or null
 * @param processed false for relocations after a failure (libbpf stops at the first)
 */
public record CoreRelocation(String program, int insn, CoreReloKind kind, String type, String access,
                             CoreResult result, String error, boolean processed) {

    /** The value patched in, {@code poison}, {@code error} or {@code unprocessed}. */
    public String resultText() {
        if (!processed) return "unprocessed";
        if (result == null) return "error";
        if (result.poison()) return "poison";
        return Long.toUnsignedString(result.newValue());
    }

    /** Tab-separated, as {@code bpf4j core relocs} prints it. */
    public String toLine() {
        return program + "\t" + insn + "\t" + kind.libbpfName() + "\t" + type + "\t" + access + "\t" + resultText();
    }
}
