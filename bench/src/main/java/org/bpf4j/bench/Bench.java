package org.bpf4j.bench;

import java.util.Arrays;

/**
 * {@code bench/bpf4j-bench NAME ARGS...}: the Java counterparts of bench/run's C baselines, with
 * the same arguments and output lines (impl {@code bpf4j}).
 */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: bpf4j-bench NAME ARGS... (btf-parse, hash-dump, open-load-attach, open-load-usdt, "
                    + "core-relocs, btf-dump-c, ringbuf, perfbuf, bcc-compile-load, exporter-load, ring-loop, perf-loop, soak-cycles, soak-overload, btf-parse-modes)");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "btf-parse" -> BtfParseBench.run(rest);
            case "hash-dump" -> HashDumpBench.run(rest);
            case "open-load-attach" -> OpenLoadAttachBench.run(rest);
            case "open-load-usdt" -> OpenLoadUsdtBench.run(rest);
            case "core-relocs" -> CoreRelocsBench.run(rest);
            case "btf-dump-c" -> BtfDumpCBench.run(rest);
            case "ringbuf" -> RingbufBench.main(rest);
            case "perfbuf" -> PerfbufBench.main(rest);
            case "bcc-compile-load" -> BccCompileLoadBench.run(rest);
            case "exporter-load" -> ExporterLoadBench.run(rest);
            case "ring-loop" -> org.bpf4j.ringbuf.RingLoopTiming.main(rest);
            case "perf-loop" -> org.bpf4j.perf.PerfLoopTiming.main(rest);
            case "soak-cycles" -> SoakCycles.run(rest);
            case "soak-overload" -> SoakOverload.run(rest);
            case "btf-parse-modes" -> org.bpf4j.btf.BtfParseTiming.main(rest);
            default -> {
                System.out.println("# bpf4j-bench: no Java counterpart for " + args[0] + " yet");
                System.exit(0);
            }
        }
    }
}
