package org.bpf4j.sys;

/**
 * System call numbers of the architectures bpf4j runs on (x86_64 and aarch64), from the kernel's
 * {@code arch/x86/entry/syscalls/syscall_64.tbl} and the generic {@code unistd.h}.
 */
public final class SysNr {
    private SysNr() {}

    public static final boolean X86_64;

    public static final int READ, WRITE, CLOSE, MMAP, MUNMAP, IOCTL, GETPID, GETTID, SOCKET, BIND,
            SENDTO, RECVFROM, SETSOCKOPT, GETSOCKOPT, MOUNT, OPENAT, EPOLL_CREATE1, EPOLL_CTL,
            EPOLL_PWAIT, EVENTFD2, PERF_EVENT_OPEN, BPF, PRCTL, CAPGET, CAPSET, SETNS, GETPPID, FCNTL, CONNECT, GETSOCKNAME,
            CLOCK_GETTIME, RT_SIGACTION;

    static {
        String arch = System.getProperty("os.arch");
        switch (arch) {
            case "amd64", "x86_64" -> {
                X86_64 = true;
                READ = 0; WRITE = 1; CLOSE = 3; MMAP = 9; MUNMAP = 11; IOCTL = 16; GETPID = 39;
                SOCKET = 41; SENDTO = 44; RECVFROM = 45; BIND = 49; SETSOCKOPT = 54; GETSOCKOPT = 55;
                GETPPID = 110; CAPGET = 125; CAPSET = 126; PRCTL = 157; MOUNT = 165; GETTID = 186;
                EPOLL_CTL = 233; OPENAT = 257; EPOLL_PWAIT = 281; EVENTFD2 = 290; EPOLL_CREATE1 = 291;
                PERF_EVENT_OPEN = 298; SETNS = 308; BPF = 321; FCNTL = 72; CONNECT = 42; GETSOCKNAME = 51;
                CLOCK_GETTIME = 228; RT_SIGACTION = 13;
            }
            case "aarch64" -> {
                X86_64 = false;
                EVENTFD2 = 19; EPOLL_CREATE1 = 20; EPOLL_CTL = 21; EPOLL_PWAIT = 22; IOCTL = 29;
                MOUNT = 40; OPENAT = 56; CLOSE = 57; READ = 63; WRITE = 64; CAPGET = 90; CAPSET = 91;
                PRCTL = 167; GETPID = 172; GETPPID = 173; GETTID = 178; SOCKET = 198; BIND = 200;
                SENDTO = 206; RECVFROM = 207; SETSOCKOPT = 208; GETSOCKOPT = 209; MUNMAP = 215;
                MMAP = 222; PERF_EVENT_OPEN = 241; SETNS = 268; BPF = 280; FCNTL = 25; CONNECT = 203; GETSOCKNAME = 204;
                CLOCK_GETTIME = 113; RT_SIGACTION = 134;
            }
            default -> throw new UnsupportedOperationException(
                    "bpf4j supports x86_64 and aarch64, not " + arch);
        }
    }
}
