package org.bpf4j.sys;

import org.bpf4j.PermissionException;
import org.bpf4j.SyscallException;

/** Turns a failed system call into the exception a user can act on. */
public final class Errors {
    private Errors() {}

    /** The exception for {@code op} failing with {@code errno} while doing {@code context}. */
    public static SyscallException of(String op, int errno, String context) {
        if (errno == Errno.EPERM) return new PermissionException(op, errno, context, capabilityFor(op));
        return new SyscallException(op, errno, context, hintFor(op, errno));
    }

    /** Throws {@link #of} when {@code result} is a negative errno; returns it otherwise. */
    public static long check(long result, String op, String context) {
        if (result < 0) throw of(op, (int) -result, context);
        return result;
    }

    static String capabilityFor(String op) {
        return switch (op) {
            case "BPF_PROG_LOAD" -> "CAP_BPF, plus CAP_PERFMON for tracing or CAP_NET_ADMIN for networking programs";
            case "perf_event_open", "BPF_RAW_TRACEPOINT_OPEN", "BPF_LINK_CREATE" -> "CAP_PERFMON (and CAP_BPF)";
            case "mount" -> "CAP_SYS_ADMIN";
            case "ioctl(PERF_EVENT_IOC_SET_BPF)" -> "CAP_PERFMON";
            default -> op.startsWith("BPF_") ? "CAP_BPF (or CAP_SYS_ADMIN)" : "CAP_SYS_ADMIN";
        };
    }

    static String hintFor(String op, int errno) {
        if (errno == Errno.ENOMEM && op.equals("BPF_MAP_CREATE")) {
            return "kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK: raise it with ulimit -l";
        }
        if (errno == Errno.ENOSYS && op.startsWith("BPF_")) {
            return "the kernel was built without CONFIG_BPF_SYSCALL";
        }
        return null;
    }
}
