package org.bpf4j.ringbuf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.bpf4j.testing.ReaderFixture.MODE_FIXED;
import static org.bpf4j.testing.ReaderFixture.MODE_PATTERN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.bpf4j.map.RecordDecoder;
import org.bpf4j.sys.BpfRingbuf;
import org.bpf4j.testing.KernelTests;
import org.bpf4j.testing.ReaderFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The ring buffer reader against real BPF_MAP_TYPE_RINGBUF maps filled by a BPF_PROG_TEST_RUN producer. */
@Tag("matrix")
class RingBufReaderTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    @Test
    void recordsArriveInOrderAsReadOnlyViews() {
        try (ReaderFixture f = ReaderFixture.load(1 << 16, 4096)) {
            List<Long> seen = new ArrayList<>();
            boolean[] readOnly = {true};
            try (RingBufReader r = RingBufReader.of(f.map("rb"), (data, offset, length) -> {
                assertEquals(8, length);
                readOnly[0] &= data.isReadOnly();
                seen.add(data.get(JAVA_LONG, offset));
            })) {
                assertEquals(0, r.poll(0), "empty ring");
                assertEquals(1000, f.produceRing(1000, 0, MODE_FIXED, 0, 0, 0));
                assertEquals(1000, r.poll(1000));
                assertEquals(0, r.consume());
            }
            List<Long> expected = new ArrayList<>();
            for (long i = 0; i < 1000; i++) expected.add(i);
            assertEquals(expected, seen);
            assertTrue(readOnly[0], "handlers see the data area read-only");
        }
    }

    /**
     * Records of 1..256 bytes through a one-page ring, produced and consumed in small rounds for
     * hundreds of laps: the ones that run across the end of the ring (contiguous thanks to the
     * double mapping) arrive intact, byte for byte. Two rings in one reader: one through a raw
     * handler, the other through a decoder.
     */
    @Test
    void wrapAroundRecordsOfVaryingSizeArriveIntactInTwoRings() {
        int size = 4096;
        try (ReaderFixture f = ReaderFixture.load(size, size)) {
            long[] next = {0};
            int[] straddling = {0};
            List<String> errors = new ArrayList<>();
            List<byte[]> decoded = new ArrayList<>();
            try (RingBufReader r = new RingBufReader()) {
                r.add(f.map("rb"), (data, offset, length) -> {
                    long n = next[0]++;
                    if (length != ReaderFixture.patternSize(n)) errors.add("record " + n + ": length " + length);
                    String e = ReaderFixture.checkPattern(n, data, offset, length);
                    if (e != null) errors.add(e);
                    long start = offset - BpfRingbuf.HDR_SZ;
                    if (start < size && offset + length > size) straddling[0]++;
                });
                r.add(f.map("rb2"), (RecordDecoder<byte[]>) (data, offset, length) ->
                        data.asSlice(offset, length).toArray(JAVA_BYTE), decoded::add);
                assertEquals(2, r.ringCount());
                long produced = 0;
                for (int round = 0; round < 3000; round++) {
                    int k = 1 + round % 9;
                    assertEquals(k, f.produceRing(k, produced, MODE_PATTERN, 0, 0, 0));
                    assertEquals(k, f.produceRing(k, produced, MODE_PATTERN, 0, 0, 1));
                    produced += k;
                    assertEquals(2 * k, r.poll(1000));
                }
                assertEquals(produced, next[0]);
                assertEquals(produced, decoded.size());
            }
            assertEquals(List.of(), errors.subList(0, Math.min(errors.size(), 10)));
            assertTrue(straddling[0] > 400, "only " + straddling[0] + " records crossed the end of the ring");
            for (int n = 0; n < decoded.size(); n++) {
                byte[] want = new byte[ReaderFixture.patternSize(n)];
                for (int i = 0; i < want.length; i++) want[i] = ReaderFixture.patternByte(n, i);
                assertArrayEquals(want, decoded.get(n), "decoded record " + n);
            }
            assertEquals(0, f.drops(0));
        }
    }

    /**
     * A one-page ring and a producer that writes 200,000 records in one bpf_loop while a reader
     * thread polls: the ring overflows, and every record is either consumed (in order, once) or
     * counted as a failed reserve, exactly.
     */
    @Test
    void overflowConsumedPlusDroppedEqualsProduced() throws Exception {
        try (ReaderFixture f = ReaderFixture.load(4096, 4096)) {
            long drops0 = f.drops(0);
            long[] consumed = {0};
            long[] last = {-1};
            List<String> errors = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            try (RingBufReader r = RingBufReader.of(f.map("rb"), (data, offset, length) -> {
                long v = data.get(JAVA_LONG, offset);
                if (v <= last[0] && errors.size() < 10) errors.add(v + " after " + last[0]);
                last[0] = v;
                consumed[0]++;
            })) {
                Thread reader = new Thread(() -> {
                    try {
                        while (!stop.get()) r.poll(50);
                        r.consume();
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                }, "ringbuf-reader");
                reader.start();
                int produced = 200_000;
                int committed = f.produceRing(produced, 0, MODE_FIXED, 0, 0, 0);
                stop.set(true);
                reader.join(10_000);
                assertNull(failure.get());
                long dropped = f.drops(0) - drops0;
                assertEquals(List.of(), errors);
                assertEquals(committed, consumed[0], "every committed record consumed");
                assertEquals(produced, consumed[0] + dropped, "consumed + dropped == produced");
                assertTrue(dropped > 0, "the ring never overflowed: no drop to account for");
            }
        }
    }

    @Test
    void discardedRecordsAreSkippedAndConsumed() {
        try (ReaderFixture f = ReaderFixture.load(1 << 16, 4096)) {
            List<Long> seen = new ArrayList<>();
            try (RingBufReader r = RingBufReader.of(f.map("rb"), (d, o, l) -> seen.add(d.get(JAVA_LONG, o)))) {
                int committed = f.produceRing(1000, 0, MODE_FIXED, 0, 3, 0);
                assertEquals(666, committed);
                assertEquals(666, r.poll(1000));
                Ring ring = ringOf(r);
                assertEquals(0, ring.available(), "discarded records are consumed too");
                assertEquals(1000L * 16, ring.consumerPosition());
            }
            List<Long> expected = new ArrayList<>();
            for (long n = 0; n < 1000; n++) if (n % 3 != 0) expected.add(n);
            assertEquals(expected, seen);
        }
    }

    @Test
    void throwingHandlerStopsPollAndTheNextPollContinuesAfterIt() {
        try (ReaderFixture f = ReaderFixture.load(1 << 16, 4096)) {
            List<Long> seen = new ArrayList<>();
            IllegalStateException boom = new IllegalStateException("record 4");
            try (RingBufReader r = RingBufReader.of(f.map("rb"), (d, o, l) -> {
                long v = d.get(JAVA_LONG, o);
                seen.add(v);
                if (v == 4) throw boom;
            })) {
                assertEquals(10, f.produceRing(10, 0, MODE_FIXED, 0, 0, 0));
                assertSame(boom, assertThrows(IllegalStateException.class, () -> r.poll(1000)));
                assertEquals(List.of(0L, 1L, 2L, 3L, 4L), seen);
                assertEquals(5L * 16, ringOf(r).consumerPosition(), "consumed up to and including the throwing record");
                assertEquals(5, r.poll(1000));
                assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), seen);
            }
        }
    }

    @Test
    void idlePollSleepsInEpollAndWakesForData() throws Exception {
        try (ReaderFixture f = ReaderFixture.load(4096, 4096);
             RingBufReader r = RingBufReader.of(f.map("rb"), (d, o, l) -> { })) {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            r.poll(0);
            long cpu0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            assertEquals(0, r.poll(500));
            long cpu = mx.getCurrentThreadCpuTime() - cpu0, wall = System.nanoTime() - t0;
            assertTrue(wall >= 450_000_000L, "poll(500) returned after " + wall / 1_000_000 + " ms");
            assertTrue(cpu < 50_000_000L, "an idle poll(500) used " + cpu / 1_000_000 + " ms of CPU");

            Thread producer = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                f.produceRing(1, 0, MODE_FIXED, 0, 0, 0);
            });
            producer.start();
            t0 = System.nanoTime();
            assertEquals(1, r.poll(10_000), "woken by the record");
            wall = System.nanoTime() - t0;
            producer.join();
            assertTrue(wall < 5_000_000_000L, "woke after " + wall / 1_000_000 + " ms");
        }
    }

    @Test
    void closeReleasesEverythingAndRejectsFurtherUse() {
        try (ReaderFixture f = ReaderFixture.load(4096, 4096)) {
            Set<String> fds = KernelTests.openFds();
            RingBufReader r = RingBufReader.of(f.map("rb"), (d, o, l) -> { });
            r.add(f.map("rb2"), (d, o, l) -> { });
            r.close();
            r.close();
            assertEquals(fds, KernelTests.openFds());
            assertThrows(IllegalStateException.class, () -> r.poll(0));
            assertThrows(IllegalStateException.class, () -> r.add(f.map("rb"), (d, o, l) -> { }));
        }
    }

    @Test
    void closeFromAnotherThreadEndsAWaitingPoll() throws Exception {
        try (ReaderFixture f = ReaderFixture.load(4096, 4096)) {
            RingBufReader r = RingBufReader.of(f.map("rb"), (d, o, l) -> { });
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread poller = new Thread(() -> {
                try {
                    while (true) outcome.set(r.poll(-1));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            poller.start();
            Thread.sleep(200);
            long t0 = System.nanoTime();
            r.close();
            poller.join(5000);
            assertTrue(!poller.isAlive(), "poll(-1) still waiting after close");
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "close waited for the poll");
            assertTrue(outcome.get() instanceof IllegalStateException, String.valueOf(outcome.get()));
        }
    }

    @Test
    void rejectsMapsOfOtherTypes() {
        try (ReaderFixture f = ReaderFixture.load(4096, 4096)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RingBufReader.of(f.map("drops"), (d, o, l) -> { }));
            assertEquals("map 'drops' is of type ARRAY, not RINGBUF", e.getMessage());
        }
    }

    static Ring ringOf(RingBufReader r) {
        return r.ring(0);
    }
}
