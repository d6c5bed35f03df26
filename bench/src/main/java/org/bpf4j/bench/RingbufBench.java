package org.bpf4j.bench;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.bpf4j.bench.BufBench.die;
import static org.bpf4j.bench.BufBench.note;
import static org.bpf4j.bench.BufBench.result;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Locale;
import org.bpf4j.BpfMap;
import org.bpf4j.BpfObject;
import org.bpf4j.BpfProgram;
import org.bpf4j.ObjectSpec;
import org.bpf4j.ringbuf.RecordHandler;
import org.bpf4j.ringbuf.RingBufReader;
import org.bpf4j.sys.BpfRingbuf;

/**
 * The bpf4j side of bench/c/ringbuf_bench.c (bench/README.md, "ringbuf"): the same producer object
 * and protocol, with {@link RingBufReader} as the reader.
 *
 * <pre>ringbuf OBJ [--size 8|256] [--records N] [--ring BYTES] [--batch N] [--window PERCENT]
 *         [--wakeup batch|adaptive] [--repeat N] [--burst | --drain]</pre>
 *
 * Besides the baseline's metrics it reports {@code idle_cpu} for paced runs: the reader thread's
 * CPU time during one second of polling an empty ring (it must sleep in epoll, not spin).
 */
final class RingbufBench {
    private RingbufBench() {}

    /** The reader's handler, as the C on_sample: sequence and length check, consumed count published per record. */
    static final class Counter implements RecordHandler, BufBench.Counting {
        private static final VarHandle CONSUMED;

        static {
            try {
                CONSUMED = MethodHandles.lookup().findVarHandle(Counter.class, "consumed", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final int size;
        long nextSeq;
        long seqErrors;
        @SuppressWarnings("unused") // through CONSUMED
        private long consumed;

        Counter(int size) {
            this.size = size;
        }

        @Override
        public void onRecord(MemorySegment data, long offset, int length) {
            long v = data.get(JAVA_LONG, offset);
            if (length != size || Long.compareUnsigned(v, nextSeq) < 0) seqErrors++;
            nextSeq = v + 1;
            CONSUMED.setRelease(this, (long) CONSUMED.getOpaque(this) + 1);
        }

        @Override
        public long consumed() {
            return (long) CONSUMED.getAcquire(this);
        }

        @Override
        public long seqErrors() {
            return seqErrors;
        }

        @Override
        public void reset() {
            nextSeq = 0;
            CONSUMED.setRelease(this, 0L);
        }
    }

    static final class Producer {
        final BpfProgram prog;
        final MemorySegment ctx = Arena.ofAuto().allocate(32, 8);

        Producer(BpfProgram prog) {
            this.prog = prog;
        }

        long run(long count, long seq, int size, int flags, int lastFlags) {
            ctx.set(JAVA_LONG, 0, count);
            ctx.set(JAVA_LONG, 8, seq);
            ctx.set(JAVA_INT, 16, size);
            ctx.set(JAVA_INT, 20, flags);
            ctx.set(JAVA_INT, 24, lastFlags);
            ctx.set(JAVA_INT, 28, 0);
            int r = prog.testRun(ctx, null, 0).retval();
            if (r < 0) throw die("producer returned %d", r);
            return r;
        }
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length < 1) {
            throw die("usage: ringbuf OBJ [--size 8|256] [--records N] [--ring BYTES] [--batch N] [--window PERCENT] "
                    + "[--wakeup batch|adaptive] [--repeat N] [--burst | --drain]");
        }
        long size = 8, records = 20_000_000, ring = 16 << 20, batch = 0, window = 50;
        boolean burst = false, adaptive = false, drain = false;
        int repeat = 3;
        String obj = argv[0];
        for (int i = 1; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("--burst")) { burst = true; continue; }
            if (a.equals("--drain")) { drain = true; continue; }
            if (i + 1 >= argv.length) throw die("missing value for %s", a);
            String v = argv[++i];
            switch (a) {
                case "--size" -> size = BufBench.arg(v);
                case "--records" -> records = BufBench.arg(v);
                case "--ring" -> ring = BufBench.arg(v);
                case "--batch" -> batch = BufBench.arg(v);
                case "--window" -> window = BufBench.arg(v);
                case "--repeat" -> repeat = (int) BufBench.arg(v);
                case "--wakeup" -> {
                    if (v.equals("adaptive")) adaptive = true;
                    else if (!v.equals("batch")) throw die("--wakeup batch|adaptive");
                }
                default -> throw die("unknown option %s", a);
            }
        }
        if (size != 8 && size != 256) throw die("--size must be 8 or 256");
        if (repeat < 1) throw die("--repeat must be at least 1");
        long footprint = (size + 8 + 7) & ~7L;
        long capacity = ring / footprint;
        long limit = capacity * window / 100;
        if (batch == 0) batch = limit / 4;
        if (batch < 1 || batch > (1 << 23)) throw die("batch %d out of range 1..1<<23", batch);
        if (!burst && batch > limit) throw die("batch %d larger than the in-flight limit %d", batch, limit);

        ObjectSpec spec = ObjectSpec.read(Path.of(obj));
        spec.map("rb").maxEntries((int) ring);
        try (BpfObject o = spec.load()) {
            Counter counter = new Counter((int) size);
            Producer producer = new Producer(o.program("produce"));
            BpfMap drops = o.map("drops");
            try (RingBufReader reader = RingBufReader.of(o.map("rb"), counter)) {
                if (drain) {
                    int recordSize = (int) size, noWakeup = (int) BpfRingbuf.RB_NO_WAKEUP;
                    BufBench.drain("ringbuf-" + size + "-drain", reader::consume, counter,
                            (n, first) -> producer.run(n, first, recordSize, noWakeup, noWakeup), records, capacity,
                            produced -> String.format(Locale.ROOT, "ringbuf-%d-drain: records=%d in rounds of %d (a full "
                                    + "ring); drops while filling: %d; java %s", recordSize, produced, capacity - 1,
                                    BufBench.readDrops(drops), System.getProperty("java.vm.version")));
                    return;
                }
                String bench = "ringbuf-" + size + (adaptive ? "-adaptive" : "") + (burst ? "-burst" : "");
                int flags = adaptive ? 0 : (int) BpfRingbuf.RB_NO_WAKEUP;
                int lastFlags = adaptive ? 0 : (int) BpfRingbuf.RB_FORCE_WAKEUP;
                double[] rate = new double[repeat], cpu = new double[repeat], elapsed = new double[repeat];
                long totalDrops = 0, got = 0;
                int recordSize = (int) size;
                for (int r = 0; r < repeat; r++) {
                    BufBench.Paced p = BufBench.paced("ringbuf-reader", reader::poll, counter,
                            (n, first) -> producer.run(n, first, recordSize, flags, lastFlags), () -> BufBench.readDrops(drops),
                            records, batch, limit, burst);
                    note("%s run %d: %d records in %.1f ms (%.0f/s), drops %d, producer busy %.1f ms, producer waits %d",
                            bench, r + 1, p.consumed(), p.elapsedMs(), p.eventsPerS(), p.drops(), p.producerMs(), p.waits());
                    rate[r] = p.eventsPerS();
                    cpu[r] = p.cpuPerEvent();
                    elapsed[r] = p.elapsedMs();
                    totalDrops += p.drops();
                    got += p.consumed();
                }
                note("%s: records=%d x %d runs, ring=%d, batch=%d, window=%d%% (in-flight limit %d records), wakeup=%s; "
                        + "values are medians over the runs, drops and consumed are totals; java %s",
                        bench, records, repeat, ring, batch, window, limit, adaptive ? "adaptive" : "batch",
                        System.getProperty("java.vm.version"));
                result(bench, "events_per_s", BufBench.median(rate), "events/s");
                result(bench, "consumed", got, "events");
                result(bench, "drops", totalDrops, "events");
                result(bench, "elapsed", BufBench.median(elapsed), "ms");
                result(bench, "consumer_cpu_per_event", BufBench.median(cpu), "ns");
                result(bench, "idle_cpu", BufBench.idleCpuMs("ringbuf-idle", reader::poll), "ms");
            }
        }
    }

}
