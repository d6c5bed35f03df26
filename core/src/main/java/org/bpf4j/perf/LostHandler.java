package org.bpf4j.perf;

/**
 * Told about samples the kernel dropped because a CPU's buffer was full
 * ({@code PERF_RECORD_LOST}). The kernel reports them when space is free again, before the next
 * sample it manages to write on that CPU.
 */
@FunctionalInterface
public interface LostHandler {
    void onLost(int cpu, long count);
}
