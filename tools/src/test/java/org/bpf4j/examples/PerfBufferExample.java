package org.bpf4j.examples;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.bpf4j.BpfObject;
import org.bpf4j.ObjectSpec;
import org.bpf4j.map.Codecs;
import org.bpf4j.map.RecordDecoder;
import org.bpf4j.perf.PerfBufReader;

/**
 * The study document's BCC example, in Java: a perf buffer callback that prints the PID and
 * command of each event. BCC:
 *
 * <pre>
 * b = BPF(src_file="program.c")
 * def print_event(cpu, data, size):
 *     event = b["events"].event(data)
 *     print(f"PID: {event.pid}, Command: {event.comm}")
 * b["events"].open_perf_buffer(print_event)
 * while True:
 *     b.perf_buffer_poll()
 * </pre>
 *
 * Here the program is compiled ahead of time (core/src/test/bpf/example.bpf.c, a CO-RE object).
 * Run as root: {@code java --enable-native-access=ALL-UNNAMED -cp ... org.bpf4j.examples.PerfBufferExample
 * core/src/test/resources/fixtures/example.o}
 */
public final class PerfBufferExample {
    private PerfBufferExample() {}

    /** {@code struct event { u32 pid; char comm[16]; }}, what {@code b["events"].event(data)} gives in BCC. */
    public record Event(int pid, String comm) {
        public static final RecordDecoder<Event> DECODER = (data, offset, length) ->
                new Event(data.get(JAVA_INT_UNALIGNED, offset), Codecs.string(data, offset + 4, 16));
    }

    public static void main(String[] args) {
        run(Path.of(args.length > 0 ? args[0] : "example.o"), System.out, () -> true);
    }

    /** Prints events while {@code running} says so. */
    public static void run(Path object, PrintStream out, BooleanSupplier running) {
        try (BpfObject obj = ObjectSpec.read(object).load();
             PerfBufReader events = PerfBufReader.builder(obj.map("events"))
                     .open(Event.DECODER, (event, cpu) ->
                             out.println("PID: " + event.pid() + ", Command: " + event.comm()))) {
            obj.attachAll();
            while (running.getAsBoolean()) events.poll(100);
        }
    }
}
