package org.bpf4j.sys;

import org.bpf4j.LeakTracker;

/**
 * An owned file descriptor: closed exactly once, by {@link #close()}. Every kernel object bpf4j
 * creates (map, program, BTF, link, perf event, epoll instance) is held by one {@code Fd}.
 */
public final class Fd implements AutoCloseable {
    private volatile int fd;
    /** Set by {@link LeakTracker#enable()}; until then LeakTracker is not even loaded. */
    private static volatile boolean tracked;

    /** For {@link LeakTracker#enable()}: report every open and close to it from now on. */
    public static void reportToLeakTracker() {
        tracked = true;
    }

    public Fd(int fd) {
        if (fd < 0) throw new IllegalArgumentException("bad file descriptor " + fd);
        this.fd = fd;
        if (tracked) LeakTracker.opened(fd);
    }

    /** The descriptor number; {@link IllegalStateException} once closed. */
    public int value() {
        int v = fd;
        if (v < 0) throw new IllegalStateException("file descriptor already closed");
        return v;
    }

    public boolean isOpen() {
        return fd >= 0;
    }

    /** Gives up ownership without closing: the caller now owns the returned number. */
    public int release() {
        int v = value();
        fd = -1;
        if (tracked) LeakTracker.closed(v);
        return v;
    }

    @Override
    public void close() {
        int v;
        synchronized (this) {
            v = fd;
            fd = -1;
        }
        if (v >= 0) {
            if (tracked) LeakTracker.closed(v);
            Native.call(SysNr.CLOSE, v);
        }
    }

    /** Closes {@code fd} if it is not null; for clean-up paths. */
    public static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // clean-up of a failed operation: the first failure is the one to report
        }
    }

    @Override
    public String toString() {
        return "fd " + fd;
    }
}
