package org.bpf4j.map;

import java.lang.foreign.MemorySegment;

/**
 * Converts between a Java value and its bytes in a BPF map key or value (native byte order).
 * {@link Codecs} has the scalar types of the study document (u8..u64, s8..s64), byte arrays and
 * NUL-padded strings; a record codec can be composed from those.
 */
public interface Codec<T> {
    /** Bytes one value occupies. */
    int size();

    /** Writes {@code value} at {@code offset} of {@code dst}. */
    void encode(T value, MemorySegment dst, long offset);

    /** Reads a value at {@code offset} of {@code src}. */
    T decode(MemorySegment src, long offset);
}
