package org.bpf4j;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.bpf4j.asm.Opcode;
import org.bpf4j.btf.LineInfo;
import org.bpf4j.core.CoreRelocator;
import org.bpf4j.features.Features;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Errors;

/**
 * What the kernel's verifier log says about a refused program, turned into the exception a user
 * can act on: the verdict (the last line that is not a statistic), the instruction it stopped at,
 * that instruction's C source line from line_info, and the CO-RE relocation behind a poisoned
 * instruction.
 */
final class VerifierLog {
    private VerifierLog() {}

    /**
     * The exception for a program the kernel refused with {@code log}: the verifier's verdict, the
     * source line of the failing instruction, and the CO-RE relocation that poisoned it if that is
     * the cause; without a log, what errno and the program type say.
     */
    static RuntimeException programError(ObjectSpec spec, ProgramSpec p, int errno, String log, Linker.Linked linked,
                                         List<CoreRelocation> applied) {
        if (log.isBlank()) {
            if (errno == Errno.EINVAL && !Features.programType(p.type())) {
                return new FeatureNotSupportedException("program type " + p.type(), "program '" + p.name()
                        + "' needs it (Linux " + p.type().since() + "+)");
            }
            return Errors.of("BPF_PROG_LOAD", errno, "program '" + p.name() + "' (" + p.type() + ", section "
                    + p.section() + ")");
        }
        int insn = lastInsn(log);
        String source = sourceLine(linked.lineInfos, insn);
        String verdict = verdict(log);
        CoreRelocation cause = poisonCause(linked, insn, applied);
        if (cause != null) {
            verdict = verdict + "\n  instruction " + insn + " is a CO-RE relocation the target kernel could not satisfy: "
                    + cause.kind().libbpfName() + " of " + cause.what() + " (function '" + cause.program()
                    + "' instruction " + cause.insn() + ", access " + cause.access() + "): " + cause.detail()
                    + "; guard the access with bpf_core_field_exists()/bpf_core_type_exists() or use a "
                    + "___flavor of the type";
        }
        if (spec.license() == null && log.contains("GPL")) {
            verdict = verdict + "\n  the object has no license section: add char LICENSE[] SEC(\"license\") = \"GPL\";";
        }
        return new VerifierException(p.name(), p.section(), errno, verdict, source, log);
    }

    /** The poisoned CO-RE relocation at {@code insn} of the linked program, or null. */
    private static CoreRelocation poisonCause(Linker.Linked linked, int insn, List<CoreRelocation> applied) {
        if (insn < 0 || insn >= linked.insns.count()) return null;
        if (linked.insns.code(insn) != Opcode.CALL_INSN || linked.insns.imm(insn) != CoreRelocator.POISON_IMM) return null;
        for (CoreRelocation c : applied) {
            if (c.outcome() != CoreRelocation.Outcome.POISONED) continue;
            for (Map.Entry<Function, Integer> e : linked.starts.entrySet()) {
                if (!e.getKey().name.equals(c.program())) continue;
                int at = e.getValue() + c.insn();
                // a poisoned LD_IMM64 is two invalid calls
                if (at == insn || (at + 1 == insn && e.getKey().insns.isLdImm64(c.insn()))) {
                    return c;
                }
            }
        }
        return null;
    }

    /** The NUL-terminated UTF-8 string at the start of {@code s}. */
    static String cString(MemorySegment s) {
        long n = 0, max = s.byteSize();
        while (n < max && s.get(JAVA_BYTE, n) != 0) n++;
        return new String(s.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** The last line of {@code text}, stripped. */
    static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }

    /** The verifier's reason: the last line that is not a statistic. */
    static String verdict(String log) {
        String[] lines = log.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("processed ") || l.startsWith("verification time")
                    || l.startsWith("stack depth") || l.startsWith("mark_precise") || l.startsWith("(")
                    || l.startsWith("max_states_per_insn")) {
                continue;
            }
            return l;
        }
        return "";
    }

    /** The index of the last instruction the verifier printed ({@code "12: (61) r1 = ..."}), or -1. */
    static int lastInsn(String log) {
        int result = -1;
        for (String l : log.split("\n")) {
            int colon = l.indexOf(": (");
            if (colon <= 0) continue;
            boolean digits = true;
            for (int i = 0; i < colon; i++) digits &= Character.isDigit(l.charAt(i));
            if (digits) result = Integer.parseInt(l.substring(0, colon));
        }
        return result;
    }

    /** {@code file:line: source} of the line_info entry that covers {@code insn}, or null. */
    static String sourceLine(List<LineInfo> lineInfos, int insn) {
        if (insn < 0) return null;
        LineInfo best = null;
        for (LineInfo li : lineInfos) {
            if (li.insnOffset() <= insn && (best == null || li.insnOffset() >= best.insnOffset())) best = li;
        }
        if (best == null) return null;
        String file = best.fileName() == null ? "?" : best.fileName();
        if (file.startsWith("./")) file = file.substring(2);
        return file + ":" + best.lineNumber() + ": " + (best.line() == null ? "" : best.line().strip());
    }
}
