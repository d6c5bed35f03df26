package org.bpf4j.examples;

import java.nio.file.Path;
import java.util.Map;
import org.bpf4j.bcc.Bcc;
import org.bpf4j.bcc.BccProgram;
import org.bpf4j.map.Codecs;

/**
 * The study document's map-only programs: the sched_switch tracepoint (tools/src/test/bcc/
 * sched_switch.c, switches away from each thread) and the syscall counter exercise
 * (syscall_counter.c, calls per syscall number), each run for a while and its u32 -&gt; u64 map
 * printed, as {@code b["syscall_counts"].items()} would be.
 */
public final class BccMapCounts {
    private BccMapCounts() {}

    /** Loads {@code source}, runs {@code workload}, returns map {@code map}. */
    public static Map<Integer, Long> run(Path source, String map, Runnable workload) {
        try (BccProgram b = Bcc.load(source)) {
            workload.run();
            return b.table(map).view(Codecs.U32, Codecs.U64).toMap();
        }
    }

    public static void main(String[] args) throws Exception {
        Path source = Path.of(args.length > 0 ? args[0] : "syscall_counter.c");
        String map = args.length > 1 ? args[1] : "syscall_counts";
        run(source, map, () -> {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).forEach((k, v) -> System.out.println(Integer.toUnsignedString(k) + " " + v));
    }
}
