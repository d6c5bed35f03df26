package org.bpf4j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Per-thread native scratch memory for system call arguments, so that hot paths (map lookups,
 * updates) allocate nothing. A segment returned by one call is valid until the same thread asks
 * for the same kind of scratch again.
 */
final class Scratch {
    private Scratch() {}

    static final int ATTR_SIZE = 256;

    private static final ThreadLocal<Scratch.Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private static final class Buffers {
        final Arena arena = Arena.ofAuto();
        final MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
        MemorySegment strings = arena.allocate(4096, 8);
    }

    /** A zeroed attribute buffer of {@link #ATTR_SIZE} bytes. */
    static MemorySegment attr() {
        MemorySegment a = BUFFERS.get().attr;
        a.fill((byte) 0);
        return a;
    }

    /** A NUL-terminated copy of {@code s} in thread-local native memory. */
    static MemorySegment cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        Buffers buf = BUFFERS.get();
        if (buf.strings.byteSize() < b.length + 1) {
            buf.strings = buf.arena.allocate(Math.max(b.length + 1, buf.strings.byteSize() * 2), 8);
        }
        MemorySegment s0 = buf.strings;
        MemorySegment.copy(b, 0, s0, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b.length);
        s0.set(java.lang.foreign.ValueLayout.JAVA_BYTE, b.length, (byte) 0);
        return s0;
    }
}
