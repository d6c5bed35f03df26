package org.bpf4j.bench;

import java.util.Arrays;
import java.util.Locale;

/** The result lines of bench/run: {@code bench<TAB>impl<TAB>metric<TAB>value<TAB>unit}. */
final class Results {
    private Results() {}

    static final String IMPL = "bpf4j";

    static void note(String text) {
        System.out.println("# " + text);
    }

    static void result(String bench, String metric, double value, String unit) {
        String v;
        if (value == Math.rint(value) && Math.abs(value) < 1e15) v = Long.toString((long) value);
        else if (Math.abs(value) < 100) v = String.format(Locale.ROOT, "%.3f", value);
        else v = String.format(Locale.ROOT, "%.1f", value);
        System.out.println(bench + "\t" + IMPL + "\t" + metric + "\t" + v + "\t" + unit);
    }

    /** min, median, mean of {@code xs}. */
    static double[] stats(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        double sum = 0;
        for (double x : s) sum += x;
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        return new double[] {s[0], median, sum / s.length};
    }

    static long arg(String[] args, String name, long def) {
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return Long.parseLong(args[i + 1]);
        return def;
    }

    static String arg(String[] args, String name, String def) {
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return args[i + 1];
        return def;
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
