package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Output lines built as bytes, printf-style ({@code %-Ns}, {@code %Nd}), and written in one go:
 * a tool appends the lines of everything one poll returned, then {@link #flushTo} writes and
 * flushes them once. So each event shows at once when events are few, and a burst costs one
 * write. Strings from the kernel (command names, paths, arguments) are copied as the bytes they
 * are, as C's printf does.
 */
final class LineBuffer {
    private byte[] buf = new byte[8192];
    private int n;

    private void ensure(int more) {
        if (n + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
    }

    LineBuffer ch(char c) {
        ensure(1);
        buf[n++] = (byte) c;
        return this;
    }

    LineBuffer spaces(int count) {
        ensure(Math.max(count, 0));
        for (int i = 0; i < count; i++) buf[n++] = ' ';
        return this;
    }

    LineBuffer text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        ensure(b.length);
        System.arraycopy(b, 0, buf, n, b.length);
        n += b.length;
        return this;
    }

    /** {@code %-Ns}. */
    LineBuffer left(String s, int width) {
        int before = n;
        text(s);
        return spaces(width - (n - before));
    }

    /** {@code %Ns}. */
    LineBuffer right(String s, int width) {
        int len = s.getBytes(StandardCharsets.UTF_8).length;
        spaces(width - len);
        return text(s);
    }

    /** {@code %0Ns}-like: {@code s} right-aligned in {@code width}, padded with {@code pad}. */
    LineBuffer right(String s, int width, char pad) {
        for (int i = s.length(); i < width; i++) ch(pad);
        return text(s);
    }

    /** {@code %-Nd}. */
    LineBuffer left(long v, int width) {
        return left(Long.toString(v), width);
    }

    /** {@code %Nd}. */
    LineBuffer right(long v, int width) {
        return right(Long.toString(v), width);
    }

    /** The bytes of a NUL-terminated string of at most {@code max} bytes at {@code offset}, as {@code %-Ns}. */
    LineBuffer cString(MemorySegment seg, long offset, int max, int width) {
        int len = cStringLength(seg, offset, max);
        ensure(len);
        MemorySegment.copy(seg, JAVA_BYTE, offset, buf, n, len);
        n += len;
        return spaces(width - len);
    }

    static int cStringLength(MemorySegment seg, long offset, int max) {
        int len = 0;
        while (len < max && seg.get(JAVA_BYTE, offset + len) != 0) len++;
        return len;
    }

    /** A NUL-terminated string as a Java string, its bytes taken as ISO-8859-1 (for substring tests). */
    static String cStringBytes(MemorySegment seg, long offset, int max) {
        int len = cStringLength(seg, offset, max);
        byte[] b = new byte[len];
        MemorySegment.copy(seg, JAVA_BYTE, offset, b, 0, len);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    LineBuffer raw(byte b) {
        ensure(1);
        buf[n++] = b;
        return this;
    }

    boolean isEmpty() {
        return n == 0;
    }

    /** Writes what was appended and flushes {@code out}. */
    void flushTo(PrintStream out) {
        if (n == 0) return;
        out.write(buf, 0, n);
        out.flush();
        n = 0;
    }

    @Override
    public String toString() {
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }
}
