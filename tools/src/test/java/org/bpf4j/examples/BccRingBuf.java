package org.bpf4j.examples;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.bpf4j.bcc.Bcc;
import org.bpf4j.bcc.BccProgram;

/**
 * The study document's {@code BPF_RINGBUF(rb, 1 << 20)} version of the exec events
 * (tools/src/test/bcc/ringbuf.c), read as {@code ring_buffer__poll(rb, 100)} reads it.
 */
public final class BccRingBuf implements ExecEvents {
    private final BccProgram b;

    public BccRingBuf(Path source, Consumer<BccPerfOutput.Event> callback) {
        b = Bcc.load(source);
        try {
            b.ringBuffer("rb").open(BccPerfOutput.Event.DECODER, callback);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    public int poll(int timeoutMs) {
        return b.ringBufferPoll(timeoutMs);
    }

    @Override
    public void close() {
        b.close();
    }

    public static void main(String[] args) {
        try (BccRingBuf r = new BccRingBuf(Path.of(args.length > 0 ? args[0] : "ringbuf.c"),
                event -> System.out.println("PID: " + event.pid() + ", Command: " + event.comm()))) {
            while (true) r.poll(100);
        }
    }
}
