package org.bpf4j.link;

import org.bpf4j.BpfLink;
import org.bpf4j.AttachType;
import org.bpf4j.SyscallException;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Fd;
import org.bpf4j.sys.Os;
import org.bpf4j.sys.PerfEvent;

/** Attach primitives by kind: each returns a {@link BpfLink} that detaches when closed. */
public final class Attach {
    private Attach() {}

    /**
     * Attaches a tracepoint program to {@code category/name}: a perf event of type
     * {@code PERF_TYPE_TRACEPOINT} with the id from tracefs, then a BPF perf link (5.15+), or
     * {@code PERF_EVENT_IOC_SET_BPF} on older kernels.
     *
     * @param progFd the loaded tracepoint program; it stays owned by the caller
     * @param category the tracepoint's category, such as {@code syscalls}
     * @param name the tracepoint's name, such as {@code sys_enter_openat}
     * @return the link; the caller closes it
     * @throws org.bpf4j.BpfException if the tracepoint does not exist or the kernel refuses the attachment
     */
    public static BpfLink tracepoint(int progFd, String category, String name) {
        String target = "tracepoint " + category + "/" + name;
        long id = Tracefs.tracepointId(category, name);
        Fd perf = PerfEvent.open(new PerfEvent.Attr(PerfEvent.TYPE_TRACEPOINT, id, 0, 0, 0, 0, 0, 0), -1, 0, target);
        try {
            return perfEventLink(progFd, perf, target);
        } catch (RuntimeException e) {
            perf.close();
            throw e;
        }
    }

    /** Tests set this to exercise the path of kernels before 5.15, which have no perf BPF links. */
    static volatile boolean forceIoctl;

    /** Attaches {@code progFd} to an open perf event: BPF link when possible, ioctl otherwise. */
    static FdLink perfEventLink(int progFd, Fd perf, String target) {
        return perfEventLink(progFd, perf, target, 0);
    }

    /**
     * Attaches {@code progFd} to an open perf event with a BPF cookie: through a BPF link, the
     * only way to give one; without a cookie, as {@link #perfEventLink(int, Fd, String)}.
     */
    static FdLink perfEventLink(int progFd, Fd perf, String target, long cookie) {
        long r = forceIoctl ? -Errno.EINVAL : Bpf.linkCreateRaw(progFd, perf.value(), AttachType.PERF_EVENT.code(), 0,
                cookie == 0 ? null : new long[] {cookie});
        if (r >= 0) return new FdLink(target, new Fd((int) r), perf);
        if (r != -Errno.EINVAL && r != -Errno.ENOTSUPP && r != -Errno.EOPNOTSUPP) {
            throw Errors.of("BPF_LINK_CREATE", (int) -r, target);
        }
        if (cookie != 0) {
            throw new org.bpf4j.FeatureNotSupportedException("BPF cookies", target + " needs a BPF perf link with a "
                    + "cookie (Linux 5.15+)");
        }
        long s = Os.ioctlRaw(perf.value(), PerfEvent.IOC_SET_BPF, progFd);
        if (s < 0) throw Errors.of("ioctl(PERF_EVENT_IOC_SET_BPF)", (int) -s, target);
        long e = Os.ioctlRaw(perf.value(), PerfEvent.IOC_ENABLE, 0);
        if (e < 0) throw Errors.of("ioctl(PERF_EVENT_IOC_ENABLE)", (int) -e, target);
        return new FdLink(target, null, perf);
    }

    /**
     * Attaches a raw tracepoint program to tracepoint {@code name} ({@code sys_enter}).
     *
     * @param progFd the loaded raw tracepoint program; it stays owned by the caller
     * @param name the tracepoint's name
     * @return the link; the caller closes it
     */
    public static BpfLink rawTracepoint(int progFd, String name) {
        String target = "raw_tracepoint " + name;
        try {
            return new FdLink(target, Bpf.rawTracepointOpen(name, progFd), null);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new org.bpf4j.BpfException("raw tracepoint '" + name + "' does not exist in this kernel", e);
            }
            throw e;
        }
    }

    /**
     * Attaches a tracing program (tp_btf, fentry, fexit, fmod_ret, lsm) to the target chosen at
     * load time by its attach BTF id.
     *
     * @param progFd the loaded tracing program; it stays owned by the caller
     * @param target what it attaches to, for messages only
     * @return the link; the caller closes it
     */
    public static BpfLink tracing(int progFd, String target) {
        return new FdLink(target, Bpf.rawTracepointOpen(null, progFd), null);
    }
}
