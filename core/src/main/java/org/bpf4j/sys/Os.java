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

    public static final int CLOCK_REALTIME = 0, CLOCK_BOOTTIME = 7;

    /** {@code clock_gettime(clock)} in nanoseconds. */
    public static long clockNanos(int clock) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8);
            Errors.check(Native.call(SysNr.CLOCK_GETTIME, clock, ts.address()), "clock_gettime", null);
            return ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
        }
    }

    /**
     * The {@code key:\tvalue} lines of {@code /proc/self/fdinfo/FD} (for BPF objects: memlock,
     * frozen, prog_id, map_id, link_id, ...); empty if it cannot be read.
     */
    public static java.util.Map<String, String> fdinfo(int fd) {
        return fdinfo(java.nio.file.Path.of("/proc/self/fdinfo/" + fd));
    }

    /** The {@code key:\tvalue} lines of one fdinfo file; empty if it cannot be read. */
    public static java.util.Map<String, String> fdinfo(java.nio.file.Path file) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        try {
            for (String line : java.nio.file.Files.readAllLines(file)) {
                int colon = line.indexOf(':');
                if (colon > 0) out.putIfAbsent(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // the fd or the process went away
        }
        return out;
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

    // ------------------------------------------------------------------ files and sockets

    /** {@code O_DIRECTORY}: 0200000 on x86_64, 040000 on arm64. */
    public static final int O_DIRECTORY = SysNr.X86_64 ? 0x10000 : 0x4000;
    public static final int AF_INET = 2, SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_CLOEXEC = 0x80000,
            SOCK_NONBLOCK = 0x800, SOL_SOCKET = 1, MSG_DONTWAIT = 0x40;
    /** {@code SO_ATTACH_BPF} and {@code SO_DETACH_BPF} (the same number as {@code SO_DETACH_FILTER}). */
    public static final int SO_ATTACH_BPF = 50, SO_DETACH_BPF = 27;
    private static final int AT_FDCWD = -100, F_DUPFD_CLOEXEC = 1030, SIOCGIFINDEX = 0x8933, SIOCGIFNAME = 0x8910;

    /** {@code openat(AT_FDCWD, path, flags | O_CLOEXEC)}; returns the fd or {@code -errno}. */
    public static long openRaw(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            return Native.call(SysNr.OPENAT, AT_FDCWD, cstr(arena, path).address(), flags | O_CLOEXEC, 0, 0, 0);
        }
    }

    /** Opens a directory (a cgroup, for instance) read-only; the exception names {@code path}. */
    public static Fd openDirectory(String path) {
        return new Fd((int) Errors.check(openRaw(path, O_RDONLY | O_DIRECTORY), "open", path));
    }

    /** {@code fcntl(fd, F_DUPFD_CLOEXEC, 0)}: a second descriptor for the same open file. */
    public static Fd dup(int fd) {
        return new Fd((int) Errors.check(Native.call(SysNr.FCNTL, fd, F_DUPFD_CLOEXEC, 0), "fcntl(F_DUPFD_CLOEXEC)",
                "fd " + fd));
    }

    /** {@code socket(domain, type | SOCK_CLOEXEC, protocol)}. */
    public static Fd socket(int domain, int type, int protocol) {
        long r = Native.call(SysNr.SOCKET, domain, type | SOCK_CLOEXEC, protocol);
        return new Fd((int) Errors.check(r, "socket", null));
    }

    private static MemorySegment sockaddrIn(Arena arena, byte[] ipv4, int port) {
        if (ipv4.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + ipv4.length + " bytes");
        MemorySegment sa = arena.allocate(16, 4);
        sa.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        sa.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 2, (byte) (port >>> 8));
        sa.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 3, (byte) port);
        MemorySegment.copy(ipv4, 0, sa, java.lang.foreign.ValueLayout.JAVA_BYTE, 4, 4);
        return sa;
    }

    /** {@code bind} to an IPv4 address and port (0: any port); returns 0 or {@code -errno}. */
    public static long bindInet4Raw(int fd, byte[] ipv4, int port) {
        try (Arena arena = Arena.ofConfined()) {
            return Native.call(SysNr.BIND, fd, sockaddrIn(arena, ipv4, port).address(), 16);
        }
    }

    /** The port a bound IPv4 socket has ({@code getsockname}). */
    public static int localPortInet4(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(16, 4);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 16);
            Errors.check(Native.call(SysNr.GETSOCKNAME, fd, sa.address(), len.address()), "getsockname", "fd " + fd);
            return ((sa.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 2) & 0xff) << 8)
                    | (sa.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 3) & 0xff);
        }
    }

    /** {@code sendto} an IPv4 address; returns the bytes sent or {@code -errno}. */
    public static long sendtoInet4Raw(int fd, MemorySegment data, byte[] ipv4, int port, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            return Native.call(SysNr.SENDTO, fd, data.address(), data.byteSize(), flags,
                    sockaddrIn(arena, ipv4, port).address(), 16);
        }
    }

    /** {@code recvfrom(fd, buf, len, flags, NULL, NULL)}; returns the bytes received or {@code -errno}. */
    public static long recvRaw(int fd, MemorySegment buf, int flags) {
        return Native.call(SysNr.RECVFROM, fd, buf.address(), buf.byteSize(), flags, 0, 0);
    }

    /**
     * The index of network interface {@code name} in the calling thread's network namespace
     * ({@code ioctl(SIOCGIFINDEX)}, what {@code if_nametoindex} does).
     */
    public static int ifIndex(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length > 15) throw new IllegalArgumentException("bad interface name '" + name + "'");
        try (Fd s = socket(AF_INET, SOCK_DGRAM, 0); Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = arena.allocate(40, 8); // struct ifreq: char name[16]; union { int ifindex; ... }
            MemorySegment.copy(b, 0, ifr, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b.length);
            long r = ioctlRaw(s.value(), SIOCGIFINDEX, ifr.address());
            if (r == -Errno.ENODEV) {
                throw new org.bpf4j.BpfException("no network interface '" + name + "' in this network namespace");
            }
            Errors.check(r, "ioctl(SIOCGIFINDEX)", "interface " + name);
            return ifr.get(JAVA_INT, 16);
        }
    }

    /**
     * The name of network interface {@code ifindex} in the calling thread's network namespace
     * ({@code ioctl(SIOCGIFNAME)}), or null if there is none.
     */
    public static String ifName(int ifindex) {
        try (Fd s = socket(AF_INET, SOCK_DGRAM, 0); Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = arena.allocate(40, 8);
            ifr.set(JAVA_INT, 16, ifindex);
            long r = ioctlRaw(s.value(), SIOCGIFNAME, ifr.address());
            if (r == -Errno.ENODEV) return null;
            Errors.check(r, "ioctl(SIOCGIFNAME)", "ifindex " + ifindex);
            return ifr.getString(0);
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
