package org.bpf4j.btf;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Timing harness for reading and parsing kernel BTF, by phase (bench/run's btf-parse times the whole):
 *
 * <pre>
 * bench/bpf4j-bench btf-parse-modes MODE [FILE]
 * </pre>
 *
 * Modes, each meant for a fresh JVM except "warm":
 * <ul>
 * <li>{@code kernel}: {@link Btf#kernel()} (read /sys/kernel/btf/vmlinux, parse with structural checks
 *     only, since the kernel validated its own BTF), then the first {@code find} (builds the name index);
 * <li>{@code split}: like kernel, timing the read and the parse separately;
 * <li>{@code full}: read FILE and {@link Btf#parse(byte[], String)} with full validation, then the first find;
 * <li>{@code warm}: after a warm-up, 50 rounds of each: read+parse as kernel() does, parse with full
 *     validation, the first find on a fresh Btf (index build), and a find with a built index; prints
 *     average, median and minimum.
 * </ul>
 */
public final class BtfParseTiming {
    public static void main(String[] args) {
        long t0 = System.nanoTime();
        String mode = args.length > 0 ? args[0] : "warm";
        Path file = Path.of(args.length > 1 ? args[1] : "/sys/kernel/btf/vmlinux");
        switch (mode) {
            case "kernel" -> {
                long a = System.nanoTime();
                Btf btf = Btf.kernel();
                long b = System.nanoTime();
                int id = btf.find("task_struct", BtfKind.STRUCT);
                long c = System.nanoTime();
                System.out.printf("fresh JVM: Btf.kernel() %.2f ms (%d types), first find %.2f ms -> [%d];"
                        + " main() to done %.2f ms%n", ms(b - a), btf.typeCount(), ms(c - b), id, ms(c - t0));
            }
            case "split" -> {
                long a = System.nanoTime();
                byte[] raw = Btf.readFile(file);
                long b = System.nanoTime();
                Btf btf = Btf.parseTrusted(raw, null, file.toString());
                long c = System.nanoTime();
                int id = btf.find("task_struct", BtfKind.STRUCT);
                long d = System.nanoTime();
                int miss = btf.find("no_such_struct", BtfKind.STRUCT); // scans every type
                long e = System.nanoTime();
                for (String n : MISSES) miss += btf.find(n, BtfKind.STRUCT); // 3 more scans, then the index
                long f = System.nanoTime();
                System.out.printf("fresh JVM: read %.2f ms, trusted parse %.2f ms (%d types), first find %.2f ms -> [%d];"
                        + " a miss %.2f ms, 8 more finds (index built) %.2f ms;"
                        + " main() to done %.2f ms%n", ms(b - a), ms(c - b), btf.typeCount(), ms(d - c), id, ms(e - d),
                        ms(f - e), ms(f - t0) + miss * 0);
            }
            case "full" -> {
                long a = System.nanoTime();
                byte[] raw = Btf.readFile(file);
                long b = System.nanoTime();
                Btf btf = Btf.parse(raw, file.toString());
                long c = System.nanoTime();
                int id = btf.find("task_struct", BtfKind.STRUCT);
                long d = System.nanoTime();
                System.out.printf("fresh JVM: read %.2f ms, full parse %.2f ms (%d types), first find %.2f ms -> [%d];"
                        + " main() to done %.2f ms%n", ms(b - a), ms(c - b), btf.typeCount(), ms(d - c), id, ms(d - t0));
            }
            case "warm" -> warm(file);
            default -> throw new IllegalArgumentException("mode: kernel, full or warm");
        }
    }

    private static void warm(Path file) {
        int rounds = 50;
        byte[] raw = Btf.readFile(file);
        boolean sysfs = file.toAbsolutePath().startsWith("/sys/kernel/btf");
        int sink = 0;
        for (int i = 0; i < 100; i++) {
            sink += Btf.read(file).typeCount();
            sink += Btf.parseTrusted(raw, null, "warmup").typeCount();
            Btf w = Btf.parse(raw, "warmup");
            sink += w.find("no_such_struct", BtfKind.STRUCT);
            w.lookupScanBudget(0);
            sink += w.find("task_struct", BtfKind.STRUCT);
        }
        long[] readParse = new long[rounds], parse = new long[rounds], index = new long[rounds], find = new long[rounds];
        long[] read = new long[rounds], trusted = new long[rounds], scan = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long r0 = System.nanoTime();
            byte[] bytes = Btf.readFile(file);
            long r1 = System.nanoTime();
            sink += Btf.parseTrusted(bytes, null, "t").typeCount();
            long r2 = System.nanoTime();
            read[i] = r1 - r0;
            trusted[i] = r2 - r1;
            long a = System.nanoTime();
            Btf x = Btf.read(file); // trusted (structural checks only) when under /sys/kernel/btf
            long b = System.nanoTime();
            Btf y = Btf.parse(raw, file.toString());
            long c = System.nanoTime();
            sink += y.find("no_such_struct", BtfKind.STRUCT); // a scan of every type
            long c2 = System.nanoTime();
            y.lookupScanBudget(0);
            sink += y.find("task_struct", BtfKind.STRUCT); // builds the index
            long d = System.nanoTime();
            for (int k = 0; k < 1000; k++) sink += y.find("sk_buff", BtfKind.STRUCT);
            long e = System.nanoTime();
            readParse[i] = b - a;
            parse[i] = c - b;
            scan[i] = c2 - c;
            index[i] = d - c2;
            find[i] = (e - d) / 1000;
            sink += x.typeCount();
        }
        System.out.printf("warm, %d rounds, %d bytes (%s):%n", rounds, raw.length, sysfs ? "kernel BTF" : "file");
        print(sysfs ? "read + parse, as Btf.kernel()" : "read + full parse", readParse, 1e6, "ms");
        print("  of which: read the file", read, 1e6, "ms");
        print("  of which: structure-only parse", trusted, 1e6, "ms");
        print("full parse (bytes in memory)", parse, 1e6, "ms");
        print("a lookup by scanning (a miss)", scan, 1e6, "ms");
        print("building the name index", index, 1e6, "ms");
        print("find with index", find, 1, "ns");
        if (sink == 42) System.out.println();
    }

    private static void print(String what, long[] v, double unit, String unitName) {
        long[] s = v.clone();
        Arrays.sort(s);
        double avg = Arrays.stream(s).average().orElse(0);
        System.out.printf("  %-34s avg %8.3f  median %8.3f  min %8.3f %s%n", what, avg / unit, s[s.length / 2] / unit,
                s[0] / unit, unitName);
    }

    /** Literals: string concatenation would add its own bootstrap time to a fresh-JVM measurement. */
    private static final String[] MISSES = {"miss1", "miss2", "miss3", "miss4", "miss5", "miss6", "miss7", "miss8"};

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
