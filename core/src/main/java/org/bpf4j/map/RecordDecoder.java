package org.bpf4j.map;

import java.lang.foreign.MemorySegment;

/**
 * Turns one record of a ring buffer or perf buffer into a Java value. Records can have any length
 * (an exec event with its argument strings, a path); a fixed-size {@link Codec} adapts with
 * {@link #of(Codec)}.
 *
 * <p>The bytes are {@code length} bytes at {@code offset} of {@code data}, valid only during the
 * call: the kernel reuses the space once the reader moves on. A decoder copies what it keeps.
 */
@FunctionalInterface
public interface RecordDecoder<T> {
    T decode(MemorySegment data, long offset, int length);

    /** Decodes records with a fixed-size codec; a record shorter than the codec is an error. */
    static <T> RecordDecoder<T> of(Codec<T> codec) {
        int size = codec.size();
        return (data, offset, length) -> {
            if (length < size) {
                throw new IllegalArgumentException("record of " + length + " bytes is shorter than the "
                        + size + " bytes its codec decodes");
            }
            return codec.decode(data, offset);
        };
    }
}
