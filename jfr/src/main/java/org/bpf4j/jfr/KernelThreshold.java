package org.bpf4j.jfr;

import java.util.Set;
import jdk.jfr.SettingControl;
import jdk.jfr.Timespan;

/**
 * The setting {@code kernelThreshold} of the bpf4j events: the least kernel duration an event must
 * have to be written, as JFR's {@code threshold} ("20 ms", "0 ns"). Of several recordings, the lowest
 * value wins, as for {@code threshold}.
 */
@Timespan
public final class KernelThreshold extends SettingControl {
    private volatile long nanos;
    private String text = "0 ns";

    /** The value in nanoseconds. */
    long nanos() {
        return nanos;
    }

    @Override
    public String combine(Set<String> values) {
        String best = null;
        long min = Long.MAX_VALUE;
        for (String v : values) {
            long n = parse(v);
            if (n < min) {
                min = n;
                best = v;
            }
        }
        return best == null ? "0 ns" : best;
    }

    @Override
    public void setValue(String value) {
        nanos = parse(value);
        text = value;
    }

    @Override
    public String getValue() {
        return text;
    }

    /** "20 ms", "5ms", "0", "1 s", "100 us", "7 ns", "1 m" as nanoseconds; a bad value is 0. */
    static long parse(String v) {
        String s = v.trim();
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        if (i == 0) return 0;
        long n = Long.parseLong(s.substring(0, i));
        String unit = s.substring(i).trim();
        long mul = switch (unit) {
            case "", "ns" -> 1;
            case "us" -> 1_000;
            case "ms" -> 1_000_000;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            default -> 0;
        };
        return n * mul;
    }
}
