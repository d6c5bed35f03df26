package org.bpf4j.bench;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.bpf4j.bench.BufBench.die;
import static org.bpf4j.bench.BufBench.note;
import static org.bpf4j.bench.BufBench.result;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.bpf4j.BpfMap;
import org.bpf4j.BpfObject;
import org.bpf4j.BpfProgram;
import org.bpf4j.ObjectSpec;
import org.bpf4j.perf.PerfBufReader;
import org.bpf4j.perf.SampleHandler;
import org.bpf4j.sys.Os;

/**
 * The bpf4j side of bench/c/perfbuf_bench.c (bench/README.md, "perfbuf"): the same raw_tp producer
 * run with BPF_PROG_TEST_RUN, the same protocol, with {@link PerfBufReader} as the reader
 * (libbpf's defaults: one BPF_OUTPUT event per CPU, sample_period 1, wakeup_events 1).
 *
 * <pre>perfbuf OBJ [--size 8|256] [--records N] [--pages PER_CPU] [--batch N] [--window PERCENT]
 *         [--repeat N] [--burst | --drain]</pre>
 */
final class PerfbufBench {
    private PerfbufBench() {}

    static final int MAX_CPUS = 1024;

    static final class Counter implements SampleHandler, BufBench.Counting {
        private static final VarHandle CONSUMED;

        static {
            try {
                CONSUMED = MethodHandles.lookup().findVarHandle(Counter.class, "consumed", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final int size;
        final long[] nextSeq = new long[MAX_CPUS];
        long seqErrors;
        long lost;
        @SuppressWarnings("unused") // through CONSUMED
        private long consumed;

        Counter(int size) {
            this.size = size;
        }

        @Override
        public void onSample(int cpu, MemorySegment data, long offset, int length) {
            long v = data.get(JAVA_LONG_UNALIGNED, offset);
            // perf pads raw samples so that size field + data is a multiple of 8 bytes
            if (length < size || length >= size + 8 || cpu < 0 || cpu >= MAX_CPUS
                    || Long.compareUnsigned(v, nextSeq[cpu]) < 0) {
                seqErrors++;
            } else {
                nextSeq[cpu] = v + 1;
            }
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
            Arrays.fill(nextSeq, 0);
            CONSUMED.setRelease(this, 0L);
        }
    }

    static final class Producer {
        final BpfProgram prog;
        final MemorySegment ctx = Arena.ofAuto().allocate(24, 8);

        Producer(BpfProgram prog) {
            this.prog = prog;
        }

        long run(long count, long seq, int size) {
            ctx.set(JAVA_LONG, 0, count);
            ctx.set(JAVA_LONG, 8, seq);
            ctx.set(JAVA_LONG, 16, size);
            int r = prog.testRun(ctx, null, 0).retval();
            if (r < 0) throw die("producer returned %d", r);
            return r;
        }
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length < 1) {
            throw die("usage: perfbuf OBJ [--size 8|256] [--records N] [--pages PER_CPU] [--batch N] "
                    + "[--window PERCENT] [--repeat N] [--burst | --drain]");
        }
        long size = 8, records = 20_000_000, pages = 4096, batch = 0, window = 50;
        boolean burst = false, drain = false;
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
                case "--pages" -> pages = BufBench.arg(v);
                case "--batch" -> batch = BufBench.arg(v);
                case "--window" -> window = BufBench.arg(v);
                case "--repeat" -> repeat = (int) BufBench.arg(v);
                default -> throw die("unknown option %s", a);
            }
        }
        if (size != 8 && size != 256) throw die("--size must be 8 or 256");
        if (repeat < 1) throw die("--repeat must be at least 1");
        long footprint = (size + 12 + 7) & ~7L;
        long capacity = pages * Os.pageSize() / footprint;
        long limit = capacity * window / 100;
        if (batch == 0) batch = limit / 4;
        if (batch < 1 || batch > (1 << 23)) throw die("batch %d out of range 1..1<<23", batch);

        try (BpfObject o = ObjectSpec.read(Path.of(obj)).load()) {
            Counter counter = new Counter((int) size);
            Producer producer = new Producer(o.program("produce"));
            BpfMap drops = o.map("drops");
            try (PerfBufReader reader = PerfBufReader.builder(o.map("pb")).pagesPerCpu((int) pages)
                    .onLost((cpu, n) -> counter.lost += n).open(counter)) {
                if (drain) {
                    int recordSize = (int) size;
                    BufBench.drain("perfbuf-" + size + "-drain", reader::consume, counter,
                            (n, first) -> producer.run(n, first, recordSize), records, capacity,
                            produced -> String.format(Locale.ROOT, "perfbuf-%d-drain: records=%d in rounds of %d (one CPU "
                                    + "buffer's capacity); drops while filling: %d, lost: %d; java %s", recordSize,
                                    produced, capacity - 1, BufBench.readDrops(drops), counter.lost,
                                    System.getProperty("java.vm.version")));
                    return;
                }
                String bench = "perfbuf-" + size + (burst ? "-burst" : "");
                double[] rate = new double[repeat], cpu = new double[repeat], elapsed = new double[repeat];
                long totalDrops = 0, got = 0;
                int recordSize = (int) size;
                for (int r = 0; r < repeat; r++) {
                    BufBench.Paced p = BufBench.paced("perfbuf-reader", reader::poll, counter,
                            (n, first) -> producer.run(n, first, recordSize), () -> BufBench.readDrops(drops), records, batch,
                            limit, burst);
                    note("%s run %d: %d records in %.1f ms (%.0f/s), drops %d, producer busy %.1f ms, producer waits %d",
                            bench, r + 1, p.consumed(), p.elapsedMs(), p.eventsPerS(), p.drops(), p.producerMs(),
                            p.waits());
                    rate[r] = p.eventsPerS();
                    cpu[r] = p.cpuPerEvent();
                    elapsed[r] = p.elapsedMs();
                    totalDrops += p.drops();
                    got += p.consumed();
                }
                note("%s: records=%d x %d runs, pages_per_cpu=%d, batch=%d, window=%d%% (in-flight limit %d records); "
                        + "values are medians over the runs, drops, lost and consumed are totals; java %s",
                        bench, records, repeat, pages, batch, window, limit, System.getProperty("java.vm.version"));
                result(bench, "events_per_s", BufBench.median(rate), "events/s");
                result(bench, "consumed", got, "events");
                result(bench, "drops", totalDrops, "events");
                result(bench, "lost", counter.lost, "events");
                result(bench, "elapsed", BufBench.median(elapsed), "ms");
                result(bench, "consumer_cpu_per_event", BufBench.median(cpu), "ns");
                result(bench, "idle_cpu", BufBench.idleCpuMs("perfbuf-idle", reader::poll), "ms");
            }
        }
    }
}
