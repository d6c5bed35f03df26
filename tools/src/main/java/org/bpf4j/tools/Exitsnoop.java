package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;
import org.bpf4j.tools.bpf.ExitsnoopSkeleton;
import org.bpf4j.tools.bpf.ExitsnoopSkeleton.ExitEvent;

/**
 * {@code bpf4j exitsnoop}: traces process exits (sched_process_exit) with the options and output
 * of libbpf-tools' exitsnoop ({@code PCOMM PID PPID TID AGE(s) EXIT_CODE}). Events come through
 * the event buffer.
 */
final class Exitsnoop extends Tool {
    Exitsnoop() {
        super("exitsnoop", "[-t] [-x] [-p PID] [-T] [-c CG]", "trace process termination", DOC, List.of(
                CGROUP,
                new Argp.Opt('p', "pid", "PID", "Process ID to trace"),
                new Argp.Opt('t', "timestamp", null, "Include timestamp on output"),
                new Argp.Opt('T', "threaded", null, "Trace by thread."),
                new Argp.Opt('x', "failed", null, "Trace error exits only.")));
    }

    static final String DOC = """
            Trace process termination.

            USAGE: exitsnoop [-h] [-t] [-x] [-p PID] [-T] [-c CG]

            EXAMPLES:
                bpf4j exitsnoop             # trace process exit events
                bpf4j exitsnoop -t          # include timestamps
                bpf4j exitsnoop -x          # trace error exits only
                bpf4j exitsnoop -p 1216     # only trace PID 1216
                bpf4j exitsnoop -T          # trace by thread
                bpf4j exitsnoop -c CG       # Trace process under cgroupsPath CG
            """;

    static final int TASK_COMM_LEN = 16;

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_START = off("start_time"), OFF_EXIT = off("exit_time"), OFF_PID = off("pid"),
                OFF_TID = off("tid"), OFF_PPID = off("ppid"), OFF_SIG = off("sig"), OFF_CODE = off("exit_code"),
                OFF_COMM = off("comm"), SIZE = (int) ExitEvent.LAYOUT.byteSize();

        private static int off(String member) {
            return (int) ExitEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    record Options(int pid, boolean timestamp, boolean threads, boolean failed, String cgroup, boolean json) {}

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = p.has("p") ? positive(p.get("p"), "Invalid PID: ") : 0;
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        return trace(new Options(pid, p.has("t"), p.has("T"), p.has("x"), p.get("c"), p.has("json")), out, err);
    }

    static int trace(Options opt, PrintStream out, PrintStream err) {
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/exitsnoop.bpf.c
        ExitsnoopSkeleton skel = ExitsnoopSkeleton.open();
        skel.rodata().targetPid(opt.pid()).traceFailedOnly(opt.failed()).traceByProcess(!opt.threads())
                .filterCg(opt.cgroup() != null).useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        LineBuffer lb = new LineBuffer();
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, opt, data, offset, length), err);
             Session session = new Session()) {
            if (opt.cgroup() != null) skel.cgroupMap().putCgroup(0, opt.cgroup());
            skel.attach();
            if (!opt.json()) {
                if (opt.timestamp()) lb.left("TIME(s)", 8).ch(' ');
                lb.left("PCOMM", 16).ch(' ').left("PID", 7).ch(' ').left("PPID", 7).ch(' ').left("TID", 7).ch(' ')
                        .left("AGE(s)", 7).ch(' ').text("EXIT_CODE").ch('\n');
            }
            reader.print(session, lb, out, () -> skel.bss().outputErrors(), err);
        }
        return 0;
    }

    /** One line, as libbpf-tools' exitsnoop prints it. */
    static void format(LineBuffer lb, Options opt, MemorySegment d, long off, int length) {
        if (length < Layout.SIZE) {
            lb.text("Error: packet too small\n");
            return;
        }
        double age = (d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_EXIT) - d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_START)) / 1e9;
        int pid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID), ppid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PPID),
                tid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_TID), status = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_SIG),
                code = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_CODE);
        int sig = status & 0x7f;
        boolean core = (status & 0x80) != 0;
        if (opt.json()) {
            Json j = new Json();
            if (opt.timestamp()) j.put("time", Session.clock());
            j.put("pcomm", LineBuffer.cStringBytes(d, off + Layout.OFF_COMM, TASK_COMM_LEN)).put("pid", pid)
                    .put("ppid", ppid).put("tid", tid).putRaw("age", String.format(Locale.ROOT, "%.3f", age))
                    .put("exit_code", status == 0 ? code : 0).put("signal", sig);
            if (sig != 0) j.put("signal_name", Signames.describe(sig));
            j.put("core_dumped", core);
            lb.text(j.toString()).ch('\n');
            return;
        }
        if (opt.timestamp()) lb.right(Session.clock(), 8).ch(' ');
        lb.cString(d, off + Layout.OFF_COMM, TASK_COMM_LEN, 16).ch(' ').left(pid, 7).ch(' ').left(ppid, 7).ch(' ')
                .left(tid, 7).ch(' ').left(String.format(Locale.ROOT, "%.2f", age), 7).ch(' ');
        if (status == 0) {
            lb.text(code == 0 ? "0" : "code " + code);
        } else {
            if (sig != 0) lb.text("signal " + sig + " (" + Signames.describe(sig) + ")");
            if (core) lb.text(", core dumped");
        }
        lb.ch('\n');
    }
}
