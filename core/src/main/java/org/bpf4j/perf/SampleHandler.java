package org.bpf4j.perf;

import java.lang.foreign.MemorySegment;

/**
 * Receives the raw samples of a perf buffer ({@code bpf_perf_event_output}) without copying them,
 * like a BCC {@code open_perf_buffer} callback: the CPU whose buffer held the sample, and its
 * bytes.
 *
 * <p>The sample is the {@code length} bytes at {@code offset} of {@code data} (read-only), valid
 * only during the call. {@code length} is what the kernel stored: the program's size rounded up so
 * that the sample's 4-byte size field plus the data is a multiple of 8 (8 bytes written arrive as
 * 12). The data starts 4 bytes past an 8-byte boundary, so read multi-byte values with the
 * unaligned layouts ({@link java.lang.foreign.ValueLayout#JAVA_LONG_UNALIGNED} and friends).
 * Where a sample runs past the end of the per-CPU buffer, the reader first copies it into a
 * scratch segment, so {@code data} is not always the buffer itself.
 *
 * <p>An exception thrown by the handler stops {@link PerfBufReader#poll}, which rethrows it; the
 * sample counts as consumed and the next poll continues with the record after it.
 */
@FunctionalInterface
public interface SampleHandler {
    /**
     * Receives one sample; see the interface comment for the layout and lifetime of {@code data}.
     *
     * @param cpu the CPU whose buffer held the sample
     * @param data the memory holding the sample, read-only, valid only during the call
     * @param offset the sample's byte offset in {@code data}
     * @param length the sample's length in bytes, padded as described above
     */
    void onSample(int cpu, MemorySegment data, long offset, int length);
}
