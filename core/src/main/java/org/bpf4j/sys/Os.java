package org.bpf4j.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** Linux system calls other than bpf(2): ioctl, mmap, epoll, mount, sockets, ids. */
public final class Os {
    private Os() {}

    public static final int PROT_READ = 1, PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CLOEXEC = 0x80000;
    public static final int EPOLL_CLOEXEC = 0x80000, EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLLIN = 1;
    public static final int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;

    /** {@code ioctl(fd, request, arg)}; returns the result or {@code -errno}. */
    public static long ioctlRaw(int fd, long request, long arg) {
        return Native.call(SysNr.IOCTL, fd, request, arg);
    }

    /** Maps {@code length} bytes of {@code fd} at {@code offset}; the segment is unbounded by GC. */
    public static MemorySegment mmap(int fd, long length, int prot, long offset, String what) {
        long r = Native.call(SysNr.MMAP, 0, length, prot, MAP_SHARED, fd, offset);
        Errors.check(r, "mmap", what);
        return MemorySegment.ofAddress(r).reinterpret(length);
    }

    public static void munmap(MemorySegment segment) {
        Native.call(SysNr.MUNMAP, segment.address(), segment.byteSize());
    }

    public static int getpid() {
        return (int) Native.call(SysNr.GETPID, 0);
    }

    public static int gettid() {
        return (int) Native.call(SysNr.GETTID, 0);
    }

    /** {@code epoll_create1(EPOLL_CLOEXEC)}. */
    public static Fd epollCreate() {
        return new Fd((int) Errors.check(Native.call(SysNr.EPOLL_CREATE1, EPOLL_CLOEXEC), "epoll_create1", null));
    }

    /** Adds {@code fd} to an epoll set for {@code EPOLLIN}, with {@code data} as its cookie. */
    public static void epollAdd(int epfd, int fd, long data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ev = arena.allocate(12, 4); // struct epoll_event is packed on x86_64
            ev.set(JAVA_INT, 0, EPOLLIN);
            ev.set(JAVA_INT, 4, (int) data);
            ev.set(JAVA_INT, 8, (int) (data >>> 32));
            if (!SysNr.X86_64) {
                // arm64 aligns the 64-bit data field at offset 8
                MemorySegment ev16 = arena.allocate(16, 8);
                ev16.set(JAVA_INT, 0, EPOLLIN);
                ev16.set(JAVA_LONG, 8, data);
                ev = ev16;
            }
            Errors.check(Native.call(SysNr.EPOLL_CTL, epfd, EPOLL_CTL_ADD, fd, ev.address(), 0, 0), "epoll_ctl", null);
        }
    }

    /** Size of {@code struct epoll_event} on this architecture. */
    public static int epollEventSize() {
        return SysNr.X86_64 ? 12 : 16;
    }

    /** Reads the cookie of event {@code i} in an array filled by {@link #epollWait}. */
    public static long epollEventData(MemorySegment events, int i) {
        if (SysNr.X86_64) {
            long base = 12L * i;
            return (events.get(JAVA_INT.withByteAlignment(1), base + 4) & 0xffffffffL)
                    | ((long) events.get(JAVA_INT.withByteAlignment(1), base + 8) << 32);
        }
        return events.get(JAVA_LONG, 16L * i + 8);
    }

    /** {@code epoll_pwait}; returns the number of ready events, 0 on timeout or EINTR. */
    public static int epollWait(int epfd, MemorySegment events, int maxEvents, int timeoutMs) {
        long r = Native.call(SysNr.EPOLL_PWAIT, epfd, events.address(), maxEvents, timeoutMs, 0, 8);
        if (r == -Errno.EINTR) return 0;
        return (int) Errors.check(r, "epoll_wait", null);
    }

    /** A non-blocking {@code eventfd}: a way to wake a thread blocked in {@link #epollWait}. */
    public static Fd eventfd() {
        return new Fd((int) Errors.check(Native.call(SysNr.EVENTFD2, 0, EFD_CLOEXEC | EFD_NONBLOCK), "eventfd", null));
    }

    /** Adds 1 to an eventfd's counter, making it readable. */
    public static void eventfdSignal(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1);
            Native.call(SysNr.WRITE, fd, one.address(), 8);
        }
    }

    /** Resets an eventfd's counter (reads it; nothing happens if it is 0). */
    public static void eventfdDrain(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            Native.call(SysNr.READ, fd, arena.allocate(JAVA_LONG).address(), 8);
        }
    }

    /** {@code mount(source, target, fstype, flags, NULL)}; returns 0 or {@code -errno}. */
    public static long mountRaw(String source, String target, String fstype, long flags) {
        try (Arena arena = Arena.ofConfined()) {
            return Native.call(SysNr.MOUNT, cstr(arena, source).address(), cstr(arena, target).address(),
                    cstr(arena, fstype).address(), flags, 0, 0);
        }
    }

    /** {@code setsockopt(fd, level, name, &value, 4)} with an int value; returns 0 or -errno. */
    public static long setsockoptInt(int fd, int level, int name, int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            return Native.call(SysNr.SETSOCKOPT, fd, level, name, v.address(), 4, 0);
        }
    }

    private static volatile int pageSize;

    /** The system page size ({@code AT_PAGESZ} from {@code /proc/self/auxv}; 4096 if unreadable). */
    public static int pageSize() {
        int p = pageSize;
        if (p == 0) {
            p = 4096;
            try {
                java.nio.ByteBuffer auxv = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(
                        java.nio.file.Path.of("/proc/self/auxv"))).order(java.nio.ByteOrder.nativeOrder());
                while (auxv.remaining() >= 16) {
                    long type = auxv.getLong(), value = auxv.getLong();
                    if (type == 6 /* AT_PAGESZ */ && value > 0) {
                        p = (int) value;
                        break;
                    }
                    if (type == 0) break;
                }
            } catch (java.io.IOException | RuntimeException e) {
                // keep the default
            }
            pageSize = p;
        }
        return p;
    }

    /** {@code mmap(NULL, length, prot, MAP_SHARED, fd, offset)}: the address, or {@code -errno}. */
    public static long mmapRaw(int fd, long length, int prot, long offset) {
        return Native.call(SysNr.MMAP, 0, length, prot, MAP_SHARED, fd, offset);
    }

    /** {@code munmap(address, length)}; returns 0 or {@code -errno}. */
    public static long munmapRaw(long address, long length) {
        return Native.call(SysNr.MUNMAP, address, length);
    }

    /** A NUL-terminated copy of {@code s} in {@code arena}. */
    public static MemorySegment cstr(Arena arena, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment m = arena.allocate(b.length + 1L);
        MemorySegment.copy(b, 0, m, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b.length);
        return m;
    }
}
