package org.bpf4j.asm;

/** BPF instruction encoding constants ({@code uapi/linux/bpf_common.h} and {@code bpf.h}). */
public final class Opcode {
    private Opcode() {}

    // classes
    public static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05,
            JMP32 = 0x06, ALU64 = 0x07;
    // sizes
    public static final int W = 0x00, H = 0x08, B = 0x10, DW = 0x18;
    // modes
    public static final int IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, MEMSX = 0x80, ATOMIC = 0xc0;
    // ALU operations
    public static final int ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60,
            RSH = 0x70, NEG = 0x80, MOD = 0x90, XOR = 0xa0, MOV = 0xb0, ARSH = 0xc0, END = 0xd0;
    // jump operations
    public static final int JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40, JNE = 0x50, JSGT = 0x60,
            JSGE = 0x70, CALL = 0x80, EXIT = 0x90, JLT = 0xa0, JLE = 0xb0, JSLT = 0xc0, JSLE = 0xd0;
    // sources
    public static final int K = 0x00, X = 0x08;

    /** {@code BPF_LD | BPF_IMM | BPF_DW}: the 16-byte load of a 64-bit immediate. */
    public static final int LD_IMM64 = LD | IMM | DW;
    public static final int CALL_INSN = JMP | CALL;
    public static final int EXIT_INSN = JMP | EXIT;

    // src_reg of LD_IMM64
    public static final int PSEUDO_MAP_FD = 1, PSEUDO_MAP_VALUE = 2, PSEUDO_BTF_ID = 3, PSEUDO_FUNC = 4,
            PSEUDO_MAP_IDX = 5, PSEUDO_MAP_IDX_VALUE = 6;
    // src_reg of CALL
    public static final int PSEUDO_CALL = 1, PSEUDO_KFUNC_CALL = 2;

    public static int insnClass(int code) {
        return code & 0x07;
    }

    public static int size(int code) {
        return code & 0x18;
    }

    public static int mode(int code) {
        return code & 0xe0;
    }

    public static int op(int code) {
        return code & 0xf0;
    }

    public static int source(int code) {
        return code & 0x08;
    }

    /** Bytes accessed by a load or store of this size class. */
    public static int sizeBytes(int code) {
        return switch (size(code)) {
            case W -> 4;
            case H -> 2;
            case B -> 1;
            default -> 8;
        };
    }

    /** The size class for an access of {@code bytes} bytes, or -1. */
    public static int sizeFor(int bytes) {
        return switch (bytes) {
            case 1 -> B;
            case 2 -> H;
            case 4 -> W;
            case 8 -> DW;
            default -> -1;
        };
    }
}
