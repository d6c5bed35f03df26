package org.bpf4j.perf;

/**
 * Told about samples the kernel dropped because a CPU's buffer was full
 * ({@code PERF_RECORD_LOST}). The kernel reports them when space is free again, before the next
 * sample it manages to write on that CPU.
 */
@FunctionalInterface
public interface LostHandler {
    /**
     * Receives one {@code PERF_RECORD_LOST} report.
     *
     * @param cpu the CPU whose buffer lost samples
     * @param count the number of samples lost since the last report
     */
    void onLost(int cpu, long count);
}
