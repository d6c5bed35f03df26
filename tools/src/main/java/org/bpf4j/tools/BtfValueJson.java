package org.bpf4j.tools;

import java.math.BigInteger;
import org.bpf4j.btf.Btf;

/**
 * A value in memory written as JSON through its BTF type, with the rules of bpftool's BTF dumper
 * (so that {@code map dump -j} output equals bpftool's): integers in decimal by size and sign,
 * bitfields and 128-bit integers as quoted hex, {@code char} arrays holding a printable string
 * as a string, enums by enumerator name (the number if none matches), structs and unions as
 * objects of their members, pointers as unsigned numbers. In plain-text mode (bpftool's output
 * without {@code -j}) hex numbers go unquoted, unprintable chars as {@code 0x..} and pointers as
 * {@code 0x...} addresses.
 */
final class BtfValueJson {
    private final Btf btf;
    private final BpftoolJson j;
    private final boolean plainText;

    BtfValueJson(Btf btf, BpftoolJson j, boolean plainText) {
        this.btf = btf;
        this.j = j;
        this.plainText = plainText;
    }

    private void hex(BigInteger v) {
        j.raw(plainText ? "0x" + v.toString(16) : "\"0x" + v.toString(16) + "\"");
    }

    /** Writes the value of type {@code id} at {@code data[off]}. */
    void write(int id, byte[] data, int off) {
        write(id, 0, data, off);
    }

    private void write(int id, int bitOffset, byte[] data, int off) {
        switch (btf.kindCode(id)) {
            case 1 -> integer(id, bitOffset, data, off);
            case 4, 5 -> composite(id, data, off);
            case 3 -> array(id, data, off);
            case 6 -> enumeration(id, data, off);
            case 19 -> enum64(id, data, off);
            case 2 -> {
                long p = le(data, off, 8);
                if (!plainText) j.unsigned(p);
                else j.raw(p == 0 ? "(nil)" : "0x" + Long.toHexString(p));
            }
            case 0 -> j.raw("(unknown)");
            case 7 -> throw new org.bpf4j.BpfException(btf.origin() + ": type [" + id + "] is a forward declaration");
            case 8, 9, 10, 11, 18 -> write(btf.resolve(id), bitOffset, data, off);
            case 14 -> {
                j.startObject().name(btf.name(id));
                write(btf.sizeOrType(id), bitOffset, data, off);
                j.endObject();
            }
            case 15 -> {
                j.startObject().name(btf.name(id)).startArray();
                for (int i = 0; i < btf.vlen(id); i++) write(btf.datasecVarType(id, i), 0, data, off + btf.datasecVarOffset(id, i));
                j.endArray().endObject();
            }
            default -> throw new org.bpf4j.BpfException(btf.origin() + ": type [" + id + "] ("
                    + org.bpf4j.btf.BtfKind.of(btf.kindCode(id)) + ") cannot be printed as a value");
        }
    }

    private void integer(int id, int bitOffset, byte[] data, int off) {
        int bits = btf.intBits(id);
        int intOffset = btf.intBitOffset(id);
        if (bitOffset != 0 || intOffset != 0 || bits % 8 != 0) {
            int total = bitOffset + intOffset;
            bitfield(bits, total % 8, data, off + total / 8);
            return;
        }
        if (bits == 128) {
            hex(new BigInteger(1, reversed(data, off, 16)));
            return;
        }
        int enc = btf.intEncoding(id);
        int size = bits / 8;
        long v = le(data, off, size);
        switch (enc) {
            case 0 -> {
                if (size == 8 || size == 4 || size == 2 || size == 1) j.unsigned(v);
                else bitfield(bits, 0, data, off);
            }
            case 1 -> {
                if (size == 8 || size == 4 || size == 2 || size == 1) j.value(v << (64 - bits) >> (64 - bits));
                else bitfield(bits, 0, data, off);
            }
            case 2 -> {
                int c = data[off] & 0xff;
                if (c >= 0x20 && c < 0x7f) j.raw("\"" + (char) c + "\"");
                else j.raw(plainText ? "0x" + Integer.toHexString(c) : String.format("\"\\u00%02x\"", c));
            }
            case 4 -> j.value(data[off] != 0);
            default -> throw new org.bpf4j.BpfException(btf.origin() + ": INT [" + id + "] has encoding " + enc);
        }
    }

    /** {@code nrBits} bits from bit {@code bitOffset} of {@code data[off]}, as quoted hex. */
    private void bitfield(int nrBits, int bitOffset, byte[] data, int off) {
        int bytes = (bitOffset + nrBits + 7) / 8;
        BigInteger raw = new BigInteger(1, reversed(data, off, bytes));
        BigInteger v = raw.shiftRight(bitOffset).and(BigInteger.ONE.shiftLeft(nrBits).subtract(BigInteger.ONE));
        hex(v);
    }

    private void composite(int id, byte[] data, int off) {
        j.startObject();
        for (int i = 0; i < btf.vlen(id); i++) {
            int bitOff = btf.memberBitOffset(id, i);
            int bitfieldSize = btf.memberBitfieldSize(id, i);
            j.name(btf.memberName(id, i));
            int at = off + bitOff / 8;
            if (bitfieldSize != 0) bitfield(bitfieldSize, bitOff % 8, data, at);
            else write(btf.memberType(id, i), bitOff % 8, data, at);
        }
        j.endObject();
    }

    private void array(int id, byte[] data, int off) {
        int n = btf.arrayNelems(id);
        int elem = btf.arrayType(id);
        String s = stringOf(elem, n, data, off);
        if (s != null) {
            j.value(s);
            return;
        }
        int size = (int) btf.sizeOf(elem);
        j.startArray();
        for (int i = 0; i < n; i++) write(elem, 0, data, off + i * size);
        j.endArray();
    }

    /** The string in a char array, or null if it is not one (bpftool: printable up to a NUL). */
    private String stringOf(int elem, int n, byte[] data, int off) {
        if (n == 0) return null;
        int t = btf.skipModifiers(elem);
        if (btf.kindCode(t) != 1 || btf.sizeOrType(t) != 1) return null;
        if (btf.intEncoding(t) != 2 && !"char".equals(btf.name(t))) return null;
        for (int i = 0; i < n; i++) {
            int c = data[off + i];
            if (c == 0) return new String(data, off, i, java.nio.charset.StandardCharsets.US_ASCII);
            if (c <= 0x1f || c >= 0x7f) return null;
        }
        return null;
    }

    private void enumeration(int id, byte[] data, int off) {
        int size = btf.sizeOrType(id);
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new org.bpf4j.BpfException(btf.origin() + ": ENUM [" + id + "] has size " + size);
        }
        long v = le(data, off, size) << (64 - 8 * size) >> (64 - 8 * size);
        for (int i = 0; i < btf.vlen(id); i++) {
            if (v == (int) btf.enumValue(id, i)) {
                j.value(btf.enumName(id, i));
                return;
            }
        }
        j.value(v);
    }

    private void enum64(int id, byte[] data, int off) {
        long v = le(data, off, 8);
        for (int i = 0; i < btf.vlen(id); i++) {
            if (v == btf.enumValue(id, i)) {
                j.value(btf.enumName(id, i));
                return;
            }
        }
        j.value(v);
    }

    static long le(byte[] data, int off, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) v = v << 8 | (data[off + i] & 0xff);
        return v;
    }

    private static byte[] reversed(byte[] data, int off, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = data[off + n - 1 - i];
        return b;
    }
}
