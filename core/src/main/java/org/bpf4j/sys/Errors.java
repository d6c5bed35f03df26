package org.bpf4j.sys;

import org.bpf4j.PermissionException;
import org.bpf4j.ProgramType;
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

    /**
     * The exception for BPF_PROG_LOAD of a {@code type} program failing with {@code errno}: on EPERM
     * it names the capabilities that program type needs beside CAP_BPF (the kernel's
     * {@code is_net_admin_prog_type} and {@code is_perfmon_prog_type} in {@code bpf_prog_load}).
     */
    public static SyscallException ofProgLoad(ProgramType type, int errno, String context) {
        if (errno != Errno.EPERM) return of("BPF_PROG_LOAD", errno, context);
        String extra = progLoadCapability(type);
        return new PermissionException("BPF_PROG_LOAD", errno, context,
                extra == null ? capabilityFor("BPF_PROG_LOAD") : "CAP_BPF and " + extra);
    }

    /** The capability beside CAP_BPF that loading a {@code type} program needs, or null when it is not known. */
    static String progLoadCapability(ProgramType type) {
        return switch (type) {
            case SCHED_CLS, SCHED_ACT, XDP, LWT_IN, LWT_OUT, LWT_XMIT, LWT_SEG6LOCAL, SK_SKB, SK_MSG, FLOW_DISSECTOR, CGROUP_DEVICE,
                    CGROUP_SOCK, CGROUP_SKB, CGROUP_SOCK_ADDR, CGROUP_SOCKOPT, CGROUP_SYSCTL, SOCK_OPS, NETFILTER ->
                    "CAP_NET_ADMIN";
            case KPROBE, TRACEPOINT, PERF_EVENT, RAW_TRACEPOINT, RAW_TRACEPOINT_WRITABLE, TRACING, LSM, STRUCT_OPS ->
                    "CAP_PERFMON";
            default -> null;
        };
    }

    /** The exception for attaching a networking program (XDP, tcx, cgroup) failing with {@code errno}. */
    public static SyscallException ofNetAttach(String op, int errno, String context) {
        if (errno == Errno.EPERM) return new PermissionException(op, errno, context, "CAP_NET_ADMIN (and CAP_BPF)");
        return of(op, errno, context);
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
