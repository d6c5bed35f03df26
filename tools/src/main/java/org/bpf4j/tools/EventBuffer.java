package org.bpf4j.tools;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import org.bpf4j.BpfMap;
import org.bpf4j.MapSpec;
import org.bpf4j.MapType;
import org.bpf4j.features.Features;
import org.bpf4j.perf.PerfBufReader;
import org.bpf4j.ringbuf.RingBufReader;

/**
 * The user-space half of the tools' event buffer (src/main/bpf/buffer.h), as libbpf-tools'
 * bpf_buffer: a BPF ring buffer where the kernel has them, a perf buffer otherwise, behind one
 * handler. {@code -Dbpf4j.perfbuffer=true} keeps the perf buffer (the tests use it).
 */
final class EventBuffer implements AutoCloseable {
    /** One event: {@code length} bytes at {@code offset} of {@code data}. */
    interface Handler {
        void event(MemorySegment data, long offset, int length);
    }

    /** The ring's size: 256 KiB, as libbpf-tools' bpf_buffer. */
    static final int RING_BYTES = 256 * 1024;

    /**
     * Before loading: makes {@code events} a ring buffer when the kernel has them; returns
     * whether it did (the value of the program's {@code use_ringbuf}).
     */
    static boolean prepare(MapSpec events) {
        if (Boolean.getBoolean("bpf4j.perfbuffer") || !Features.mapType(MapType.RINGBUF)) return false;
        events.type(MapType.RINGBUF).keySize(0).valueSize(0).maxEntries(RING_BYTES);
        return true;
    }

    private final RingBufReader ring;
    private final PerfBufReader perf;

    private EventBuffer(RingBufReader ring, PerfBufReader perf) {
        this.ring = ring;
        this.perf = perf;
    }

    /** Reads {@code events} (loaded) through {@code handler}; a perf buffer's lost samples are reported on {@code err}. */
    static EventBuffer open(BpfMap events, Handler handler, PrintStream err) {
        if (events.type() == MapType.RINGBUF) {
            return new EventBuffer(RingBufReader.of(events, handler::event), null);
        }
        return new EventBuffer(null, PerfBufReader.builder(events)
                .onLost((cpu, n) -> err.println("Lost " + n + " events on CPU #" + cpu + "!"))
                .open((cpu, data, offset, length) -> handler.event(data, offset, length)));
    }

    /** Whether this is a ring buffer. */
    boolean ring() {
        return ring != null;
    }

    /** Waits up to {@code timeoutMs} for events and handles what came. */
    int poll(int timeoutMs) {
        return ring != null ? ring.poll(timeoutMs) : perf.poll(timeoutMs);
    }

    /** Handles what is there without waiting. */
    int consume() {
        return ring != null ? ring.consume() : perf.consume();
    }

    /**
     * An event tool's loop: prints what {@code lb} holds (the header), then the lines of the
     * events as they come until the session stops, then what is left in the buffer; reports
     * {@code outputErrors} (the program's count of events the buffer had no room for) on {@code err}.
     */
    void print(Session session, LineBuffer lb, PrintStream out, java.util.function.LongSupplier outputErrors, PrintStream err) {
        lb.flushTo(out);
        while (session.running()) {
            poll(100);
            lb.flushTo(out);
        }
        consume();
        lb.flushTo(out);
        long errors = outputErrors.getAsLong();
        if (errors != 0) err.println(errors + " events could not be written to the event buffer");
    }

    @Override
    public void close() {
        if (ring != null) ring.close();
        if (perf != null) perf.close();
    }
}
