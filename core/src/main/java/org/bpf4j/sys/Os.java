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

    /**
     * Reads a whole file through a private read-only memory mapping: one system call where
     * read() on sysfs returns a page at a time (the kernel's BTF is 1350 pages). Returns null when
     * the file cannot be mapped (older kernels do not map /sys/kernel/btf files), so the caller
     * reads it the usual way.
     */
    public static byte[] readMapped(String path, long size) {
        if (size <= 0 || size > Integer.MAX_VALUE - 16) return null;
        long fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = Native.call(SysNr.OPENAT, -100 /* AT_FDCWD */, cstr(arena, path).address(), O_RDONLY | O_CLOEXEC);
        }
        if (fd < 0) return null;
        try {
            long addr = Native.call(SysNr.MMAP, 0, size, PROT_READ, 2 /* MAP_PRIVATE */, fd, 0);
            if (addr < 0 && addr > -4096) return null;
            MemorySegment m = MemorySegment.ofAddress(addr).reinterpret(size);
            try {
                return m.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            } finally {
                Native.call(SysNr.MUNMAP, addr, size);
            }
        } finally {
            Native.call(SysNr.CLOSE, fd);
        }
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

    /** A NUL-terminated copy of {@code s} in {@code arena}. */
    public static MemorySegment cstr(Arena arena, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment m = arena.allocate(b.length + 1L);
        MemorySegment.copy(b, 0, m, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b.length);
        return m;
    }
}
