package org.bpf4j.asm;

import java.util.Arrays;

/**
 * A mutable sequence of BPF instructions over a little-endian byte array, 8 bytes an instruction
 * ({@code struct bpf_insn}: code, dst_reg:4 | src_reg:4, off:16, imm:32). A 64-bit immediate load
 * occupies two slots; its second slot carries the upper 32 bits in {@code imm}.
 */
public final class Instructions {
    /** The size of one instruction slot in bytes. */
    public static final int SIZE = 8;

    private byte[] code;
    private int count;

    /**
     * Wraps {@code bytes} without copying: later changes through this object write into that array (until an {@link
     * #append} outgrows it).
     *
     * @param bytes the instructions, little-endian, a multiple of {@link #SIZE} bytes long
     * @throws IllegalArgumentException if the length is not a multiple of {@link #SIZE}
     */
    public Instructions(byte[] bytes) {
        if (bytes.length % SIZE != 0) {
            throw new IllegalArgumentException("instruction bytes not a multiple of 8: " + bytes.length);
        }
        this.code = bytes;
        this.count = bytes.length / SIZE;
    }

    /**
     * A copy of {@code insnCount} instructions of {@code bytes} starting at byte offset {@code from}.
     *
     * @param bytes the array to copy from
     * @param from the byte offset of the first instruction
     * @param insnCount how many instructions to copy
     * @return a new sequence over the copied bytes
     */
    public static Instructions of(byte[] bytes, int from, int insnCount) {
        return new Instructions(Arrays.copyOfRange(bytes, from, from + insnCount * SIZE));
    }

    /** {@return the number of instruction slots (an LD_IMM64 counts two)} */
    public int count() {
        return count;
    }

    /** {@return a copy of the instruction bytes, {@code count() * 8} long} */
    public byte[] toBytes() {
        return Arrays.copyOf(code, count * SIZE);
    }

    /**
     * The backing array, not copied; only its first {@code count() * 8} bytes are instructions.
     *
     * @return the backing array
     */
    public byte[] array() {
        return code;
    }

    /** {@return an independent copy of these instructions} */
    public Instructions copy() {
        return new Instructions(toBytes());
    }

    /**
     * Appends all instructions of {@code other}, growing the backing array if needed.
     *
     * @param other the instructions to append; not changed
     * @return the index of the first appended instruction
     */
    public int append(Instructions other) {
        int start = count;
        int need = (count + other.count) * SIZE;
        if (need > code.length) code = Arrays.copyOf(code, Math.max(need, code.length * 2));
        System.arraycopy(other.code, 0, code, count * SIZE, other.count * SIZE);
        count += other.count;
        return start;
    }

    /**
     * {@return the opcode byte of instruction {@code i}, 0..255}
     *
     * @param i the instruction index
     */
    public int code(int i) {
        return code[i * SIZE] & 0xff;
    }

    /**
     * {@return the destination register of instruction {@code i}, 0..15}
     *
     * @param i the instruction index
     */
    public int dst(int i) {
        return code[i * SIZE + 1] & 0x0f;
    }

    /**
     * {@return the source register of instruction {@code i}, 0..15}
     *
     * @param i the instruction index
     */
    public int src(int i) {
        return (code[i * SIZE + 1] >> 4) & 0x0f;
    }

    /**
     * {@return the signed 16-bit offset of instruction {@code i}}
     *
     * @param i the instruction index
     */
    public int off(int i) {
        int p = i * SIZE + 2;
        return (short) ((code[p] & 0xff) | (code[p + 1] << 8));
    }

    /**
     * {@return the signed 32-bit immediate of instruction {@code i}}
     *
     * @param i the instruction index
     */
    public int imm(int i) {
        int p = i * SIZE + 4;
        return (code[p] & 0xff) | (code[p + 1] & 0xff) << 8 | (code[p + 2] & 0xff) << 16 | code[p + 3] << 24;
    }

    /**
     * The 64-bit immediate of the LD_IMM64 at {@code i}: its {@code imm} and the next slot's as upper half.
     *
     * @param i the index of the LD_IMM64's first slot
     * @return the 64-bit immediate
     */
    public long imm64(int i) {
        return (imm(i) & 0xffffffffL) | ((long) imm(i + 1) << 32);
    }

    /**
     * Sets the opcode byte of instruction {@code i}.
     *
     * @param i the instruction index
     * @param c the opcode; only the low 8 bits are kept
     */
    public void setCode(int i, int c) {
        code[i * SIZE] = (byte) c;
    }

    /**
     * Sets the destination register of instruction {@code i}.
     *
     * @param i the instruction index
     * @param reg the register; only the low 4 bits are kept
     */
    public void setDst(int i, int reg) {
        int p = i * SIZE + 1;
        code[p] = (byte) ((code[p] & 0xf0) | (reg & 0x0f));
    }

    /**
     * Sets the source register of instruction {@code i}.
     *
     * @param i the instruction index
     * @param reg the register; only the low 4 bits are kept
     */
    public void setSrc(int i, int reg) {
        int p = i * SIZE + 1;
        code[p] = (byte) ((code[p] & 0x0f) | (reg & 0x0f) << 4);
    }

    /**
     * Sets the 16-bit offset of instruction {@code i}.
     *
     * @param i the instruction index
     * @param off the offset; only the low 16 bits are kept
     */
    public void setOff(int i, int off) {
        int p = i * SIZE + 2;
        code[p] = (byte) off;
        code[p + 1] = (byte) (off >> 8);
    }

    /**
     * Sets the 32-bit immediate of instruction {@code i}.
     *
     * @param i the instruction index
     * @param imm the immediate
     */
    public void setImm(int i, int imm) {
        int p = i * SIZE + 4;
        code[p] = (byte) imm;
        code[p + 1] = (byte) (imm >> 8);
        code[p + 2] = (byte) (imm >> 16);
        code[p + 3] = (byte) (imm >> 24);
    }

    /**
     * Sets the 64-bit immediate of the LD_IMM64 at {@code i}: low half in slot {@code i}, high half in {@code i + 1}.
     *
     * @param i the index of the LD_IMM64's first slot
     * @param v the immediate
     */
    public void setImm64(int i, long v) {
        setImm(i, (int) v);
        setImm(i + 1, (int) (v >>> 32));
    }

    /**
     * Overwrites instruction {@code i} entirely.
     *
     * @param i the instruction index
     * @param c the opcode byte
     * @param dst the destination register, 0..15
     * @param src the source register, 0..15
     * @param off the 16-bit offset
     * @param imm the 32-bit immediate
     */
    public void set(int i, int c, int dst, int src, int off, int imm) {
        setCode(i, c);
        code[i * SIZE + 1] = (byte) ((dst & 0x0f) | (src & 0x0f) << 4);
        setOff(i, off);
        setImm(i, imm);
    }

    /**
     * {@return whether instruction {@code i} is a 64-bit immediate load (the first of its two slots)}
     *
     * @param i the instruction index
     */
    public boolean isLdImm64(int i) {
        return code(i) == Opcode.LD_IMM64;
    }

    /**
     * {@return whether instruction {@code i} is a BPF-to-BPF call ({@code call} with {@code src_reg ==
     * BPF_PSEUDO_CALL})}
     * @param i the instruction index
     */
    public boolean isSubprogCall(int i) {
        return code(i) == Opcode.CALL_INSN && src(i) == Opcode.PSEUDO_CALL && dst(i) == 0 && off(i) == 0;
    }

    /**
     * {@return whether instruction {@code i} is an LD_IMM64 of a subprogram's address ({@code src_reg ==
     * BPF_PSEUDO_FUNC})}
     * @param i the instruction index
     */
    public boolean isPseudoFunc(int i) {
        return isLdImm64(i) && src(i) == Opcode.PSEUDO_FUNC;
    }

    /**
     * {@return whether instruction {@code i} is a helper call ({@code call} with {@code src_reg == 0})}
     *
     * @param i the instruction index
     */
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
