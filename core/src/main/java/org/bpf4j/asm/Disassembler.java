package org.bpf4j.asm;

import static org.bpf4j.asm.Opcode.*;

/** Formats instructions in the style of the kernel verifier's log ({@code r1 = *(u32 *)(r2 +8)}). */
public final class Disassembler {
    private Disassembler() {}

    private static final String[] ALU_OPS = {"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=",
            "^=", "=", "s>>=", "endian", "?", "?"};
    private static final String[] JMP_OPS = {"goto", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit",
            "<", "<=", "s<", "s<=", "?", "?"};

    public static String format(Instructions in, int i) {
        int code = in.code(i);
        int cls = insnClass(code);
        int dst = in.dst(i), src = in.src(i), off = in.off(i), imm = in.imm(i);
        switch (cls) {
            case ALU, ALU64 -> {
                String r = cls == ALU64 ? "r" : "w";
                int op = op(code);
                if (op == NEG) return r + dst + " = -" + r + dst;
                if (op == END) {
                    return "r" + dst + " = " + (source(code) == X ? "be" : "le") + imm + " r" + dst;
                }
                String rhs = source(code) == X ? r + src : Integer.toString(imm);
                return r + dst + " " + ALU_OPS[op >> 4] + " " + rhs;
            }
            case LDX -> {
                String sx = mode(code) == MEMSX ? "s" : "u";
                return "r" + dst + " = *(" + sx + sizeBytes(code) * 8 + " *)(r" + src + " " + signed(off) + ")";
            }
            case STX -> {
                if (mode(code) == ATOMIC) {
                    return "lock *(u" + sizeBytes(code) * 8 + " *)(r" + dst + " " + signed(off) + ") atomic(0x"
                            + Integer.toHexString(imm) + ") r" + src;
                }
                return "*(u" + sizeBytes(code) * 8 + " *)(r" + dst + " " + signed(off) + ") = r" + src;
            }
            case ST -> {
                return "*(u" + sizeBytes(code) * 8 + " *)(r" + dst + " " + signed(off) + ") = " + imm;
            }
            case LD -> {
                if (code == LD_IMM64 && i + 1 < in.count()) {
                    long v = in.imm64(i);
                    return switch (src) {
                        case PSEUDO_MAP_FD -> "r" + dst + " = map[fd:" + imm + "]";
                        case PSEUDO_MAP_VALUE -> "r" + dst + " = map[fd:" + imm + "][0]+" + in.imm(i + 1);
                        case PSEUDO_BTF_ID -> "r" + dst + " = btf_id " + imm;
                        case PSEUDO_FUNC -> "r" + dst + " = func pc" + signed(imm);
                        default -> "r" + dst + " = 0x" + Long.toHexString(v) + " ll";
                    };
                }
                return "ld code 0x" + Integer.toHexString(code);
            }
            case JMP, JMP32 -> {
                int op = op(code);
                if (op == EXIT) return "exit";
                if (op == CALL) {
                    if (src == PSEUDO_CALL) return "call pc" + signed(imm);
                    if (src == PSEUDO_KFUNC_CALL) return "call kfunc " + imm;
                    return "call " + imm;
                }
                if (op == JA) return "goto pc" + signed(cls == JMP32 ? imm : off);
                String r = cls == JMP ? "r" : "w";
                String rhs = source(code) == X ? r + src : Integer.toString(imm);
                return "if " + r + dst + " " + JMP_OPS[op >> 4] + " " + rhs + " goto pc" + signed(off);
            }
            default -> {
                return "code 0x" + Integer.toHexString(code);
            }
        }
    }

    private static String signed(int v) {
        return v < 0 ? Integer.toString(v) : "+" + v;
    }
}
