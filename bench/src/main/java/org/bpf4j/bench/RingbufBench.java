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
import org.bpf4j.BpfMap;
import org.bpf4j.BpfObject;
import org.bpf4j.BpfProgram;
import org.bpf4j.ObjectSpec;
import org.bpf4j.map.Codecs;
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

    static final boolean VERBOSE = System.getenv("BPF4J_BENCH_VERBOSE") != null;

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
                    drain(reader, counter, producer, drops, (int) size, records, capacity);
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
                            (n, first) -> producer.run(n, first, recordSize, flags, lastFlags), () -> readDrops(drops),
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
                result(bench, "idle_cpu", idleCpuMs(reader), "ms");
            }
        }
    }


    static long readDrops(BpfMap drops) {
        Long v = drops.view(Codecs.U32, Codecs.U64).get(0);
        return v == null ? 0 : v;
    }


    /** Fill the whole ring, then time the reader emptying it with consume(); repeat until RECORDS were read. */
    static void drain(RingBufReader reader, Counter counter, Producer producer, BpfMap drops, int size, long records,
                      long capacity) {
        long produced = 0, committed = 0, busyNs = 0, cpuNs = 0;
        int maxRounds = (int) (records / (capacity - 1) + 2);
        double[] rate = new double[maxRounds];
        int rounds = 0;
        int noWakeup = (int) BpfRingbuf.RB_NO_WAKEUP;
        while (produced < records) {
            long fill = capacity - 1;
            while (fill > 0) {
                long n = Math.min(fill, 1 << 23);
                committed += producer.run(n, produced, size, noWakeup, noWakeup);
                produced += n;
                fill -= n;
            }
            long t0 = System.nanoTime(), c0 = BufBench.threadCpuNs(), before = counter.consumed();
            while (counter.consumed() < committed) reader.consume();
            long dt = System.nanoTime() - t0, n = counter.consumed() - before;
            busyNs += dt;
            cpuNs += BufBench.threadCpuNs() - c0;
            if (rounds < maxRounds) rate[rounds++] = n / (dt / 1e9);
        }
        long got = counter.consumed();
        if (got != committed || counter.seqErrors != 0) {
            throw die("drain: consumed %d, committed %d, sequence errors %d", got, committed, counter.seqErrors);
        }
        String bench = "ringbuf-" + size + "-drain";
        if (VERBOSE) note("%s: rates per round %s", bench, java.util.Arrays.toString(java.util.Arrays.copyOf(rate, rounds)));
        note("%s: records=%d in rounds of %d (a full ring); drops while filling: %d; java %s", bench, produced,
                capacity - 1, readDrops(drops), System.getProperty("java.vm.version"));
        result(bench, "events_per_s", BufBench.median(java.util.Arrays.copyOf(rate, rounds)), "events/s");
        result(bench, "events_per_s_overall", got / (busyNs / 1e9), "events/s");
        result(bench, "consumer_cpu_per_event", (double) cpuNs / got, "ns");
        result(bench, "consumed", got, "events");
    }

    /** CPU milliseconds a reader thread uses polling (100 ms timeouts) an empty ring for one second. */
    static double idleCpuMs(RingBufReader reader) throws InterruptedException {
        double[] ms = {0};
        Thread th = new Thread(() -> {
            long c0 = BufBench.threadCpuNs();
            long end = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < end) reader.poll(100);
            ms[0] = (BufBench.threadCpuNs() - c0) / 1e6;
        }, "ringbuf-idle");
        th.start();
        th.join();
        return ms[0];
    }
}
