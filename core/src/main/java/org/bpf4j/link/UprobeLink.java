package org.bpf4j.link;

import java.nio.file.Path;
import org.bpf4j.BpfException;
import org.bpf4j.FeatureNotSupportedException;
import org.bpf4j.elf.ElfFile;
import org.bpf4j.elf.SymbolOffsets;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Fd;

/**
 * A uprobe or uretprobe: a program attached to an instruction of an executable or shared library
 * (a function's entry, or its returns), in every process that maps the file or only in one.
 *
 * <p>The target is a file and an offset in it. {@link Options} takes a file ({@link Binaries}
 * finds short names: {@code "c"} is libc) and a function name (looked up in {@code .dynsym}, then
 * {@code .symtab}, turned into a file offset by {@link SymbolOffsets}), plus an offset from the
 * function or from the start of the file. The probe is created through the uprobe PMU or, on
 * kernels without it, as a tracefs {@code uprobe_events} entry that closing removes.
 */
public final class UprobeLink extends ProbeLink {

    /**
     * What to probe.
     *
     * @param binary       a path, library name ({@code libc.so.6}) or short name ({@code c}); see {@link Binaries}
     * @param function     a function symbol ({@code getpid}, {@code memcpy@GLIBC_2.2.5}), or null to
     *                     probe {@code offset} from the start of the file
     * @param offset       bytes past the function's entry, or the file offset when {@code function} is null
     * @param pid          only this process (any of its threads), or -1 for every process
     * @param retprobe     a uretprobe: the program runs when the function returns
     * @param refCtrOffset file offset of a USDT semaphore the kernel increments while attached, or 0
     * @param mode         PMU, tracefs, or the PMU when it exists
     * @param cookie       the BPF cookie {@code bpf_get_attach_cookie()} returns (needs a BPF perf link, 5.15+), or 0
     */
    public record Options(String binary, String function, long offset, int pid, boolean retprobe, long refCtrOffset,
                          ProbeMode mode, long cookie) {
        /**
         * A uprobe on {@code function}'s entry in {@code binary}, in every process.
         *
         * @param binary a path, a library name or a short name; see {@link Binaries}
         * @param function the function symbol
         * @return the options
         */
        public static Options of(String binary, String function) {
            return new Options(binary, function, 0, -1, false, 0, ProbeMode.AUTO, 0);
        }

        /**
         * A uprobe at file offset {@code offset} of {@code binary}.
         *
         * @param binary a path, a library name or a short name; see {@link Binaries}
         * @param offset the file offset
         * @return the options
         */
        public static Options atOffset(String binary, long offset) {
            return new Options(binary, null, offset, -1, false, 0, ProbeMode.AUTO, 0);
        }

        /**
         * A copy limited to process {@code pid}.
         *
         * @param pid the process id, or -1 for every process
         * @return the new options
         */
        public Options pid(int pid) {
            return new Options(binary, function, offset, pid, retprobe, refCtrOffset, mode, cookie);
        }

        /**
         * A copy that is a uretprobe or not.
         *
         * @param ret true for a uretprobe
         * @return the new options
         */
        public Options retprobe(boolean ret) {
            return new Options(binary, function, offset, pid, ret, refCtrOffset, mode, cookie);
        }

        /**
         * A copy with another offset.
         *
         * @param off bytes past the function's entry, or the file offset without a function
         * @return the new options
         */
        public Options offset(long off) {
            return new Options(binary, function, off, pid, retprobe, refCtrOffset, mode, cookie);
        }

        /**
         * A copy with a USDT semaphore.
         *
         * @param off the semaphore's file offset, or 0 for none
         * @return the new options
         */
        public Options refCtrOffset(long off) {
            return new Options(binary, function, offset, pid, retprobe, off, mode, cookie);
        }

        /**
         * A copy attaching in mode {@code m}.
         *
         * @param m the mode
         * @return the new options
         */
        public Options mode(ProbeMode m) {
            return new Options(binary, function, offset, pid, retprobe, refCtrOffset, m, cookie);
        }

        /**
         * A copy with a BPF cookie.
         *
         * @param c the value {@code bpf_get_attach_cookie()} returns
         * @return the new options
         */
        public Options cookie(long c) {
            return new Options(binary, function, offset, pid, retprobe, refCtrOffset, mode, c);
        }
    }

    private final Path path;
    private final long fileOffset;
    private final boolean retprobe;
    private final int pid;

    private UprobeLink(String target, Path path, long fileOffset, FdLink link, Probes.Legacy legacy, boolean retprobe,
                       int pid) {
        super(target, link, legacy);
        this.path = path;
        this.fileOffset = fileOffset;
        this.retprobe = retprobe;
        this.pid = pid;
    }

    /**
     * Where {@code o} points: the resolved file and the offset in it, without touching the kernel.
     *
     * @param path the ELF file
     * @param fileOffset the probe's offset in the file
     * @param description the probe, for messages
     */
    public record Target(Path path, long fileOffset, String description) {}

    /**
     * Resolves the file and offset of {@code o} (pure: reads the ELF file, no system calls beyond that).
     *
     * @param o the probe's target and options
     * @return the target
     * @throws BpfException if the binary or the function is not found, or the offset is invalid
     */
    public static Target resolve(Options o) {
        Path path = Binaries.resolve(o.binary());
        long off = o.offset();
        String desc;
        if (o.function() != null) {
            if (o.retprobe() && o.offset() != 0) {
                throw new BpfException("uretprobe on " + o.function() + ": return probes take no offset (+" + o.offset() + ")");
            }
            long sym = SymbolOffsets.functionOffset(ElfFile.read(path), o.function());
            off = sym + o.offset();
            desc = path + ":" + o.function() + (o.offset() != 0 ? "+0x" + Long.toHexString(o.offset()) : "")
                    + " (file offset 0x" + Long.toHexString(off) + ")";
        } else {
            desc = path + ":0x" + Long.toHexString(off);
        }
        if (off < 0) throw new BpfException("negative uprobe offset " + off + " in " + path);
        return new Target(path, off, desc);
    }

    /**
     * Attaches program {@code progFd} (a kprobe-type program) as {@code o} says.
     *
     * @param progFd the loaded uprobe program; it stays owned by the caller
     * @param o the probe's target and options
     * @return the link; the caller closes it, which also removes a tracefs probe it created
     */
    public static UprobeLink attach(int progFd, Options o) {
        Target t = resolve(o);
        String what = (o.retprobe() ? "uretprobe " : "uprobe ") + t.description()
                + (o.pid() >= 0 ? " in pid " + o.pid() : "");
        String file = t.path().toAbsolutePath().toString();
        int type = Probes.pmuType(Probes.Kind.UPROBE);
        boolean usePmu = switch (o.mode()) {
            case PMU -> {
                if (type < 0) throw new FeatureNotSupportedException("uprobe PMU", "no "
                        + Probes.EVENT_SOURCES.resolve("uprobe/type") + " (Linux 4.17+ with CONFIG_UPROBE_EVENTS)");
                yield true;
            }
            case TRACEFS -> false;
            case AUTO -> type >= 0 && !Probes.forceTracefs;
        };
        if (!usePmu && Probes.eventsFile(Probes.Kind.UPROBE) == null) {
            throw new FeatureNotSupportedException("uprobes", type < 0 ? "no uprobe PMU and no uprobe_events in tracefs "
                    + "(the kernel needs CONFIG_UPROBE_EVENTS)" : "no uprobe_events in tracefs");
        }
        Probes.sweepOnce(Probes.Kind.UPROBE);
        if (usePmu) {
            long r = Probes.openPmu(Probes.Kind.UPROBE, type, o.retprobe(), file, t.fileOffset(), o.refCtrOffset(), o.pid());
            if (r < 0) throw error((int) -r, what, o);
            Fd perf = new Fd((int) r);
            try {
                return new UprobeLink(what, t.path(), t.fileOffset(), Attach.perfEventLink(progFd, perf, what, o.cookie()),
                        null, o.retprobe(), o.pid());
            } catch (RuntimeException e) {
                perf.close();
                throw e;
            }
        }
        if (o.refCtrOffset() != 0) {
            // tracefs takes "path:offset(ref_ctr_offset)" since 4.20; the PMU is older, so keep it simple
            throw new FeatureNotSupportedException("uprobe reference counters through tracefs", "use the uprobe PMU");
        }
        String name = Probes.eventName(t.path().getFileName().toString(), t.fileOffset());
        Probes.Legacy legacy = Probes.openLegacy(Probes.Kind.UPROBE, o.retprobe(), 0,
                file + ":0x" + Long.toHexString(t.fileOffset()), name, o.pid(), what);
        try {
            return new UprobeLink(what, t.path(), t.fileOffset(),
                    Attach.perfEventLink(progFd, legacy.perf(), what, o.cookie()), legacy, o.retprobe(), o.pid());
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

    private static RuntimeException error(int errno, String what, Options o) {
        if (errno == Errno.ESRCH) return new BpfException(what + ": no process " + o.pid());
        if (errno == Errno.ENOENT) return new BpfException(what + ": the kernel cannot open the file");
        return Errors.of("perf_event_open", errno, what);
    }

    /**
     * The probed file.
     *
     * @return the file's path
     */
    public Path path() {
        return path;
    }

    /**
     * The probed offset in {@link #path()}.
     *
     * @return the offset in bytes
     */
    public long fileOffset() {
        return fileOffset;
    }

    /** {@return whether this is a uretprobe} */
    public boolean retprobe() {
        return retprobe;
    }

    /**
     * The process filter, or -1.
     *
     * @return the process id, or -1 for every process
     */
    public int pid() {
        return pid;
    }
}
