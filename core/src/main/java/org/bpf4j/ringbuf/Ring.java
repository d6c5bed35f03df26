package org.bpf4j.ringbuf;

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
    /** All of memory: see {@link #scan}. */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    /** Bytes of records one {@link #scan} call walks at most. */
    private static final long SCAN_BYTES = 16 * 1024;
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
    /** Address of {@link #data}, for the loop's absolute reads. */
    private final long dataAddress;
    /** consumer_pos as this reader last published it. */
    private long cons;
    /** Where the last {@link #scan} stopped. */
    private long cursor;

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
        this.dataAddress = this.data.address();
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
        long c = cons;
        final long limit = c + size;
        int count = 0;
        try {
            while (true) {
                long prod = (long) LONG.getAcquire(producerPage, 0L);
                if (prod - c <= 0) break;
                long end = Math.min(prod, c + chunk);
                boolean stopped = false;
                while (c - end < 0) {
                    long stop = Math.min(end, c + SCAN_BYTES);
                    try {
                        count += scan(c, stop);
                    } finally {
                        c = cursor;
                    }
                    if (c - stop < 0) { // scan stopped at a record it does not hand out
                        int hdr = (int) INT.getAcquire(data, c & mask);
                        if (hdr < 0) { // busy: reserved, not committed yet
                            stopped = true;
                            break;
                        }
                        if (((hdr + HDR_SZ + 7) & FOOTPRINT_MASK) > size) throw corrupt(c, hdr);
                        // committed since scan looked: go on
                    }
                }
                if (c != cons) publish(c);
                if (stopped || c - limit >= 0) break;
            }
        } finally {
            if (c != cons) publish(c);
        }
        return count;
    }

    /**
     * The hot loop: hands out the committed records that start before {@code end}, skipping
     * discarded ones, and stops early at a busy record (or a length larger than the ring, which
     * {@link #process} reports). Leaves the position reached in {@link #cursor}, updated before
     * each handler call so that it is right when a handler throws. A small method of its own,
     * called per {@link #SCAN_BYTES} at most and with no call but the handler's: the JIT compiles
     * it early and whole (not as an on-stack replacement of a long-running loop, whose code
     * quality varied from run to run here), with its few live values in registers. Headers are
     * read at absolute addresses through a constant all-of-memory segment, so no bounds or
     * liveness check of the mapping is redone per record; the reader unmaps only under the lock
     * that its poll and consume hold.
     */
    private int scan(long c, long end) {
        final MemorySegment d = data;
        final long base = dataAddress, m = mask, sz = size;
        final RecordHandler h = handler;
        int count = 0;
        while (c < end) {
            long off = c & m;
            int hdr = (int) INT.getAcquire(ALL, base + off);
            // footprint: header + length rounded up to 8, the discard bit masked off (this is the
            // loop's critical path: the next header's address depends on this one)
            long footprint = (hdr + HDR_SZ + 7) & FOOTPRINT_MASK;
            if (hdr < 0 || footprint > sz) break; // busy (BUSY_BIT is the sign bit), or a bad length
            c += footprint;
            if ((hdr & DISCARD_BIT) == 0) {
                cursor = c; // a throwing handler still consumes its own record
                count++;
                h.onRecord(d, off + HDR_SZ, hdr);
            }
        }
        cursor = c;
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
