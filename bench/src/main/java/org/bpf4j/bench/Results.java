package org.bpf4j.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/** Result lines in bench/README.md's format: {@code bench<TAB>impl<TAB>metric<TAB>value<TAB>unit}, notes with '#'. */
final class Results {
    private Results() {}

    static final String IMPL = "bpf4j";
    static final PrintStream OUT = System.out;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    static void result(String bench, String metric, double value, String unit) {
        OUT.println(bench + "\t" + IMPL + "\t" + metric + "\t" + format(value) + "\t" + unit);
        OUT.flush();
    }

    /** Integers as integers, otherwise %.1f from 100 up and %.3f below, as bench_common.h. */
    static String format(double v) {
        if (v == (double) (long) v && Math.abs(v) < 1e15) return Long.toString((long) v);
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static void note(String fmt, Object... args) {
        OUT.println("# " + String.format(Locale.ROOT, fmt, args));
        OUT.flush();
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

    static RuntimeException die(String fmt, Object... args) {
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
