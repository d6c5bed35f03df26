package org.bpf4j.perf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.BpfException;
import org.bpf4j.sys.PerfRing;
import org.junit.jupiter.api.Test;

/**
 * One CPU's perf ring laid out in ordinary memory (no kernel): the record positions the kernel
 * never produces on demand (a record ending exactly at the end of the data area or in its last
 * bytes, wrap-arounds at every offset, lost records between samples, bad sizes).
 */
class CpuBufferTest {
    static final int SIZE = 512;

    final Arena arena = Arena.ofAuto();
    final MemorySegment meta = arena.allocate(4096, 4096);
    final MemorySegment data = arena.allocate(SIZE, 4096);
    long head;

    /** Writes bytes at stream position {@code pos}, wrapping around the data area. */
    void put(long pos, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) data.set(JAVA_BYTE, (pos + i) & (SIZE - 1), bytes[i]);
    }

    static void le(byte[] b, int at, long v, int n) {
        for (int i = 0; i < n; i++) b[at + i] = (byte) (v >>> (8 * i));
    }

    /** Appends a raw sample of {@code len} bytes (len + 4 a multiple of 8), byte i = seed + i. */
    void sample(int len, int seed) {
        int recSize = 12 + len;
        byte[] b = new byte[recSize];
        le(b, 0, PerfRing.RECORD_SAMPLE, 4);
        le(b, 6, recSize, 2);
        le(b, 8, len, 4);
        for (int i = 0; i < len; i++) b[12 + i] = (byte) (seed + i);
        put(head, b);
        head += recSize;
    }

    void record(int type, int recSize, long word) {
        byte[] b = new byte[recSize];
        le(b, 0, type, 4);
        le(b, 6, recSize, 2);
        if (recSize >= 24) le(b, 16, word, 8);
        put(head, b);
        head += recSize;
    }

    void publishHead() {
        meta.set(JAVA_LONG, PerfRing.DATA_HEAD, head);
    }

    long tail() {
        return meta.get(JAVA_LONG, PerfRing.DATA_TAIL);
    }

    /** What a handler saw: seed byte and length, checked to be the whole pattern. */
    static String check(MemorySegment d, long off, int len) {
        int seed = d.get(JAVA_BYTE, off) & 0xff;
        for (int i = 0; i < len; i++) {
            if ((byte) (seed + i) != d.get(JAVA_BYTE, off + i)) return "corrupt sample seed " + seed;
        }
        return "s" + seed + "/" + len;
    }

    @Test
    void everyOffsetAndSizeWrapsIntactAndInOrderWithLostRecords() {
        List<String> seen = new ArrayList<>(), want = new ArrayList<>();
        CpuBuffer buf = new CpuBuffer(5, meta, data, (cpu, d, off, len) -> {
            assertEquals(5, cpu);
            seen.add(check(d, off, len));
        }, (cpu, n) -> seen.add("lost" + n));
        int seed = 0;
        // sizes 16..272 bytes in steps of 8, over many laps: records start at every 8-byte offset,
        // end exactly at the end of the area, in its last 16 bytes, and straddle it
        for (int round = 0; round < 200; round++) {
            long target = head + 300 + (round % 7) * 24;
            while (head < target) {
                int len = 4 + 8 * ((seed * 7 + round) % 33);
                if (head + 12 + len - tail() > SIZE) break;
                if (seed % 11 == 3 && head + 24 - tail() <= SIZE) {
                    record(PerfRing.RECORD_LOST, 24, seed);
                    want.add("lost" + seed);
                } else if (seed % 13 == 5 && head + 16 - tail() <= SIZE) {
                    record(14, 16, 0); // another record type: skipped
                } else {
                    sample(len, seed & 0xff);
                    want.add("s" + (seed & 0xff) + "/" + len);
                }
                seed++;
            }
            publishHead();
            buf.process();
            assertEquals(head, tail());
            assertEquals(want, seen);
        }
        assertTrue(seed > 500, "records written: " + seed);
    }

    @Test
    void recordsEndingAtOrNearTheEndOfTheArea() {
        List<String> seen = new ArrayList<>(), want = new ArrayList<>();
        CpuBuffer buf = new CpuBuffer(0, meta, data, (cpu, d, off, len) -> seen.add(check(d, off, len)), null);
        for (int last = 0; last <= 40; last += 8) {
            // fill up to SIZE - last (in two steps: the ring holds one lap), then one record
            // across the end and one after it
            long stop = (head / SIZE + 1) * SIZE - last;
            for (long step : new long[] {stop - 96, stop}) {
                while (step - head > 0) {
                    long room = step - head;
                    if (room < 16) {
                        record(14, (int) room, 0);
                        continue;
                    }
                    int len = (int) Math.min(room - 12, 36);
                    want.add("s" + (head & 0x7f) + "/" + len);
                    sample(len, (int) (head & 0x7f));
                }
                publishHead();
                buf.process();
                assertEquals(want, seen);
                assertEquals(head, tail());
            }
            sample(20, 1);
            want.add("s1/20");
            sample(4, 2);
            want.add("s2/4");
            publishHead();
            assertEquals(2, buf.process());
            assertEquals(want, seen);
            assertEquals(head, tail());
        }
    }

    @Test
    void throwingHandlerConsumesItsRecordAndTheNextCallGoesOn() {
        List<Integer> seen = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        CpuBuffer buf = new CpuBuffer(0, meta, data, (cpu, d, off, len) -> {
            int s = d.get(JAVA_BYTE, off);
            seen.add(s);
            if (s == 3 || s == 9) throw boom;
        }, null);
        record(14, 40, 0);
        publishHead();
        assertEquals(0, buf.process());
        assertEquals(40, tail());
        for (int i = 0; i < 10; i++) sample(36, i); // 48 bytes each from 40: the last one wraps
        publishHead();
        assertSame(boom, assertThrows(IllegalStateException.class, buf::process));
        assertEquals(List.of(0, 1, 2, 3), seen);
        assertEquals(40 + 4 * 48, tail());
        assertSame(boom, assertThrows(IllegalStateException.class, buf::process));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen);
        assertEquals(40 + 10 * 48, tail());
        assertEquals(0, buf.process());
    }

    @Test
    void badSampleSizeFailsAfterTheGoodOnes() {
        List<Integer> seen = new ArrayList<>();
        CpuBuffer buf = new CpuBuffer(2, meta, data, (cpu, d, off, len) -> seen.add(len), null);
        sample(12, 0);
        byte[] b = new byte[24];
        le(b, 0, PerfRing.RECORD_SAMPLE, 4);
        le(b, 6, 24, 2);
        le(b, 8, 13, 4); // 13 bytes claimed, 12 present
        put(head, b);
        head += 24;
        publishHead();
        BpfException e = assertThrows(BpfException.class, buf::process);
        assertEquals("perf buffer of CPU 2: bad record (type 9, size 24) at position 24", e.getMessage());
        assertEquals(List.of(12), seen);
        assertEquals(48, tail()); // the bad record is skipped
    }
}
