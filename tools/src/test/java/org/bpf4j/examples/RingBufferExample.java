package org.bpf4j.examples;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.bpf4j.BpfObject;
import org.bpf4j.ObjectSpec;
import org.bpf4j.map.Codecs;
import org.bpf4j.ringbuf.RingBufReader;

/**
 * The same events through the ring buffer ({@code ring_buffer__poll(rb, 100)} in the study
 * document's libbpf example), plus the aggregated per-pid exec counts read from the hash map.
 */
public final class RingBufferExample {
    private RingBufferExample() {}

    public static void main(String[] args) {
        run(Path.of(args.length > 0 ? args[0] : "example.o"), System.out, () -> true);
    }

    public static void run(Path object, PrintStream out, BooleanSupplier running) {
        try (BpfObject obj = ObjectSpec.read(object).load();
             RingBufReader rb = RingBufReader.of(obj.map("rb"), PerfBufferExample.Event.DECODER,
                     event -> out.println("PID: " + event.pid() + ", Command: " + event.comm()))) {
            obj.attachAll();
            while (running.getAsBoolean()) rb.poll(100);
            Map<Integer, Long> counts = obj.map("counts").view(Codecs.U32, Codecs.U64).toMap();
            out.println(counts.size() + " processes exec'ed");
        }
    }
}
