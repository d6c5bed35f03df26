package org.bpf4j.perf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.bpf4j.sys.PerfRing.DATA_HEAD;
import static org.bpf4j.sys.PerfRing.DATA_TAIL;
import static org.bpf4j.sys.PerfRing.HDR_SIZE;
import static org.bpf4j.sys.PerfRing.HEADER_BYTES;
import static org.bpf4j.sys.PerfRing.LOST_COUNT;
import static org.bpf4j.sys.PerfRing.RECORD_LOST;
import static org.bpf4j.sys.PerfRing.RECORD_SAMPLE;
import static org.bpf4j.sys.PerfRing.SAMPLE_RAW_DATA;
import static org.bpf4j.sys.PerfRing.SAMPLE_RAW_SIZE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import org.bpf4j.BpfException;

/**
 * The consumer side of one CPU's perf event ring: acquire-load {@code data_head}, walk the records
 * from our tail, copy a record that wraps around the end of the data area into a scratch segment,
 * and publish the new {@code data_tail} with a release store before returning (also when a
 * handler throws).
 *
 * <p>The loop reads record headers at absolute addresses through one constant all-of-memory
 * segment, so that no per-access bounds or liveness check of the mapping is re-evaluated per
 * record (a handler's release store would otherwise force the JIT to reload them every time).
 * That is safe because the owning reader unmaps the ring only under the lock that
 * {@code poll}/{@code consume} hold; handlers get the arena-bound, read-only segment, which fails
 * cleanly when used after close.
 */
final class CpuBuffer {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle SHORT = JAVA_SHORT_UNALIGNED.varHandle();
    private static final VarHandle INT = JAVA_INT_UNALIGNED.varHandle();
    /** All of memory: the loop reads headers at absolute addresses, without per-access checks. */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    /** Bytes of records one {@link #scan} call walks at most. */
    private static final long SCAN_BYTES = 16 * 1024;
    /**
     * Bytes of records one {@link #scan} call walks at most during the first {@link #WARM_CALLS}
     * calls in this JVM: the JIT compiles a method after enough calls (or after tens of thousands
     * of loop iterations in one call), and the interpreter takes about a microsecond per record
     * here, so short chunks at first move scan out of the interpreter after a few thousand records
     * instead of some 60,000.
     */
    private static final long WARM_BYTES = 256;
    private static final int WARM_CALLS = 4096;
    /** scan calls so far, up to {@link #WARM_CALLS} (all buffers, updated racily: a heuristic). */
    private static int warmCalls;
    /** Bytes at the end of the data area that {@link #scan} leaves to {@link #slow}. */
    private static final long SCAN_MARGIN = 16;

    final int cpu;
    private final MemorySegment meta;
    private final MemorySegment data;
    private final long size;
    private final long mask;
    /** Address of {@link #data}, for the loop's absolute reads. */
    private final long dataAddress;
    private final SampleHandler samples;
    private final LostHandler lostHandler;
    private MemorySegment scratch, scratchView;
    private long tail;
    /**
     * Records may be left that no wake-up will announce: the last {@link #process} stopped
     * early (a handler threw, or it did a whole lap).
     */
    boolean pending;
    /** Where the last {@link #scan} stopped. */
    private long cursor;
    long lost;

    /**
     * @param meta the {@code perf_event_mmap_page} (writable: {@code data_tail} is ours)
     * @param data the data area, a power of two in size
     */
    CpuBuffer(int cpu, MemorySegment meta, MemorySegment data, SampleHandler samples, LostHandler lostHandler) {
        long size = data.byteSize();
        if (Long.bitCount(size) != 1) throw new IllegalArgumentException("perf buffer of " + size + " bytes is not a power of two");
        this.cpu = cpu;
        this.meta = meta;
        this.data = data.isReadOnly() ? data : data.asReadOnly();
        this.size = size;
        this.mask = size - 1;
        this.dataAddress = this.data.address();
        this.samples = samples;
        this.lostHandler = lostHandler;
        this.tail = meta.get(JAVA_LONG, DATA_TAIL);
    }

    /** Bytes written by the kernel and not yet consumed. */
    long available() {
        return (long) LONG.getAcquire(meta, (long) DATA_HEAD) - tail;
    }

    /** Hands out the records present, up to one lap of the buffer per call; returns the sample count. */
    int process() {
        long t = tail;
        final long limit = t + size;
        int count = 0;
        boolean caughtUp = false;
        try {
            while (true) {
                long head = (long) LONG.getAcquire(meta, (long) DATA_HEAD);
                if (head - t <= 0) {
                    caughtUp = true;
                    break;
                }
                while (t - head < 0) {
                    // scan's bound: records must end by head, by the chunk's end, and 16 bytes
                    // before the end of the data area (so that its header reads, 12 bytes at the
                    // next record's start, never leave the mapping)
                    long off = t & mask;
                    long chunk = SCAN_BYTES;
                    if (warmCalls < WARM_CALLS) {
                        warmCalls++;
                        chunk = WARM_BYTES;
                    }
                    long room = Math.min(Math.min(head - t, chunk), size - SCAN_MARGIN - off);
                    long start = t;
                    try {
                        if (room > 0) count += scan(t, dataAddress + off, dataAddress + off + room);
                        else cursor = t;
                        t = cursor;
                        // no progress: a record scan leaves to slow() (a wrap-around, one in the
                        // area's last bytes, a lost-samples record, a bad size, one longer than
                        // a chunk)
                        if (t == start) count += slow(t);
                    } finally {
                        t = cursor;
                    }
                }
                publish(t);
                if (t - limit >= 0) break;
            }
        } finally {
            if (t != tail) publish(t);
            pending = !caughtUp;
        }
        return count;
    }

    /**
     * The hot loop: hands out the samples from absolute address {@code p} (stream position
     * {@code t}) that end by address {@code lim}, and stops at the first record that does not
     * (the end of the chunk, or one for {@link #slow}: not a sample, a bad size). Leaves the
     * position reached in {@link #cursor}, also when a handler throws (then past the handler's
     * record).
     *
     * <p>A method of its own with no call but the handler's, called per {@link #SCAN_BYTES} at
     * most: the JIT compiles it early and whole (not as an on-stack replacement of a long-running
     * loop) and keeps its few live values in registers. The loop-carried path is only "load the
     * 16-bit size, add it to the address" (no masking: {@code lim} lies before the end of the data
     * area). Every reason to stop is folded into one sign test, so the branch that ends each
     * chunk is also the one that meets the first wrap-around or lost record: the JIT has seen it
     * taken and does not compile it as a trap (a trap there cost a deoptimization and a
     * recompilation the first time a record wrapped around).
     */
    private int scan(long t, long p, long lim) {
        final MemorySegment d = data;
        final long base = dataAddress, p0 = p;
        final int c = cpu;
        final SampleHandler h = samples;
        int count = 0;
        while (true) {
            // struct perf_event_header, little-endian: u32 type, u16 misc, u16 size; then the raw
            // sample's u32 size. p + 12 <= lim + 12 < end of the data area.
            long recSize = (short) SHORT.get(ALL, p + HDR_SIZE) & 0xFFFFL;
            long type = (int) INT.get(ALL, p) & 0xFFFF_FFFFL;
            long len = (int) INT.get(ALL, p + SAMPLE_RAW_SIZE) & 0xFFFF_FFFFL;
            long q = p + recSize;
            // negative when the record ends past lim, is not a sample, or its raw size does not
            // fit (which includes a record shorter than a sample header)
            if (((lim - q) | (recSize - SAMPLE_RAW_DATA - len) | -(type ^ RECORD_SAMPLE)) < 0) break;
            count++;
            try {
                h.onSample(c, d, p - base + SAMPLE_RAW_DATA, (int) len);
            } catch (Throwable e) {
                cursor = t + (q - p0); // a throwing handler still consumes its own record
                throw e;
            }
            p = q;
        }
        cursor = t + (p - p0);
        return count;
    }

    /**
     * Handles the record at {@code t} that {@link #scan} stopped at: one that wraps around the end
     * of the data area (copied out first), a lost-samples record, another type (skipped), or a
     * bad one (an exception). Leaves the position after it in {@link #cursor}; returns 1 for a
     * sample, 0 otherwise.
     */
    private int slow(long t) {
        long off = t & mask;
        long hdr = data.get(JAVA_LONG, off);
        int recSize = (int) (hdr >>> 48);
        int type = (int) hdr;
        if (recSize < HEADER_BYTES) throw corrupt(t, type, recSize);
        MemorySegment rec = data;
        long at = off;
        if (off + recSize > size) {
            rec = unwrap(off, recSize);
            at = 0;
        }
        cursor = t + recSize;
        return dispatch(type, rec, at, recSize, t);
    }

    /** Handles one record at {@code base} of {@code rec}; returns 1 for a sample, 0 otherwise. */
    private int dispatch(int type, MemorySegment rec, long base, int recSize, long pos) {
        if (type == RECORD_SAMPLE) {
            int len = rec.get(JAVA_INT, base + SAMPLE_RAW_SIZE);
            if (len < 0 || len > recSize - SAMPLE_RAW_DATA) throw corrupt(pos, type, recSize);
            samples.onSample(cpu, rec, base + SAMPLE_RAW_DATA, len);
            return 1;
        }
        if (type == RECORD_LOST) lost(rec.get(JAVA_LONG, base + LOST_COUNT));
        return 0;
    }

    private void lost(long n) {
        lost += n;
        if (lostHandler != null) lostHandler.onLost(cpu, n);
    }

    /** Copies a record that runs past the end of the data area into the scratch segment. */
    private MemorySegment unwrap(long off, int recSize) {
        MemorySegment s = scratch;
        if (s == null || s.byteSize() < recSize) {
            s = Arena.ofAuto().allocate(Math.max(recSize, 256), 8);
            scratch = s;
            scratchView = s.asReadOnly();
        }
        long first = size - off;
        MemorySegment.copy(data, off, s, 0, first);
        MemorySegment.copy(data, 0, s, first, recSize - first);
        return scratchView;
    }

    private BpfException corrupt(long pos, int type, int recSize) {
        return new BpfException("perf buffer of CPU " + cpu + ": bad record (type " + type + ", size " + recSize
                + ") at position " + pos);
    }

    private void publish(long t) {
        tail = t;
        LONG.setRelease(meta, (long) DATA_TAIL, t);
    }
}
