package org.bpf4j.link;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.bpf4j.AttachType;
import org.bpf4j.BpfException;
import org.bpf4j.BpfLink;
import org.bpf4j.FeatureNotSupportedException;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Fd;

/**
 * kprobe_multi and uprobe_multi links: one program on many kernel functions (Linux 5.18,
 * {@code BPF_TRACE_KPROBE_MULTI}, fprobe) or many offsets of one binary (Linux 6.6,
 * {@code BPF_TRACE_UPROBE_MULTI}) through a single {@code BPF_LINK_CREATE}, as libbpf's
 * {@code SEC("kprobe.multi/<pattern>")}, {@code "kretprobe.multi/<pattern>"} and
 * {@code "uprobe.multi/<binary>:<function>"} programs. The program must have been loaded with the
 * matching expected attach type (the section names do that).
 */
public final class MultiProbeLink {
    private MultiProbeLink() {}

    /** {@code BPF_F_KPROBE_MULTI_RETURN}, {@code BPF_F_UPROBE_MULTI_RETURN}. */
    static final int RETURN = 1;

    /**
     * Attaches {@code progFd} to every kernel function {@code pattern} names: a name, or a glob
     * ({@code *}, {@code ?}) matched as libbpf does against tracefs's
     * {@code available_filter_functions} (the functions fprobe can attach to).
     *
     * @param progFd the loaded {@code kprobe.multi} program; it stays owned by the caller
     * @param pattern a function name or a glob
     * @return the link; the caller closes it
     * @throws BpfException if nothing matches
     */
    public static BpfLink kprobes(int progFd, String pattern) {
        return kprobes(progFd, pattern, false);
    }

    /**
     * As {@link #kprobes(int, String)}, on the functions' returns ({@code kretprobe.multi}).
     *
     * @param progFd the loaded {@code kretprobe.multi} program; it stays owned by the caller
     * @param pattern a function name or a glob
     * @return the link; the caller closes it
     * @throws BpfException if nothing matches
     */
    public static BpfLink kretprobes(int progFd, String pattern) {
        return kprobes(progFd, pattern, true);
    }

    private static BpfLink kprobes(int progFd, String pattern, boolean retprobe) {
        List<String> functions = isGlob(pattern) ? matching(pattern) : List.of(pattern);
        return kprobes(progFd, functions, retprobe, (retprobe ? "kretprobe.multi " : "kprobe.multi ") + pattern);
    }

    /**
     * Attaches {@code progFd} to each of {@code functions} (kernel symbol names).
     *
     * @param progFd the loaded {@code kprobe.multi} program; it stays owned by the caller
     * @param functions the kernel functions; not empty
     * @param target what it attaches to, for messages
     * @return the link; the caller closes it
     */
    public static BpfLink kprobes(int progFd, List<String> functions, String target) {
        return kprobes(progFd, functions, false, target);
    }

    /**
     * As {@link #kprobes(int, List, String)}, on the functions' returns.
     *
     * @param progFd the loaded {@code kretprobe.multi} program; it stays owned by the caller
     * @param functions the kernel functions; not empty
     * @param target what it attaches to, for messages
     * @return the link; the caller closes it
     */
    public static BpfLink kretprobes(int progFd, List<String> functions, String target) {
        return kprobes(progFd, functions, true, target);
    }

    private static BpfLink kprobes(int progFd, List<String> functions, boolean retprobe, String target) {
        if (functions.isEmpty()) throw new BpfException(target + ": no kernel function to attach to");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment syms = arena.allocate(ADDRESS, functions.size());
            for (int i = 0; i < functions.size(); i++) syms.setAtIndex(ADDRESS, i, arena.allocateFrom(functions.get(i)));
            // union kprobe_multi: u32 flags, u32 cnt, u64 syms, u64 addrs, u64 cookies
            long flagsCnt = (retprobe ? RETURN : 0) | ((long) functions.size() << 32);
            long r = Bpf.linkCreateRaw(progFd, 0, AttachType.TRACE_KPROBE_MULTI.code(), 0,
                    new long[] {flagsCnt, syms.address(), 0, 0});
            if (r < 0) throw failure("kprobe_multi links", "Linux 5.18 built with CONFIG_FPROBE", (int) -r, target);
            return new FdLink(target, new Fd((int) r), null);
        }
    }

    /**
     * Attaches {@code progFd} to {@code functions} of {@code binary} (a path or a name
     * {@link Binaries} finds), in process {@code pid} only, or every process when -1.
     *
     * @param progFd the loaded {@code uprobe.multi} program; it stays owned by the caller
     * @param binary the ELF file: a path or a name
     * @param functions the function symbols
     * @param pid the process id, or -1 for every process
     * @return the link; the caller closes it
     */
    public static BpfLink uprobes(int progFd, String binary, List<String> functions, int pid) {
        return uprobes(progFd, binary, functions, false, pid);
    }

    /**
     * As {@link #uprobes(int, String, List, int)}, on the functions' returns ({@code uretprobe.multi}).
     *
     * @param progFd the loaded {@code uretprobe.multi} program; it stays owned by the caller
     * @param binary the ELF file: a path or a name
     * @param functions the function symbols
     * @param pid the process id, or -1 for every process
     * @return the link; the caller closes it
     */
    public static BpfLink uretprobes(int progFd, String binary, List<String> functions, int pid) {
        return uprobes(progFd, binary, functions, true, pid);
    }

    private static BpfLink uprobes(int progFd, String binary, List<String> functions, boolean retprobe, int pid) {
        if (functions.isEmpty()) throw new BpfException("uprobe.multi " + binary + ": no function to attach to");
        Path path = null;
        long[] offsets = new long[functions.size()];
        for (int i = 0; i < offsets.length; i++) {
            UprobeLink.Target t = UprobeLink.resolve(UprobeLink.Options.of(binary, functions.get(i)));
            path = t.path();
            offsets[i] = t.fileOffset();
        }
        String target = (retprobe ? "uretprobe.multi " : "uprobe.multi ") + path + ":" + String.join(",", functions);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment file = arena.allocateFrom(path.toString());
            MemorySegment offs = arena.allocateFrom(JAVA_LONG, offsets);
            // union uprobe_multi: u64 path, u64 offsets, u64 ref_ctr_offsets, u64 cookies, u32 cnt, u32 flags, u32 pid
            long cntFlags = offsets.length | ((long) (retprobe ? RETURN : 0) << 32);
            long r = Bpf.linkCreateRaw(progFd, 0, AttachType.TRACE_UPROBE_MULTI.code(), 0,
                    new long[] {file.address(), offs.address(), 0, 0, cntFlags, pid < 0 ? 0 : pid});
            if (r < 0) throw failure("uprobe_multi links", "Linux 6.6", (int) -r, target);
            return new FdLink(target, new Fd((int) r), null);
        }
    }

    private static RuntimeException failure(String feature, String needs, int errno, String target) {
        if (errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP) {
            return new FeatureNotSupportedException(feature, target + " needs " + needs + " (BPF_LINK_CREATE answers "
                    + Errno.name(errno) + ")");
        }
        return Errors.of("BPF_LINK_CREATE", errno, target);
    }

    static boolean isGlob(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
    }

    /** The functions of available_filter_functions that {@code glob} matches, each once, in file order. */
    static List<String> matching(String glob) {
        Path f = Tracefs.root().resolve("available_filter_functions");
        Pattern re = Pattern.compile(glob.replace(".", "\\.").replace("*", ".*").replace("?", "."));
        Set<String> out = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(f)) {
                String name = line.split("[ \t]", 2)[0];
                if (re.matcher(name).matches()) out.add(name);
            }
        } catch (IOException e) {
            throw new BpfException("cannot read " + f + " (for kprobe.multi/" + glob + "): " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new BpfException("kprobe.multi/" + glob + ": no function in " + f + " matches");
        return new ArrayList<>(out);
    }
}
