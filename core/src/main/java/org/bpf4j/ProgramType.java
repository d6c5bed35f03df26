package org.bpf4j;

/** BPF program types ({@code enum bpf_prog_type}), with the kernel version that introduced each. */
public enum ProgramType {
    /** {@code BPF_PROG_TYPE_UNSPEC} (0): no type. */
    UNSPEC(0, null),
    /** {@code BPF_PROG_TYPE_SOCKET_FILTER} (1), Linux 3.19. */
    SOCKET_FILTER(1, "3.19"),
    /** {@code BPF_PROG_TYPE_KPROBE} (2), Linux 4.1. */
    KPROBE(2, "4.1"),
    /** {@code BPF_PROG_TYPE_SCHED_CLS} (3), Linux 4.1. */
    SCHED_CLS(3, "4.1"),
    /** {@code BPF_PROG_TYPE_SCHED_ACT} (4), Linux 4.1. */
    SCHED_ACT(4, "4.1"),
    /** {@code BPF_PROG_TYPE_TRACEPOINT} (5), Linux 4.7. */
    TRACEPOINT(5, "4.7"),
    /** {@code BPF_PROG_TYPE_XDP} (6), Linux 4.8. */
    XDP(6, "4.8"),
    /** {@code BPF_PROG_TYPE_PERF_EVENT} (7), Linux 4.9. */
    PERF_EVENT(7, "4.9"),
    /** {@code BPF_PROG_TYPE_CGROUP_SKB} (8), Linux 4.10. */
    CGROUP_SKB(8, "4.10"),
    /** {@code BPF_PROG_TYPE_CGROUP_SOCK} (9), Linux 4.10. */
    CGROUP_SOCK(9, "4.10"),
    /** {@code BPF_PROG_TYPE_LWT_IN} (10), Linux 4.10. */
    LWT_IN(10, "4.10"),
    /** {@code BPF_PROG_TYPE_LWT_OUT} (11), Linux 4.10. */
    LWT_OUT(11, "4.10"),
    /** {@code BPF_PROG_TYPE_LWT_XMIT} (12), Linux 4.10. */
    LWT_XMIT(12, "4.10"),
    /** {@code BPF_PROG_TYPE_SOCK_OPS} (13), Linux 4.13. */
    SOCK_OPS(13, "4.13"),
    /** {@code BPF_PROG_TYPE_SK_SKB} (14), Linux 4.14. */
    SK_SKB(14, "4.14"),
    /** {@code BPF_PROG_TYPE_CGROUP_DEVICE} (15), Linux 4.15. */
    CGROUP_DEVICE(15, "4.15"),
    /** {@code BPF_PROG_TYPE_SK_MSG} (16), Linux 4.17. */
    SK_MSG(16, "4.17"),
    /** {@code BPF_PROG_TYPE_RAW_TRACEPOINT} (17), Linux 4.17. */
    RAW_TRACEPOINT(17, "4.17"),
    /** {@code BPF_PROG_TYPE_CGROUP_SOCK_ADDR} (18), Linux 4.17. */
    CGROUP_SOCK_ADDR(18, "4.17"),
    /** {@code BPF_PROG_TYPE_LWT_SEG6LOCAL} (19), Linux 4.18. */
    LWT_SEG6LOCAL(19, "4.18"),
    /** {@code BPF_PROG_TYPE_LIRC_MODE2} (20), Linux 4.18. */
    LIRC_MODE2(20, "4.18"),
    /** {@code BPF_PROG_TYPE_SK_REUSEPORT} (21), Linux 4.19. */
    SK_REUSEPORT(21, "4.19"),
    /** {@code BPF_PROG_TYPE_FLOW_DISSECTOR} (22), Linux 4.20. */
    FLOW_DISSECTOR(22, "4.20"),
    /** {@code BPF_PROG_TYPE_CGROUP_SYSCTL} (23), Linux 5.2. */
    CGROUP_SYSCTL(23, "5.2"),
    /** {@code BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE} (24), Linux 5.2. */
    RAW_TRACEPOINT_WRITABLE(24, "5.2"),
    /** {@code BPF_PROG_TYPE_CGROUP_SOCKOPT} (25), Linux 5.3. */
    CGROUP_SOCKOPT(25, "5.3"),
    /** {@code BPF_PROG_TYPE_TRACING} (26), Linux 5.5. */
    TRACING(26, "5.5"),
    /** {@code BPF_PROG_TYPE_STRUCT_OPS} (27), Linux 5.6. */
    STRUCT_OPS(27, "5.6"),
    /** {@code BPF_PROG_TYPE_EXT} (28), Linux 5.6. */
    EXT(28, "5.6"),
    /** {@code BPF_PROG_TYPE_LSM} (29), Linux 5.7. */
    LSM(29, "5.7"),
    /** {@code BPF_PROG_TYPE_SK_LOOKUP} (30), Linux 5.9. */
    SK_LOOKUP(30, "5.9"),
    /** {@code BPF_PROG_TYPE_SYSCALL} (31), Linux 5.14. */
    SYSCALL(31, "5.14"),
    /** {@code BPF_PROG_TYPE_NETFILTER} (32), Linux 6.4. */
    NETFILTER(32, "6.4");

    private static final ProgramType[] BY_CODE = values();
    private final int code;
    private final String since;

    ProgramType(int code, String since) {
        this.code = code;
        this.since = since;
    }

    /**
     * The kernel's number for this program type.
     *
     * @return the number, as in {@code enum bpf_prog_type}
     */
    public int code() {
        return code;
    }

    /**
     * The first kernel version with this program type.
     *
     * @return a version such as {@code "5.8"}, or null for {@code UNSPEC}
     */
    public String since() {
        return since;
    }

    /**
     * The type of a kernel number.
     *
     * @param code the number
     * @return the type, or null for a number bpf4j does not know
     */
    public static ProgramType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
