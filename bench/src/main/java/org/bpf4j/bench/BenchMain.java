package org.bpf4j.bench;

/**
 * {@code $BPF4J_BENCH NAME ARGS...}: the Java counterpart of bench/c's NAME_bench with the same
 * arguments and result lines (bench/README.md).
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: bpf4j-bench ringbuf|perfbuf ARGS...");
            System.exit(2);
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "ringbuf" -> RingbufBench.main(rest);
            case "perfbuf" -> PerfbufBench.main(rest);
            default -> {
                System.err.println("bpf4j-bench: no Java counterpart for '" + args[0] + "' here");
                System.exit(2);
            }
        }
    }
}
