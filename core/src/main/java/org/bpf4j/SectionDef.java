package org.bpf4j;

import java.util.ArrayList;
import java.util.List;

/**
 * libbpf's ELF section name conventions ({@code SEC("tracepoint/...")} and friends): what program
 * type a section holds, the attach type the kernel expects at load time, and how it auto-attaches.
 *
 * <p>Matching follows libbpf: a definition ending in {@code +} matches its name exactly or followed
 * by {@code /extra}; one ending in {@code /} matches any name with that prefix; any other matches
 * exactly. The first matching definition wins.
 *
 * @param pattern the section name or prefix as libbpf writes it, with a trailing {@code +} or {@code /}
 * @param type the program type
 * @param attachType the expected attach type, or null
 * @param flags the {@link #ATTACHABLE}, {@link #ATTACH_BTF}, {@link #SLEEPABLE} ... bits
 * @param autoAttach how such a program attaches by section name
 */
public record SectionDef(String pattern, ProgramType type, AttachType attachType, int flags, AutoAttach autoAttach) {

    /** The attach type is passed as {@code expected_attach_type} at load time. */
    public static final int ATTACHABLE = 1;
    /** Like {@link #ATTACHABLE}, but kernels that reject it are retried without. */
    public static final int ATTACHABLE_OPT = 2;
    /** The program needs an attach BTF id (kernel function or tracepoint) at load time. */
    public static final int ATTACH_BTF = 4;
    /** Sleepable program ({@code BPF_F_SLEEPABLE}). */
    public static final int SLEEPABLE = 8;
    /** XDP program that handles fragments ({@code BPF_F_XDP_HAS_FRAGS}). */
    public static final int XDP_FRAGS = 16;

    /** How a program of this section attaches by itself, from its section name. */
    public enum AutoAttach {
        /** It does not attach by itself: the caller uses the attach method of its kind. */
        NONE,
        /** {@code tracepoint/<category>/<name>}. */
        TRACEPOINT,
        /** {@code raw_tracepoint/<name>}. */
        RAW_TRACEPOINT,
        /** A BTF-typed target ({@code tp_btf/}, {@code fentry/}, {@code fexit/}, {@code fmod_ret/}). */
        TRACING,
        /** {@code lsm/<hook>}. */
        LSM,
        /** {@code kprobe/<function>[+<offset>]}. */
        KPROBE,
        /** {@code kretprobe/<function>}. */
        KRETPROBE,
        /** {@code ksyscall/<syscall>}. */
        KSYSCALL,
        /** {@code kretsyscall/<syscall>}. */
        KRETSYSCALL,
        /** {@code uprobe/<binary>:<function>[+<offset>]}. */
        UPROBE,
        /** {@code uretprobe/<binary>:<function>}. */
        URETPROBE,
        /** {@code iter/<target>}. */
        ITER,
        /** {@code usdt/<binary>:<provider>:<name>}. */
        USDT
    }

    private static final List<SectionDef> DEFS = new ArrayList<>();

    private static void def(String pattern, ProgramType type, AttachType at, int flags, AutoAttach auto) {
        DEFS.add(new SectionDef(pattern, type, at, flags, auto));
    }

    private static void def(String pattern, ProgramType type, AttachType at, int flags) {
        def(pattern, type, at, flags, AutoAttach.NONE);
    }

    static {
        ProgramType P;
        def("socket", ProgramType.SOCKET_FILTER, null, 0);
        def("sk_reuseport/migrate", ProgramType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT_OR_MIGRATE, ATTACHABLE);
        def("sk_reuseport", ProgramType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT, ATTACHABLE);
        def("kprobe+", ProgramType.KPROBE, null, 0, AutoAttach.KPROBE);
        def("uprobe+", ProgramType.KPROBE, null, 0, AutoAttach.UPROBE);
        def("uprobe.s+", ProgramType.KPROBE, null, SLEEPABLE, AutoAttach.UPROBE);
        def("kretprobe+", ProgramType.KPROBE, null, 0, AutoAttach.KRETPROBE);
        def("uretprobe+", ProgramType.KPROBE, null, 0, AutoAttach.URETPROBE);
        def("uretprobe.s+", ProgramType.KPROBE, null, SLEEPABLE, AutoAttach.URETPROBE);
        def("kprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI, 0);
        def("kretprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI, 0);
        def("kprobe.session+", ProgramType.KPROBE, AttachType.TRACE_KPROBE_SESSION, 0);
        def("uprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, 0);
        def("uretprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, 0);
        def("uprobe.session+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_SESSION, 0);
        def("uprobe.multi.s+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, SLEEPABLE);
        def("uretprobe.multi.s+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, SLEEPABLE);
        def("uprobe.session.s+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_SESSION, SLEEPABLE);
        def("ksyscall+", ProgramType.KPROBE, null, 0, AutoAttach.KSYSCALL);
        def("kretsyscall+", ProgramType.KPROBE, null, 0, AutoAttach.KRETSYSCALL);
        def("usdt+", ProgramType.KPROBE, null, 0, AutoAttach.USDT);
        def("usdt.s+", ProgramType.KPROBE, null, SLEEPABLE, AutoAttach.USDT);
        def("tc/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS, 0);
        def("tc/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS, 0);
        def("tcx/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS, 0);
        def("tcx/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS, 0);
        def("tc", ProgramType.SCHED_CLS, null, 0);
        def("classifier", ProgramType.SCHED_CLS, null, 0);
        def("action", ProgramType.SCHED_ACT, null, 0);
        def("netkit/primary", ProgramType.SCHED_CLS, AttachType.NETKIT_PRIMARY, 0);
        def("netkit/peer", ProgramType.SCHED_CLS, AttachType.NETKIT_PEER, 0);
        def("tracepoint+", ProgramType.TRACEPOINT, null, 0, AutoAttach.TRACEPOINT);
        def("tp+", ProgramType.TRACEPOINT, null, 0, AutoAttach.TRACEPOINT);
        def("tracepoint.s+", ProgramType.TRACEPOINT, null, SLEEPABLE, AutoAttach.TRACEPOINT);
        def("tp.s+", ProgramType.TRACEPOINT, null, SLEEPABLE, AutoAttach.TRACEPOINT);
        def("raw_tracepoint+", ProgramType.RAW_TRACEPOINT, null, 0, AutoAttach.RAW_TRACEPOINT);
        def("raw_tp+", ProgramType.RAW_TRACEPOINT, null, 0, AutoAttach.RAW_TRACEPOINT);
        def("raw_tracepoint.s+", ProgramType.RAW_TRACEPOINT, null, SLEEPABLE, AutoAttach.RAW_TRACEPOINT);
        def("raw_tp.s+", ProgramType.RAW_TRACEPOINT, null, SLEEPABLE, AutoAttach.RAW_TRACEPOINT);
        def("raw_tracepoint.w+", ProgramType.RAW_TRACEPOINT_WRITABLE, null, 0, AutoAttach.RAW_TRACEPOINT);
        def("raw_tp.w+", ProgramType.RAW_TRACEPOINT_WRITABLE, null, 0, AutoAttach.RAW_TRACEPOINT);
        def("tp_btf+", ProgramType.TRACING, AttachType.TRACE_RAW_TP, ATTACH_BTF, AutoAttach.TRACING);
        def("tp_btf.s+", ProgramType.TRACING, AttachType.TRACE_RAW_TP, ATTACH_BTF | SLEEPABLE, AutoAttach.TRACING);
        def("fentry+", ProgramType.TRACING, AttachType.TRACE_FENTRY, ATTACH_BTF, AutoAttach.TRACING);
        def("fmod_ret+", ProgramType.TRACING, AttachType.MODIFY_RETURN, ATTACH_BTF, AutoAttach.TRACING);
        def("fexit+", ProgramType.TRACING, AttachType.TRACE_FEXIT, ATTACH_BTF, AutoAttach.TRACING);
        def("fentry.s+", ProgramType.TRACING, AttachType.TRACE_FENTRY, ATTACH_BTF | SLEEPABLE, AutoAttach.TRACING);
        def("fmod_ret.s+", ProgramType.TRACING, AttachType.MODIFY_RETURN, ATTACH_BTF | SLEEPABLE, AutoAttach.TRACING);
        def("fexit.s+", ProgramType.TRACING, AttachType.TRACE_FEXIT, ATTACH_BTF | SLEEPABLE, AutoAttach.TRACING);
        def("freplace+", ProgramType.EXT, null, ATTACH_BTF, AutoAttach.NONE);
        def("lsm+", ProgramType.LSM, AttachType.LSM_MAC, ATTACH_BTF, AutoAttach.LSM);
        def("lsm.s+", ProgramType.LSM, AttachType.LSM_MAC, ATTACH_BTF | SLEEPABLE, AutoAttach.LSM);
        def("lsm_cgroup+", ProgramType.LSM, AttachType.LSM_CGROUP, ATTACH_BTF);
        def("iter+", ProgramType.TRACING, AttachType.TRACE_ITER, ATTACH_BTF, AutoAttach.ITER);
        def("iter.s+", ProgramType.TRACING, AttachType.TRACE_ITER, ATTACH_BTF | SLEEPABLE, AutoAttach.ITER);
        def("syscall", ProgramType.SYSCALL, null, SLEEPABLE);
        def("xdp.frags/devmap", ProgramType.XDP, AttachType.XDP_DEVMAP, XDP_FRAGS | ATTACHABLE);
        def("xdp/devmap", ProgramType.XDP, AttachType.XDP_DEVMAP, ATTACHABLE);
        def("xdp.frags/cpumap", ProgramType.XDP, AttachType.XDP_CPUMAP, XDP_FRAGS | ATTACHABLE);
        def("xdp/cpumap", ProgramType.XDP, AttachType.XDP_CPUMAP, ATTACHABLE);
        def("xdp.frags", ProgramType.XDP, AttachType.XDP, XDP_FRAGS | ATTACHABLE);
        def("xdp", ProgramType.XDP, AttachType.XDP, ATTACHABLE_OPT);
        def("perf_event", ProgramType.PERF_EVENT, null, 0);
        def("lwt_in", ProgramType.LWT_IN, null, 0);
        def("lwt_out", ProgramType.LWT_OUT, null, 0);
        def("lwt_xmit", ProgramType.LWT_XMIT, null, 0);
        def("lwt_seg6local", ProgramType.LWT_SEG6LOCAL, null, 0);
        def("sockops", ProgramType.SOCK_OPS, AttachType.CGROUP_SOCK_OPS, ATTACHABLE_OPT);
        def("sk_skb/stream_parser", ProgramType.SK_SKB, AttachType.SK_SKB_STREAM_PARSER, ATTACHABLE_OPT);
        def("sk_skb/stream_verdict", ProgramType.SK_SKB, AttachType.SK_SKB_STREAM_VERDICT, ATTACHABLE_OPT);
        def("sk_skb/verdict", ProgramType.SK_SKB, AttachType.SK_SKB_VERDICT, ATTACHABLE_OPT);
        def("sk_skb", ProgramType.SK_SKB, null, 0);
        def("sk_msg", ProgramType.SK_MSG, AttachType.SK_MSG_VERDICT, ATTACHABLE_OPT);
        def("lirc_mode2", ProgramType.LIRC_MODE2, AttachType.LIRC_MODE2, ATTACHABLE_OPT);
        def("flow_dissector", ProgramType.FLOW_DISSECTOR, AttachType.FLOW_DISSECTOR, ATTACHABLE_OPT);
        def("cgroup_skb/ingress", ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_INGRESS, ATTACHABLE_OPT);
        def("cgroup_skb/egress", ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_EGRESS, ATTACHABLE_OPT);
        def("cgroup/skb", ProgramType.CGROUP_SKB, null, 0);
        P = ProgramType.CGROUP_SOCK;
        def("cgroup/sock_create", P, AttachType.CGROUP_INET_SOCK_CREATE, ATTACHABLE);
        def("cgroup/sock_release", P, AttachType.CGROUP_INET_SOCK_RELEASE, ATTACHABLE);
        def("cgroup/sock", P, AttachType.CGROUP_INET_SOCK_CREATE, ATTACHABLE_OPT);
        def("cgroup/post_bind4", P, AttachType.CGROUP_INET4_POST_BIND, ATTACHABLE);
        def("cgroup/post_bind6", P, AttachType.CGROUP_INET6_POST_BIND, ATTACHABLE);
        P = ProgramType.CGROUP_SOCK_ADDR;
        def("cgroup/bind4", P, AttachType.CGROUP_INET4_BIND, ATTACHABLE);
        def("cgroup/bind6", P, AttachType.CGROUP_INET6_BIND, ATTACHABLE);
        def("cgroup/connect4", P, AttachType.CGROUP_INET4_CONNECT, ATTACHABLE);
        def("cgroup/connect6", P, AttachType.CGROUP_INET6_CONNECT, ATTACHABLE);
        def("cgroup/connect_unix", P, AttachType.CGROUP_UNIX_CONNECT, ATTACHABLE);
        def("cgroup/sendmsg4", P, AttachType.CGROUP_UDP4_SENDMSG, ATTACHABLE);
        def("cgroup/sendmsg6", P, AttachType.CGROUP_UDP6_SENDMSG, ATTACHABLE);
        def("cgroup/sendmsg_unix", P, AttachType.CGROUP_UNIX_SENDMSG, ATTACHABLE);
        def("cgroup/recvmsg4", P, AttachType.CGROUP_UDP4_RECVMSG, ATTACHABLE);
        def("cgroup/recvmsg6", P, AttachType.CGROUP_UDP6_RECVMSG, ATTACHABLE);
        def("cgroup/recvmsg_unix", P, AttachType.CGROUP_UNIX_RECVMSG, ATTACHABLE);
        def("cgroup/getpeername4", P, AttachType.CGROUP_INET4_GETPEERNAME, ATTACHABLE);
        def("cgroup/getpeername6", P, AttachType.CGROUP_INET6_GETPEERNAME, ATTACHABLE);
        def("cgroup/getpeername_unix", P, AttachType.CGROUP_UNIX_GETPEERNAME, ATTACHABLE);
        def("cgroup/getsockname4", P, AttachType.CGROUP_INET4_GETSOCKNAME, ATTACHABLE);
        def("cgroup/getsockname6", P, AttachType.CGROUP_INET6_GETSOCKNAME, ATTACHABLE);
        def("cgroup/getsockname_unix", P, AttachType.CGROUP_UNIX_GETSOCKNAME, ATTACHABLE);
        def("cgroup/sysctl", ProgramType.CGROUP_SYSCTL, AttachType.CGROUP_SYSCTL, ATTACHABLE);
        def("cgroup/getsockopt", ProgramType.CGROUP_SOCKOPT, AttachType.CGROUP_GETSOCKOPT, ATTACHABLE);
        def("cgroup/setsockopt", ProgramType.CGROUP_SOCKOPT, AttachType.CGROUP_SETSOCKOPT, ATTACHABLE);
        def("cgroup/dev", ProgramType.CGROUP_DEVICE, AttachType.CGROUP_DEVICE, ATTACHABLE_OPT);
        def("struct_ops+", ProgramType.STRUCT_OPS, null, 0);
        def("struct_ops.s+", ProgramType.STRUCT_OPS, null, SLEEPABLE);
        def("sk_lookup", ProgramType.SK_LOOKUP, AttachType.SK_LOOKUP, ATTACHABLE);
        def("netfilter", ProgramType.NETFILTER, AttachType.NETFILTER, 0);
    }

    /**
     * The definition for section {@code name}, or null if libbpf would not recognise it.
     *
     * @param name the section name, without a leading {@code ?}
     * @return the first matching definition, or null
     */
    public static SectionDef find(String name) {
        for (SectionDef d : DEFS) {
            if (d.matches(name)) return d;
        }
        return null;
    }

    /**
     * For a section libbpf does not recognise but whose part before the first '/' is the exact
     * name of one it does ({@code xdp/anything}, {@code perf_event/cycles}): that definition's
     * program and attach types under the section's own name, without auto-attach (libbpf 1.x
     * leaves such a program without a type; libbpf 0.x guessed it this way). Null when the
     * prefix tells nothing either.
     *
     * @param name the section name
     * @return a definition named after {@code name}, or null
     */
    public static SectionDef guess(String name) {
        int slash = name.indexOf('/');
        if (slash <= 0) return null;
        String prefix = name.substring(0, slash);
        for (SectionDef d : DEFS) {
            if (d.pattern.equals(prefix)) return new SectionDef(name, d.type, d.attachType, d.flags, AutoAttach.NONE);
        }
        return null;
    }

    /** A section with no known program type: loading its program needs {@link ProgramSpec#type(ProgramType)}. */
    static SectionDef unknown(String name) {
        return new SectionDef(name, ProgramType.UNSPEC, null, 0, AutoAttach.NONE);
    }

    /**
     * Every definition, in matching order.
     *
     * @return the definitions, unmodifiable
     */
    public static List<SectionDef> all() {
        return List.copyOf(DEFS);
    }

    /**
     * Whether section {@code name} matches this definition, by libbpf's rules (see the class comment).
     *
     * @param name the section name
     * @return true on a match
     */
    public boolean matches(String name) {
        String p = pattern;
        int len = p.length();
        char last = p.charAt(len - 1);
        if (last == '/') return name.startsWith(p);
        if (last == '+') {
            String prefix = p.substring(0, len - 1);
            if (!name.startsWith(prefix)) return false;
            return name.length() == prefix.length() || name.charAt(prefix.length()) == '/';
        }
        return name.equals(p);
    }

    /**
     * The part of {@code sectionName} after this definition's prefix and '/', or "" (the attach target).
     *
     * @param sectionName a section name this definition matches
     * @return the attach target, or ""
     */
    public String target(String sectionName) {
        String prefix = pattern.endsWith("+") ? pattern.substring(0, pattern.length() - 1) : pattern;
        if (sectionName.length() > prefix.length() + 1 && sectionName.startsWith(prefix + "/")) {
            return sectionName.substring(prefix.length() + 1);
        }
        return "";
    }

    /**
     * The section name prefix users write, for messages (without the {@code +}).
     *
     * @return the prefix
     */
    public String displayName() {
        return pattern.endsWith("+") ? pattern.substring(0, pattern.length() - 1) + "[/...]" : pattern;
    }
}
