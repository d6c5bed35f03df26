package org.bpf4j.map;

import java.lang.foreign.MemorySegment;

/**
 * Converts between a Java value and its bytes in a BPF map key or value (native byte order).
 * {@link Codecs} has the scalar types of the study document (u8..u64, s8..s64), byte arrays and
 * NUL-padded strings; a record codec can be composed from those.
 *
 * @param <T> the Java type
 */
public interface Codec<T> {
    /**
     * Bytes one value occupies.
     *
     * @return the size in bytes, fixed for the codec
     */
    int size();

    /**
     * Writes {@code value} at {@code offset} of {@code dst}.
     *
     * @param value the value; codecs of boxed types reject null
     * @param dst the memory to write to
     * @param offset the byte offset in {@code dst}
     */
    void encode(T value, MemorySegment dst, long offset);

    /**
     * Reads a value at {@code offset} of {@code src}.
     *
     * @param src the memory to read from
     * @param offset the byte offset in {@code src}
     * @return the value
     */
    T decode(MemorySegment src, long offset);
}
