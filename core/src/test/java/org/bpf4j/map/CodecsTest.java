package org.bpf4j.map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scalar codecs against the bytes the kernel has (little-endian here), at their edges. */
class CodecsTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    /** Encodes {@code v} at offset 3 (unaligned) between 0xaa guard bytes; returns the codec's bytes. */
    private static <T> String encode(Codec<T> c, T v) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(c.size() + 6).fill((byte) 0xaa);
            c.encode(v, s, 3);
            byte[] all = s.toArray(ValueLayout.JAVA_BYTE);
            for (int i : new int[] {0, 1, 2, c.size() + 3, c.size() + 4, c.size() + 5}) {
                assertEquals((byte) 0xaa, all[i], "byte " + i + " outside the value written");
            }
            return HEX.formatHex(all, 3, 3 + c.size());
        }
    }

    private static <T> T decode(Codec<T> c, String hex) {
        byte[] b = HEX.parseHex(hex);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(b.length + 1);
            MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 1, b.length);
            return c.decode(s, 1);
        }
    }

    private static <T> void both(Codec<T> c, T v, String hex) {
        assertEquals(hex, encode(c, v), "encode " + v);
        assertEquals(v, decode(c, hex), "decode " + hex);
    }

    @Test
    void sizes() {
        assertEquals(List.of(1, 1, 2, 2, 4, 4, 8, 8), List.of(Codecs.U8.size(), Codecs.S8.size(), Codecs.U16.size(),
                Codecs.S16.size(), Codecs.U32.size(), Codecs.S32.size(), Codecs.U64.size(), Codecs.S64.size()));
    }

    @Test
    void eightBits() {
        both(Codecs.U8, 0, "00");
        both(Codecs.U8, 0x7f, "7f");
        both(Codecs.U8, 0x80, "80");
        both(Codecs.U8, 255, "ff");
        both(Codecs.S8, (byte) 0, "00");
        both(Codecs.S8, Byte.MAX_VALUE, "7f");
        both(Codecs.S8, Byte.MIN_VALUE, "80");
        both(Codecs.S8, (byte) -1, "ff");
    }

    @Test
    void sixteenBits() {
        both(Codecs.U16, 0x1234, "34 12");
        both(Codecs.U16, 0x8000, "00 80");
        both(Codecs.U16, 0xffff, "ff ff");
        both(Codecs.S16, (short) 0x1234, "34 12");
        both(Codecs.S16, Short.MIN_VALUE, "00 80");
        both(Codecs.S16, (short) -1, "ff ff");
    }

    @Test
    void thirtyTwoBits() {
        both(Codecs.U32, 0x12345678, "78 56 34 12");
        both(Codecs.U32, Integer.MAX_VALUE, "ff ff ff 7f");
        // u32 keeps its bits: 0x80000000 and 0xffffffff are the Integers MIN_VALUE and -1
        both(Codecs.U32, Integer.MIN_VALUE, "00 00 00 80");
        both(Codecs.U32, -1, "ff ff ff ff");
        assertEquals(4294967295L, Integer.toUnsignedLong(decode(Codecs.U32, "ff ff ff ff")));
        both(Codecs.S32, -2, "fe ff ff ff");
    }

    @Test
    void sixtyFourBits() {
        both(Codecs.U64, 0x0123456789abcdefL, "ef cd ab 89 67 45 23 01");
        both(Codecs.U64, Long.MAX_VALUE, "ff ff ff ff ff ff ff 7f");
        both(Codecs.U64, Long.MIN_VALUE, "00 00 00 00 00 00 00 80");
        both(Codecs.U64, -1L, "ff ff ff ff ff ff ff ff");
        assertEquals("18446744073709551615", Long.toUnsignedString(decode(Codecs.U64, "ff ff ff ff ff ff ff ff")));
        both(Codecs.S64, -2L, "fe ff ff ff ff ff ff ff");
    }

    @Test
    void bytes() {
        Codec<byte[]> c = Codecs.bytes(3);
        assertEquals(3, c.size());
        assertEquals("00 ff 80", encode(c, new byte[] {0, -1, (byte) 0x80}));
        assertArrayEquals(new byte[] {1, 2, 3}, decode(c, "01 02 03"));
        RuntimeException e = assertThrows(RuntimeException.class, () -> encode(c, new byte[4]));
        assertTrue(e.getMessage().contains("need 3 bytes, got 4"), e.getMessage());
    }

    @Test
    void cStrings() {
        Codec<String> c = Codecs.cString(6);
        assertEquals(6, c.size());
        // NUL-padded to the end, over whatever was there
        assertEquals("62 61 73 68 00 00", encode(c, "bash"));
        assertEquals("00 00 00 00 00 00", encode(c, ""));
        assertEquals("c3 a9 74 c3 a9 00", encode(c, "été"));
        assertEquals("été", decode(c, "c3 a9 74 c3 a9 00"));
        assertEquals("ab", decode(c, "61 62 00 63 64 00"));
        // the kernel may fill the array without a NUL (a comm of 16 bytes): all of it
        assertEquals("abcdef", decode(c, "61 62 63 64 65 66"));
        assertEquals("", decode(c, "00 62 63 64 65 66"));
        // five bytes and the NUL fit char[6], six do not
        assertEquals("61 62 63 64 65 00", encode(c, "abcde"));
        RuntimeException e = assertThrows(RuntimeException.class, () -> encode(c, "abcdef"));
        assertTrue(e.getMessage().contains("6 bytes does not fit char[6]"), e.getMessage());
    }

    @Test
    void recordDecoder() {
        RecordDecoder<Long> d = RecordDecoder.of(Codecs.U64);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(16);
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, 4, -5L);
            assertEquals(-5L, d.decode(s, 4, 8));
            assertEquals(-5L, d.decode(s, 4, 12));
            RuntimeException e = assertThrows(RuntimeException.class, () -> d.decode(s, 4, 7));
            assertTrue(e.getMessage().contains("record of 7 bytes is shorter than the 8 bytes"), e.getMessage());
        }
    }

    @Test
    void perCpuSumWrapsLikeTheKernelsCounters() {
        PerCpu<Long> v = new PerCpu<>(List.of(Long.MAX_VALUE, 1L, -1L, 3L));
        assertEquals(3L, v.cpu(3));
        assertEquals(Long.MAX_VALUE + 1 - 1 + 3, v.sum(Long::longValue));
        assertEquals(Long.MIN_VALUE + 2, v.sum(Long::longValue));
        assertEquals(0L, new PerCpu<Long>(List.of()).sum(Long::longValue));
    }
}
