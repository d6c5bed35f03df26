package org.bpf4j.perf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import org.bpf4j.sys.PerfRing;

/**
 * Timing harness for the perf buffer read loop without a kernel (not a unit test: it asserts
 * nothing): one CPU's ring of SIZE bytes laid out in ordinary memory, full of raw samples of
 * RECORD bytes holding their number, drained again and again by {@link CpuBuffer#process} with a
 * handler like the benchmark's. Prints ns per record as result lines (bench/README.md); in this
 * package for {@link CpuBuffer}'s package-private loop:
 *
 * <pre>
 * bench/bpf4j-bench perf-loop [RECORD [SIZE [ROUNDS]]]
 * </pre>
 *
 * {@code -Dplain=true}: the handler counts with a plain store instead of a release store;
 * {@code -Dbench=true}: the handler checks exactly what bench/'s does.
 */
public final class PerfLoopTiming {
    static final boolean PLAIN = Boolean.getBoolean("plain");
    static final boolean BENCH = Boolean.getBoolean("bench");

    static final class Counter implements SampleHandler {
        static final VarHandle CONSUMED;

        static {
            try {
                CONSUMED = MethodHandles.lookup().findVarHandle(Counter.class, "consumed", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final int size;
        final long[] next = new long[64];
        long errors;
        long consumed;

        Counter(int size) {
            this.size = size;
        }

        @Override
        public void onSample(int cpu, MemorySegment data, long offset, int length) {
            long v = data.get(JAVA_LONG_UNALIGNED, offset);
            if (BENCH) {
                if (length < size || length >= size + 8 || cpu < 0 || cpu >= 64
                        || Long.compareUnsigned(v, next[cpu]) < 0) errors++;
                else next[cpu] = v + 1;
            } else if (length < size || length >= size + 8 || v < next[cpu]) errors++;
            else next[cpu] = v + 1;
            if (PLAIN) consumed++; else CONSUMED.setRelease(this, (long) CONSUMED.getOpaque(this) + 1);
        }
    }

    public static void main(String[] args) {
        int record = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 16 << 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        int raw = ((record + 4 + 7) & ~7) - 4;
        int footprint = 8 + 4 + raw;
        int n = size / footprint - 1;
        Arena arena = Arena.ofShared();
        MemorySegment meta = arena.allocate(4096, 4096);
        MemorySegment data = arena.allocate(size, 4096);
        Counter c = new Counter(record);
        CpuBuffer buf = new CpuBuffer(3, meta, data, c, null);
        long pos = 0;
        double[] ns = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < n; i++) {
                long off = pos % size;
                if (off + footprint > size) throw new AssertionError("the harness does not wrap records");
                data.set(JAVA_INT, off, PerfRing.RECORD_SAMPLE);
                data.set(JAVA_SHORT, off + 6, (short) footprint);
                data.set(JAVA_INT, off + 8, raw);
                data.set(JAVA_LONG_UNALIGNED, off + 12, c.next[3] + i);
                pos += footprint;
                if ((pos % size) + footprint > size) {
                    // pad to the end with a record type the reader skips
                    long o = pos % size;
                    data.set(JAVA_INT, o, 0);
                    data.set(JAVA_SHORT, o + 6, (short) (size - o));
                    pos += size - o;
                }
            }
            meta.set(JAVA_LONG, PerfRing.DATA_HEAD, pos);
            long t0 = System.nanoTime();
            long got = 0;
            while (buf.available() > 0) got += buf.process();
            long dt = System.nanoTime() - t0;
            ns[r] = (double) dt / got;
            if (got != n || c.errors != 0) throw new AssertionError("got " + got + " of " + n + ", errors " + c.errors);
        }
        double[] s = ns.clone();
        Arrays.sort(s);
        System.out.printf("# perf-loop: record %d bytes, buffer %d: %d records per round, %d rounds%n", record, size, n, rounds);
        System.out.printf("perf-loop-%d\tbpf4j\tns_per_record_median\t%.3f\tns%n", record, s[rounds / 2]);
        System.out.printf("perf-loop-%d\tbpf4j\tns_per_record_min\t%.3f\tns%n", record, s[0]);
    }
}
