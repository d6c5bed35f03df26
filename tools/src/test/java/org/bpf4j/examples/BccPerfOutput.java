package org.bpf4j.examples;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.bpf4j.bcc.Bcc;
import org.bpf4j.bcc.BccProgram;
import org.bpf4j.map.Codecs;
import org.bpf4j.map.RecordDecoder;

/**
 * The study document's {@code BPF_PERF_OUTPUT(events)} program (tools/src/test/bcc/perf_output.c)
 * with its Python callback as a Java one:
 *
 * <pre>
 * b = BPF(src_file="program.c")                      BccProgram b = Bcc.load(Path.of("program.c"));
 * def print_event(cpu, data, size):                  b.perfBuffer("events").open(Event.DECODER, (event, cpu) -&gt;
 *     event = b["events"].event(data)                    System.out.println("PID: " + event.pid()
 *     print(f"PID: {event.pid}, Command: {event.comm}")     + ", Command: " + event.comm()));
 * b["events"].open_perf_buffer(print_event)
 * while True:                                         while (true)
 *     b.perf_buffer_poll()                                b.perfBufferPoll(-1);
 * </pre>
 */
public final class BccPerfOutput implements ExecEvents {
    /** {@code struct event { u32 pid; char comm[16]; }}. */
    public record Event(int pid, String comm) {
        public static final RecordDecoder<Event> DECODER = (data, offset, length) ->
                new Event(data.get(JAVA_INT_UNALIGNED, offset), Codecs.string(data, offset + 4, 16));
    }

    private final BccProgram b;

    /** Compiles, loads and attaches the program; events go to {@code callback}. */
    public BccPerfOutput(Path source, Consumer<Event> callback) {
        b = Bcc.load(source);
        try {
            b.perfBuffer("events").open(Event.DECODER, (event, cpu) -> callback.accept(event));
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /** {@code b.perf_buffer_poll(timeout)}. */
    public int poll(int timeoutMs) {
        return b.perfBufferPoll(timeoutMs);
    }

    @Override
    public void close() {
        b.close();
    }

    public static void main(String[] args) {
        try (BccPerfOutput p = new BccPerfOutput(Path.of(args.length > 0 ? args[0] : "perf_output.c"),
                event -> System.out.println("PID: " + event.pid() + ", Command: " + event.comm()))) {
            while (true) p.poll(-1);
        }
    }
}
