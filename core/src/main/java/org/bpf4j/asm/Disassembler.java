package org.bpf4j.asm;

import static org.bpf4j.asm.Opcode.*;

/** Formats instructions in the style of the kernel verifier's log ({@code r1 = *(u32 *)(r2 +8)}). */
public final class Disassembler {
    private Disassembler() {}

    private static final String[] ALU_OPS = {"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=",
            "^=", "=", "s>>=", "endian", "?", "?"};
    private static final String[] JMP_OPS = {"goto", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit",
            "<", "<=", "s<", "s<=", "?", "?"};
    private static final String[] ALU_NAMES = {"add", "", "", "", "or", "and", "", "", "", "", "xor"};
    private static final int ATOMIC_FETCH = 0x01, ATOMIC_XCHG = 0xe0 | ATOMIC_FETCH, ATOMIC_CMPXCHG = 0xf0 | ATOMIC_FETCH;

    /**
     * Formats one instruction as the verifier's log would; an LD_IMM64 is formatted from both its slots.
     *
     * @param in the instructions
     * @param i the index of the instruction to format
     * @return the instruction as text, without its index
     */
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
                if (mode(code) == ATOMIC) return atomic(code, dst, src, off, imm);
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

    // the kernel's forms (disasm.c): lock add/and/or/xor, the fetching ones and the exchanges as calls
    private static String atomic(int code, int dst, int src, int off, int imm) {
        String mem = "(u" + sizeBytes(code) * 8 + " *)(r" + dst + " " + signed(off) + ")";
        String bits = size(code) == DW ? "64" : "";
        int op = imm & 0xf0;
        boolean alu = op == ADD || op == AND || op == OR || op == XOR;
        if (alu && imm == op) return "lock *" + mem + " " + ALU_OPS[op >> 4] + " r" + src;
        if (alu && imm == (op | ATOMIC_FETCH)) {
            return "r" + src + " = atomic" + bits + "_fetch_" + ALU_NAMES[op >> 4] + "(" + mem + ", r" + src + ")";
        }
        if (imm == ATOMIC_XCHG) return "r" + src + " = atomic" + bits + "_xchg(" + mem + ", r" + src + ")";
        if (imm == ATOMIC_CMPXCHG) return "r0 = atomic" + bits + "_cmpxchg(" + mem + ", r0, r" + src + ")";
        return "lock *" + mem + " atomic(0x" + Integer.toHexString(imm) + ") r" + src;
    }

    private static String signed(int v) {
        return v < 0 ? Integer.toString(v) : "+" + v;
    }
}
