package org.bpf4j;

/**
 * What one {@code BPF_PROG_TEST_RUN} returned ({@link BpfProgram#testRun}).
 *
 * @param retval      the program's return value (of the last run with a repeat count)
 * @param durationNs  the mean time of one run, in nanoseconds
 * @param dataSizeOut the size of the data the program left in the output buffer, in bytes
 * @param ctxSizeOut  the size of the context it left in the output buffer, in bytes
 */
public record TestRunResult(int retval, int durationNs, int dataSizeOut, int ctxSizeOut) {}
