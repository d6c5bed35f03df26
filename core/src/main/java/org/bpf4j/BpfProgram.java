package org.bpf4j;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bpf4j.link.Attach;
import org.bpf4j.link.BpfLink;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Fd;

/**
 * A program loaded into the kernel: owns its file descriptor. {@link #attach()} attaches it the
 * way its section name says; the returned link detaches when closed, and the program's object
 * closes any link still open when it closes.
 */
public final class BpfProgram implements AutoCloseable {
    private final ProgramSpec spec;
    private final Fd fd;
    private final List<BpfLink> links = new CopyOnWriteArrayList<>();

    BpfProgram(ProgramSpec spec, Fd fd) {
        this.spec = spec;
        this.fd = fd;
    }

    public String name() {
        return spec.name();
    }

    public ProgramType type() {
        return spec.type();
    }

    public String section() {
        return spec.section();
    }

    /** The spec this program was loaded from. */
    public ProgramSpec spec() {
        return spec;
    }

    public int fd() {
        return fd.value();
    }

    /** Links this program made that are still open. */
    public List<BpfLink> links() {
        links.removeIf(l -> !l.isOpen());
        return List.copyOf(links);
    }

    private BpfLink track(BpfLink link) {
        links.add(link);
        return link;
    }

    /**
     * Attaches by section name: {@code tracepoint/<category>/<name>} (and {@code tp/}),
     * {@code raw_tracepoint/<name>} (and {@code raw_tp/}), {@code tp_btf/<name>},
     * {@code fentry/}, {@code fexit/}, {@code fmod_ret/}, {@code lsm/}.
     */
    public BpfLink attach() {
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
                return track(Attach.tracing(fd.value(), spec.section()));
            }
            default -> throw new BpfException(this + ": section " + spec.section() + " ("
                    + spec.sectionDef().displayName() + ") cannot be attached automatically by bpf4j yet; "
                    + "use the attach method of its kind");
        }
    }

    /** Attaches a tracepoint program to {@code category/name}. */
    public BpfLink attachTracepoint(String category, String name) {
        requireType(ProgramType.TRACEPOINT);
        return track(Attach.tracepoint(fd.value(), category, name));
    }

    /** Attaches a raw tracepoint program to tracepoint {@code name}. */
    public BpfLink attachRawTracepoint(String name) {
        if (type() != ProgramType.RAW_TRACEPOINT && type() != ProgramType.RAW_TRACEPOINT_WRITABLE) {
            throw new BpfException(this + " is a " + type() + " program, not a raw tracepoint program");
        }
        return track(Attach.rawTracepoint(fd.value(), name));
    }

    private void requireType(ProgramType t) {
        if (type() != t) throw new BpfException(this + " is a " + type() + " program, not " + t);
    }

    /**
     * Runs the program once in the kernel ({@code BPF_PROG_TEST_RUN}) with a context and/or data
     * buffer (native memory, may be null), as for {@code SEC("syscall")}, XDP or tc programs.
     */
    public Bpf.TestRunResult testRun(MemorySegment ctx, MemorySegment data, int repeat) {
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
