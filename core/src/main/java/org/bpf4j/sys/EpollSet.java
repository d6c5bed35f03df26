package org.bpf4j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An epoll instance for the readers: file descriptors registered with a cookie, a wait that
 * sleeps in the kernel (never spins), and {@link #wakeup()}, which another thread can call to end
 * a wait at once (an eventfd in the set, reported with the cookie {@link #WAKE}).
 */
public final class EpollSet implements AutoCloseable {
    /** The cookie with which {@link #wait} reports a {@link #wakeup()}. */
    public static final long WAKE = -1;

    private final Fd epoll;
    private final Fd wake;
    private int count;
    /** The epoll_event array; GC-managed, so that it outlives a close() racing with a wait. */
    private MemorySegment events;

    public EpollSet() {
        epoll = Os.epollCreate();
        try {
            wake = Os.eventfd();
            Os.epollAdd(epoll.value(), wake.value(), WAKE);
        } catch (RuntimeException e) {
            epoll.close();
            throw e;
        }
        count = 1;
        events = Arena.ofAuto().allocate(Os.epollEventSize() * 4L, 8);
    }

    /** Adds {@code fd}, readable when it has data, reported with {@code cookie}. */
    public void add(int fd, long cookie) {
        Os.epollAdd(epoll.value(), fd, cookie);
        count++;
        if (events.byteSize() < (long) Os.epollEventSize() * count) {
            events = Arena.ofAuto().allocate((long) Os.epollEventSize() * count * 2, 8);
        }
    }

    /**
     * Waits up to {@code timeoutMs} (-1: no limit) until a file descriptor is ready; returns how
     * many are (0 on timeout or a signal). {@link #cookie} tells which. A wakeup is reset here.
     */
    public int wait(int timeoutMs) {
        int n = Os.epollWait(epoll.value(), events, count, timeoutMs);
        for (int i = 0; i < n; i++) {
            if (cookie(i) == WAKE) Os.eventfdDrain(wake.value());
        }
        return n;
    }

    /** The cookie of ready entry {@code i} of the last {@link #wait}. */
    public long cookie(int i) {
        return Os.epollEventData(events, i);
    }

    /** Ends a {@link #wait} in progress (or the next one) at once; callable from any thread. */
    public void wakeup() {
        try {
            Os.eventfdSignal(wake.value());
        } catch (IllegalStateException closed) {
            // closed meanwhile: there is no wait to end
        }
    }

    /** The epoll file descriptor, for an outer event loop. */
    public int fd() {
        return epoll.value();
    }

    @Override
    public void close() {
        wake.close();
        epoll.close();
    }
}
