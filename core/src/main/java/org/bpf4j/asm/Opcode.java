package org.bpf4j.asm;

/** BPF instruction encoding constants ({@code uapi/linux/bpf_common.h} and {@code bpf.h}). */
public final class Opcode {
    private Opcode() {}

    /** {@code BPF_LD} (0x00): instruction class ({@code code & 0x07}). */
    public static final int LD = 0x00;
    /** {@code BPF_LDX} (0x01): instruction class ({@code code & 0x07}). */
    public static final int LDX = 0x01;
    /** {@code BPF_ST} (0x02): instruction class ({@code code & 0x07}). */
    public static final int ST = 0x02;
    /** {@code BPF_STX} (0x03): instruction class ({@code code & 0x07}). */
    public static final int STX = 0x03;
    /** {@code BPF_ALU} (0x04): instruction class ({@code code & 0x07}). */
    public static final int ALU = 0x04;
    /** {@code BPF_JMP} (0x05): instruction class ({@code code & 0x07}). */
    public static final int JMP = 0x05;
    /** {@code BPF_JMP32} (0x06): instruction class ({@code code & 0x07}). */
    public static final int JMP32 = 0x06;
    /** {@code BPF_ALU64} (0x07): instruction class ({@code code & 0x07}). */
    public static final int ALU64 = 0x07;
    /** {@code BPF_W} (0x00): 4 bytes. */
    public static final int W = 0x00;
    /** {@code BPF_H} (0x08): 2 bytes. */
    public static final int H = 0x08;
    /** {@code BPF_B} (0x10): 1 byte. */
    public static final int B = 0x10;
    /** {@code BPF_DW} (0x18): 8 bytes. */
    public static final int DW = 0x18;
    /** {@code BPF_IMM} (0x00): load and store mode ({@code code & 0xe0}). */
    public static final int IMM = 0x00;
    /** {@code BPF_ABS} (0x20): load and store mode ({@code code & 0xe0}). */
    public static final int ABS = 0x20;
    /** {@code BPF_IND} (0x40): load and store mode ({@code code & 0xe0}). */
    public static final int IND = 0x40;
    /** {@code BPF_MEM} (0x60): load and store mode ({@code code & 0xe0}). */
    public static final int MEM = 0x60;
    /** {@code BPF_MEMSX} (0x80): load and store mode ({@code code & 0xe0}). */
    public static final int MEMSX = 0x80;
    /** {@code BPF_ATOMIC} (0xc0): load and store mode ({@code code & 0xe0}). */
    public static final int ATOMIC = 0xc0;
    /** {@code BPF_ADD} (0x00): ALU operation ({@code code & 0xf0}). */
    public static final int ADD = 0x00;
    /** {@code BPF_SUB} (0x10): ALU operation ({@code code & 0xf0}). */
    public static final int SUB = 0x10;
    /** {@code BPF_MUL} (0x20): ALU operation ({@code code & 0xf0}). */
    public static final int MUL = 0x20;
    /** {@code BPF_DIV} (0x30): ALU operation ({@code code & 0xf0}). */
    public static final int DIV = 0x30;
    /** {@code BPF_OR} (0x40): ALU operation ({@code code & 0xf0}). */
    public static final int OR = 0x40;
    /** {@code BPF_AND} (0x50): ALU operation ({@code code & 0xf0}). */
    public static final int AND = 0x50;
    /** {@code BPF_LSH} (0x60): ALU operation ({@code code & 0xf0}). */
    public static final int LSH = 0x60;
    /** {@code BPF_RSH} (0x70): ALU operation ({@code code & 0xf0}). */
    public static final int RSH = 0x70;
    /** {@code BPF_NEG} (0x80): ALU operation ({@code code & 0xf0}). */
    public static final int NEG = 0x80;
    /** {@code BPF_MOD} (0x90): ALU operation ({@code code & 0xf0}). */
    public static final int MOD = 0x90;
    /** {@code BPF_XOR} (0xa0): ALU operation ({@code code & 0xf0}). */
    public static final int XOR = 0xa0;
    /** {@code BPF_MOV} (0xb0): ALU operation ({@code code & 0xf0}). */
    public static final int MOV = 0xb0;
    /** {@code BPF_ARSH} (0xc0): ALU operation ({@code code & 0xf0}). */
    public static final int ARSH = 0xc0;
    /** {@code BPF_END} (0xd0): ALU operation ({@code code & 0xf0}). */
    public static final int END = 0xd0;
    /** {@code BPF_JA} (0x00): jump operation ({@code code & 0xf0}). */
    public static final int JA = 0x00;
    /** {@code BPF_JEQ} (0x10): jump operation ({@code code & 0xf0}). */
    public static final int JEQ = 0x10;
    /** {@code BPF_JGT} (0x20): jump operation ({@code code & 0xf0}). */
    public static final int JGT = 0x20;
    /** {@code BPF_JGE} (0x30): jump operation ({@code code & 0xf0}). */
    public static final int JGE = 0x30;
    /** {@code BPF_JSET} (0x40): jump operation ({@code code & 0xf0}). */
    public static final int JSET = 0x40;
    /** {@code BPF_JNE} (0x50): jump operation ({@code code & 0xf0}). */
    public static final int JNE = 0x50;
    /** {@code BPF_JSGT} (0x60): jump operation ({@code code & 0xf0}). */
    public static final int JSGT = 0x60;
    /** {@code BPF_JSGE} (0x70): jump operation ({@code code & 0xf0}). */
    public static final int JSGE = 0x70;
    /** {@code BPF_CALL} (0x80): jump operation ({@code code & 0xf0}). */
    public static final int CALL = 0x80;
    /** {@code BPF_EXIT} (0x90): jump operation ({@code code & 0xf0}). */
    public static final int EXIT = 0x90;
    /** {@code BPF_JLT} (0xa0): jump operation ({@code code & 0xf0}). */
    public static final int JLT = 0xa0;
    /** {@code BPF_JLE} (0xb0): jump operation ({@code code & 0xf0}). */
    public static final int JLE = 0xb0;
    /** {@code BPF_JSLT} (0xc0): jump operation ({@code code & 0xf0}). */
    public static final int JSLT = 0xc0;
    /** {@code BPF_JSLE} (0xd0): jump operation ({@code code & 0xf0}). */
    public static final int JSLE = 0xd0;
    /** {@code BPF_K} (0x00): the source operand is the immediate. */
    public static final int K = 0x00;
    /** {@code BPF_X} (0x08): the source operand is the source register. */
    public static final int X = 0x08;

    /** {@code BPF_LD | BPF_IMM | BPF_DW}: the 16-byte load of a 64-bit immediate. */
    public static final int LD_IMM64 = LD | IMM | DW;
    /** {@code BPF_JMP | BPF_CALL}: a helper, kfunc or BPF-to-BPF call. */
    public static final int CALL_INSN = JMP | CALL;
    /** {@code BPF_JMP | BPF_EXIT}: return from the program or subprogram. */
    public static final int EXIT_INSN = JMP | EXIT;

    /** {@code BPF_PSEUDO_MAP_FD} (1): the {@code src_reg} of a 64-bit immediate load. */
    public static final int PSEUDO_MAP_FD = 1;
    /** {@code BPF_PSEUDO_MAP_VALUE} (2): the {@code src_reg} of a 64-bit immediate load. */
    public static final int PSEUDO_MAP_VALUE = 2;
    /** {@code BPF_PSEUDO_BTF_ID} (3): the {@code src_reg} of a 64-bit immediate load. */
    public static final int PSEUDO_BTF_ID = 3;
    /** {@code BPF_PSEUDO_FUNC} (4): the {@code src_reg} of a 64-bit immediate load. */
    public static final int PSEUDO_FUNC = 4;
    /** {@code BPF_PSEUDO_MAP_IDX} (5): the {@code src_reg} of a 64-bit immediate load. */
    public static final int PSEUDO_MAP_IDX = 5;
    /** {@code BPF_PSEUDO_MAP_IDX_VALUE} (6): the {@code src_reg} of a 64-bit immediate load. */
    public static final int PSEUDO_MAP_IDX_VALUE = 6;
    /** {@code BPF_PSEUDO_CALL} (1): the {@code src_reg} of a call. */
    public static final int PSEUDO_CALL = 1;
    /** {@code BPF_PSEUDO_KFUNC_CALL} (2): the {@code src_reg} of a call. */
    public static final int PSEUDO_KFUNC_CALL = 2;

    /**
     * The instruction class of an opcode.
     *
     * @param code the instruction's opcode byte
     * @return {@code code & 0x07}
     */
    public static int insnClass(int code) {
        return code & 0x07;
    }

    /**
     * The size of an opcode.
     *
     * @param code the instruction's opcode byte
     * @return {@code code & 0x18}
     */
    public static int size(int code) {
        return code & 0x18;
    }

    /**
     * The mode of an opcode.
     *
     * @param code the instruction's opcode byte
     * @return {@code code & 0xe0}
     */
    public static int mode(int code) {
        return code & 0xe0;
    }

    /**
     * The operation of an opcode.
     *
     * @param code the instruction's opcode byte
     * @return {@code code & 0xf0}
     */
    public static int op(int code) {
        return code & 0xf0;
    }

    /**
     * The source bit of an opcode.
     *
     * @param code the instruction's opcode byte
     * @return {@code code & 0x08}
     */
    public static int source(int code) {
        return code & 0x08;
    }

    /**
     * Bytes accessed by a load or store.
     *
     * @param code the instruction's opcode byte
     * @return 1, 2, 4 or 8 for its size class
     */
    public static int sizeBytes(int code) {
        return switch (size(code)) {
            case W -> 4;
            case H -> 2;
            case B -> 1;
            default -> 8;
        };
    }

    /**
     * The size class for an access.
     *
     * @param bytes 1, 2, 4 or 8
     * @return {@link #B}, {@link #H}, {@link #W} or {@link #DW}, or -1 for another size
     */
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
