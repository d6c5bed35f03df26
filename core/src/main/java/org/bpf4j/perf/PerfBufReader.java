package org.bpf4j.perf;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.ObjIntConsumer;
import org.bpf4j.BpfMap;
import org.bpf4j.MapType;
import org.bpf4j.map.RecordDecoder;
import org.bpf4j.sys.Cpus;
import org.bpf4j.sys.EpollSet;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Fd;
import org.bpf4j.sys.Os;
import org.bpf4j.sys.PerfEvent;

/**
 * Reads a {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY} the way BCC's {@code open_perf_buffer} and
 * libbpf's {@code perf_buffer} do: one {@code PERF_COUNT_SW_BPF_OUTPUT} perf event per CPU, each
 * with a memory-mapped ring of 2^n pages, stored in the map at its CPU's index (where
 * {@code bpf_perf_event_output(ctx, &map, BPF_F_CURRENT_CPU, ...)} looks), and one {@code epoll}
 * instance over all of them.
 *
 * <pre>{@code
 * try (PerfBufReader events = PerfBufReader.builder(obj.map("events"))
 *         .onLost((cpu, n) -> System.err.println("lost " + n + " samples on CPU " + cpu))
 *         .open((cpu, data, offset, length) -> ...)) {
 *     while (running) events.poll(100);
 * }
 * }</pre>
 *
 * <p>Poll from one thread (calls are serialized); {@link #close} may come from any thread and ends
 * a waiting poll at once. Closing removes the reader's events from the map, disables and closes
 * them and unmaps the rings; the map itself stays open.
 */
public final class PerfBufReader implements AutoCloseable {
    /** Pages per CPU when not set: 64 (256 KiB with 4 KiB pages), as libbpf-tools use. */
    public static final int DEFAULT_PAGES = 64;

    private final BpfMap map;
    private final Arena arena = Arena.ofShared();
    private final EpollSet epoll;
    private final Object lock = new Object();
    private final List<Fd> eventFds = new ArrayList<>();
    private CpuBuffer[] buffers = new CpuBuffer[0];
    private volatile boolean closing;
    private boolean closed;

    /** Options of a perf buffer reader; {@link #open} creates it. */
    public static final class Builder {
        private final BpfMap map;
        private int pages = DEFAULT_PAGES;
        private int wakeupEvents = 1;
        private int wakeupBytes;
        private List<Integer> cpus;
        private LostHandler lost;

        private Builder(BpfMap map) {
            this.map = Objects.requireNonNull(map, "map");
        }

        /**
         * Data pages per CPU: a power of two (default {@value #DEFAULT_PAGES}).
         *
         * @param pages the number of data pages; a power of two
         * @return this builder
         * @throws IllegalArgumentException if {@code pages} is not a power of two
         */
        public Builder pagesPerCpu(int pages) {
            if (pages <= 0 || Integer.bitCount(pages) != 1) {
                throw new IllegalArgumentException("perf buffer pages per CPU must be a power of two, not " + pages);
            }
            this.pages = pages;
            return this;
        }

        /**
         * Wake the reader after every {@code n}-th sample of a CPU (default 1: every sample).
         *
         * @param n the number of samples per wakeup; positive (replaces a watermark)
         * @return this builder
         */
        public Builder wakeupEvents(int n) {
            if (n < 1) throw new IllegalArgumentException("wakeup events must be at least 1, not " + n);
            this.wakeupEvents = n;
            this.wakeupBytes = 0;
            return this;
        }

        /**
         * Wake the reader once a CPU's buffer holds at least {@code bytes} bytes (perf's watermark).
         *
         * @param bytes the watermark in bytes; positive (replaces the sample count)
         * @return this builder
         */
        public Builder wakeupWatermark(int bytes) {
            if (bytes < 1) throw new IllegalArgumentException("wakeup watermark must be at least 1 byte, not " + bytes);
            this.wakeupBytes = bytes;
            this.wakeupEvents = 0;
            return this;
        }

        /**
         * The CPUs to read (default: every online CPU below the map's max_entries).
         *
         * @param cpus the CPU numbers, each below the map's max_entries
         * @return this builder
         */
        public Builder cpus(Collection<Integer> cpus) {
            this.cpus = List.copyOf(cpus);
            return this;
        }

        /**
         * Called with the number of samples a CPU lost (they are counted in {@link #lost()} anyway).
         *
         * @param handler receives the lost counts, on the polling thread
         * @return this builder
         */
        public Builder onLost(LostHandler handler) {
            this.lost = handler;
            return this;
        }

        /**
         * Opens the per-CPU events, maps their rings and stores them in the map.
         *
         * @param handler receives the samples, on the polling thread
         * @return the reader; the caller closes it, which does not close the map
         */
        public PerfBufReader open(SampleHandler handler) {
            return new PerfBufReader(this, Objects.requireNonNull(handler, "handler"));
        }

        /**
         * Opens the reader with samples decoded by {@code decoder} and given to {@code consumer} with their CPU.
         *
         * @param <T> the decoded type
         * @param decoder decodes each sample
         * @param consumer receives each value with its CPU number
         * @return the reader; the caller closes it, which does not close the map
         */
        public <T> PerfBufReader open(RecordDecoder<? extends T> decoder, ObjIntConsumer<? super T> consumer) {
            Objects.requireNonNull(decoder, "decoder");
            Objects.requireNonNull(consumer, "consumer");
            return open((cpu, data, offset, length) -> consumer.accept(decoder.decode(data, offset, length), cpu));
        }
    }

    /**
     * Options for a reader of {@code map}, a {@code PERF_EVENT_ARRAY}.
     *
     * @param map a {@code PERF_EVENT_ARRAY} map; it stays owned by the caller
     * @return a builder with the default options
     */
    public static Builder builder(BpfMap map) {
        return new Builder(map);
    }

    /**
     * A reader of {@code map} with the default options.
     *
     * @param map a {@code PERF_EVENT_ARRAY} map; it stays owned by the caller
     * @param handler receives the samples
     * @return the reader; the caller closes it
     */
    public static PerfBufReader of(BpfMap map, SampleHandler handler) {
        return builder(map).open(handler);
    }

    private PerfBufReader(Builder b, SampleHandler handler) {
        this.map = b.map;
        if (map.type() != MapType.PERF_EVENT_ARRAY) {
            throw new IllegalArgumentException("map '" + map.name() + "' is of type " + MapType.describe(map.typeCode())
                    + ", not PERF_EVENT_ARRAY");
        }
        int slots = map.maxEntries();
        List<Integer> cpus = b.cpus;
        if (cpus == null) {
            cpus = new ArrayList<>();
            for (int cpu : Cpus.online()) if (cpu < slots) cpus.add(cpu);
        } else {
            for (int cpu : cpus) {
                if (cpu < 0 || cpu >= slots) {
                    throw new IllegalArgumentException("map '" + map.name() + "' has " + slots + " slots: no CPU " + cpu);
                }
            }
        }
        if (cpus.isEmpty()) throw new IllegalArgumentException("map '" + map.name() + "': no CPU to read");
        epoll = new EpollSet();
        long page = Os.pageSize();
        long mmapLen = (b.pages + 1L) * page;
        List<CpuBuffer> bufs = new ArrayList<>();
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment key = tmp.allocate(JAVA_INT), value = tmp.allocate(JAVA_INT);
            for (int cpu : cpus) {
                String what = "perf buffer of map '" + map.name() + "' on CPU " + cpu;
                long flags = b.wakeupBytes > 0 ? PerfEvent.FLAG_WATERMARK : 0;
                int wakeup = b.wakeupBytes > 0 ? b.wakeupBytes : b.wakeupEvents;
                PerfEvent.Attr attr = new PerfEvent.Attr(PerfEvent.TYPE_SOFTWARE, PerfEvent.COUNT_SW_BPF_OUTPUT, 1,
                        PerfEvent.SAMPLE_RAW, flags, wakeup, 0, 0);
                Fd fd = PerfEvent.open(attr, -1, cpu, what);
                eventFds.add(fd);
                long addr = Errors.check(Os.mmapRaw(fd.value(), mmapLen, Os.PROT_READ | Os.PROT_WRITE, 0), "mmap", what);
                MemorySegment ring = MemorySegment.ofAddress(addr).reinterpret(mmapLen, arena,
                        s -> Os.munmapRaw(addr, mmapLen));
                Errors.check(Os.ioctlRaw(fd.value(), PerfEvent.IOC_ENABLE, 0), "ioctl(PERF_EVENT_IOC_ENABLE)", what);
                key.set(JAVA_INT, 0, cpu);
                value.set(JAVA_INT, 0, fd.value());
                map.update(key, value, 0);
                epoll.add(fd.value(), bufs.size());
                bufs.add(new CpuBuffer(cpu, ring.asSlice(0, page), ring.asSlice(page, b.pages * page), handler, b.lost));
            }
        } catch (RuntimeException e) {
            buffers = bufs.toArray(new CpuBuffer[0]);
            close();
            throw e;
        }
        buffers = bufs.toArray(new CpuBuffer[0]);
    }

    /**
     * The CPUs this reader reads, in the order of their buffers.
     *
     * @return a new list of the CPU numbers
     */
    public List<Integer> cpus() {
        List<Integer> out = new ArrayList<>(buffers.length);
        for (CpuBuffer b : buffers) out.add(b.cpu);
        return out;
    }

    /**
     * Samples the kernel reported lost so far (sum of the {@code PERF_RECORD_LOST} counts read).
     *
     * @return the number of lost samples
     */
    public long lost() {
        long n = 0;
        for (CpuBuffer b : buffers) n += b.lost;
        return n;
    }

    /**
     * Waits up to {@code timeoutMs} milliseconds (-1: no limit, 0: do not wait) for CPU buffers
     * that woke the reader ({@code epoll_wait}; see the builder's wakeup options), then hands out
     * their samples. {@link #consume} reads every buffer without waiting. Returns the number of samples handed out (0 on timeout or a signal). A handler's
     * exception stops the poll and is rethrown (see {@link SampleHandler}).
     *
     * @param timeoutMs the most milliseconds to wait; -1 for no limit, 0 for none
     * @return the number of samples handed out
     * @throws IllegalStateException if the reader is closed
     */
    public int poll(int timeoutMs) {
        synchronized (lock) {
            checkOpen();
            CpuBuffer[] bs = buffers;
            int n = 0;
            // a perf buffer is ready once per wake-up: what a poll left behind (a handler threw,
            // or a whole lap was read) is read first, without waiting
            boolean leftOver = false;
            for (CpuBuffer b : bs) {
                if (b.pending) {
                    leftOver = true;
                    n += b.process();
                }
            }
            if (leftOver) return n;
            int ready = epoll.wait(timeoutMs);
            for (int i = 0; i < ready; i++) {
                long cookie = epoll.cookie(i);
                if (cookie != EpollSet.WAKE) n += bs[(int) cookie].process();
            }
            return n;
        }
    }

    /**
     * Hands out every ready sample of every CPU without waiting; returns how many.
     *
     * @return the number of samples handed out
     * @throws IllegalStateException if the reader is closed
     */
    public int consume() {
        synchronized (lock) {
            checkOpen();
            int n = 0;
            for (CpuBuffer b : buffers) n += b.process();
            return n;
        }
    }

    private void checkOpen() {
        if (closing) throw new IllegalStateException("perf buffer reader is closed");
    }

    /**
     * The epoll file descriptor that becomes readable when a buffer wakes the reader.
     *
     * @return the epoll fd, owned by this reader (do not close it)
     */
    public int epollFd() {
        return epoll.fd();
    }

    /**
     * Removes the events from the map, disables and closes them, unmaps the rings. Idempotent.
     * Callable from another thread: a poll waiting in {@code epoll_wait} returns at once, and
     * later polls throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        closing = true;
        if (epoll != null) epoll.wakeup();
        synchronized (lock) {
            if (closed) return;
            closed = true;
            try (Arena tmp = Arena.ofConfined()) {
                MemorySegment key = tmp.allocate(JAVA_INT);
                for (CpuBuffer b : buffers) {
                    key.set(JAVA_INT, 0, b.cpu);
                    try {
                        map.delete(key);
                    } catch (RuntimeException ignored) {
                        // the map is already closed, or another reader replaced the entry
                    }
                }
            }
            for (Fd fd : eventFds) {
                if (fd.isOpen()) Os.ioctlRaw(fd.value(), PerfEvent.IOC_DISABLE, 0);
            }
            arena.close();
            for (Fd fd : eventFds) fd.close();
            if (epoll != null) epoll.close();
        }
    }
}
