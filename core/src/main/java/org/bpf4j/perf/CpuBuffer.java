package org.bpf4j.perf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.bpf4j.sys.PerfRing.DATA_HEAD;
import static org.bpf4j.sys.PerfRing.DATA_TAIL;
import static org.bpf4j.sys.PerfRing.HDR_SIZE;
import static org.bpf4j.sys.PerfRing.HDR_TYPE;
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
 */
final class CpuBuffer {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    final int cpu;
    private final MemorySegment meta;
    private final MemorySegment data;
    private final long size;
    private final long mask;
    private final SampleHandler samples;
    private final LostHandler lostHandler;
    private MemorySegment scratch, scratchView;
    private long tail;
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
        final MemorySegment d = data;
        final SampleHandler h = samples;
        final long m = mask;
        long t = tail;
        final long limit = t + size;
        int count = 0;
        try {
            while (true) {
                long head = (long) LONG.getAcquire(meta, (long) DATA_HEAD);
                if (head - t <= 0) break;
                while (t < head) {
                    long off = t & m;
                    int type = d.get(JAVA_INT, off + HDR_TYPE);
                    int recSize = d.get(JAVA_SHORT, off + HDR_SIZE) & 0xffff;
                    if (recSize < HEADER_BYTES || recSize > head - t) throw corrupt(t, type, recSize);
                    MemorySegment rec = d;
                    long base = off;
                    if (off + recSize > size) {
                        rec = unwrap(off, recSize);
                        base = 0;
                    }
                    // advance first: a throwing handler still consumes its own record
                    t += recSize;
                    if (type == RECORD_SAMPLE) {
                        int len = rec.get(JAVA_INT, base + SAMPLE_RAW_SIZE);
                        if (len < 0 || SAMPLE_RAW_DATA + (long) len > recSize) throw corrupt(t - recSize, type, recSize);
                        count++;
                        h.onSample(cpu, rec, base + SAMPLE_RAW_DATA, len);
                    } else if (type == RECORD_LOST) {
                        long n = rec.get(JAVA_LONG, base + LOST_COUNT);
                        lost += n;
                        if (lostHandler != null) lostHandler.onLost(cpu, n);
                    }
                }
                publish(t);
                if (t - limit >= 0) break;
            }
        } finally {
            if (t != tail) publish(t);
        }
        return count;
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
