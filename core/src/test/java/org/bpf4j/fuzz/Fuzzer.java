package org.bpf4j.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bpf4j.BpfException;

/**
 * Runs one {@link FuzzTarget}: first the regression inputs kept under {@code /fuzz/TARGET/},
 * then mutants of its seeds for a time or a number of inputs, on a worker thread watched for
 * hangs. Counts outcomes; an untyped one (any throwable that is no {@link BpfException}), a hang
 * (an input over {@link #HANG_MS}) or an allocation beyond {@link #allocationBound} is a
 * finding, saved under {@code target/fuzz-findings/} to be kept as a regression input.
 *
 * <p>{@code scripts/fuzz TARGET SECONDS} runs it longer; {@link FuzzTest} runs every target
 * briefly in the test suite.
 */
final class Fuzzer {
    static final long HANG_MS = 10_000;

    /** What one input may allocate: the 64 MiB a data section may take, plus 64 bytes per input byte. */
    static long allocationBound(int inputLength) {
        return (64L << 20) + 64L * inputLength + (16L << 20);
    }

    record Finding(String kind, String signature, Path saved) {
    }

    record Result(FuzzTarget target, long inputs, long typed, long accepted, long regressions, long maxMillis,
                  long maxAllocated, List<Finding> findings, boolean hung) {
        String summary() {
            return target.id() + ": " + inputs + " inputs (" + regressions + " regression inputs), " + typed
                    + " BpfException, " + accepted + " accepted, " + findings.size() + " untyped/over-bound, "
                    + (hung ? 1 : 0) + " hangs, slowest " + maxMillis + " ms, most allocated "
                    + (maxAllocated >> 10) + " KiB";
        }
    }

    private final FuzzTarget target;
    private final long seed;
    private final Path findingsDir;
    private volatile long startedAt;
    private volatile byte[] current;
    private volatile int currentSeed;
    private volatile boolean stop;

    Fuzzer(FuzzTarget target, long seed, Path findingsDir) {
        this.target = target;
        this.seed = seed;
        this.findingsDir = findingsDir;
    }

    Result run(long millis, long maxInputs) throws InterruptedException {
        List<Mutator.Seed> seeds = target.seeds();
        if (seeds.isEmpty()) throw new IllegalStateException(target.id() + ": no seeds");
        List<Regression> regressions = regressionInputs(target);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<String, Finding> findings = new LinkedHashMap<>();
        long[] counts = new long[5]; // inputs, typed, accepted, maxMillis, maxAllocated
        Object lock = new Object();
        long deadline = System.nanoTime() + millis * 1_000_000;
        long limit = maxInputs > Long.MAX_VALUE - regressions.size() ? Long.MAX_VALUE : maxInputs + regressions.size();
        Thread worker = new Thread(() -> {
            Mutator mutator = new Mutator(seed);
            long n = 0;
            while (!stop && n < limit && (n < regressions.size() || System.nanoTime() < deadline)) {
                int seedIndex = n < regressions.size() ? Math.min(regressions.get((int) n).seed(), seeds.size() - 1)
                        : (int) (n % seeds.size());
                Mutator.Seed s = seeds.get(seedIndex);
                byte[] input = n < regressions.size() ? regressions.get((int) n).data() : mutator.mutate(s);
                Object context = s.context();
                currentSeed = seedIndex;
                current = input;
                long a0 = mx.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                startedAt = t0;
                String kind = null;
                Throwable thrown = null;
                try {
                    target.run(input, context);
                } catch (BpfException e) {
                    kind = "typed";
                } catch (Throwable t) {
                    kind = "untyped";
                    thrown = t;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                long allocated = mx.getCurrentThreadAllocatedBytes() - a0;
                startedAt = 0;
                synchronized (lock) {
                    counts[0]++;
                    if ("typed".equals(kind)) counts[1]++;
                    if (kind == null) counts[2]++;
                    counts[3] = Math.max(counts[3], ms);
                    counts[4] = Math.max(counts[4], allocated);
                    if (thrown != null) record(findings, "untyped", signature(thrown), input, seedIndex);
                    else if (allocated > allocationBound(input.length)) {
                        record(findings, "allocation", allocated + " bytes for " + input.length, input, seedIndex);
                    }
                }
                n++;
            }
        }, "fuzz-" + target.id());
        worker.setDaemon(true);
        worker.start();
        boolean hung = false;
        while (worker.isAlive()) {
            worker.join(100);
            long s = startedAt;
            if (s != 0 && (System.nanoTime() - s) / 1_000_000 > HANG_MS) {
                hung = true;
                stop = true;
                synchronized (lock) {
                    record(findings, "hang", "over " + HANG_MS + " ms", current, currentSeed);
                }
                break; // the worker cannot be stopped; it is a daemon
            }
        }
        synchronized (lock) {
            return new Result(target, counts[0], counts[1], counts[2], regressions.size(), counts[3], counts[4],
                    List.copyOf(findings.values()), hung);
        }
    }

    private void record(Map<String, Finding> findings, String kind, String signature, byte[] input, int seedIndex) {
        String key = kind + " " + signature;
        if (findings.containsKey(key) || findings.size() >= 50) return;
        Path saved = null;
        try {
            Files.createDirectories(findingsDir);
            // the seed's index ends the name: a regression input of btf-ext is read against that seed's BTF
            saved = findingsDir.resolve(target.id() + "-" + kind + "-" + findings.size() + "-"
                    + HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(input), 0, 6)
                    + "-s" + seedIndex + ".bin");
            Files.write(saved, input);
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            // the finding is still reported
        }
        findings.put(key, new Finding(kind, signature, saved));
    }

    /** The exception's class and where it was thrown: the first frame in org.bpf4j. */
    static String signature(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getClass().getName());
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("org.bpf4j.") && !e.getClassName().startsWith("org.bpf4j.fuzz.")) {
                sb.append(" at ").append(e.getClassName()).append('.').append(e.getMethodName()).append(':')
                        .append(e.getLineNumber());
                break;
            }
        }
        return sb.append(": ").append(t.getMessage()).toString();
    }

    /** A kept finding: its bytes, and the index of the seed it came from (its name ends {@code -sN.bin}). */
    record Regression(String name, byte[] data, int seed) {
    }

    /** Every file that {@code /fuzz/TARGET/index.txt} names, in its order. */
    static List<Regression> regressionInputs(FuzzTarget target) {
        List<Regression> out = new ArrayList<>();
        try (InputStream list = Fuzzer.class.getResourceAsStream("/fuzz/" + target.id() + "/index.txt")) {
            if (list == null) return out;
            for (String name : new String(list.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (name.isBlank()) continue;
                try (InputStream in = Fuzzer.class.getResourceAsStream("/fuzz/" + target.id() + "/" + name.strip())) {
                    if (in == null) throw new IllegalStateException("missing regression input " + name);
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("-s(\\d+)\\.bin$").matcher(name.strip());
                    out.add(new Regression(name.strip(), in.readAllBytes(), m.find() ? Integer.parseInt(m.group(1)) : 0));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** {@code Fuzzer TARGET SECONDS [SEED] [MAX_INPUTS]}: one long run, its summary and findings printed. */
    public static void main(String[] args) throws InterruptedException {
        FuzzTarget t = FuzzTarget.byId(args[0]);
        long seconds = Long.parseLong(args[1]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 14;
        long max = args.length > 3 ? Long.parseLong(args[3]) : Long.MAX_VALUE;
        Result r = new Fuzzer(t, seed, Path.of("target", "fuzz-findings")).run(seconds * 1000, max);
        System.out.println(r.summary());
        for (Finding f : r.findings()) System.out.println("  " + f.kind() + " " + f.signature() + " -> " + f.saved());
        System.exit(r.findings().isEmpty() ? 0 : 1);
    }
}
