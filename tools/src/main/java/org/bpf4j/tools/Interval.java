package org.bpf4j.tools;

/**
 * The {@code [interval] [count]} operands of libbpf-tools' histogram tools: a report every
 * {@code interval} seconds, {@code count} reports; both default to 99999999 (one report on Ctrl+C).
 */
record Interval(long seconds, long times) {
    static final long FOREVER = 99999999;

    static Interval of(Argp.Parsed p) {
        long seconds = FOREVER, times = FOREVER;
        int n = 0;
        for (String a : p.operands()) {
            if (n == 0) {
                seconds = Tool.strtol(a, "invalid internal");
            } else if (n == 1) {
                times = Tool.strtol(a, "invalid times");
            } else {
                throw Argp.invalid("unrecognized positional argument: " + a);
            }
            n++;
        }
        return new Interval(seconds, times);
    }
}
