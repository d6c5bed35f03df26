package org.bpf4j.map;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Codecs for the kernel's scalar types. Unsigned types keep their bit pattern in the Java type of
 * the same width: {@code U32} decodes 0xffffffff as the {@code Integer} -1 (use
 * {@link Integer#toUnsignedLong} to print it), {@code U64} as a {@code Long} bit pattern (use
 * {@link Long#toUnsignedString}). {@code U8} and {@code U16} decode to non-negative
 * {@code Integer}s, since they always fit.
 */
public final class Codecs {
    private Codecs() {}

    /** u8 as a non-negative {@code Integer}; encoding keeps the low 8 bits. */
    public static final Codec<Integer> U8 = new Codec<>() {
        public int size() { return 1; }
        public void encode(Integer v, MemorySegment d, long o) { d.set(JAVA_BYTE, o, (byte) (int) v); }
        public Integer decode(MemorySegment s, long o) { return s.get(JAVA_BYTE, o) & 0xff; }
    };

    /** s8 as a {@code Byte}. */
    public static final Codec<Byte> S8 = new Codec<>() {
        public int size() { return 1; }
        public void encode(Byte v, MemorySegment d, long o) { d.set(JAVA_BYTE, o, v); }
        public Byte decode(MemorySegment s, long o) { return s.get(JAVA_BYTE, o); }
    };

    /** u16 as a non-negative {@code Integer}; encoding keeps the low 16 bits. */
    public static final Codec<Integer> U16 = new Codec<>() {
        public int size() { return 2; }
        public void encode(Integer v, MemorySegment d, long o) { d.set(JAVA_SHORT_UNALIGNED, o, (short) (int) v); }
        public Integer decode(MemorySegment s, long o) { return s.get(JAVA_SHORT_UNALIGNED, o) & 0xffff; }
    };

    /** s16 as a {@code Short}. */
    public static final Codec<Short> S16 = new Codec<>() {
        public int size() { return 2; }
        public void encode(Short v, MemorySegment d, long o) { d.set(JAVA_SHORT_UNALIGNED, o, v); }
        public Short decode(MemorySegment s, long o) { return s.get(JAVA_SHORT_UNALIGNED, o); }
    };

    /** u32 as the {@code Integer} of the same bits. */
    public static final Codec<Integer> U32 = new Codec<>() {
        public int size() { return 4; }
        public void encode(Integer v, MemorySegment d, long o) { d.set(JAVA_INT_UNALIGNED, o, v); }
        public Integer decode(MemorySegment s, long o) { return s.get(JAVA_INT_UNALIGNED, o); }
    };

    /** s32 as an {@code Integer}: the same codec as {@link #U32}. */
    public static final Codec<Integer> S32 = U32;

    /** u64 as the {@code Long} of the same bits. */
    public static final Codec<Long> U64 = new Codec<>() {
        public int size() { return 8; }
        public void encode(Long v, MemorySegment d, long o) { d.set(JAVA_LONG_UNALIGNED, o, v); }
        public Long decode(MemorySegment s, long o) { return s.get(JAVA_LONG_UNALIGNED, o); }
    };

    /** s64 as a {@code Long}: the same codec as {@link #U64}. */
    public static final Codec<Long> S64 = U64;

    /**
     * A fixed-size byte array.
     *
     * @param size the array length in bytes
     * @return the codec; decoding makes a new array, encoding needs exactly {@code size} bytes
     */
    public static Codec<byte[]> bytes(int size) {
        return new Codec<>() {
            public int size() { return size; }
            public void encode(byte[] v, MemorySegment d, long o) {
                if (v.length != size) throw new IllegalArgumentException("need " + size + " bytes, got " + v.length);
                MemorySegment.copy(v, 0, d, JAVA_BYTE, o, size);
            }
            public byte[] decode(MemorySegment s, long o) {
                byte[] b = new byte[size];
                MemorySegment.copy(s, JAVA_BYTE, o, b, 0, size);
                return b;
            }
        };
    }

    /**
     * A {@code char[size]} holding a NUL-terminated UTF-8 string (a command name, a path).
     *
     * @param size the array size, NUL included
     * @return the codec; encoding NUL-pads and rejects a string of {@code size} bytes or more
     */
    public static Codec<String> cString(int size) {
        return new Codec<>() {
            public int size() { return size; }
            public void encode(String v, MemorySegment d, long o) {
                byte[] b = v.getBytes(StandardCharsets.UTF_8);
                if (b.length >= size) throw new IllegalArgumentException("string of " + b.length + " bytes does not fit char[" + size + "]");
                d.asSlice(o, size).fill((byte) 0);
                MemorySegment.copy(b, 0, d, JAVA_BYTE, o, b.length);
            }
            public String decode(MemorySegment s, long o) {
                return string(s, o, size);
            }
        };
    }

    /**
     * The NUL-terminated UTF-8 string in {@code max} bytes at {@code offset}.
     *
     * @param s the memory
     * @param offset the byte offset of the string
     * @param max the most bytes to read
     * @return the string up to its NUL, or all {@code max} bytes when there is none
     */
    public static String string(MemorySegment s, long offset, int max) {
        int n = 0;
        while (n < max && s.get(JAVA_BYTE, offset + n) != 0) n++;
        byte[] b = new byte[n];
        MemorySegment.copy(s, JAVA_BYTE, offset, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }
}
