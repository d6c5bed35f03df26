package org.bpf4j;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bpf4j.features.Features;
import org.bpf4j.link.Attach;
import org.bpf4j.link.CgroupLink;
import org.bpf4j.link.KprobeLink;
import org.bpf4j.link.PerfEventLink;
import org.bpf4j.link.SocketFilterLink;
import org.bpf4j.link.TcxLink;
import org.bpf4j.link.UprobeLink;
import org.bpf4j.link.UsdtLink;
import org.bpf4j.link.XdpLink;
import org.bpf4j.link.XdpMode;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.BpfCmd;
import org.bpf4j.sys.Fd;
import org.bpf4j.sys.Os;

/**
 * A program loaded into the kernel: owns its file descriptor. {@link #attach()} attaches it the
 * way its section name says; the returned link detaches when closed, and the program's object
 * closes any link still open when it closes.
 */
public final class BpfProgram implements AutoCloseable {
    private final ProgramSpec spec;
    private final String name;
    private final ProgramType type;
    private final Fd fd;
    private final List<BpfLink> links = new CopyOnWriteArrayList<>();
    private volatile Usdt usdt;

    BpfProgram(ProgramSpec spec, Fd fd) {
        this.spec = spec;
        this.name = spec.name();
        this.type = spec.type();
        this.fd = fd;
    }

    /** A program opened from the kernel: no spec, name and type from its info. */
    private BpfProgram(Fd fd) {
        this.fd = fd;
        ProgramInfo info;
        try {
            info = ProgramInfo.of(fd.value());
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
        this.spec = null;
        this.name = info.name();
        this.type = info.programType();
    }

    /**
     * Opens the loaded program with id {@code id} (see {@link #ids()}); the caller owns it.
     *
     * @param id the kernel's program id
     * @return the opened program; the caller closes it
     */
    public static BpfProgram open(int id) {
        return new BpfProgram(Bpf.getFdById(BpfCmd.PROG_GET_FD_BY_ID, id));
    }

    /**
     * Opens the program pinned at {@code path} on a bpf file system; the caller owns it.
     *
     * @param path the pinned file on a bpf file system
     * @return the opened program; the caller closes it
     */
    public static BpfProgram openPinned(Path path) {
        return new BpfProgram(Bpf.objGet(path.toString(), "prog"));
    }

    /**
     * The ids of every program loaded in the kernel, in increasing order.
     *
     * @return the program ids; empty if there are none
     */
    public static List<Integer> ids() {
        return Bpf.ids(BpfCmd.PROG_GET_NEXT_ID);
    }

    /**
     * Turns on the kernel's run-time statistics of every program ({@code BPF_ENABLE_STATS}) until
     * the returned handle closes: {@link #stats()} then counts run time and runs.
     *
     * @return the handle; closing it turns the statistics off
     */
    public static StatsSession enableStats() {
        Fd stats = Bpf.enableStats(Bpf.STATS_RUN_TIME);
        return stats::close;
    }

    /** While open, the kernel keeps run-time statistics of every program; closing turns them off again. */
    public interface StatsSession extends AutoCloseable {
        @Override
        void close();
    }


    private List<String> resolutions = List.of();

    void resolutions(List<String> lines) {
        this.resolutions = List.copyOf(lines);
    }

    /**
     * How the load resolved what the program refers to beyond CO-RE, one line each: every
     * {@code __kconfig}/{@code __ksym} extern and kfunc with its value or BTF id, and for a
     * {@code usdt/PATH:PROVIDER:NAME} section each site of the probe with its argument spec.
     *
     * @return the lines, in load order; empty if there was nothing to resolve
     */
    public List<String> resolutions() {
        return resolutions;
    }

    /** The USDT manager of the program's object (its {@code __bpf_usdt_specs} map), or null. */
    void usdt(Usdt manager) {
        this.usdt = manager;
    }

    /**
     * The name: the spec's, or for a program opened from the kernel the kernel's (15 characters at most).
     *
     * @return the program name
     */
    public String name() {
        return name;
    }

    /**
     * The type; null for a program opened from the kernel whose type number bpf4j does not know.
     *
     * @return the program type, or null
     */
    public ProgramType type() {
        return type;
    }

    /**
     * The section name, or null for a program opened from the kernel.
     *
     * @return the ELF section name, or null
     */
    public String section() {
        return spec == null ? null : spec.section();
    }

    /**
     * The spec this program was loaded from; null for a program opened by id or pinned path.
     *
     * @return the spec, or null
     */
    public ProgramSpec spec() {
        return spec;
    }

    /**
     * The program's name in full: the kernel keeps 15 characters, so a name that long is looked
     * up as the name of the program's function in its BTF (as bpftool does); the kernel's name
     * when there is no BTF.
     *
     * @return the full name
     */
    public String fullName() {
        ProgramInfo i = info();
        if (i.name().length() < 15 || i.btfId() == 0 || i.funcInfoCount() == 0) return i.name();
        int typeId = ProgramInfo.mainFuncTypeId(fd.value());
        if (typeId == 0) return i.name();
        org.bpf4j.btf.Btf btf = org.bpf4j.btf.BtfInfo.load(i.btfId());
        return typeId < btf.typeCount() && btf.kind(typeId) == org.bpf4j.btf.BtfKind.FUNC ? btf.name(typeId) : i.name();
    }

    /**
     * What the kernel says about this program: id, tag, sizes, maps, BTF, statistics.
     *
     * @return a fresh query of the kernel's {@code bpf_prog_info}
     */
    public ProgramInfo info() {
        return ProgramInfo.of(fd.value());
    }

    /**
     * The instructions as verified, with their BTF function and source-line records.
     *
     * @return the verified instructions, fetched from the kernel
     */
    public XlatedProgram xlated() {
        return XlatedProgram.of(fd.value());
    }

    /**
     * The run-time statistics; zero unless statistics were enabled ({@link #enableStats()}) while it ran.
     *
     * @return the run time and run count so far
     */
    public ProgramStats stats() {
        return info().stats();
    }

    /**
     * Pins the program at {@code path} on a bpf file system (it then outlives this process).
     *
     * @param path the file to create on a bpf file system; its directory must exist
     */
    public void pin(Path path) {
        Bpf.objPin(fd.value(), path.toString());
    }

    /** {@return the program's file descriptor number, valid until {@link #close()}; it stays owned by this program} */
    public int fd() {
        return fd.value();
    }

    /**
     * Links this program made that are still open.
     *
     * @return a snapshot of the open links
     */
    public List<BpfLink> links() {
        links.removeIf(l -> !l.isOpen());
        return List.copyOf(links);
    }

    private <L extends BpfLink> L track(L link) {
        links.add(link);
        return link;
    }

    /**
     * Attaches by section name, as libbpf's auto-attach does:
     * <ul>
     * <li>{@code tracepoint/<category>/<name>} (and {@code tp/}), {@code raw_tracepoint/<name>}
     * (and {@code raw_tp/}), {@code tp_btf/<name>}, {@code fentry/}, {@code fexit/},
     * {@code fmod_ret/}, {@code lsm/};</li>
     * <li>{@code kprobe/<function>[+<offset>]}, {@code kretprobe/<function>},
     * {@code ksyscall/<syscall>}, {@code kretsyscall/<syscall>};</li>
     * <li>{@code uprobe/<binary>:<function>[+<offset>]}, {@code uretprobe/<binary>:<function>}
     * (and {@code uprobe.s}, {@code uretprobe.s}), in every process; the binary is a path
     * ({@code uprobe//usr/bin/bash:readline}) or a name {@link org.bpf4j.link.Binaries} finds
     * ({@code uprobe/libc.so.6:malloc}).</li>
     * </ul>
     * Sections without a target ({@code SEC("kprobe")}) and kinds that need one from the caller
     * (XDP, tc, cgroup, socket filter, perf_event) use the attach method of their kind.
     *
     * @return the link; it is also closed when this program closes
     */
    public BpfLink attach() {
        if (spec == null) {
            throw new BpfException(this + " was opened from the kernel and has no section name to attach by; "
                    + "use the attach method of its kind");
        }
        SectionDef.AutoAttach kind = spec.sectionDef().autoAttach();
        String target = spec.attachTarget();
        switch (kind) {
            case TRACEPOINT -> {
                int slash = target.indexOf('/');
                if (slash <= 0 || slash == target.length() - 1) {
                    throw new BpfException(this + ": section " + spec.section()
                            + " does not name a tracepoint as <category>/<name>");
                }
                return attachTracepoint(target.substring(0, slash), target.substring(slash + 1));
            }
            case RAW_TRACEPOINT -> {
                if (target.isEmpty()) throw new BpfException(this + ": section " + spec.section() + " names no tracepoint");
                return attachRawTracepoint(target);
            }
            case TRACING, LSM -> {
                try {
                    return track(Attach.tracing(fd.value(), spec.section()));
                } catch (SyscallException e) {
                    if (kind == SectionDef.AutoAttach.LSM && !Features.attach(Features.Attach.LSM).supported()) {
                        throw Features.Attach.LSM.missing();
                    }
                    throw e;
                }
            }
            case KPROBE, KRETPROBE -> {
                boolean ret = kind == SectionDef.AutoAttach.KRETPROBE;
                if (target.isEmpty()) throw noTarget("kprobe function", ret ? "attachKretprobe(function)" : "attachKprobe(function)");
                String[] fo = splitOffset(target);
                long off = parseOffset(fo[1]);
                if (!fo[0].matches("[A-Za-z0-9_.]+")) {
                    throw new BpfException(this + ": section " + spec.section() + ": '" + fo[0] + "' is not a kernel function name");
                }
                if (ret && off != 0) throw new BpfException(this + ": section " + spec.section() + ": kretprobes take no offset");
                return attachKprobe(KprobeLink.Options.of(fo[0]).offset(off).retprobe(ret));
            }
            case KSYSCALL, KRETSYSCALL -> {
                boolean ret = kind == SectionDef.AutoAttach.KRETSYSCALL;
                if (target.isEmpty()) throw noTarget("system call", ret ? "attachKretsyscall(name)" : "attachKsyscall(name)");
                return ret ? attachKretsyscall(target) : attachKsyscall(target);
            }
            case USDT -> {
                // libbpf: usdt/<path>:<provider>:<name>, in every process
                String[] f = target.split(":", -1);
                if (f.length != 3 || f[0].isEmpty() || f[1].isEmpty() || f[2].isEmpty()) {
                    throw noTarget("binary, provider and name (usdt/<path>:<provider>:<name>)",
                            "attachUsdt(pid, binary, provider, name)");
                }
                return attachUsdt(-1, f[0], f[1], f[2]);
            }
            case UPROBE, URETPROBE -> {
                boolean ret = kind == SectionDef.AutoAttach.URETPROBE;
                if (target.isEmpty()) throw noTarget("binary and function", "attachUprobe(...)");
                int colon = target.indexOf(':');
                if (colon <= 0 || colon == target.length() - 1) {
                    throw new BpfException(this + ": section " + spec.section()
                            + " lacks the ':function[+offset]' part of u[ret]probe/<binary>:<function>[+<offset>]");
                }
                String binary = target.substring(0, colon);
                String[] fo = splitOffset(target.substring(colon + 1));
                long off = parseOffset(fo[1]);
                if (ret && off != 0) throw new BpfException(this + ": section " + spec.section() + ": uretprobes take no offset");
                return attachUprobe(UprobeLink.Options.of(binary, fo[0]).offset(off).retprobe(ret));
            }
            default -> throw new BpfException(this + ": section " + spec.section() + " ("
                    + spec.sectionDef().displayName() + ") cannot be attached automatically; "
                    + "use the attach method of its kind");
        }
    }

    private BpfException noTarget(String what, String method) {
        return new BpfException(this + ": section " + spec.section() + " names no " + what
                + " to attach to automatically; use " + method);
    }

    /** {@code name+offset} as libbpf reads it: the offset only if all that follows the last '+' is a number. */
    private static String[] splitOffset(String s) {
        int plus = s.lastIndexOf('+');
        if (plus > 0 && plus < s.length() - 1) {
            String num = s.substring(plus + 1);
            try {
                parseOffset(num);
                return new String[] {s.substring(0, plus), num};
            } catch (NumberFormatException e) {
                return new String[] {s, null};
            }
        }
        return new String[] {s, null};
    }

    /** An offset as strtol with base 0 reads it: 0x hex, leading 0 octal, decimal. */
    private static long parseOffset(String s) {
        if (s == null) return 0;
        if (s.startsWith("0x") || s.startsWith("0X")) return Long.parseLong(s.substring(2), 16);
        if (s.length() > 1 && s.startsWith("0")) return Long.parseLong(s.substring(1), 8);
        return Long.parseLong(s);
    }

    /**
     * Attaches a tracepoint program to {@code category/name}.
     *
     * @param category the tracepoint's category, such as {@code syscalls}
     * @param name the tracepoint's name, such as {@code sys_enter_openat}
     * @return the link; it is also closed when this program closes
     */
    public BpfLink attachTracepoint(String category, String name) {
        requireType(ProgramType.TRACEPOINT);
        return track(Attach.tracepoint(fd.value(), category, name));
    }

    /**
     * Attaches a raw tracepoint program to tracepoint {@code name}.
     *
     * @param name the tracepoint's name, such as {@code sched_switch}
     * @return the link; it is also closed when this program closes
     */
    public BpfLink attachRawTracepoint(String name) {
        if (type() != ProgramType.RAW_TRACEPOINT && type() != ProgramType.RAW_TRACEPOINT_WRITABLE) {
            throw new BpfException(this + " is a " + type() + " program, not a raw tracepoint program");
        }
        return track(Attach.rawTracepoint(fd.value(), name));
    }

    /**
     * Attaches a kprobe program to kernel function {@code function}'s entry.
     *
     * @param function the kernel function's name
     * @return the link; it is also closed when this program closes
     */
    public KprobeLink attachKprobe(String function) {
        return attachKprobe(KprobeLink.Options.of(function));
    }

    /**
     * Attaches a kprobe program to kernel function {@code function}'s returns (a kretprobe).
     *
     * @param function the kernel function's name
     * @return the link; it is also closed when this program closes
     */
    public KprobeLink attachKretprobe(String function) {
        return attachKprobe(KprobeLink.Options.of(function).retprobe(true));
    }

    /**
     * Attaches a kprobe program as {@code options} say (offset, maxactive, PMU or tracefs).
     *
     * @param options the probe's target and attach options
     * @return the link; it is also closed when this program closes
     */
    public KprobeLink attachKprobe(KprobeLink.Options options) {
        requireType(ProgramType.KPROBE);
        return track(KprobeLink.attach(fd.value(), options));
    }

    /**
     * Attaches a kprobe program to system call {@code syscall}'s ({@code openat}) entry.
     *
     * @param syscall the system call's name, without the architecture prefix
     * @return the link; it is also closed when this program closes
     */
    public KprobeLink attachKsyscall(String syscall) {
        requireType(ProgramType.KPROBE);
        return track(KprobeLink.attachSyscall(fd.value(), syscall));
    }

    /**
     * Attaches a kprobe program to system call {@code syscall}'s ({@code openat}) return.
     *
     * @param syscall the system call's name, without the architecture prefix
     * @return the link; it is also closed when this program closes
     */
    public KprobeLink attachKretsyscall(String syscall) {
        requireType(ProgramType.KPROBE);
        return track(KprobeLink.attachSyscallReturn(fd.value(), syscall));
    }

    /**
     * Attaches a kprobe-type program to {@code function} of {@code binary} (a path, a library
     * name, or a short name such as {@code "c"}) at entry, in process {@code pid} only or in all
     * ({@code -1}).
     *
     * @param binary the ELF file: a path or a name {@link org.bpf4j.link.Binaries} finds
     * @param function the symbol's name
     * @param pid the process id, or -1 for every process
     * @return the link; it is also closed when this program closes
     */
    public UprobeLink attachUprobe(String binary, String function, int pid) {
        return attachUprobe(UprobeLink.Options.of(binary, function).pid(pid));
    }

    /**
     * As {@link #attachUprobe(String, String, int)}, at the function's returns (a uretprobe).
     *
     * @param binary the ELF file: a path or a name {@link org.bpf4j.link.Binaries} finds
     * @param function the symbol's name
     * @param pid the process id, or -1 for every process
     * @return the link; it is also closed when this program closes
     */
    public UprobeLink attachUretprobe(String binary, String function, int pid) {
        return attachUprobe(UprobeLink.Options.of(binary, function).pid(pid).retprobe(true));
    }

    /**
     * Attaches a kprobe-type program as a uprobe as {@code options} say.
     *
     * @param options the probe's target and attach options
     * @return the link; it is also closed when this program closes
     */
    public UprobeLink attachUprobe(UprobeLink.Options options) {
        requireType(ProgramType.KPROBE);
        return track(UprobeLink.attach(fd.value(), options));
    }

    /**
     * Attaches to USDT probe {@code provider:name} of {@code binary} (a path, or a name as for
     * {@link #attachUprobe}: {@code libjvm.so}, {@code c}), as libbpf's
     * {@code bpf_program__attach_usdt}: every site of the probe, in process {@code pid} only, or
     * in every process for -1 (0: this process). The program must come from an object built with
     * {@code <bpf/usdt.bpf.h>}, whose {@code bpf_usdt_arg()} reads the arguments.
     *
     * @param pid the process id; -1 for every process, 0 for this one
     * @param binary the ELF file holding the probe's notes: a path or a name
     * @param provider the probe's provider, such as {@code hotspot}
     * @param name the probe's name
     * @return the link over every site; it is also closed when this program closes
     */
    public UsdtLink attachUsdt(int pid, String binary, String provider, String name) {
        return attachUsdt(pid, binary, provider, name, 0);
    }

    /**
     * {@link #attachUsdt(int, String, String, String)} with a cookie that {@code bpf_usdt_cookie()} returns.
     *
     * @param pid the process id; -1 for every process, 0 for this one
     * @param binary the ELF file holding the probe's notes: a path or a name
     * @param provider the probe's provider, such as {@code hotspot}
     * @param name the probe's name
     * @param cookie the value {@code bpf_usdt_cookie()} returns at every site
     * @return the link over every site; it is also closed when this program closes
     */
    public UsdtLink attachUsdt(int pid, String binary, String provider, String name, long cookie) {
        requireType(ProgramType.KPROBE);
        Usdt m = usdt;
        if (m == null) {
            throw new BpfException(this + ": its object has no " + Usdt.SPECS_MAP + " map; USDT programs include "
                    + "<bpf/usdt.bpf.h> and read their arguments with bpf_usdt_arg()");
        }
        return track(m.attach(this, pid, binary, provider, name, cookie));
    }

    /**
     * Attaches a perf_event program to {@code event} on every online CPU.
     *
     * @param event the perf event to open on each CPU
     * @return the link; it owns the perf event fds and is also closed when this program closes
     */
    public PerfEventLink attachPerfEvent(PerfEventLink.Event event) {
        requireType(ProgramType.PERF_EVENT);
        return track(PerfEventLink.attach(fd.value(), event));
    }

    /**
     * Attaches a perf_event program to {@code event} on the CPUs {@code cpus}.
     *
     * @param event the perf event to open on each CPU
     * @param cpus the CPU numbers
     * @return the link; it owns the perf event fds and is also closed when this program closes
     */
    public PerfEventLink attachPerfEvent(PerfEventLink.Event event, List<Integer> cpus) {
        requireType(ProgramType.PERF_EVENT);
        return track(PerfEventLink.attach(fd.value(), event, cpus));
    }

    /**
     * Attaches an XDP program to interface {@code ifindex} in {@code mode}: {@link XdpMode#AUTO}
     * (the kernel picks), {@link XdpMode#GENERIC} or {@link XdpMode#DRIVER}.
     *
     * @param ifindex the interface index
     * @param mode the XDP mode
     * @return the link; it is also closed when this program closes
     */
    public XdpLink attachXdp(int ifindex, XdpMode mode) {
        requireType(ProgramType.XDP);
        return track(XdpLink.attach(fd.value(), ifindex, mode));
    }

    /**
     * Attaches an XDP program to the interface named {@code ifname} in this thread's network namespace.
     *
     * @param ifname the interface name, such as {@code eth0}
     * @param mode the XDP mode
     * @return the link; it is also closed when this program closes
     */
    public XdpLink attachXdp(String ifname, XdpMode mode) {
        return attachXdp(Os.ifIndex(ifname), mode);
    }

    /**
     * Attaches a tc ({@code sched_cls}) program through tcx to interface {@code ifindex} at
     * {@code direction}: {@link AttachType#TCX_INGRESS} or {@link AttachType#TCX_EGRESS}.
     *
     * @param ifindex the interface index
     * @param direction {@link AttachType#TCX_INGRESS} or {@link AttachType#TCX_EGRESS}
     * @return the link; it is also closed when this program closes
     */
    public TcxLink attachTcx(int ifindex, AttachType direction) {
        requireType(ProgramType.SCHED_CLS);
        return track(TcxLink.attach(fd.value(), ifindex, direction));
    }

    /**
     * Attaches a tc program to the interface named {@code ifname} at {@code direction}.
     *
     * @param ifname the interface name, such as {@code eth0}
     * @param direction {@link AttachType#TCX_INGRESS} or {@link AttachType#TCX_EGRESS}
     * @return the link; it is also closed when this program closes
     */
    public TcxLink attachTcx(String ifname, AttachType direction) {
        return attachTcx(Os.ifIndex(ifname), direction);
    }

    /**
     * Attaches a cgroup program to cgroup v2 directory {@code cgroup} at the hook its section names
     * ({@code cgroup_skb/ingress}, {@code cgroup/connect4}, ...).
     *
     * @param cgroup the cgroup v2 directory, such as {@code /sys/fs/cgroup}
     * @return the link; it is also closed when this program closes
     */
    public CgroupLink attachCgroup(Path cgroup) {
        return attachCgroup(cgroup, cgroupAttachType());
    }

    /**
     * Attaches a cgroup program to {@code cgroup} at hook {@code type}.
     *
     * @param cgroup the cgroup v2 directory, such as {@code /sys/fs/cgroup}
     * @param type the cgroup hook
     * @return the link; it is also closed when this program closes
     */
    public CgroupLink attachCgroup(Path cgroup, AttachType type) {
        requireCgroupType();
        return track(CgroupLink.attach(fd.value(), cgroup, type));
    }

    /**
     * Attaches a cgroup program to the cgroup open as {@code cgroupFd} at hook {@code type}.
     *
     * @param cgroupFd an open cgroup directory; it stays owned by the caller
     * @param type the cgroup hook
     * @return the link; it is also closed when this program closes
     */
    public CgroupLink attachCgroup(int cgroupFd, AttachType type) {
        requireCgroupType();
        return track(CgroupLink.attach(fd.value(), cgroupFd, type));
    }

    private AttachType cgroupAttachType() {
        AttachType t = spec == null ? null : spec.attachType();
        if (t == null) {
            throw new BpfException(this + ": section " + spec.section() + " does not say which cgroup hook; "
                    + "use attachCgroup(path, AttachType)");
        }
        return t;
    }

    private void requireCgroupType() {
        switch (type == null ? ProgramType.UNSPEC : type) {
            case CGROUP_SKB, CGROUP_SOCK, CGROUP_SOCK_ADDR, SOCK_OPS, CGROUP_DEVICE, CGROUP_SYSCTL, CGROUP_SOCKOPT, LSM -> { }
            default -> throw new BpfException(this + " is a " + type() + " program, not a cgroup program");
        }
    }

    /**
     * Attaches a socket filter program to the socket open as {@code socketFd} (see
     * {@link SocketFilterLink} for where such a descriptor comes from).
     *
     * @param socketFd the socket; it stays owned by the caller
     * @return the link; it is also closed when this program closes
     */
    public SocketFilterLink attachSocketFilter(int socketFd) {
        requireType(ProgramType.SOCKET_FILTER);
        return track(SocketFilterLink.attach(fd.value(), socketFd));
    }

    private void requireType(ProgramType t) {
        if (type != t) throw new BpfException(this + " is a " + type + " program, not " + t);
    }

    /**
     * Runs the program once in the kernel ({@code BPF_PROG_TEST_RUN}) with a context and/or data
     * buffer (native memory, may be null), as for {@code SEC("syscall")}, XDP or tc programs.
     *
     * @param ctx the context ({@code ctx_in}), or null
     * @param data the packet or input data ({@code data_in}), or null
     * @param repeat how many times the kernel runs it (0 counts as 1); the result has the mean duration
     * @return the return value, the output and the duration
     */
    public TestRunResult testRun(MemorySegment ctx, MemorySegment data, int repeat) {
        return Bpf.progTestRun(fd.value(), data, null, ctx, null, repeat, 0, 0);
    }

    @Override
    public void close() {
        for (BpfLink l : links) l.close();
        links.clear();
        fd.close();
    }

    @Override
    public String toString() {
        return "program '" + name() + "'";
    }
}
