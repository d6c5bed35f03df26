package org.bpf4j.btf;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A byte buffer for generated C text that flushes to an {@link OutputStream} in large chunks.
 * Names are copied straight from BTF string sections (no String per name), numbers are formatted
 * in place.
 */
final class COut {
    private static final int FLUSH_AT = 1 << 16;

    private final OutputStream out;
    private byte[] buf = new byte[FLUSH_AT + 1024];
    private int n;

    COut(OutputStream out) {
        this.out = out;
    }

    private void ensure(int more) {
        if (n + more <= buf.length) return;
        if (out != null && n > 0) {
            drain();
            if (more <= buf.length) return;
        }
        byte[] b = new byte[Math.max(buf.length * 2, n + more)];
        System.arraycopy(buf, 0, b, 0, n);
        buf = b;
    }

    private void drain() {
        try {
            out.write(buf, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        n = 0;
    }

    /** Writes everything buffered to the stream (when it has one) and flushes it. */
    void flush() {
        if (out == null) return;
        if (n > 0) drain();
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hands buffered bytes to the stream once a chunk is full; call between top-level items. */
    void maybeFlush() {
        if (out != null && n >= FLUSH_AT) drain();
    }

    byte[] buffer() {
        return buf;
    }

    int length() {
        return n;
    }

    void reset() {
        n = 0;
    }

    COut ch(char c) {
        if (n == buf.length) ensure(1);
        buf[n++] = (byte) c;
        return this;
    }

    /** ASCII bytes (a constant). */
    COut raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, n, b.length);
        n += b.length;
        return this;
    }

    /** len bytes of a from p. */
    COut bytes(byte[] a, int p, int len) {
        ensure(len);
        System.arraycopy(a, p, buf, n, len);
        n += len;
        return this;
    }

    /** Any text, as UTF-8. */
    COut str(String s) {
        return raw(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The NUL-terminated bytes at a[p]. */
    COut cstr(byte[] a, int p) {
        int e = p;
        while (a[e] != 0) e++;
        int len = e - p;
        ensure(len);
        System.arraycopy(a, p, buf, n, len);
        n += len;
        return this;
    }

    COut tabs(int count) {
        ensure(count);
        for (int i = 0; i < count; i++) buf[n++] = '\t';
        return this;
    }

    /** A signed decimal. */
    COut dec(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) return raw("-9223372036854775808".getBytes(StandardCharsets.US_ASCII));
            ch('-');
            v = -v;
        }
        return udecPositive(v);
    }

    /** An unsigned 64-bit decimal. */
    COut udec(long v) {
        if (v >= 0) return udecPositive(v);
        // top bit set: split off the last digit with unsigned division
        long q = Long.divideUnsigned(v, 10);
        udecPositive(q);
        return ch((char) ('0' + (int) (v - q * 10)));
    }

    private COut udecPositive(long v) {
        ensure(20);
        if (v < 10) {
            buf[n++] = (byte) ('0' + v);
            return this;
        }
        int digits = 0;
        for (long t = v; t != 0; t /= 10) digits++;
        int end = n + digits;
        for (int i = end - 1; i >= n; i--) {
            buf[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        n = end;
        return this;
    }

    @Override
    public String toString() {
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }
}
