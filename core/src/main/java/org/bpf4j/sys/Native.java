package org.bpf4j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The one native entry point of bpf4j: libc's {@code syscall(2)} wrapper, called through FFM.
 *
 * <p>Every kernel interaction (bpf, perf_event_open, ioctl, mmap, epoll, close, mount, ...) goes
 * through {@link #call}, so the process maps no native library but libc and the JDK's own, and a
 * single downcall handle is created at start-up. Results follow the raw kernel convention: a
 * negative return is {@code -errno}.
 */
public final class Native {
    private Native() {}

    private static final MethodHandle SYSCALL;
    private static final long ERRNO_OFFSET;
    private static final long CAPTURE_SIZE;
    private static final ThreadLocal<MemorySegment> CAPTURE;

    static {
        Linker linker = Linker.nativeLinker();
        MemorySegment symbol = linker.defaultLookup().find("syscall")
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no syscall() symbol"));
        StructLayout state = Linker.Option.captureStateLayout();
        // errno's offset, from the members: a layout path (or a var handle on one) would generate
        // method handles, milliseconds on start-up's critical path
        long offset = -1;
        long at = 0;
        for (MemoryLayout m : state.memberLayouts()) {
            if ("errno".equals(m.name().orElse(null))) {
                offset = at;
                break;
            }
            at += m.byteSize();
        }
        if (offset < 0) throw new UnsatisfiedLinkError("the FFM call state has no errno: " + state);
        ERRNO_OFFSET = offset;
        CAPTURE_SIZE = state.byteSize();
        ValueLayout.OfLong j = ValueLayout.JAVA_LONG;
        // syscall(long, ...) linked fixed-arity with six arguments: x86_64 SysV and AArch64 pass integer varargs as
        // fixed ones (glibc's stub reads no %al), and variadic linkage costs milliseconds of start-up
        SYSCALL = linker.downcallHandle(symbol,
                FunctionDescriptor.of(j, j, j, j, j, j, j, j),
                Linker.Option.captureCallState("errno"));
        CAPTURE = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_SIZE, 8));
        NativeState.ready = true;
    }

    /** Calls system call {@code nr}; returns its result, or {@code -errno} on failure. */
    public static long call(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        MemorySegment capture = CAPTURE.get();
        long r;
        try {
            r = (long) SYSCALL.invokeExact(capture, nr, a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw new AssertionError("syscall downcall failed", t);
        }
        if (r == -1) {
            int errno = capture.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
            return -errno;
        }
        return r;
    }

    public static long call(long nr, long a1, long a2, long a3) {
        return call(nr, a1, a2, a3, 0, 0, 0);
    }

    public static long call(long nr, long a1, long a2) {
        return call(nr, a1, a2, 0, 0, 0, 0);
    }

    public static long call(long nr, long a1) {
        return call(nr, a1, 0, 0, 0, 0, 0);
    }
}
