package org.bpf4j.btf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a value of a BTF type out of memory as plain Java values, the way BCC's Python tables
 * give a map's keys and values: integers as {@code Long} (an unsigned 64-bit value above
 * {@code Long.MAX_VALUE} as a {@code BigInteger}), {@code char} arrays as {@code String} (up to
 * the first NUL), other arrays as {@code List}, structs and unions as {@code Map} from member
 * name to value (in member order; the members of anonymous members inline), enums by
 * enumerator name, bools as {@code Boolean}, floats as {@code Double}, pointers as {@code Long}.
 * {@link #format} and {@link #json} print such values.
 */
public final class BtfValues {
    private BtfValues() {}

    /**
     * The value of type {@code id} at {@code offset} of {@code s}, as the class comment describes.
     *
     * @param btf the BTF that defines the type
     * @param id the type id; typedefs and modifiers are looked through
     * @param s the memory holding the value
     * @param offset the value's byte offset in {@code s}
     * @return the decoded value: a Long, BigInteger, String, Boolean, Double, List or Map
     */
    public static Object decode(Btf btf, int id, MemorySegment s, long offset) {
        int t = btf.resolve(id);
        return switch (btf.kind(t)) {
            case INT -> integer(btf, t, s, offset, 0, 0);
            case PTR -> s.get(JAVA_LONG_UNALIGNED, offset);
            case ENUM, ENUM64 -> enumValue(btf, t, s, offset);
            case FLOAT -> btf.sizeOrType(t) == 4 ? (double) s.get(JAVA_FLOAT_UNALIGNED, offset)
                    : btf.sizeOrType(t) == 8 ? s.get(JAVA_DOUBLE_UNALIGNED, offset) : hex(s, offset, btf.sizeOrType(t));
            case ARRAY -> array(btf, t, s, offset);
            case STRUCT, UNION -> {
                Map<String, Object> m = new LinkedHashMap<>();
                members(btf, t, s, offset, m);
                yield m;
            }
            default -> hex(s, offset, (int) Math.min(btf.sizeOf(t), 64));
        };
    }

    private static void members(Btf btf, int t, MemorySegment s, long offset, Map<String, Object> out) {
        for (int i = 0; i < btf.vlen(t); i++) {
            String name = btf.memberName(t, i);
            int mt = btf.memberType(t, i);
            long bit = btf.memberBitOffset(t, i);
            int bits = btf.memberBitfieldSize(t, i);
            int r = btf.resolve(mt);
            Object v;
            if (bits != 0 || bit % 8 != 0) {
                v = btf.kind(r) == BtfKind.INT ? integer(btf, r, s, offset + bit / 8, (int) (bit % 8), bits)
                        : bitfield(s, offset + bit / 8, (int) (bit % 8), bits, false);
            } else if (name.isEmpty() && (btf.kind(r) == BtfKind.STRUCT || btf.kind(r) == BtfKind.UNION)) {
                members(btf, r, s, offset + bit / 8, out);
                continue;
            } else {
                v = decode(btf, mt, s, offset + bit / 8);
            }
            out.put(name, v);
        }
    }

    private static Object integer(Btf btf, int t, MemorySegment s, long offset, int bitShift, int bitfield) {
        int size = btf.sizeOrType(t);
        int enc = btf.intEncoding(t);
        boolean signed = (enc & 1) != 0;
        int bits = bitfield != 0 ? bitfield : btf.intBits(t);
        int shift = bitShift + btf.intBitOffset(t);
        if ((enc & 4) != 0) return s.get(JAVA_BYTE, offset) != 0;
        if (bitfield != 0 || shift != 0 || bits != size * 8) return bitfield(s, offset, shift, bits, signed);
        long v = switch (size) {
            case 1 -> signed ? s.get(JAVA_BYTE, offset) : s.get(JAVA_BYTE, offset) & 0xffL;
            case 2 -> signed ? s.get(JAVA_SHORT_UNALIGNED, offset) : s.get(JAVA_SHORT_UNALIGNED, offset) & 0xffffL;
            case 4 -> signed ? s.get(JAVA_INT_UNALIGNED, offset) : s.get(JAVA_INT_UNALIGNED, offset) & 0xffffffffL;
            case 8 -> s.get(JAVA_LONG_UNALIGNED, offset);
            default -> Long.MIN_VALUE;
        };
        if (size != 1 && size != 2 && size != 4 && size != 8) return hex(s, offset, size);
        return size == 8 && !signed && v < 0 ? new BigInteger(Long.toUnsignedString(v)) : (Object) v;
    }

    /** {@code bits} bits from bit {@code shift} of the little-endian bytes at {@code offset}. */
    private static Object bitfield(MemorySegment s, long offset, int shift, int bits, boolean signed) {
        BigInteger acc = BigInteger.ZERO;
        int bytes = (shift + bits + 7) / 8;
        for (int i = bytes - 1; i >= 0; i--) acc = acc.shiftLeft(8).or(BigInteger.valueOf(s.get(JAVA_BYTE, offset + i) & 0xff));
        BigInteger v = acc.shiftRight(shift).and(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
        if (signed && bits > 0 && v.testBit(bits - 1)) v = v.subtract(BigInteger.ONE.shiftLeft(bits));
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private static Object enumValue(Btf btf, int t, MemorySegment s, long offset) {
        int size = btf.sizeOrType(t);
        long v = switch (size) {
            case 1 -> s.get(JAVA_BYTE, offset);
            case 2 -> s.get(JAVA_SHORT_UNALIGNED, offset);
            case 8 -> s.get(JAVA_LONG_UNALIGNED, offset);
            default -> s.get(JAVA_INT_UNALIGNED, offset);
        };
        for (int i = 0; i < btf.vlen(t); i++) {
            long e = btf.enumValue(t, i);
            if (e == v || (size < 8 && (e & ((1L << (8 * size)) - 1)) == (v & ((1L << (8 * size)) - 1)))) {
                return btf.enumName(t, i);
            }
        }
        return v;
    }

    private static Object array(Btf btf, int t, MemorySegment s, long offset) {
        int elem = btf.arrayType(t);
        int n = btf.arrayNelems(t);
        int er = btf.resolve(elem);
        long esize = btf.sizeOf(elem);
        if (btf.kind(er) == BtfKind.INT && esize == 1 && ((btf.intEncoding(er) & 2) != 0 || "char".equals(btf.name(er)))) {
            int len = 0;
            while (len < n && s.get(JAVA_BYTE, offset + len) != 0) len++;
            byte[] b = new byte[len];
            MemorySegment.copy(s, JAVA_BYTE, offset, b, 0, len);
            return new String(b, StandardCharsets.UTF_8);
        }
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(decode(btf, elem, s, offset + i * esize));
        return out;
    }

    /**
     * Bytes as hex, in memory order.
     *
     * @param s the memory
     * @param offset the first byte's offset in {@code s}
     * @param size how many bytes
     * @return {@code 0x} and two hex digits a byte
     */
    public static String hex(MemorySegment s, long offset, int size) {
        byte[] b = new byte[size];
        MemorySegment.copy(s, JAVA_BYTE, offset, b, 0, size);
        return "0x" + HexFormat.of().formatHex(b);
    }

    /**
     * A decoded value as C-like text: {@code {pid=42, comm="bash"}}, {@code [1, 2]}, {@code 7}.
     *
     * @param v a value as {@link #decode} returns it
     * @return the text
     */
    public static String format(Object v) {
        StringBuilder b = new StringBuilder();
        write(v, b, false);
        return b.toString();
    }

    /**
     * A decoded value as JSON.
     *
     * @param v a value as {@link #decode} returns it
     * @return the JSON text, on one line
     */
    public static String json(Object v) {
        StringBuilder b = new StringBuilder();
        write(v, b, true);
        return b.toString();
    }

    private static void write(Object v, StringBuilder b, boolean json) {
        switch (v) {
            case String str -> quote(str, b);
            case Map<?, ?> m -> {
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) b.append(", ");
                    first = false;
                    if (json) quote(String.valueOf(e.getKey()), b).append(": ");
                    else b.append(e.getKey()).append('=');
                    write(e.getValue(), b, json);
                }
                b.append('}');
            }
            case List<?> l -> {
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) b.append(", ");
                    write(l.get(i), b, json);
                }
                b.append(']');
            }
            default -> b.append(v);
        }
    }

    private static StringBuilder quote(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"');
    }
}
