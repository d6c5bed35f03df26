package org.bpf4j;

/**
 * A program's run-time statistics, counted by the kernel only while statistics are enabled
 * ({@link BpfProgram#enableStats()}, or the {@code kernel.bpf_stats_enabled} sysctl).
 *
 * @param runTimeNs       total time spent in the program, ns
 * @param runCount        number of runs
 * @param recursionMisses runs skipped because the program was already running on that CPU
 */
public record ProgramStats(long runTimeNs, long runCount, long recursionMisses) {
    /**
     * Average ns per run, 0 without runs.
     *
     * @return the mean run time in ns
     */
    public double nsPerRun() {
        return runCount == 0 ? 0 : (double) runTimeNs / runCount;
    }
}
