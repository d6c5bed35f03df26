package org.bpf4j.ringbuf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import org.bpf4j.BpfMap;
import org.bpf4j.MapType;
import org.bpf4j.map.RecordDecoder;
import org.bpf4j.sys.BpfRingbuf;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.EpollSet;
import org.bpf4j.sys.Os;

/**
 * Reads records from one or more {@code BPF_MAP_TYPE_RINGBUF} maps, like libbpf's
 * {@code ring_buffer}: each ring is memory-mapped (its consumer page writable, its producer page
 * and data area read-only), one {@code epoll} instance waits for all of them, and records are
 * handed to the ring's {@link RecordHandler} straight out of the mapping, without a copy.
 *
 * <pre>{@code
 * try (BpfObject obj = ObjectSpec.read(path).load();
 *      RingBufReader reader = RingBufReader.of(obj.map("events"),
 *              (data, offset, length) -> System.out.println(data.get(ValueLayout.JAVA_INT, offset)))) {
 *     obj.attachAll();
 *     while (running) reader.poll(100);
 * }
 * }</pre>
 *
 * <p>{@link #poll} waits up to a timeout for data and returns how many records it handed out;
 * {@link #consume} does not wait. Neither spins: with nothing to read, {@code poll} sleeps in
 * {@code epoll_wait}. Poll from one thread (calls are serialized); {@link #close} may come from
 * any thread and ends a waiting poll at once. Closing the reader unmaps the rings; it does not
 * close the maps.
 */
public final class RingBufReader implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final EpollSet epoll;
    private final Object lock = new Object();
    private volatile Ring[] rings = new Ring[0];
    private volatile boolean closing;
    private boolean closed;

    /** An empty reader; {@link #add} rings to it. */
    public RingBufReader() {
        epoll = new EpollSet();
    }

    /**
     * A reader of one ring buffer.
     *
     * @param map a {@code RINGBUF} map; it stays owned by the caller
     * @param handler receives the records
     * @return the reader; the caller closes it
     * @throws IllegalArgumentException if the map is not a ring buffer
     */
    public static RingBufReader of(BpfMap map, RecordHandler handler) {
        RingBufReader r = new RingBufReader();
        try {
            return r.add(map, handler);
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /**
     * A reader of one ring buffer whose records {@code decoder} turns into values for {@code consumer}.
     *
     * @param <T> the decoded type
     * @param map a {@code RINGBUF} map; it stays owned by the caller
     * @param decoder decodes each record
     * @param consumer receives the values
     * @return the reader; the caller closes it
     */
    public static <T> RingBufReader of(BpfMap map, RecordDecoder<? extends T> decoder, Consumer<? super T> consumer) {
        return of(map, handler(decoder, consumer));
    }

    private static <T> RecordHandler handler(RecordDecoder<? extends T> decoder, Consumer<? super T> consumer) {
        Objects.requireNonNull(decoder, "decoder");
        Objects.requireNonNull(consumer, "consumer");
        return (data, offset, length) -> consumer.accept(decoder.decode(data, offset, length));
    }

    /**
     * Adds a ring buffer map (like libbpf's {@code ring_buffer__add}); its records go to
     * {@code handler}. Reading starts at the map's current consumer position.
     *
     * @param map a {@code RINGBUF} map; it stays owned by the caller
     * @param handler receives its records
     * @return this reader
     * @throws IllegalArgumentException if the map is not a ring buffer
     * @throws IllegalStateException if the reader is closed
     */
    public RingBufReader add(BpfMap map, RecordHandler handler) {
        Objects.requireNonNull(handler, "handler");
        synchronized (lock) {
            checkOpen();
            return addLocked(map, handler);
        }
    }

    private void checkOpen() {
        if (closing) throw new IllegalStateException("ring buffer reader is closed");
    }

    private RingBufReader addLocked(BpfMap map, RecordHandler handler) {
        if (map.type() != MapType.RINGBUF) {
            throw new IllegalArgumentException("map '" + map.name() + "' is of type " + MapType.describe(map.typeCode())
                    + ", not RINGBUF");
        }
        String what = "ring buffer map '" + map.name() + "'";
        long size = Integer.toUnsignedLong(map.maxEntries());
        long page = Os.pageSize();
        int fd = map.fd();
        long consAddr = Errors.check(Os.mmapRaw(fd, page, Os.PROT_READ | Os.PROT_WRITE,
                BpfRingbuf.CONSUMER_PAGE * page), "mmap", what + " (consumer page)");
        long prodLen = page + 2 * size;
        long prodAddr = Os.mmapRaw(fd, prodLen, Os.PROT_READ, BpfRingbuf.PRODUCER_PAGE * page);
        if (prodAddr < 0) {
            Os.munmapRaw(consAddr, page);
            Errors.check(prodAddr, "mmap", what + " (producer page and data)");
        }
        Ring[] rs = rings;
        try {
            epoll.add(fd, rs.length);
        } catch (RuntimeException e) {
            Os.munmapRaw(consAddr, page);
            Os.munmapRaw(prodAddr, prodLen);
            throw e;
        }
        MemorySegment cons = MemorySegment.ofAddress(consAddr).reinterpret(page, arena, s -> Os.munmapRaw(consAddr, page));
        MemorySegment prod = MemorySegment.ofAddress(prodAddr).reinterpret(prodLen, arena,
                s -> Os.munmapRaw(prodAddr, prodLen)).asReadOnly();
        Ring ring = new Ring(map.name(), cons, prod.asSlice(0, page), prod.asSlice(page, 2 * size), size, handler);
        Ring[] grown = Arrays.copyOf(rs, rs.length + 1);
        grown[rs.length] = ring;
        rings = grown;
        return this;
    }

    /**
     * Adds a ring buffer map whose records {@code decoder} turns into values for {@code consumer}.
     *
     * @param <T> the decoded type
     * @param map a {@code RINGBUF} map; it stays owned by the caller
     * @param decoder decodes each record
     * @param consumer receives the values
     * @return this reader
     */
    public <T> RingBufReader add(BpfMap map, RecordDecoder<? extends T> decoder, Consumer<? super T> consumer) {
        return add(map, handler(decoder, consumer));
    }

    /** Ring {@code i}, in the order of {@link #add}; for tests. */
    Ring ring(int i) {
        return rings[i];
    }

    /**
     * How many ring buffers this reader reads.
     *
     * @return the number of rings
     */
    public int ringCount() {
        return rings.length;
    }

    /**
     * Waits up to {@code timeoutMs} milliseconds (-1: no limit, 0: do not wait) for rings with
     * data ({@code epoll_wait}; a ring that has data is ready at once), then hands out their records.
     * Returns the number of records handed out (0 on timeout or when a signal interrupted the
     * wait). A handler's exception stops the poll and is rethrown (see {@link RecordHandler}).
     *
     * @param timeoutMs the most milliseconds to wait; -1 for no limit, 0 for none
     * @return the number of records handed out
     * @throws IllegalStateException if the reader is closed or has no ring
     */
    public int poll(int timeoutMs) {
        synchronized (lock) {
            checkOpen();
            Ring[] rs = rings;
            if (rs.length == 0) throw new IllegalStateException("ring buffer reader has no ring buffer to poll");
            // epoll first, as libbpf: a ring with data is ready at once (its readiness is level-
            // triggered), and a reader that re-read rings before waiting would chase a producer
            // in a batch (BPF_RB_NO_WAKEUP) record by record and slow it down (measured: 10%)
            int n = 0;
            int ready = epoll.wait(timeoutMs);
            for (int i = 0; i < ready; i++) {
                long cookie = epoll.cookie(i);
                if (cookie != EpollSet.WAKE) n += rs[(int) cookie].process();
            }
            return n;
        }
    }

    /**
     * Hands out every record that is ready in every ring, without waiting; returns how many.
     *
     * @return the number of records handed out
     * @throws IllegalStateException if the reader is closed
     */
    public int consume() {
        synchronized (lock) {
            checkOpen();
            int n = 0;
            for (Ring r : rings) n += r.process();
            return n;
        }
    }

    /**
     * The epoll file descriptor that becomes readable when a ring has data, for an outer event loop.
     *
     * @return the epoll fd, owned by this reader (do not close it)
     */
    public int epollFd() {
        return epoll.fd();
    }

    /**
     * Unmaps the rings and closes the epoll instance (the maps stay open). Idempotent. Callable
     * from another thread: a poll waiting in {@code epoll_wait} returns at once, and later polls
     * throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        closing = true;
        epoll.wakeup();
        synchronized (lock) {
            if (closed) return;
            closed = true;
            rings = new Ring[0];
            epoll.close();
            arena.close();
        }
    }
}
