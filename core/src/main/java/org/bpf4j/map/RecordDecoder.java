package org.bpf4j.map;

import java.lang.foreign.MemorySegment;

/**
 * Turns one record of a ring buffer or perf buffer into a Java value. Records can have any length
 * (an exec event with its argument strings, a path); a fixed-size {@link Codec} adapts with
 * {@link #of(Codec)}.
 *
 * <p>The bytes are {@code length} bytes at {@code offset} of {@code data}, valid only during the
 * call: the kernel reuses the space once the reader moves on. A decoder copies what it keeps.
 *
 * @param <T> the decoded type
 */
@FunctionalInterface
public interface RecordDecoder<T> {
    /**
     * Decodes one record.
     *
     * @param data the memory holding the record, valid only during the call
     * @param offset the record's byte offset in {@code data}
     * @param length the record's length in bytes
     * @return the value, holding no reference to {@code data}
     */
    T decode(MemorySegment data, long offset, int length);

    /**
     * Decodes records with a fixed-size codec; a record shorter than the codec is an error.
     *
     * @param <T> the decoded type
     * @param codec the codec of the record's leading bytes
     * @return the decoder
     */
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
