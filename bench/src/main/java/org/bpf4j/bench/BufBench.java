package org.bpf4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntUnaryOperator;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.bpf4j.BpfMap;
import org.bpf4j.map.Codecs;

/** What the ringbuf and perfbuf benchmarks share besides {@link Results}: notes, errors, medians, thread CPU time. */
final class BufBench {
    private BufBench() {}

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    static void note(String fmt, Object... args) {
        Results.note(String.format(Locale.ROOT, fmt, args));
        System.out.flush();
    }

    static void result(String bench, String metric, double value, String unit) {
        Results.result(bench, metric, value, unit);
        System.out.flush();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** A benchmark's record handler, as paced() sees it. */
    interface Counting {
        /** Records handed to the handler so far (read with acquire: the producer thread polls it). */
        long consumed();

        /** Records out of order or of the wrong size. */
        long seqErrors();

        void reset();
    }

    /** Runs the producer for {@code n} records numbered from {@code first}; returns how many it committed. */
    interface Batch {
        long run(long n, long first);
    }

    record Paced(double eventsPerS, double elapsedMs, double producerMs, double cpuPerEvent, long consumed, long drops,
                 long waits) {}

    /**
     * One timed run, as the C baselines': a reader thread polls ({@code poll} with a 100 ms timeout)
     * while this thread produces {@code records} in batches, never more than {@code limit} records
     * in flight unless {@code burst}; the run ends when the reader has every committed record.
     * Committed + dropped must equal produced, and the reader must get exactly what was committed.
     */
    static Paced paced(String threadName, IntUnaryOperator poll, Counting counter, Batch producer, LongSupplier drops,
                       long records, long batch, long limit, boolean burst) throws InterruptedException {
        long drops0 = drops.getAsLong();
        counter.reset();
        long[] consumerCpu = {0}, tLast = {0};
        long[] expected = {Long.MAX_VALUE};
        boolean[] done = {false};
        Object lock = new Object();
        Throwable[] failure = {null};
        Thread th = new Thread(() -> {
            long cpu0 = threadCpuNs();
            try {
                while (true) {
                    int n = poll.applyAsInt(100);
                    if (n > 0) tLast[0] = System.nanoTime();
                    boolean d;
                    long e;
                    synchronized (lock) {
                        d = done[0];
                        e = expected[0];
                    }
                    if (d && counter.consumed() >= e) break;
                }
            } catch (Throwable t) {
                failure[0] = t;
            }
            consumerCpu[0] = threadCpuNs() - cpu0;
        }, threadName);
        th.start();
        long produced = 0, committed = 0, waits = 0;
        long t0 = System.nanoTime();
        while (produced < records) {
            long n = Math.min(records - produced, batch);
            if (!burst) {
                while (committed - counter.consumed() + n > limit) {
                    waits++;
                    LockSupport.parkNanos(50_000);
                }
            }
            committed += producer.run(n, produced);
            produced += n;
        }
        long tProduced = System.nanoTime();
        long d = drops.getAsLong() - drops0;
        if (committed + d != produced) {
            throw die("producer accounting: committed %d + drops %d != %d", committed, d, produced);
        }
        synchronized (lock) {
            expected[0] = committed;
            done[0] = true;
        }
        th.join();
        if (failure[0] != null) throw die("reader failed: %s", failure[0]);
        long consumed = counter.consumed();
        if (consumed != committed) throw die("consumed %d != committed %d", consumed, committed);
        if (counter.seqErrors() != 0) throw die("%d records out of order or of the wrong size", counter.seqErrors());
        double elapsedNs = tLast[0] - t0;
        return new Paced(consumed / (elapsedNs / 1e9), elapsedNs / 1e6, (tProduced - t0) / 1e6,
                (double) consumerCpu[0] / consumed, consumed, d, waits);
    }

    static final boolean VERBOSE = System.getenv("BPF4J_BENCH_VERBOSE") != null;

    /** The producer's count of failed reserves/outputs: element 0 of its {@code drops} array map. */
    static long readDrops(BpfMap drops) {
        Long v = drops.view(Codecs.U32, Codecs.U64).get(0);
        return v == null ? 0 : v;
    }

    /** CPU milliseconds a reader thread uses polling (100 ms timeouts) an empty buffer for one second. */
    static double idleCpuMs(String threadName, IntUnaryOperator poll) throws InterruptedException {
        double[] ms = {0};
        Thread th = new Thread(() -> {
            long c0 = threadCpuNs();
            long end = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < end) poll.applyAsInt(100);
            ms[0] = (threadCpuNs() - c0) / 1e6;
        }, threadName);
        th.start();
        th.join();
        return ms[0];
    }

    /**
     * The drain benchmark, as the C baselines': fill the buffer ({@code capacity - 1} records, in
     * producer calls of at most 2^23), then time {@code consume} emptying it; repeat until
     * {@code records} were produced. Prints {@code describe(produced)} as a note and the result
     * lines of {@code bench}.
     */
    static void drain(String bench, Runnable consume, Counting counter, Batch producer, long records, long capacity,
                      LongFunction<String> describe) {
        long produced = 0, committed = 0, busyNs = 0, cpuNs = 0;
        int maxRounds = (int) (records / (capacity - 1) + 2);
        double[] rate = new double[maxRounds];
        int rounds = 0;
        while (produced < records) {
            long fill = capacity - 1;
            while (fill > 0) {
                long n = Math.min(fill, 1 << 23);
                committed += producer.run(n, produced);
                produced += n;
                fill -= n;
            }
            long t0 = System.nanoTime(), c0 = threadCpuNs(), before = counter.consumed();
            while (counter.consumed() < committed) consume.run();
            long dt = System.nanoTime() - t0, n = counter.consumed() - before;
            busyNs += dt;
            cpuNs += threadCpuNs() - c0;
            if (rounds < maxRounds) rate[rounds++] = n / (dt / 1e9);
        }
        long got = counter.consumed();
        if (got != committed || counter.seqErrors() != 0) {
            throw die("drain: consumed %d, committed %d, sequence errors %d", got, committed, counter.seqErrors());
        }
        double[] rates = Arrays.copyOf(rate, rounds);
        if (VERBOSE) note("%s: rates per round %s", bench, Arrays.toString(rates));
        note("%s", describe.apply(produced));
        result(bench, "events_per_s", median(rates), "events/s");
        result(bench, "events_per_s_overall", got / (busyNs / 1e9), "events/s");
        result(bench, "consumer_cpu_per_event", (double) cpuNs / got, "ns");
        result(bench, "consumed", got, "events");
    }

    /** CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID). */
    static long threadCpuNs() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Prints {@code error: ...} and exits with status 1, as the C baselines' die(). */
    static RuntimeException die(String fmt, Object... args) {
        System.out.flush();
        System.err.println("error: " + String.format(Locale.ROOT, fmt, args));
        System.exit(1);
        return new IllegalStateException();
    }

    static long arg(String s) {
        try {
            return Long.decode(s);
        } catch (NumberFormatException e) {
            throw die("not a number: %s", s);
        }
    }
}
