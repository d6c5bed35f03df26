package org.bpf4j.link;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.BpfException;
import org.bpf4j.FeatureNotSupportedException;
import org.bpf4j.features.KernelConfig;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Fd;
import org.bpf4j.sys.SysNr;

/**
 * A kprobe or kretprobe: a program attached to a kernel function's entry (or an offset in it), or
 * to its returns. Created through the kprobe PMU, or as a tracefs {@code kprobe_events} entry
 * that closing removes (the only way to give a kretprobe its {@code maxactive}).
 *
 * <p>{@link #attachSyscall} attaches to a system call by name the way libbpf's {@code ksyscall}
 * does: to the architecture's wrapper ({@code __x64_sys_openat}, {@code __arm64_sys_openat}) on
 * kernels that have wrappers, to {@code sys_openat} on older ones.
 */
public final class KprobeLink extends ProbeLink {

    /**
     * What to probe.
     *
     * @param function  the kernel function ({@code do_unlinkat})
     * @param offset    bytes past its entry (kprobes only)
     * @param retprobe  a kretprobe: the program runs when the function returns
     * @param maxActive for a kretprobe, how many calls may be in flight at once (0: the kernel's
     *                  default); needs tracefs, which {@link ProbeMode#AUTO} then uses
     * @param mode      PMU, tracefs, or the PMU when it exists
     */
    public record Options(String function, long offset, boolean retprobe, int maxActive, ProbeMode mode) {
        /**
         * A kprobe on {@code function}'s entry, in {@link ProbeMode#AUTO}.
         *
         * @param function the kernel function
         * @return the options
         */
        public static Options of(String function) {
            return new Options(function, 0, false, 0, ProbeMode.AUTO);
        }

        /**
         * A copy probing {@code off} bytes past the entry.
         *
         * @param off the offset in bytes
         * @return the new options
         */
        public Options offset(long off) {
            return new Options(function, off, retprobe, maxActive, mode);
        }

        /**
         * A copy that is a kretprobe or not.
         *
         * @param ret true for a kretprobe
         * @return the new options
         */
        public Options retprobe(boolean ret) {
            return new Options(function, offset, ret, maxActive, mode);
        }

        /**
         * A copy allowing {@code n} kretprobe calls in flight.
         *
         * @param n the most calls in flight; 0 for the kernel's default
         * @return the new options
         */
        public Options maxActive(int n) {
            return new Options(function, offset, retprobe, n, mode);
        }

        /**
         * A copy attaching in mode {@code m}.
         *
         * @param m the mode
         * @return the new options
         */
        public Options mode(ProbeMode m) {
            return new Options(function, offset, retprobe, maxActive, m);
        }
    }


    private KprobeLink(String target, FdLink link, Probes.Legacy legacy) {
        super(target, link, legacy);
    }

    /**
     * Whether this kernel can create kprobes at all: a kprobe PMU or {@code kprobe_events}. The
     * exception of {@link #attach} says why not.
     *
     * @return true if kprobes can be created
     */
    public static boolean supported() {
        return Probes.pmuType(Probes.Kind.KPROBE) >= 0 || Probes.eventsFile(Probes.Kind.KPROBE) != null;
    }

    /**
     * Why this kernel has no kprobes, naming the configuration option when the kernel's config is readable.
     *
     * @return the reason, for a message (meaningful only when {@link #supported()} is false)
     */
    public static String unsupportedReason() {
        String missing = "no " + Probes.EVENT_SOURCES.resolve("kprobe") + " and no kprobe_events in tracefs";
        KernelConfig cfg = KernelConfig.running().orElse(null);
        if (cfg != null && !cfg.enabled("CONFIG_KPROBES")) {
            return "it was built without CONFIG_KPROBES (" + missing + "; " + cfg.source() + ")";
        }
        if (cfg != null && !cfg.enabled("CONFIG_KPROBE_EVENTS")) {
            return "it was built without CONFIG_KPROBE_EVENTS (" + missing + "; " + cfg.source() + ")";
        }
        return "it was probably built without CONFIG_KPROBES or CONFIG_KPROBE_EVENTS (" + missing + ")";
    }

    static FeatureNotSupportedException unsupported() {
        return FeatureNotSupportedException.withMessage("kprobes",
                "kprobes are not supported by this kernel: " + unsupportedReason());
    }

    /**
     * Attaches program {@code progFd} (a kprobe-type program) as {@code o} says.
     *
     * @param progFd the loaded kprobe program; it stays owned by the caller
     * @param o the probe's target and options
     * @return the link; the caller closes it, which also removes a tracefs probe it created
     * @throws FeatureNotSupportedException if the kernel has no kprobes (see {@link #unsupportedReason()})
     */
    public static KprobeLink attach(int progFd, Options o) {
        if (o.function() == null || o.function().isEmpty()) throw new IllegalArgumentException("no kernel function");
        if (o.offset() < 0) throw new IllegalArgumentException("negative kprobe offset " + o.offset());
        String what = (o.retprobe() ? "kretprobe " : "kprobe ") + o.function()
                + (o.offset() != 0 ? "+0x" + Long.toHexString(o.offset()) : "");
        if (o.retprobe() && o.offset() != 0) throw new BpfException(what + ": return probes take no offset");
        if (o.maxActive() != 0 && !o.retprobe()) throw new BpfException(what + ": maxactive is for kretprobes");
        int type = Probes.pmuType(Probes.Kind.KPROBE);
        boolean hasTracefs = Probes.eventsFile(Probes.Kind.KPROBE) != null;
        if (type < 0 && !hasTracefs) throw unsupported();
        boolean usePmu = switch (o.mode()) {
            case PMU -> {
                if (type < 0) throw new FeatureNotSupportedException("kprobe PMU", "no "
                        + Probes.EVENT_SOURCES.resolve("kprobe/type") + " (Linux 4.17+)");
                if (o.maxActive() != 0) throw new BpfException(what + ": maxactive needs tracefs (ProbeMode.TRACEFS)");
                yield true;
            }
            case TRACEFS -> false;
            case AUTO -> type >= 0 && o.maxActive() == 0 && !Probes.forceTracefs;
        };
        if (!usePmu && !hasTracefs) {
            throw new FeatureNotSupportedException("kprobe_events", what + " needs tracefs kprobe_events"
                    + (o.maxActive() != 0 ? " for maxactive" : ""));
        }
        Probes.sweepOnce(Probes.Kind.KPROBE);
        if (usePmu) {
            long r = Probes.openPmu(Probes.Kind.KPROBE, type, o.retprobe(), o.function(), o.offset(), 0, -1);
            if (r < 0) throw error((int) -r, what);
            Fd perf = new Fd((int) r);
            try {
                return new KprobeLink(what, Attach.perfEventLink(progFd, perf, what), null);
            } catch (RuntimeException e) {
                perf.close();
                throw e;
            }
        }
        String name = Probes.eventName(o.function(), o.offset());
        Probes.Legacy legacy = Probes.openLegacy(Probes.Kind.KPROBE, o.retprobe(), o.maxActive(),
                o.function() + "+0x" + Long.toHexString(o.offset()), name, -1, what);
        try {
            return new KprobeLink(what, Attach.perfEventLink(progFd, legacy.perf(), what), legacy);
        } catch (RuntimeException e) {
            legacy.perf().close();
            try {
                legacy.remove();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static RuntimeException error(int errno, String what) {
        if (errno == Errno.ENOENT || errno == Errno.EINVAL) {
            return new BpfException(what + ": the kernel has no such function or refuses to probe it ("
                    + Errno.name(errno) + "; see /proc/kallsyms and /sys/kernel/debug/kprobes/blacklist)");
        }
        if (errno == Errno.EPERM) {
            return Errors.of("perf_event_open", errno, what + " (or kernel lockdown in confidentiality mode forbids "
                    + "kprobes: /sys/kernel/security/lockdown)");
        }
        return Errors.of("perf_event_open", errno, what);
    }

    /**
     * Attaches to system call {@code name} ({@code openat}) at entry.
     *
     * @param progFd the loaded kprobe program; it stays owned by the caller
     * @param name the system call's name, without the architecture prefix
     * @return the link; the caller closes it
     */
    public static KprobeLink attachSyscall(int progFd, String name) {
        if (!supported()) throw unsupported();
        return attach(progFd, Options.of(syscallFunction(name)));
    }

    /**
     * Attaches to system call {@code name} ({@code openat}) at return.
     *
     * @param progFd the loaded kprobe program; it stays owned by the caller
     * @param name the system call's name, without the architecture prefix
     * @return the link; the caller closes it
     */
    public static KprobeLink attachSyscallReturn(int progFd, String name) {
        if (!supported()) throw unsupported();
        return attach(progFd, Options.of(syscallFunction(name)).retprobe(true));
    }

    private static volatile Boolean wrappers;

    /**
     * The kernel function of system call {@code name}: {@code __<arch>_sys_<name>} on kernels
     * with syscall wrappers (4.17+ on x86_64, 5.0+ on arm64), {@code sys_<name>} otherwise.
     * Decided once, as libbpf does, by whether the wrapper of {@code bpf} exists (in
     * {@code /proc/kallsyms}).
     *
     * @param name the system call's name, such as {@code openat}
     * @return the kernel function's name
     */
    public static String syscallFunction(String name) {
        return (syscallWrappers() ? syscallPrefix() : "sys_") + name;
    }

    /**
     * Whether the kernel enters system calls through architecture wrappers ({@code __x64_sys_bpf}
     * exists): libbpf's {@code LINUX_HAS_SYSCALL_WRAPPER}.
     *
     * @return true if the wrappers exist
     */
    public static boolean syscallWrappers() {
        Boolean w = wrappers;
        if (w == null) wrappers = w = kallsymsHas(syscallPrefix() + "bpf");
        return w;
    }

    /**
     * {@code __x64_sys_} or {@code __arm64_sys_}.
     *
     * @return the wrapper prefix of this machine's architecture
     */
    public static String syscallPrefix() {
        return SysNr.X86_64 ? "__x64_sys_" : "__arm64_sys_";
    }

    static boolean kallsymsHas(String symbol) {
        try {
            byte[] all = Files.readAllBytes(Path.of("/proc/kallsyms"));
            byte[] needle = (" " + symbol + "\n").getBytes(StandardCharsets.US_ASCII);
            byte[] needleMod = (" " + symbol + "\t").getBytes(StandardCharsets.US_ASCII);
            return indexOf(all, needle) >= 0 || indexOf(all, needleMod) >= 0;
        } catch (IOException e) {
            return true; // modern kernels all have wrappers
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (hay[i] != needle[0]) continue;
            for (int j = 1; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
