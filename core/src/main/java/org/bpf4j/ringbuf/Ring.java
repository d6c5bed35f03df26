package org.bpf4j.ringbuf;

import static org.bpf4j.sys.BpfRingbuf.BUSY_BIT;
import static org.bpf4j.sys.BpfRingbuf.DISCARD_BIT;
import static org.bpf4j.sys.BpfRingbuf.HDR_SZ;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import org.bpf4j.BpfException;

/**
 * One ring buffer's consumer state and its read loop. The loop follows the kernel's protocol:
 * acquire-load {@code producer_pos}, acquire-load each record header (a record whose busy bit is
 * set is not committed yet: stop there), skip discarded records, hand the others to the handler,
 * and publish the new {@code consumer_pos} with a release store. The store is batched: once per
 * chunk of at most a quarter of the ring, not per record, and always before returning (also when
 * the handler throws), so the kernel's wake-up logic and {@code epoll} see the reader caught up.
 */
final class Ring {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    /** Bits of {@code len + 15} that make a footprint: below the discard bit, multiples of 8. */
    private static final int FOOTPRINT_MASK = (DISCARD_BIT - 1) & ~7;

    final String name;
    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    /** The data area twice (read-only): what handlers see. */
    private final MemorySegment data;
    private final RecordHandler handler;
    private final long size;
    private final long mask;
    private final long chunk;
    /** consumer_pos as this reader last published it. */
    private long cons;

    /**
     * @param consumerPage at least 8 bytes, {@code consumer_pos} at offset 0, writable
     * @param producerPage at least 8 bytes, {@code producer_pos} at offset 0
     * @param data         {@code 2 * size} bytes: the data area mapped twice
     * @param size         the ring's data size, a power of two
     */
    Ring(String name, MemorySegment consumerPage, MemorySegment producerPage, MemorySegment data, long size,
         RecordHandler handler) {
        if (Long.bitCount(size) != 1) throw new IllegalArgumentException(name + ": ring size " + size + " is not a power of two");
        if (data.byteSize() < 2 * size) throw new IllegalArgumentException(name + ": data area smaller than twice the ring");
        this.name = name;
        this.consumerPage = consumerPage;
        this.producerPage = producerPage;
        this.data = data.isReadOnly() ? data : data.asReadOnly();
        this.size = size;
        this.mask = size - 1;
        this.chunk = Math.max(size / 4, HDR_SZ);
        this.handler = handler;
        this.cons = (long) LONG.getAcquire(consumerPage, 0L);
    }

    /** Bytes committed or reserved but not yet consumed. */
    long available() {
        return (long) LONG.getAcquire(producerPage, 0L) - cons;
    }

    long consumerPosition() {
        return cons;
    }

    /**
     * Hands every committed record to the handler, up to one lap of the ring per call (so that a
     * producer faster than the handler cannot keep one call going forever); returns how many
     * records the handler got (discarded ones are skipped, not counted).
     */
    int process() {
        final MemorySegment d = data;
        final RecordHandler h = handler;
        final long m = mask;
        long c = cons;
        final long limit = c + size;
        int count = 0;
        try {
            while (true) {
                long prod = (long) LONG.getAcquire(producerPage, 0L);
                if (prod - c <= 0) break;
                long end = Math.min(prod, c + chunk);
                boolean busy = false;
                while (c < end) {
                    long off = c & m;
                    int hdr = (int) INT.getAcquire(d, off);
                    if (hdr < 0) { // BUSY_BIT: reserved, not committed yet
                        busy = true;
                        break;
                    }
                    // header + length rounded up to 8, the discard bit masked off: the footprint
                    // (kept short, it is the loop's critical path: next header address <- this one)
                    long footprint = (hdr + HDR_SZ + 7) & FOOTPRINT_MASK;
                    if (footprint > size) throw corrupt(c, hdr);
                    // advance first: a throwing handler still consumes its own record
                    c += footprint;
                    if ((hdr & DISCARD_BIT) == 0) {
                        count++;
                        h.onRecord(d, off + HDR_SZ, hdr);
                    }
                }
                if (c != cons) publish(c);
                if (busy || c - limit >= 0) break;
            }
        } finally {
            if (c != cons) publish(c);
        }
        return count;
    }

    private BpfException corrupt(long pos, int hdr) {
        return new BpfException("ring buffer '" + name + "': record header 0x" + Integer.toHexString(hdr)
                + " at position " + pos + " claims more than the ring's " + size + " bytes");
    }

    private void publish(long c) {
        cons = c;
        LONG.setRelease(consumerPage, 0L, c);
    }
}
