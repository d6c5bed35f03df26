package org.bpf4j.perf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.bpf4j.testing.ReaderFixture.MODE_FIXED;
import static org.bpf4j.testing.ReaderFixture.MODE_PATTERN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bpf4j.map.RecordDecoder;
import org.bpf4j.sys.Cpus;
import org.bpf4j.sys.Os;
import org.bpf4j.testing.KernelTests;
import org.bpf4j.testing.ReaderFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The perf buffer reader against a real PERF_EVENT_ARRAY filled by a BPF_PROG_TEST_RUN producer. */
@Tag("matrix")
class PerfBufReaderTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /** The raw sample length the kernel stores for {@code size} bytes: size field + data padded to 8. */
    static int padded(int size) {
        return ((size + 4 + 7) & ~7) - 4;
    }

    static int someCpu() {
        List<Integer> online = Cpus.online();
        return online.get(online.size() - 1);
    }

    @Test
    void samplesArriveFromEveryCpuTaggedWithIt() {
        try (ReaderFixture f = ReaderFixture.load(4096, 4096)) {
            Map<Integer, List<Long>> byCpu = new HashMap<>();
            List<Integer> lengths = new ArrayList<>();
            try (PerfBufReader r = PerfBufReader.of(f.map("pb"), (cpu, data, offset, length) -> {
                lengths.add(length);
                byCpu.computeIfAbsent(cpu, c -> new ArrayList<>()).add(data.get(JAVA_LONG_UNALIGNED, offset));
            })) {
                assertEquals(Cpus.online(), r.cpus());
                for (int cpu : Cpus.online()) assertEquals(100, f.producePerf(100, cpu * 1000L, MODE_FIXED, cpu));
                int n = 0;
                for (int i = 0; i < 100 && n < 100 * Cpus.online().size(); i++) n += r.poll(100);
                assertEquals(100 * Cpus.online().size(), n);
                assertEquals(0, r.lost());
            }
            for (int cpu : Cpus.online()) {
                List<Long> expected = new ArrayList<>();
                for (long i = 0; i < 100; i++) expected.add(cpu * 1000L + i);
                assertEquals(expected, byCpu.get(cpu), "CPU " + cpu);
            }
            assertEquals(Set.of(12), Set.copyOf(lengths), "8 bytes arrive padded to 12");
        }
    }

    /**
     * Samples of 1..256 bytes through one data page, produced and consumed in small rounds: those
     * that run across the end of the buffer are copied out whole and arrive intact, byte for byte,
     * through a raw handler and through a decoder.
     */
    @Test
    void wrapAroundSamplesOfVaryingSizeArriveIntact() {
        int cpu = someCpu();
        try (ReaderFixture f = ReaderFixture.load(4096, 4096)) {
            long[] next = {0};
            int[] wrapped = {0};
            List<String> errors = new ArrayList<>();
            long produced = 0;
            try (PerfBufReader r = PerfBufReader.builder(f.map("pb")).pagesPerCpu(1).cpus(List.of(cpu))
                    .open((c, data, offset, length) -> {
                        long n = next[0]++;
                        int size = ReaderFixture.patternSize(n);
                        if (c != cpu) errors.add("record " + n + " from CPU " + c);
                        if (length != padded(size)) errors.add("record " + n + ": length " + length + " for " + size);
                        String e = ReaderFixture.checkPattern(n, data, offset, size);
                        if (e != null) errors.add(e);
                        if (data.byteSize() != Os.pageSize()) wrapped[0]++;
                    })) {
                for (int round = 0; round < 3000; round++) {
                    int k = 1 + round % 9;
                    assertEquals(k, f.producePerf(k, produced, MODE_PATTERN, cpu));
                    produced += k;
                    assertEquals(k, r.poll(1000));
                }
            }
            assertEquals(produced, next[0]);
            assertEquals(List.of(), errors.subList(0, Math.min(10, errors.size())));
            assertTrue(wrapped[0] > 400, "only " + wrapped[0] + " samples wrapped around the buffer end");

            List<byte[]> decoded = new ArrayList<>();
            try (PerfBufReader r = PerfBufReader.builder(f.map("pb")).pagesPerCpu(1).cpus(List.of(cpu))
                    .open((RecordDecoder<byte[]>) (data, offset, length) ->
                            data.asSlice(offset, length).toArray(JAVA_BYTE), (bytes, c) -> decoded.add(bytes))) {
                for (int round = 0; round < 200; round++) {
                    assertEquals(5, f.producePerf(5, 5L * round, MODE_PATTERN, cpu));
                    assertEquals(5, r.poll(1000));
                }
            }
            for (int n = 0; n < decoded.size(); n++) {
                int size = ReaderFixture.patternSize(n);
                byte[] got = decoded.get(n);
                assertEquals(padded(size), got.length);
                byte[] want = new byte[size];
                for (int i = 0; i < size; i++) want[i] = ReaderFixture.patternByte(n, i);
                assertArrayEquals(want, java.util.Arrays.copyOf(got, size), "decoded record " + n);
            }
            assertEquals(1000, decoded.size());
            assertEquals(0, f.drops(1));
        }
    }

    /**
     * One data page, 2000 samples written without reading: the kernel fails the writes that do
     * not fit (the producer counts them), and once there is room again it reports exactly that
     * many as lost, on that CPU.
     */
    @Test
    void lostSamplesAreReportedExactly() {
        int cpu = someCpu();
        try (ReaderFixture f = ReaderFixture.load(4096, 4096)) {
            long drops0 = f.drops(1);
            List<long[]> lostCalls = new ArrayList<>();
            List<Long> seen = new ArrayList<>();
            try (PerfBufReader r = PerfBufReader.builder(f.map("pb")).pagesPerCpu(1)
                    .onLost((c, n) -> lostCalls.add(new long[] {c, n}))
                    .open((c, d, o, l) -> seen.add(d.get(JAVA_LONG_UNALIGNED, o)))) {
                int written = f.producePerf(2000, 0, MODE_FIXED, cpu);
                long dropped = f.drops(1) - drops0;
                assertEquals(2000, written + dropped);
                assertTrue(dropped > 0, "one page holds fewer than 2000 samples");
                assertEquals(written, r.consume());
                assertEquals(0, r.lost(), "no room to report the loss yet");
                assertEquals(1, f.producePerf(1, 5000, MODE_FIXED, cpu));
                assertEquals(1, r.poll(1000));
                assertEquals(dropped, r.lost());
                assertEquals(1, lostCalls.size());
                assertArrayEquals(new long[] {cpu, dropped}, lostCalls.get(0));
                List<Long> expected = new ArrayList<>();
                for (long i = 0; i < written; i++) expected.add(i);
                expected.add(5000L);
                assertEquals(expected, seen, "the first samples, then the one after the loss");
            }
        }
    }

    @Test
    void throwingHandlerStopsPollAndTheNextPollContinuesAfterIt() {
        int cpu = someCpu();
        try (ReaderFixture f = ReaderFixture.load(4096, 4096)) {
            List<Long> seen = new ArrayList<>();
            IllegalStateException boom = new IllegalStateException("sample 4");
            try (PerfBufReader r = PerfBufReader.of(f.map("pb"), (c, d, o, l) -> {
                long v = d.get(JAVA_LONG_UNALIGNED, o);
                seen.add(v);
                if (v == 4) throw boom;
            })) {
                assertEquals(10, f.producePerf(10, 0, MODE_FIXED, cpu));
                assertSame(boom, assertThrows(IllegalStateException.class, () -> r.poll(1000)));
                assertEquals(List.of(0L, 1L, 2L, 3L, 4L), seen);
                assertEquals(5, r.poll(1000));
                assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), seen);
            }
        }
    }

    /**
     * Readiness of the reader's epoll set within {@code timeoutMs}, without consuming anything
     * (the kernel wakes readers from an irq_work, a moment after the sample).
     */
    static int ready(PerfBufReader r, int timeoutMs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ev = arena.allocate(Os.epollEventSize() * 64L, 8);
            return Os.epollWait(r.epollFd(), ev, 64, timeoutMs);
        }
    }

    @Test
    void wakeupAfterEventsOrWatermark() {
        int cpu = someCpu();
        try (ReaderFixture f = ReaderFixture.load(4096, 4096)) {
            try (PerfBufReader r = PerfBufReader.builder(f.map("pb")).cpus(List.of(cpu)).wakeupEvents(10)
                    .open((c, d, o, l) -> { })) {
                f.producePerf(9, 0, MODE_FIXED, cpu);
                assertEquals(0, ready(r, 300), "9 samples do not wake a reader that asked for 10");
                f.producePerf(1, 9, MODE_FIXED, cpu);
                assertEquals(1, ready(r, 5000), "the 10th does");
                assertEquals(10, r.consume());
            }
            // 8-byte samples take 24 bytes (header, size field, data padded)
            try (PerfBufReader r = PerfBufReader.builder(f.map("pb")).cpus(List.of(cpu)).wakeupWatermark(1024)
                    .open((c, d, o, l) -> { })) {
                f.producePerf(20, 0, MODE_FIXED, cpu);
                assertEquals(0, ready(r, 300), "480 bytes stay below a 1024-byte watermark");
                f.producePerf(40, 20, MODE_FIXED, cpu);
                assertEquals(1, ready(r, 5000), "1440 bytes are above it");
                assertEquals(60, r.consume());
            }
        }
    }

    @Test
    void idlePollSleepsInEpoll() {
        try (ReaderFixture f = ReaderFixture.load(4096, 4096);
             PerfBufReader r = PerfBufReader.of(f.map("pb"), (c, d, o, l) -> { })) {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            r.poll(0);
            long cpu0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            assertEquals(0, r.poll(500));
            long cpu = mx.getCurrentThreadCpuTime() - cpu0, wall = System.nanoTime() - t0;
            assertTrue(wall >= 450_000_000L, "poll(500) returned after " + wall / 1_000_000 + " ms");
            assertTrue(cpu < 50_000_000L, "an idle poll(500) used " + cpu / 1_000_000 + " ms of CPU");
        }
    }

    @Test
    void closeRemovesTheEventsFromTheMapAndClosesThem() {
        int cpu = someCpu();
        try (ReaderFixture f = ReaderFixture.load(4096, 4096)) {
            Set<String> fds = KernelTests.openFds();
            PerfBufReader r = PerfBufReader.builder(f.map("pb")).pagesPerCpu(2).open((c, d, o, l) -> { });
            assertEquals(3, f.producePerf(3, 0, MODE_FIXED, cpu));
            r.close();
            r.close();
            assertEquals(fds, KernelTests.openFds());
            long drops0 = f.drops(1);
            assertEquals(0, f.producePerf(3, 0, MODE_FIXED, cpu), "no event left in the map to write to");
            assertEquals(drops0 + 3, f.drops(1));
            assertThrows(IllegalStateException.class, () -> r.poll(0));
        }
    }

    @Test
    void closeFromAnotherThreadEndsAWaitingPoll() throws Exception {
        try (ReaderFixture f = ReaderFixture.load(4096, 4096)) {
            PerfBufReader r = PerfBufReader.of(f.map("pb"), (c, d, o, l) -> { });
            java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
            Thread poller = new Thread(() -> {
                try {
                    while (true) outcome.set(r.poll(-1));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            poller.start();
            Thread.sleep(200);
            r.close();
            poller.join(5000);
            assertTrue(!poller.isAlive(), "poll(-1) still waiting after close");
            assertTrue(outcome.get() instanceof IllegalStateException, String.valueOf(outcome.get()));
        }
    }

    @Test
    void rejectsBadOptionsAndMaps() {
        try (ReaderFixture f = ReaderFixture.load(4096, 4096)) {
            PerfBufReader.Builder b = PerfBufReader.builder(f.map("pb"));
            assertEquals("perf buffer pages per CPU must be a power of two, not 3",
                    assertThrows(IllegalArgumentException.class, () -> b.pagesPerCpu(3)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> b.pagesPerCpu(0));
            int slots = f.map("pb").maxEntries();
            assertEquals("map 'pb' has " + slots + " slots: no CPU " + slots,
                    assertThrows(IllegalArgumentException.class, () -> b.cpus(List.of(slots)).open((c, d, o, l) -> { }))
                            .getMessage());
            assertEquals("map 'rb' is of type RINGBUF, not PERF_EVENT_ARRAY",
                    assertThrows(IllegalArgumentException.class, () -> PerfBufReader.of(f.map("rb"), (c, d, o, l) -> { }))
                            .getMessage());
        }
    }
}
