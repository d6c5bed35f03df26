package org.bpf4j.bench;

import static org.bpf4j.bench.BufBench.die;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntUnaryOperator;
import org.bpf4j.BpfMap;
import org.bpf4j.BpfObject;
import org.bpf4j.ObjectSpec;
import org.bpf4j.perf.PerfBufReader;
import org.bpf4j.ringbuf.RecordHandler;
import org.bpf4j.ringbuf.RingBufReader;
import org.bpf4j.sys.Os;

/**
 * soak-overload: a reader under sustained overload. The producers of the ringbuf and perfbuf
 * benchmarks (bench/bpf/*_producer.bpf.o, BPF_PROG_TEST_RUN from a Java thread) run back to back
 * for {@code --seconds} into a small buffer, with no pacing and no wake-up throttling (ring buffer
 * flags 0; perf's wakeup_events 1), while the reader's handler spends {@code --work} ns per record,
 * so the producer emits faster than the reader consumes. At the end the reader drains what was
 * committed and the run checks consumed + dropped == produced exactly (dropped = the producer's
 * {@code drops} map; perf also reports PERF_RECORD_LOST counts). VmRSS is sampled every
 * {@code --sample} seconds (notes) and reported as first/last/max. Per thread (reader, producer)
 * it reports CPU time and voluntary/involuntary context switches from /proc/thread-self.
 *
 * <p>bench/run's soak-overload-busy runs the same with both CPUs saturated by two busy loops.
 *
 * <pre>soak-overload ringbuf|perfbuf OBJ [--seconds 600] [--size 8|256] [--ring BYTES] [--pages PER_CPU]
 *               [--batch N] [--work NS] [--sample SECONDS]</pre>
 */
final class SoakOverload {
    private SoakOverload() {}

    /** utime+stime (ns, from /proc/thread-self/stat), voluntary and involuntary context switches. */
    record ThreadStat(long cpuNs, long vcsw, long nvcsw) {
        static ThreadStat now() {
            try {
                String stat = Files.readString(Path.of("/proc/thread-self/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14, 15
                long v = SoakCycles.statusField("/proc/thread-self/status", "voluntary_ctxt_switches:");
                long nv = SoakCycles.statusField("/proc/thread-self/status", "nonvoluntary_ctxt_switches:");
                return new ThreadStat(ticks * 10_000_000L, v, nv);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        ThreadStat minus(ThreadStat o) {
            return new ThreadStat(cpuNs - o.cpuNs, vcsw - o.vcsw, nvcsw - o.nvcsw);
        }
    }

    /** Sequence check as the benchmarks' handlers, plus {@code work} ns of busy time per record. */
    static final class SlowCounter implements RecordHandler, org.bpf4j.perf.SampleHandler {
        final int size;
        final long workNs;
        final long[] nextSeq = new long[PerfbufBench.MAX_CPUS];
        volatile long consumed;
        long seqErrors, lost, sink;

        SlowCounter(int size, long workNs) {
            this.size = size;
            this.workNs = workNs;
        }

        private void work() {
            if (workNs <= 0) return;
            long end = System.nanoTime() + workNs;
            while (System.nanoTime() < end) sink++;
        }

        @Override
        public void onRecord(MemorySegment data, long offset, int length) {
            long v = data.get(java.lang.foreign.ValueLayout.JAVA_LONG, offset);
            if (length != size || Long.compareUnsigned(v, nextSeq[0]) < 0) seqErrors++;
            nextSeq[0] = v + 1;
            work();
            consumed = consumed + 1;
        }

        @Override
        public void onSample(int cpu, MemorySegment data, long offset, int length) {
            long v = data.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, offset);
            if (length < size || length >= size + 8 || cpu < 0 || cpu >= nextSeq.length
                    || Long.compareUnsigned(v, nextSeq[cpu]) < 0) {
                seqErrors++;
            } else {
                nextSeq[cpu] = v + 1;
            }
            work();
            consumed = consumed + 1;
        }
    }

    interface Batch {
        long run(long n, long first);
    }

    public static void run(String[] argv) throws Exception {
        if (argv.length < 2 || !(argv[0].equals("ringbuf") || argv[0].equals("perfbuf"))) {
            throw die("usage: soak-overload ringbuf|perfbuf OBJ [--seconds 600] [--size 8|256] [--ring BYTES] "
                    + "[--pages PER_CPU] [--batch N] [--work NS] [--sample SECONDS]");
        }
        boolean ring = argv[0].equals("ringbuf");
        long seconds = 600, size = 8, ringBytes = 64 << 10, pages = 8, batch = 4096, work = 200, sample = 10;
        for (int i = 2; i < argv.length; i++) {
            String a = argv[i];
            if (i + 1 >= argv.length) throw die("missing value for %s", a);
            long v = BufBench.arg(argv[++i]);
            switch (a) {
                case "--seconds" -> seconds = v;
                case "--size" -> size = v;
                case "--ring" -> ringBytes = v;
                case "--pages" -> pages = v;
                case "--batch" -> batch = v;
                case "--work" -> work = v;
                case "--sample" -> sample = v;
                default -> throw die("unknown option %s", a);
            }
        }
        if (size != 8 && size != 256) throw die("--size must be 8 or 256");
        if (batch < 1 || batch > (1 << 23)) throw die("batch %d out of range 1..1<<23", batch);
        String bench = "soak-overload-" + argv[0] + "-" + size ;
        ObjectSpec spec = ObjectSpec.read(Path.of(argv[1]));
        if (ring) spec.map("rb").maxEntries((int) ringBytes);
        SlowCounter counter = new SlowCounter((int) size, work);
        int recordSize = (int) size;
        try (BpfObject o = spec.load()) {
            BpfMap drops = o.map("drops");
            if (ring) {
                RingbufBench.Producer p = new RingbufBench.Producer(o.program("produce"));
                int flags = 0, lastFlags = 0; // no BPF_RB_NO_WAKEUP: the kernel wakes the reader whenever it waits
                try (RingBufReader reader = RingBufReader.of(o.map("rb"), counter)) {
                    BufBench.note("%s: ring=%d bytes, batch=%d, work=%d ns per record, %s, %d s; java %s; load average %s",
                            bench, ringBytes, batch, work, "no pacing, wake-up flags 0", seconds, System.getProperty("java.vm.version"), SoakCycles.loadAvg());
                    soak(bench, reader::poll, counter, (n, first) -> p.run(n, first, recordSize, flags, lastFlags),
                            drops, seconds, batch, sample);
                }
            } else {
                PerfbufBench.Producer p = new PerfbufBench.Producer(o.program("produce"));
                try (PerfBufReader reader = PerfBufReader.builder(o.map("pb")).pagesPerCpu((int) pages)
                        .onLost((cpu, n) -> counter.lost += n).open(counter)) {
                    BufBench.note("%s: %d pages per CPU (%d bytes), batch=%d, work=%d ns per record, no pacing, "
                                    + "wakeup_events 1, %d s; java %s; load average %s", bench, pages,
                            pages * Os.pageSize(), batch, work, seconds, System.getProperty("java.vm.version"),
                            SoakCycles.loadAvg());
                    soak(bench, reader::poll, counter, (n, first) -> p.run(n, first, recordSize), drops, seconds, batch,
                            sample);
                    BufBench.result(bench, "lost", counter.lost, "events");
                }
            }
        }
    }

    private static void soak(String bench, IntUnaryOperator poll, SlowCounter counter, Batch producer, BpfMap drops,
                             long seconds, long batch, long sampleS) throws InterruptedException {
        long drops0 = BufBench.readDrops(drops);
        long[] produced = {0}, committed = {0};
        ThreadStat[] readerStat = {null}, producerStat = {null};
        long[] readerMx = {0}, producerMx = {0}, readerAlloc = {0}, producerAlloc = {0};
        End flags = new End();
        Throwable[] failure = {null, null};
        Thread reader = new Thread(() -> {
            ThreadStat s0 = ThreadStat.now();
            long c0 = BufBench.threadCpuNs(), a0 = allocatedBytes();
            try {
                while (true) {
                    poll.applyAsInt(100);
                    if (flags.producerDone && counter.consumed >= flags.expected) break;
                }
            } catch (Throwable t) {
                failure[0] = t;
            }
            readerMx[0] = BufBench.threadCpuNs() - c0;
            readerAlloc[0] = allocatedBytes() - a0;
            readerStat[0] = ThreadStat.now().minus(s0);
        }, "soak-reader");
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Thread prod = new Thread(() -> {
            ThreadStat s0 = ThreadStat.now();
            long c0 = BufBench.threadCpuNs(), a0 = allocatedBytes();
            try {
                while (System.nanoTime() < deadline) {
                    committed[0] += producer.run(batch, produced[0]);
                    produced[0] += batch;
                }
            } catch (Throwable t) {
                failure[1] = t;
            }
            producerMx[0] = BufBench.threadCpuNs() - c0;
            producerAlloc[0] = allocatedBytes() - a0;
            producerStat[0] = ThreadStat.now().minus(s0);
        }, "soak-producer");
        long t0 = System.nanoTime();
        reader.start();
        prod.start();
        long firstRss = SoakCycles.rssBytes(), maxRss = firstRss, lastRss = firstRss;
        BufBench.note("%s 0 s: rss %d bytes", bench, firstRss);
        for (long s = sampleS; ; s += sampleS) {
            long until = t0 + s * 1_000_000_000L;
            long now;
            while ((now = System.nanoTime()) < until && prod.isAlive()) Thread.sleep(Math.min(200, (until - now) / 1_000_000 + 1));
            if (!prod.isAlive()) break;
            lastRss = SoakCycles.rssBytes();
            maxRss = Math.max(maxRss, lastRss);
            Runtime rt = Runtime.getRuntime();
            BufBench.note("%s %d s: rss %d bytes, consumed %d, heap used %d of %d committed, gc runs %d, load average %s",
                    bench, s, lastRss, counter.consumed, rt.totalMemory() - rt.freeMemory(), rt.totalMemory(), gcRuns(),
                    SoakCycles.loadAvg());
        }
        prod.join();
        long tProduced = System.nanoTime();
        if (failure[1] != null) throw die("producer failed: %s", failure[1]);
        long d = BufBench.readDrops(drops) - drops0;
        flags.expected = committed[0];
        flags.producerDone = true;
        reader.join(60_000);
        if (reader.isAlive()) throw die("reader still behind 60 s after the producer stopped: consumed %d of %d",
                counter.consumed, committed[0]);
        long tEnd = System.nanoTime();
        if (failure[0] != null) throw die("reader failed: %s", failure[0]);
        lastRss = SoakCycles.rssBytes();
        maxRss = Math.max(maxRss, lastRss);
        long consumed = counter.consumed;
        double wallS = (tProduced - t0) / 1e9;
        BufBench.note("%s end: produced %d, committed %d, dropped %d, consumed %d, sequence errors %d, drain after stop "
                        + "%.1f ms; load average %s", bench, produced[0], committed[0], d, consumed, counter.seqErrors,
                (tEnd - tProduced) / 1e6, SoakCycles.loadAvg());
        BufBench.note("%s threads: reader cpu %.1f ms (proc %.0f ms), vcsw %d, nvcsw %d; producer cpu %.1f ms (proc %.0f ms), "
                        + "vcsw %d, nvcsw %d", bench, readerMx[0] / 1e6, readerStat[0].cpuNs() / 1e6,
                readerStat[0].vcsw(), readerStat[0].nvcsw(), producerMx[0] / 1e6, producerStat[0].cpuNs() / 1e6,
                producerStat[0].vcsw(), producerStat[0].nvcsw());
        BufBench.result(bench, "elapsed", wallS * 1000, "ms");
        BufBench.result(bench, "produced", produced[0], "events");
        BufBench.result(bench, "consumed", consumed, "events");
        BufBench.result(bench, "drops", d, "events");
        BufBench.result(bench, "produced_per_s", produced[0] / wallS, "events/s");
        BufBench.result(bench, "consumed_per_s", consumed / ((tEnd - t0) / 1e9), "events/s");
        BufBench.result(bench, "rss_first", firstRss, "bytes");
        BufBench.result(bench, "rss_last", lastRss, "bytes");
        BufBench.result(bench, "rss_max", maxRss, "bytes");
        System.gc();
        Runtime rt = Runtime.getRuntime();
        BufBench.result(bench, "heap_after_gc", rt.totalMemory() - rt.freeMemory(), "bytes");
        BufBench.result(bench, "gc_runs", gcRuns(), "events");
        BufBench.result(bench, "reader_allocated", readerAlloc[0], "bytes");
        BufBench.result(bench, "producer_allocated", producerAlloc[0], "bytes");
        BufBench.result(bench, "reader_cpu", readerMx[0] / 1e6, "ms");
        BufBench.result(bench, "reader_cpu_share", readerMx[0] / (double) (tEnd - t0), "");
        BufBench.result(bench, "reader_nvcsw", readerStat[0].nvcsw(), "events");
        BufBench.result(bench, "reader_vcsw", readerStat[0].vcsw(), "events");
        BufBench.result(bench, "producer_cpu", producerMx[0] / 1e6, "ms");
        BufBench.result(bench, "producer_cpu_share", producerMx[0] / (double) (tProduced - t0), "");
        BufBench.result(bench, "producer_cpu_per_event", producerMx[0] / (double) produced[0], "ns");
        BufBench.result(bench, "producer_nvcsw", producerStat[0].nvcsw(), "events");
        BufBench.result(bench, "producer_vcsw", producerStat[0].vcsw(), "events");
        if (counter.seqErrors != 0) throw die("%d records out of order or of the wrong size", counter.seqErrors);
        if (committed[0] + d != produced[0]) {
            throw die("committed %d + dropped %d != produced %d", committed[0], d, produced[0]);
        }
        if (consumed + d != produced[0]) throw die("consumed %d + dropped %d != produced %d", consumed, d, produced[0]);
        BufBench.note("%s: consumed + dropped == produced: %d + %d == %d", bench, consumed, d, produced[0]);
    }

    /** Bytes the calling thread allocated on the heap so far. */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    /** Collections so far, all collectors. */
    static long gcRuns() {
        long n = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, gc.getCollectionCount());
        return n;
    }

    /** The producer's end, published to the reader thread. */
    static final class End {
        volatile boolean producerDone;
        volatile long expected = Long.MAX_VALUE;
    }
}
