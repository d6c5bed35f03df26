package org.bpf4j.ringbuf;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * Receives the records of a BPF ring buffer without copying them.
 *
 * <p>{@code data} is the ring's whole data area, read-only; the record is the {@code length}
 * bytes at {@code offset}. The kernel maps the data area twice in a row, so a record is contiguous
 * even where it runs past the end of the ring. The bytes are valid only during the call: once the
 * reader moves past a record the kernel may overwrite it, so copy what you keep. The same
 * {@code data} segment is passed for every record of a ring, so a handler allocates nothing unless
 * it wants to.
 *
 * <p>An exception thrown by the handler stops {@link RingBufReader#poll} (or
 * {@link RingBufReader#consume}), which rethrows it; the record counts as consumed and the next
 * poll continues with the record after it.
 */
@FunctionalInterface
public interface RecordHandler {
    /**
     * Receives one record; see the interface comment for the lifetime of {@code data}.
     *
     * @param data the ring's whole data area, read-only
     * @param offset the record's byte offset in {@code data}
     * @param length the record's length in bytes
     */
    void onRecord(MemorySegment data, long offset, int length);

    /**
     * A handler that gets each record as its own segment (a slice of the data area).
     *
     * @param consumer receives each record; the segment is valid only during the call
     * @return the handler
     */
    static RecordHandler ofSegments(Consumer<? super MemorySegment> consumer) {
        return (data, offset, length) -> consumer.accept(data.asSlice(offset, length));
    }
}
