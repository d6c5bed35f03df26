package org.bpf4j.examples;

/** An example that reports execs, polled by its caller: the perf buffer and ring buffer versions. */
public interface ExecEvents extends AutoCloseable {
    /** Waits up to {@code timeoutMs} for events, hands them to the callback; returns how many. */
    int poll(int timeoutMs);

    @Override
    void close();
}
