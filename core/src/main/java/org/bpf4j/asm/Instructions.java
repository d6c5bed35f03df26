package org.bpf4j.asm;

import java.util.Arrays;

/**
 * A mutable sequence of BPF instructions over a little-endian byte array, 8 bytes an instruction
 * ({@code struct bpf_insn}: code, dst_reg:4 | src_reg:4, off:16, imm:32). A 64-bit immediate load
 * occupies two slots; its second slot carries the upper 32 bits in {@code imm}.
 */
public final class Instructions {
    public static final int SIZE = 8;

    private byte[] code;
    private int count;

    public Instructions(byte[] bytes) {
        if (bytes.length % SIZE != 0) {
            throw new IllegalArgumentException("instruction bytes not a multiple of 8: " + bytes.length);
        }
        this.code = bytes;
        this.count = bytes.length / SIZE;
    }

    public static Instructions of(byte[] bytes, int from, int insnCount) {
        return new Instructions(Arrays.copyOfRange(bytes, from, from + insnCount * SIZE));
    }

    public int count() {
        return count;
    }

    /** A copy of the instruction bytes. */
    public byte[] toBytes() {
        return Arrays.copyOf(code, count * SIZE);
    }

    /** The backing array (valid up to {@code count() * 8}). */
    public byte[] array() {
        return code;
    }

    public Instructions copy() {
        return new Instructions(toBytes());
    }

    /** Appends all instructions of {@code other}; returns the index of the first appended one. */
    public int append(Instructions other) {
        int start = count;
        int need = (count + other.count) * SIZE;
        if (need > code.length) code = Arrays.copyOf(code, Math.max(need, code.length * 2));
        System.arraycopy(other.code, 0, code, count * SIZE, other.count * SIZE);
        count += other.count;
        return start;
    }

    public int code(int i) {
        return code[i * SIZE] & 0xff;
    }

    public int dst(int i) {
        return code[i * SIZE + 1] & 0x0f;
    }

    public int src(int i) {
        return (code[i * SIZE + 1] >> 4) & 0x0f;
    }

    public int off(int i) {
        int p = i * SIZE + 2;
        return (short) ((code[p] & 0xff) | (code[p + 1] << 8));
    }

    public int imm(int i) {
        int p = i * SIZE + 4;
        return (code[p] & 0xff) | (code[p + 1] & 0xff) << 8 | (code[p + 2] & 0xff) << 16 | code[p + 3] << 24;
    }

    /** The 64-bit immediate of the LD_IMM64 at {@code i}. */
    public long imm64(int i) {
        return (imm(i) & 0xffffffffL) | ((long) imm(i + 1) << 32);
    }

    public void setCode(int i, int c) {
        code[i * SIZE] = (byte) c;
    }

    public void setDst(int i, int reg) {
        int p = i * SIZE + 1;
        code[p] = (byte) ((code[p] & 0xf0) | (reg & 0x0f));
    }

    public void setSrc(int i, int reg) {
        int p = i * SIZE + 1;
        code[p] = (byte) ((code[p] & 0x0f) | (reg & 0x0f) << 4);
    }

    public void setOff(int i, int off) {
        int p = i * SIZE + 2;
        code[p] = (byte) off;
        code[p + 1] = (byte) (off >> 8);
    }

    public void setImm(int i, int imm) {
        int p = i * SIZE + 4;
        code[p] = (byte) imm;
        code[p + 1] = (byte) (imm >> 8);
        code[p + 2] = (byte) (imm >> 16);
        code[p + 3] = (byte) (imm >> 24);
    }

    public void setImm64(int i, long v) {
        setImm(i, (int) v);
        setImm(i + 1, (int) (v >>> 32));
    }

    /** Overwrites instruction {@code i} entirely. */
    public void set(int i, int c, int dst, int src, int off, int imm) {
        setCode(i, c);
        code[i * SIZE + 1] = (byte) ((dst & 0x0f) | (src & 0x0f) << 4);
        setOff(i, off);
        setImm(i, imm);
    }

    public boolean isLdImm64(int i) {
        return code(i) == Opcode.LD_IMM64;
    }

    /** A BPF-to-BPF call ({@code call} with {@code src_reg == BPF_PSEUDO_CALL}). */
    public boolean isSubprogCall(int i) {
        return code(i) == Opcode.CALL_INSN && src(i) == Opcode.PSEUDO_CALL && dst(i) == 0 && off(i) == 0;
    }

    /** An LD_IMM64 of a subprogram's address ({@code src_reg == BPF_PSEUDO_FUNC}). */
    public boolean isPseudoFunc(int i) {
        return isLdImm64(i) && src(i) == Opcode.PSEUDO_FUNC;
    }

    /** A helper call ({@code call} with {@code src_reg == 0}). */
    public boolean isHelperCall(int i) {
        return code(i) == Opcode.CALL_INSN && src(i) == 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append(i).append(": ").append(Disassembler.format(this, i)).append('\n');
            if (isLdImm64(i)) i++;
        }
        return sb.toString();
    }
}
