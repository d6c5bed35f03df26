package org.bpf4j.tools;

/**
 * ProfileTest's Java workload: {@link #spin} is the hot loop; it prints "ready" once JIT
 * warmed (a few seconds of spinning), then spins for argv[0] more seconds.
 */
public final class Hot {
    static volatile long sink;

    static long spin(long n) {
        long x = 1;
        for (long i = 0; i < n; i++) x = x * 6364136223846793005L + 1442695040888963407L;
        return x;
    }

    public static void main(String[] args) {
        long end = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < end) sink += spin(1_000_000);
        System.out.println("ready");
        System.out.flush();
        end = System.nanoTime() + (long) (Double.parseDouble(args[0]) * 1e9);
        while (System.nanoTime() < end) sink += spin(1_000_000);
    }
}
