package org.bpf4j.ringbuf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.BpfException;
import org.bpf4j.sys.BpfRingbuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The read loop on a ring laid out by hand in ordinary memory (no kernel): the header states the
 * kernel test cannot produce on demand, such as a record that is still reserved (busy).
 */
class RingTest {
    static final int SIZE = 256;
    final Arena arena = Arena.ofConfined();
    final MemorySegment consumer = arena.allocate(8, 8);
    final MemorySegment producer = arena.allocate(8, 8);
    final MemorySegment data = arena.allocate(2 * SIZE, 8);
    final List<String> seen = new ArrayList<>();
    long prod;

    @AfterEach
    void free() {
        arena.close();
    }

    Ring ring() {
        return new Ring("test", consumer, producer, data, SIZE, (d, off, len) -> seen.add(off + ":" + len + ":" + d.get(JAVA_INT, off)));
    }

    /** Writes a record at the producer position: header {@code len | flags}, then an int; advances the producer. */
    long write(int len, int flags) {
        long off = prod % SIZE;
        int hdr = len | flags;
        // the double mapping: both copies of the data area hold the same bytes
        data.set(JAVA_INT, off, hdr);
        data.set(JAVA_INT, (off + SIZE) % (2 * SIZE), hdr);
        if (len >= 4) {
            data.set(JAVA_INT, off + 8, (int) prod);
            data.set(JAVA_INT, (off + 8 + SIZE) % (2 * SIZE), (int) prod);
        }
        long at = prod;
        prod += (len + 8 + 7) & ~7;
        producer.set(JAVA_LONG, 0, prod);
        return at;
    }

    void setHeader(long pos, int hdr) {
        data.set(JAVA_INT, pos % SIZE, hdr);
        data.set(JAVA_INT, (pos % SIZE + SIZE) % (2 * SIZE), hdr);
    }

    @Test
    void busyRecordStopsTheReaderUntilCommitted() {
        Ring r = ring();
        write(4, 0);
        long busy = write(12, BpfRingbuf.BUSY_BIT);
        write(4, 0);
        assertEquals(1, r.process());
        assertEquals(List.of("8:4:0"), seen);
        assertEquals(busy, consumer.get(JAVA_LONG, 0), "published up to the busy record, not past it");
        assertEquals(0, r.process(), "still busy");
        setHeader(busy, 12); // committed
        assertEquals(2, r.process());
        assertEquals(List.of("8:4:0", "24:12:16", "48:4:40"), seen);
        assertEquals(prod, consumer.get(JAVA_LONG, 0));
        assertEquals(0, r.available());
    }

    @Test
    void discardedRecordsAreSkippedButConsumed() {
        Ring r = ring();
        write(4, 0);
        write(20, BpfRingbuf.DISCARD_BIT);
        write(5, 0);
        assertEquals(2, r.process());
        assertEquals(List.of("8:4:0", "56:5:48"), seen);
        assertEquals(prod, consumer.get(JAVA_LONG, 0));
    }

    @Test
    void lengthsRoundUpToEightBytesWithTheHeader() {
        Ring r = ring();
        for (int len = 0; len <= 12; len++) write(len, 0);
        assertEquals(13, r.process());
        assertEquals(prod, consumer.get(JAVA_LONG, 0));
        // 0 -> 8, 1..8 -> 16, 9..12 -> 24
        assertEquals(8 + 8 * 16 + 4 * 24, prod);
    }

    @Test
    void positionsKeepGrowingAcrossLapsAndARecordCrossingTheEndIsContiguous() {
        Ring r = ring();
        long consumed = 0;
        for (int lap = 0; lap < 50; lap++) {
            for (int i = 0; i < 7; i++) write(20, 0); // 32 bytes each: 8 per lap, so the end moves
            consumed += r.process();
        }
        assertEquals(350, consumed);
        assertEquals(350L * 32, consumer.get(JAVA_LONG, 0));
        seen.clear();
        prod = consumer.get(JAVA_LONG, 0);
        prod += SIZE - 8 - (prod % SIZE); // the next record's header is in the last 8 bytes of the ring
        producer.set(JAVA_LONG, 0, prod);
        consumer.set(JAVA_LONG, 0, prod);
        Ring r2 = ring();
        write(16, 0);
        assertEquals(1, r2.process());
        assertEquals(List.of((SIZE) + ":16:" + (int) (prod - 24)), seen, "data right after the end, from the second mapping");
    }

    @Test
    void corruptLengthIsReportedNotLoopedOn() {
        Ring r = ring();
        write(4, 0);
        data.set(JAVA_INT, 0, 4096); // a length larger than the ring
        BpfException e = assertThrows(BpfException.class, r::process);
        assertTrue(e.getMessage().contains("ring buffer 'test'"), e.getMessage());
    }

    @Test
    void aThrowingHandlerConsumesItsRecordAndPublishesIt() {
        int[] calls = {0};
        Ring r = new Ring("test", consumer, producer, data, SIZE, (d, off, len) -> {
            if (++calls[0] == 2) throw new IllegalStateException("second");
        });
        write(4, 0);
        long second = write(4, 0);
        write(4, 0);
        assertThrows(IllegalStateException.class, r::process);
        assertEquals(second + 16, consumer.get(JAVA_LONG, 0));
        assertEquals(1, r.process());
        assertEquals(3, calls[0]);
    }

    @Test
    void aRingMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new Ring("x", consumer, producer, data, 200, (d, o, l) -> { }));
    }
}
