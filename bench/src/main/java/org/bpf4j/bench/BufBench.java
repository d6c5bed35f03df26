package org.bpf4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntUnaryOperator;
import java.util.function.LongSupplier;

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
