package org.bpf4j.features;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.bpf4j.AttachType;
import org.bpf4j.FeatureNotSupportedException;
import org.bpf4j.MapType;
import org.bpf4j.ProgramType;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfBuilder;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.btf.BtfSanitizer;
import org.bpf4j.btf.BtfType;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.SysNr;

/**
 * What the running kernel supports, probed lazily (the first time a question is asked) and
 * cached for the life of the process. A probe creates a minimal map or program and closes it.
 */
public final class Features {
    private Features() {}

    private static final ConcurrentHashMap<Integer, Boolean> MAP_TYPES = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Integer, Boolean> PROG_TYPES = new ConcurrentHashMap<>();

    /**
     * Whether the kernel has the bpf() system call at all: anything but ENOSYS to a map creation
     * with empty attributes (bpftool's "system call availability" probe).
     *
     * @return true if bpf() exists
     */
    public static boolean bpfSyscall() {
        long r = Bpf.mapCreateRaw(new Bpf.MapCreate(0, 0, 0, 0, 0, null));
        if (r >= 0) Native.call(SysNr.CLOSE, r);
        return r != -Errno.ENOSYS;
    }

    /**
     * Whether the kernel can create maps of type {@code type} (by number).
     *
     * @param type the {@code bpf_map_type} number
     * @return true if a map of that type can be created; probed once
     */
    public static boolean mapType(int type) {
        return MAP_TYPES.computeIfAbsent(type, Features::probeMapType);
    }

    /**
     * Whether the kernel can create maps of {@code type}.
     *
     * @param type the map type
     * @return true if a map of that type can be created; probed once
     */
    public static boolean mapType(MapType type) {
        return mapType(type.code());
    }

    /**
     * Whether the kernel can load programs of {@code type}.
     *
     * @param type the program type
     * @return true if a program of that type loads; probed once
     */
    public static boolean programType(ProgramType type) {
        return PROG_TYPES.computeIfAbsent(type.code(), t -> probeProgType(type));
    }

    private static final ConcurrentHashMap<org.bpf4j.btf.BtfSanitizer.Missing, Boolean> BTF = new ConcurrentHashMap<>();

    /**
     * Whether the kernel's BTF loader accepts what {@code feature} names (the BTF kinds and
     * flags libbpf probes before loading an object's BTF: FUNC, global FUNC, DATASEC, FLOAT,
     * DECL_TAG, TYPE_TAG, ENUM64, '?' DATASEC names).
     *
     * @param feature the BTF feature
     * @return true if the kernel accepts it; probed once
     */
    public static boolean btf(org.bpf4j.btf.BtfSanitizer.Missing feature) {
        return BTF.computeIfAbsent(feature, Features::probeBtf);
    }

    private static boolean probeBtf(org.bpf4j.btf.BtfSanitizer.Missing f) {
        // minimal BTF: [1] int (4 bytes), then one use of the feature
        BtfBuilder b = BtfBuilder.create();
        if (f != BtfSanitizer.Missing.FLOAT && f != BtfSanitizer.Missing.ENUM64) b.addInt("int", 4, 0);
        switch (f) {
            case FUNC, FUNC_GLOBAL -> {
                int proto = b.addType(0, BtfKind.FUNC_PROTO, 0, false, 0);
                b.addType(b.addString("x"), BtfKind.FUNC, f == BtfSanitizer.Missing.FUNC ? 0 : 1, false, proto);
            }
            case DATASEC, QMARK_DATASEC -> {
                int var = b.addType(b.addString("x"), BtfKind.VAR, 0, false, 1, 1);
                b.addType(b.addString(f == BtfSanitizer.Missing.DATASEC ? ".data" : "?.data"), BtfKind.DATASEC, 1, false,
                        4, var, 0, 4);
            }
            case FLOAT -> b.addType(b.addString("x"), BtfKind.FLOAT, 0, false, 4);
            case DECL_TAG -> {
                int var = b.addType(b.addString("x"), BtfKind.VAR, 0, false, 1, 1);
                b.addType(b.addString("x"), BtfKind.DECL_TAG, 0, false, var, -1);
            }
            case TYPE_TAG -> b.addType(0, BtfKind.PTR, 0, false,
                    b.addType(b.addString("x"), BtfKind.TYPE_TAG, 0, false, 1));
            case ENUM64 -> b.addType(b.addString("x"), BtfKind.ENUM64, 1, false, 8, b.addString("x"), 1, 2);
        }
        long r = loadRawBtf(b.build());
        if (r < 0) return false;
        Native.call(SysNr.CLOSE, r);
        return true;
    }

    static boolean probeMapType(int type) {
        MapType t = MapType.of(type);
        int key = 4, value = 4, max = 1, flags = 0;
        boolean btf = false;
        if (t != null) {
            switch (t) {
                case RINGBUF, USER_RINGBUF -> { key = 0; value = 0; max = 4096; }
                case QUEUE, STACK -> key = 0;
                case STACK_TRACE -> value = 8; // an array of u64 instruction pointers
                case LPM_TRIE -> { key = 8; value = 8; flags = 1; }
                // local storage maps need BTF for their value (libbpf's probe does the same)
                case SK_STORAGE, INODE_STORAGE, TASK_STORAGE, CGRP_STORAGE -> { flags = 1; max = 0; btf = true; }
                case BLOOM_FILTER -> key = 0;
                case ARENA -> { key = 0; value = 0; flags = 1 << 10; }
                case CGROUP_STORAGE, PERCPU_CGROUP_STORAGE -> { key = 16; max = 0; }
                case STRUCT_OPS -> { return true; } // needs BTF: assume present on any kernel with BTF
                case ARRAY_OF_MAPS, HASH_OF_MAPS -> { return true; } // needs an inner map: 4.12+
                default -> { }
            }
        }
        long btfFd = btf ? loadValueBtf() : -1;
        try {
            Bpf.MapCreate attr = btfFd >= 0
                    ? new Bpf.MapCreate(type, key, value, max, flags, "probe", 0, (int) btfFd, 1, 2, 0, 0, 0, 0)
                    : new Bpf.MapCreate(type, key, value, max, flags, "probe");
            long r = Bpf.mapCreateRaw(attr);
            if (r >= 0) {
                Native.call(SysNr.CLOSE, r);
                return true;
            }
            // EINVAL means an unknown type; anything else (EPERM, ENOMEM, a flag it disliked) means the type exists
            return r != -Errno.EINVAL;
        } finally {
            if (btfFd >= 0) Native.call(SysNr.CLOSE, btfFd);
        }
    }

    /** BTF with [1] int and [2] struct val { int cnt; }, for the value of local storage map probes; fd or -errno. */
    private static long loadValueBtf() {
        BtfBuilder b = BtfBuilder.create();
        int intType = b.addInt("int", 4, 0);
        b.addType(b.addString("val"), BtfKind.STRUCT, 1, false, 4, b.addString("cnt"), intType, 0);
        return loadRawBtf(b.build());
    }

    /** Loads raw BTF ({@link BtfBuilder#build}); returns the BTF fd or {@code -errno}. */
    private static long loadRawBtf(byte[] raw) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment blob = arena.allocate(raw.length, 8);
            MemorySegment.copy(raw, 0, blob, ValueLayout.JAVA_BYTE, 0, raw.length);
            return Bpf.btfLoadRaw(blob, null, 0);
        }
    }

    // ------------------------------------------------------------------ program types

    private static final ConcurrentHashMap<Integer, Probe> PROG_TYPE_PROBES = new ConcurrentHashMap<>();

    /**
     * Whether the kernel can load programs of {@code type}, and if not, why.
     *
     * @param type the program type
     * @return the answer, with the reason when unsupported
     */
    public static Probe programTypeProbe(ProgramType type) {
        return PROG_TYPE_PROBES.computeIfAbsent(type.code(), t -> probeProgTypeDetail(type));
    }

    private static boolean probeProgType(ProgramType type) {
        return programTypeProbe(type).supported();
    }

    private static final long R0_0 = 0x00000000000000b7L, EXIT = 0x0000000000000095L;

    /** Loads a minimal program; returns the fd (closed at once) or {@code -errno}; fills {@code logOut} if given. */
    static long load(ProgramType type, int expectedAttach, int attachBtfId, int flags, long[] insns, String[] logOut) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = arena.allocate(8L * insns.length, 8);
            for (int i = 0; i < insns.length; i++) code.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8L * i, insns[i]);
            MemorySegment license = arena.allocateFrom("GPL");
            MemorySegment log = logOut == null ? null : arena.allocate(4096);
            Bpf.ProgLoad p = new Bpf.ProgLoad(type.code(), code, insns.length, "GPL", null, expectedAttach, flags,
                    type == ProgramType.KPROBE ? kernelVersionCode() : 0, 0, null, 0, 0, null, 0, 0, attachBtfId, 0, 0, 0,
                    null);
            long r = Bpf.progLoadRaw(p, license, log, log == null ? 0 : 1, null);
            if (r >= 0) Native.call(SysNr.CLOSE, r);
            if (logOut != null) logOut[0] = log.getString(0);
            return r;
        }
    }

    /**
     * {@code LINUX_VERSION_CODE} of the running kernel, as libbpf's get_kernel_version finds it:
     * Ubuntu's {@code /proc/version_signature}, the "Debian x.y.z" of a Debian kernel's version
     * string, else the release (kprobe programs before 5.0 need it; {@code LINUX_KERNEL_VERSION}).
     * The patch level saturates at 255. 0 if none can be read.
     *
     * @return the version code, such as {@code (6 << 16) | (18 << 8) | 0}, or 0
     */
    public static int kernelVersionCode() {
        java.util.regex.Pattern xyz = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");
        try {
            java.nio.file.Path ubuntu = java.nio.file.Path.of("/proc/version_signature");
            if (java.nio.file.Files.isReadable(ubuntu)) {
                String[] f = java.nio.file.Files.readString(ubuntu).trim().split("\\s+");
                java.util.regex.Matcher m = f.length >= 3 ? xyz.matcher(f[2]) : null;
                if (m != null && m.lookingAt()) return versionCode(m);
            }
            String version = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/version"));
            int debian = version.indexOf("Debian ");
            if (debian >= 0) {
                java.util.regex.Matcher m = xyz.matcher(version.substring(debian + 7));
                if (m.lookingAt()) return versionCode(m);
            }
            String rel = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/osrelease")).trim();
            java.util.regex.Matcher m = xyz.matcher(rel);
            return m.lookingAt() ? versionCode(m) : 0;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    private static int versionCode(java.util.regex.Matcher m) {
        int patch = (int) Math.min(255, Long.parseLong(m.group(3)));
        return (Integer.parseInt(m.group(1)) << 16) + (Integer.parseInt(m.group(2)) << 8) + patch;
    }

    /** The expected attach type, flags and attach BTF id a minimal program of {@code type} needs to load (libbpf's choices). */
    private static int[] loadSettings(ProgramType type) {
        int none = 0;
        return switch (type) {
            case CGROUP_SOCK_ADDR -> new int[] {AttachType.CGROUP_INET4_CONNECT.code(), 0, 0};
            case CGROUP_SOCKOPT -> new int[] {AttachType.CGROUP_GETSOCKOPT.code(), 0, 0};
            case SK_LOOKUP -> new int[] {AttachType.SK_LOOKUP.code(), 0, 0};
            case LIRC_MODE2 -> new int[] {AttachType.LIRC_MODE2.code(), 0, 0};
            case NETFILTER -> new int[] {AttachType.NETFILTER.code(), 0, 0};
            case SYSCALL -> new int[] {0, BPF_F_SLEEPABLE, 0};
            case TRACING -> new int[] {AttachType.TRACE_RAW_TP.code(), 0, kernelBtfId("btf_trace_sched_switch", BtfKind.TYPEDEF)};
            default -> new int[] {none, 0, 0};
        };
    }

    private static final int BPF_F_SLEEPABLE = 1 << 4;

    private static int kernelBtfId(String name, BtfKind kind) {
        try {
            return Math.max(0, Btf.kernel().find(name, kind));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    static Probe probeProgTypeDetail(ProgramType type) {
        if (type == ProgramType.UNSPEC) return Probe.no("not a program type");
        switch (type) {
            case LSM -> {
                Probe p = probeTracing(AttachType.LSM_MAC, "bpf_lsm_file_open", "lsm");
                return p.supported() || !p.detail().contains("EPERM") ? p : Probe.no("loads are refused (EPERM)");
            }
            case EXT -> {
                // freplace needs a target program; libbpf's probe: attach_btf_id 1 without one says "Cannot replace kernel functions"
                String[] log = new String[1];
                long r = load(type, 0, 1, 0, new long[] {R0_0, EXIT}, log);
                if (r == -Errno.EINVAL && log[0].contains("Cannot replace kernel functions")) return Probe.yes("");
                if (r == -Errno.EPERM) return Probe.no("loads are refused (EPERM)");
                return Probe.no(describe(r, log[0]));
            }
            case STRUCT_OPS -> {
                long r = load(type, 0, 0, 0, new long[] {R0_0, EXIT}, null);
                if (r == -Errno.ENOTSUPP || r >= 0) return Probe.yes("");
                return Probe.no(describe(r, null));
            }
            default -> { }
        }
        int[] s = loadSettings(type);
        String[] log = new String[1];
        long r = load(type, s[0], s[2], s[1], new long[] {R0_0, EXIT}, log);
        if (r >= 0) return Probe.yes("");
        if (r == -Errno.EPERM) return Probe.no("loads are refused (EPERM)");
        return Probe.no(describe(r, log[0]) + (type.since() == null ? "" : " (program type of Linux " + type.since() + "+)"));
    }

    private static String describe(long r, String log) {
        String s = "BPF_PROG_LOAD: " + Errno.name((int) -r);
        if (log != null && !log.isBlank()) s += ": " + log.strip().lines().reduce((a, b) -> b).orElse("");
        return s;
    }

    // ------------------------------------------------------------------ helpers

    private static volatile Map<Integer, String> helperNames;
    private static final ConcurrentHashMap<Long, Boolean> HELPERS = new ConcurrentHashMap<>();

    /**
     * The kernel's BPF helpers by id, named as in C ({@code bpf_map_lookup_elem}), from the
     * running kernel's BTF ({@code enum bpf_func_id}); empty without kernel BTF.
     *
     * @return the helper names by id, in id order; computed once
     */
    public static Map<Integer, String> helperNames() {
        Map<Integer, String> m = helperNames;
        if (m == null) {
            Map<Integer, String> out = new TreeMap<>();
            try {
                Btf btf = Btf.kernel();
                int id = btf.find("bpf_func_id", BtfKind.ENUM);
                if (id > 0 && btf.type(id) instanceof BtfType.Enum e) {
                    for (BtfType.EnumValue v : e.values()) {
                        if (!v.name().startsWith("BPF_FUNC_") || v.name().equals("BPF_FUNC_unspec")) continue;
                        if (v.name().startsWith("__BPF_FUNC_")) continue;
                        out.put((int) v.value(), "bpf_" + v.name().substring("BPF_FUNC_".length()));
                    }
                }
            } catch (RuntimeException e) {
                // no kernel BTF: no names
            }
            helperNames = m = java.util.Collections.unmodifiableMap(out);
        }
        return m;
    }

    /**
     * Whether programs of {@code type} may call helper {@code helperId}: libbpf's probe, a program
     * that only calls the helper, rejected by the verifier with "invalid func", "unknown func" or
     * "program of this type cannot use helper" if not. Programs of types that need an attach
     * target (lsm, ext, struct_ops) are not probed: false.
     *
     * @param type the program type
     * @param helperId the helper's {@code enum bpf_func_id} number
     * @return true if the verifier accepts the call; probed once
     */
    public static boolean helper(ProgramType type, int helperId) {
        long key = ((long) type.code() << 32) | helperId;
        return HELPERS.computeIfAbsent(key, k -> probeHelper(type, helperId));
    }

    /**
     * Whether {@link #helper} can answer for {@code type}.
     *
     * @param type the program type
     * @return true if helper probes work for it
     */
    public static boolean helpersProbeable(ProgramType type) {
        return switch (type) {
            case UNSPEC, LSM, EXT, STRUCT_OPS -> false;
            default -> programType(type);
        };
    }

    static boolean probeHelper(ProgramType type, int helperId) {
        if (!helpersProbeable(type)) return false;
        int[] s = loadSettings(type);
        String[] log = new String[1];
        long call = 0x85L | ((long) helperId << 32);
        long r = load(type, s[0], s[2], s[1], new long[] {call, EXIT}, log);
        if (r >= 0) return true;
        String l = log[0];
        return !(l.contains("invalid func ") || l.contains("unknown func ")
                || l.contains("program of this type cannot use helper "));
    }

    // ------------------------------------------------------------------ attach kinds

    /**
     * The answer of a probe: supported or not, and a detail (how, or what is missing).
     *
     * @param supported whether the feature works here
     * @param detail how it works, or what is missing
     */
    public record Probe(boolean supported, String detail) {
        static Probe yes(String how) {
            return new Probe(true, how);
        }

        static Probe no(String why) {
            return new Probe(false, why);
        }
    }

    /** The ways bpf4j attaches programs, each probed on its own. */
    public enum Attach {
        /** kprobes, by PMU or tracefs. */
        KPROBE("kprobes", "4.1", "kprobe, kretprobe, ksyscall"),
        /** uprobes, by PMU or tracefs. */
        UPROBE("uprobes", "4.3", "uprobe, uretprobe"),
        /** tracepoints. */
        TRACEPOINT("tracepoints", "4.7", "tracepoint"),
        /** raw tracepoints. */
        RAW_TRACEPOINT("raw tracepoints", "4.17", "raw_tp"),
        /** BTF-typed tracepoints ({@code tp_btf}). */
        TP_BTF("BTF tracepoints", "5.5", "tp_btf"),
        /** fentry (trampoline) programs. */
        FENTRY("fentry programs", "5.5", "fentry"),
        /** fexit (trampoline) programs. */
        FEXIT("fexit programs", "5.5", "fexit"),
        /** fmod_ret (trampoline) programs. */
        FMOD_RET("fmod_ret programs", "5.7", "fmod_ret"),
        /** BPF LSM programs. */
        LSM("BPF LSM programs", "5.7", "lsm"),
        /** BPF iterators ({@code iter/}). */
        ITER("BPF iterators", "5.8", "iter"),
        /** perf_event programs on sampling events. */
        PERF_EVENT("perf_event programs", "4.9", "perf_event"),
        /** BPF links over perf events ({@code BPF_LINK_TYPE_PERF_EVENT}). */
        PERF_LINK("BPF links for perf events", "5.15", "kprobe, uprobe, tracepoint, perf_event links"),
        /** XDP links. */
        XDP_LINK("XDP links", "5.9", "xdp"),
        /** tcx links for tc programs. */
        TCX("tcx links", "6.6", "tc, tcx/ingress, tcx/egress"),
        /** {@code BPF_LINK_CREATE} for cgroup hooks. */
        CGROUP_LINK("cgroup links", "5.7", "cgroup_skb, cgroup/*, sockops"),
        /** Socket filters ({@code SO_ATTACH_BPF}). */
        SOCKET_FILTER("socket filters", "3.19", "socket");

        private final String label, since, sections;

        Attach(String label, String since, String sections) {
            this.label = label;
            this.since = since;
            this.sections = sections;
        }

        /**
         * A plural noun phrase for messages: "tcx links".
         *
         * @return the label
         */
        public String label() {
            return label;
        }

        /**
         * The first kernel version with this attach kind.
         *
         * @return the version, such as {@code 5.15}
         */
        public String since() {
            return since;
        }

        /**
         * The section names that use it.
         *
         * @return the section names, comma-separated
         */
        public String sections() {
            return sections;
        }

        /**
         * The exception for an attach this kernel cannot do.
         *
         * @return the exception, for the caller to throw
         */
        public FeatureNotSupportedException missing() {
            Probe p = attach(this);
            return FeatureNotSupportedException.withMessage(label, label + " are not supported by this kernel: "
                    + p.detail());
        }
    }

    private static final ConcurrentHashMap<Attach, Probe> ATTACH = new ConcurrentHashMap<>();

    /**
     * Whether this kernel can attach programs this way, and how or why not; probed once.
     *
     * @param kind the attach kind
     * @return the answer, with how or why not
     */
    public static Probe attach(Attach kind) {
        Probe p = ATTACH.get(kind);
        if (p != null) return p;
        p = probeAttach(kind); // not computeIfAbsent: some probes consult others
        Probe prev = ATTACH.putIfAbsent(kind, p);
        return prev != null ? prev : p;
    }

    /**
     * Throws {@link FeatureNotSupportedException} naming what is missing unless {@code kind} works here.
     *
     * @param kind the attach kind
     * @throws FeatureNotSupportedException if this kernel cannot attach that way
     */
    public static void require(Attach kind) {
        if (!attach(kind).supported()) throw kind.missing();
    }

    static Probe probeAttach(Attach kind) {
        return switch (kind) {
            case KPROBE -> {
                Path pmu = Path.of("/sys/bus/event_source/devices/kprobe/type");
                if (Files.exists(pmu)) yield Probe.yes("kprobe PMU");
                if (tracefsHas("kprobe_events")) yield Probe.yes("tracefs kprobe_events");
                yield Probe.no(org.bpf4j.link.KprobeLink.unsupportedReason());
            }
            case UPROBE -> {
                if (Files.exists(Path.of("/sys/bus/event_source/devices/uprobe/type"))) yield Probe.yes("uprobe PMU");
                if (tracefsHas("uprobe_events")) yield Probe.yes("tracefs uprobe_events");
                KernelConfig cfg = KernelConfig.running().orElse(null);
                yield Probe.no(cfg != null && !cfg.enabled("CONFIG_UPROBE_EVENTS")
                        ? "it was built without CONFIG_UPROBE_EVENTS" : "no uprobe PMU and no uprobe_events in tracefs");
            }
            case TRACEPOINT -> {
                if (!programType(ProgramType.TRACEPOINT)) yield Probe.no(programTypeProbe(ProgramType.TRACEPOINT).detail());
                try {
                    yield Probe.yes("tracefs at " + org.bpf4j.link.Tracefs.root());
                } catch (RuntimeException e) {
                    yield Probe.no(e.getMessage());
                }
            }
            case RAW_TRACEPOINT -> fromType(ProgramType.RAW_TRACEPOINT);
            case TP_BTF -> probeTracing(AttachType.TRACE_RAW_TP, "btf_trace_sched_switch", "tp_btf");
            case FENTRY -> probeTracing(AttachType.TRACE_FENTRY, firstFunc("bpf_fentry_test1", "do_nanosleep"), "fentry");
            case FEXIT -> probeTracing(AttachType.TRACE_FEXIT, firstFunc("bpf_fentry_test1", "do_nanosleep"), "fexit");
            // security_* functions may have their return modified on every kernel with fmod_ret
            case FMOD_RET -> probeTracing(AttachType.MODIFY_RETURN, firstFunc("security_file_open"), "fmod_ret");
            case LSM -> {
                Probe p = probeTracing(AttachType.LSM_MAC, "bpf_lsm_file_open", "lsm");
                if (!p.supported()) yield p;
                String active = Environment.activeLsms();
                if (active != null && !List.of(active.split(",")).contains("bpf")) {
                    yield Probe.no("the BPF LSM is not active (active: " + active + "; boot with lsm=...,bpf)");
                }
                yield p;
            }
            case ITER -> probeTracing(AttachType.TRACE_ITER, "bpf_iter_task", "iter");
            case PERF_EVENT -> fromType(ProgramType.PERF_EVENT);
            case PERF_LINK -> since(kind, probeLink(ProgramType.TRACEPOINT, 0, AttachType.PERF_EVENT, -1, Errno.EBADF));
            case XDP_LINK -> since(kind, linkTypeInBtf("BPF_LINK_TYPE_XDP"));
            case TCX -> since(kind, probeLink(ProgramType.SCHED_CLS, 0, AttachType.TCX_INGRESS, 0x7ffffff0, Errno.ENODEV));
            case CGROUP_LINK -> since(kind, probeLink(ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_INGRESS.code(),
                    AttachType.CGROUP_INET_INGRESS, -1, Errno.EBADF));
            case SOCKET_FILTER -> fromType(ProgramType.SOCKET_FILTER);
        };
    }

    /** A missing link kind's detail, with the kernel version that brought it. */
    private static Probe since(Attach kind, Probe p) {
        return p.supported() ? p : Probe.no(p.detail() + "; " + kind.label() + " came with Linux " + kind.since());
    }

    private static Probe fromType(ProgramType t) {
        Probe p = programTypeProbe(t);
        return p.supported() ? Probe.yes("") : Probe.no("program type " + t + ": " + p.detail());
    }

    private static boolean tracefsHas(String file) {
        try {
            return Files.exists(org.bpf4j.link.Tracefs.root().resolve(file));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String firstFunc(String... names) {
        for (String n : names) if (kernelBtfId(n, BtfKind.FUNC) > 0) return n;
        return names[0];
    }

    /**
     * Loads a minimal tracing program of {@code attach} type against kernel BTF type {@code target}.
     * An EPERM while privileged is the kernel refusing BPF trampolines: the detail says why.
     */
    private static Probe probeTracing(AttachType attach, String target, String kind) {
        BtfKind k = attach == AttachType.TRACE_RAW_TP ? BtfKind.TYPEDEF : BtfKind.FUNC;
        int id = kernelBtfId(target, k);
        if (id <= 0) return Probe.no("no " + k + " '" + target + "' in the kernel BTF to probe with");
        ProgramType type = attach == AttachType.LSM_MAC ? ProgramType.LSM : ProgramType.TRACING;
        String[] log = new String[1];
        long r = load(type, attach.code(), id, 0, new long[] {R0_0, EXIT}, log);
        if (r >= 0) return Probe.yes("");
        if (r == -Errno.EPERM) return Probe.no(Environment.trampolineRefusal(kind, null));
        return Probe.no(describe(r, log[0]));
    }

    private static Probe probeLink(ProgramType type, int expectedAttach, AttachType attach, int target, int okErrno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = arena.allocate(16, 8);
            code.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, R0_0);
            code.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8, EXIT);
            MemorySegment license = arena.allocateFrom("GPL");
            Bpf.ProgLoad p = new Bpf.ProgLoad(type.code(), code, 2, "GPL", null, expectedAttach, 0, 0, 0, null, 0, 0,
                    null, 0, 0, 0, 0, 0, 0, null);
            long fd = Bpf.progLoadRaw(p, license, null, 0, null);
            if (fd < 0) return Probe.no("program type " + type + " does not load (" + Errno.name((int) -fd) + ")");
            try {
                long r = Bpf.linkCreateRaw((int) fd, target, attach.code(), 0, null);
                if (r >= 0) {
                    Native.call(SysNr.CLOSE, r);
                    return Probe.yes("");
                }
                if (r == -okErrno) return Probe.yes("");
                return Probe.no("BPF_LINK_CREATE with BPF_" + attach.name() + " answers " + Errno.name((int) -r));
            } finally {
                Native.call(SysNr.CLOSE, fd);
            }
        }
    }

    /**
     * Whether the kernel's own BTF lists a link type ({@code enum bpf_link_type}): XDP links have no
     * probe without an interface to attach to (a missing interface and an unknown attach type
     * both answer EINVAL), so this asks the kernel's description of itself.
     */
    private static Probe linkTypeInBtf(String linkType) {
        try {
            Btf btf = Btf.kernel();
            int id = btf.find("bpf_link_type", BtfKind.ENUM);
            if (id > 0 && btf.type(id) instanceof BtfType.Enum e && e.value(linkType) != null) return Probe.yes("");
            return Probe.no("the kernel's BTF has no " + linkType);
        } catch (RuntimeException e) {
            return Probe.yes("assumed (no kernel BTF to check " + linkType + ")");
        }
    }
}
