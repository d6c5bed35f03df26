package org.bpf4j;

import java.util.Comparator;
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
 * @param outcome what became of the instruction
 * @param value   the value patched in ({@link Outcome#PATCHED}), else 0
 * @param what    the local access in C terms, such as {@code task_struct.comm[2]} or {@code
 *                bpf_map_type::BPF_MAP_TYPE_ARENA} (the access string when it cannot be parsed)
 * @param detail  why the instruction was poisoned or the relocation failed; null when patched
 * @param result  the engine's result (values, specs), or null when it failed or never ran
 * @param deadCode for a poisoned instruction: true if no program can reach it once the other
 *                 relocations are applied (it sits behind a {@code bpf_core_*_exists} guard that
 *                 came out 0), so the verifier never sees it; false otherwise, and when not
 *                 analyzed (see {@link org.bpf4j.core.DeadCode})
 */
public record CoreRelocation(String program, int insn, CoreReloKind kind, String type, String access,
                             Outcome outcome, long value, String what, String detail, CoreResult result,
                             boolean deadCode) {

    /**
     * The order {@code bpf4j core relocs} prints (and libbpf's log suggests): by program name,
     * then instruction. A stable sort keeps .BTF.ext order for equal keys.
     */
    public static final Comparator<CoreRelocation> BY_PROGRAM_AND_INSN = new ByProgramAndInsn();

    /**
     * A class rather than {@code Comparator.comparing(...)}, whose serializable lambdas the JVM
     * generates at run time (the AOT cache cannot hold them): milliseconds on start-up's critical
     * path, since every load that applies CO-RE initialises this record.
     */
    private static final class ByProgramAndInsn implements Comparator<CoreRelocation> {
        @Override
        public int compare(CoreRelocation a, CoreRelocation b) {
            int c = a.program.compareTo(b.program);
            return c != 0 ? c : Integer.compare(a.insn, b.insn);
        }
    }

    /** What CO-RE did with a relocation's instruction. */
    public enum Outcome {
        /** The instruction now holds the target's value. */
        PATCHED,
        /**
         * The target lacks the field, type or enumerator (or a load would read it with the wrong
         * size): the instruction became an invalid call, which fails the program only if reachable.
         */
        POISONED,
        /** The relocation cannot be resolved at all (ambiguous, malformed): the whole load fails. */
        FAILED,
        /** Never looked at: an earlier relocation failed, and libbpf stops at the first failure. */
        UNPROCESSED
    }

    /**
     * The local access in C terms (formatted from {@link #result} on demand when not given).
     *
     * @return the access, such as {@code struct task_struct.pid}
     */
    @Override
    public String what() {
        return what != null || result == null ? what : result.access();
    }

    /**
     * True if the object would not load as it is: the relocation failed or was not reached.
     *
     * @return true if the relocation failed or was not reached
     */
    public boolean failed() {
        return outcome == Outcome.FAILED || outcome == Outcome.UNPROCESSED;
    }

    /**
     * True if this relocation makes the load fail: it failed, or it poisoned an instruction that a
     * program can reach (the verifier rejects the program there).
     *
     * @return true if the load would fail because of it
     */
    public boolean breaksLoad() {
        return failed() || (outcome == Outcome.POISONED && !deadCode);
    }

    CoreRelocation withDeadCode(boolean dead) {
        return new CoreRelocation(program, insn, kind, type, access, outcome, value, what, detail, result, dead);
    }

    /**
     * The value patched in (unsigned decimal), {@code poison}, {@code error} or {@code unprocessed}.
     *
     * @return the result as text
     */
    public String resultText() {
        return switch (outcome) {
            case PATCHED -> Long.toUnsignedString(value);
            case POISONED -> "poison";
            case FAILED -> "error";
            case UNPROCESSED -> "unprocessed";
        };
    }

    /**
     * Tab-separated, as {@code bpf4j core relocs} prints it: program, insn, kind, type, access, result.
     *
     * @return the line, without a newline
     */
    public String toLine() {
        return program + "\t" + insn + "\t" + kind.libbpfName() + "\t" + type + "\t" + access + "\t" + resultText();
    }
}
