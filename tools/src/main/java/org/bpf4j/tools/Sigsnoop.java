package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.bpf4j.tools.bpf.SigsnoopSkeleton;
import org.bpf4j.tools.bpf.SigsnoopSkeleton.SigEvent;

/**
 * {@code bpf4j sigsnoop}: traces signals with the options and output of libbpf-tools' sigsnoop
 * ({@code TIME PID COMM SIG TPID RESULT}): every signal generated (signal:signal_generate), or
 * with {@code -k} the kill, tkill and tgkill syscalls. {@link Killsnoop} is this tool with
 * {@code -k}, as libbpf-tools' killsnoop link. Events come through the event buffer.
 */
class Sigsnoop extends Tool {
    Sigsnoop() {
        this("sigsnoop", "trace standard and real-time signals");
    }

    Sigsnoop(String name, String summary) {
        super(name, "[-x] [-k] [-n] [-p PID] [-s SIGNAL]", summary, DOC, List.of(
                new Argp.Opt('k', "kill", null, "Trace signals issued by kill syscall only."),
                new Argp.Opt('n', "name", null, "Output signal name instead of signal number."),
                new Argp.Opt('p', "pid", "PID", "Process ID to trace"),
                new Argp.Opt('s', "signal", "SIGNAL", "Signal to trace."),
                new Argp.Opt('x', "failed", null, "Trace failed signals only.")));
    }

    static final String DOC = """
            Trace standard and real-time signals.

            USAGE: sigsnoop [-h] [-x] [-k] [-n] [-p PID] [-s SIGNAL]

            EXAMPLES:
                bpf4j sigsnoop             # trace signals system-wide
                bpf4j sigsnoop -k          # trace signals issued by kill syscall only
                bpf4j sigsnoop -x          # trace failed signals only
                bpf4j sigsnoop -p 1216     # only trace PID 1216
                bpf4j sigsnoop -s 9        # only trace signal 9
            """;

    static final int TASK_COMM_LEN = 16;

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_PID = off("pid"), OFF_TPID = off("tpid"), OFF_SIG = off("sig"), OFF_RET = off("ret"),
                OFF_COMM = off("comm"), SIZE = (int) SigEvent.LAYOUT.byteSize();

        private static int off(String member) {
            return (int) SigEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    record Options(int pid, int signal, boolean failed, boolean killOnly, boolean names, boolean json) {}

    /** Whether the tool traces the kill syscalls only whatever the options (killsnoop). */
    boolean killOnly() {
        return false;
    }

    @Override
    String objectResource() {
        return "bpf/sigsnoop.bpf.o";
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = p.has("p") ? positive(p.get("p"), "Invalid PID: ") : 0;
        int sig = p.has("s") ? positive(p.get("s"), "Invalid SIGNAL: ") : 0;
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        return trace(new Options(pid, sig, p.has("x"), killOnly() || p.has("k"), p.has("n"), p.has("json")), out, err);
    }

    static int trace(Options opt, PrintStream out, PrintStream err) {
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/sigsnoop.bpf.c
        SigsnoopSkeleton skel = SigsnoopSkeleton.open();
        skel.rodata().filteredPid(opt.pid()).targetSignal(opt.signal()).failedOnly(opt.failed())
                .useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        if (opt.killOnly()) {
            skel.sigTraceSpec().autoload(false);
        } else {
            for (var prog : List.of(skel.killEntrySpec(), skel.killExitSpec(), skel.tkillEntrySpec(),
                    skel.tkillExitSpec(), skel.tgkillEntrySpec(), skel.tgkillExitSpec())) {
                prog.autoload(false);
            }
        }
        LineBuffer lb = new LineBuffer();
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, opt, data, offset, length), err);
             Session session = new Session()) {
            skel.attach();
            if (!opt.json()) {
                lb.left("TIME", 8).ch(' ').left("PID", 7).ch(' ').left("COMM", 16).ch(' ').left("SIG", 9).ch(' ')
                        .left("TPID", 7).ch(' ').left("RESULT", 6).ch('\n');
            }
            reader.print(session, lb, out, () -> skel.bss().outputErrors(), err);
        }
        return 0;
    }

    /** One line, as libbpf-tools' sigsnoop prints it (the RESULT column padded, trailing spaces and all). */
    static void format(LineBuffer lb, Options opt, MemorySegment d, long off, int length) {
        if (length < Layout.SIZE) return;
        int pid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID), tpid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_TPID),
                sig = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_SIG), ret = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_RET);
        String name = opt.names() ? Signames.name(sig) : null;
        if (opt.json()) {
            Json j = new Json().put("time", Session.clock()).put("pid", pid)
                    .put("comm", LineBuffer.cStringBytes(d, off + Layout.OFF_COMM, TASK_COMM_LEN)).put("sig", sig);
            if (Signames.name(sig) != null) j.put("sig_name", Signames.name(sig));
            lb.text(j.put("tpid", tpid).put("result", ret).toString()).ch('\n');
            return;
        }
        lb.left(Session.clock(), 8).ch(' ').left(pid, 7).ch(' ').cString(d, off + Layout.OFF_COMM, TASK_COMM_LEN, 16).ch(' ');
        if (name != null) lb.left(name, 9);
        else lb.left(sig, 9);
        lb.ch(' ').left(tpid, 7).ch(' ').left(ret, 6).ch('\n');
    }
}
