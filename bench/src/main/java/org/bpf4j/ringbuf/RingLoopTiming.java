package org.bpf4j.ringbuf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Timing harness for the ring buffer read loop without a kernel (not a unit test: it asserts
 * nothing): a ring of SIZE bytes laid out in ordinary memory, full of RECORD-byte records holding
 * their number, drained again and again by {@link Ring#process} with a handler that does what the
 * benchmark's does (sequence check, release store of a counter). Prints ns per record as result
 * lines (bench/README.md); in this package for {@link Ring}'s package-private loop:
 *
 * <pre>
 * bench/bpf4j-bench ring-loop [RECORD [SIZE [ROUNDS]]]
 * </pre>
 */
public final class RingLoopTiming {
    static final class Counter implements RecordHandler {
        static final VarHandle CONSUMED;

        static {
            try {
                CONSUMED = MethodHandles.lookup().findVarHandle(Counter.class, "consumed", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final int size;
        long next, errors;
        long consumed;

        Counter(int size) {
            this.size = size;
        }

        @Override
        public void onRecord(MemorySegment data, long offset, int length) {
            long v = data.get(JAVA_LONG, offset);
            if (length != size || v < next) errors++;
            next = v + 1;
            CONSUMED.setRelease(this, (long) CONSUMED.getOpaque(this) + 1);
        }
    }

    public static void main(String[] args) {
        int record = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 16 << 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        int footprint = (record + 8 + 7) & ~7;
        int n = size / footprint - 1;
        Arena arena = switch (System.getProperty("arena", "shared")) {
            case "global" -> Arena.global();
            case "auto" -> Arena.ofAuto();
            case "confined" -> Arena.ofConfined();
            default -> Arena.ofShared();
        };
        MemorySegment cons = arena.allocate(4096, 4096), prod = arena.allocate(4096, 4096);
        MemorySegment data = arena.allocate(2L * size, 4096);
        Counter c = new Counter(record);
        Ring ring = new Ring("timing", cons, prod, data.asReadOnly(), size, c);
        long pos = 0;
        double[] ns = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long start = pos;
            for (int i = 0; i < n; i++) {
                long off = pos % size;
                data.set(JAVA_INT, off, record);
                data.set(JAVA_LONG, off + 8, c.next + i);
                data.set(JAVA_INT, (off + size) % (2L * size), record);
                pos += footprint;
            }
            prod.set(JAVA_LONG, 0, pos);
            long t0 = System.nanoTime();
            long got = 0;
            while (ring.available() > 0) got += ring.process();
            long dt = System.nanoTime() - t0;
            ns[r] = (double) dt / got;
            if (got != n || c.errors != 0) throw new AssertionError("got " + got + " of " + n + ", errors " + c.errors);
            if (ring.consumerPosition() != pos || start + (long) n * footprint != pos) throw new AssertionError();
        }
        double[] s = ns.clone();
        Arrays.sort(s);
        System.out.printf("# ring-loop: record %d bytes, ring %d: %d records per round, %d rounds (last %s)%n",
                record, size, n, rounds, Arrays.toString(Arrays.copyOfRange(ns, rounds - 5, rounds)));
        System.out.printf("ring-loop-%d\tbpf4j\tns_per_record_median\t%.3f\tns%n", record, s[rounds / 2]);
        System.out.printf("ring-loop-%d\tbpf4j\tns_per_record_min\t%.3f\tns%n", record, s[0]);
    }
}
