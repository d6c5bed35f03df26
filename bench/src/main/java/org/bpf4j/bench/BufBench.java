package org.bpf4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

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
