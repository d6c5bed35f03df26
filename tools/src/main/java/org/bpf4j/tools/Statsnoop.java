package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;
import org.bpf4j.tools.bpf.StatsnoopSkeleton;
import org.bpf4j.tools.bpf.StatsnoopSkeleton.StatEvent;

/**
 * {@code bpf4j statsnoop}: traces the stat-family syscalls (statfs, newstat, statx, newfstatat,
 * newlstat) with the options and output of libbpf-tools' statsnoop ({@code PID COMM RET ERR
 * PATH}). Events come through the event buffer.
 */
final class Statsnoop extends Tool {
    Statsnoop() {
        super("statsnoop", "[-t] [-x] [-p PID]", "trace stat syscalls", DOC, List.of(
                new Argp.Opt('p', "pid", "PID", "Process ID to trace"),
                new Argp.Opt('t', "timestamp", null, "Include timestamp on output"),
                new Argp.Opt('x', "failed", null, "Only show failed stats")));
    }

    static final String DOC = """
            Trace stat syscalls.

            USAGE: statsnoop [-h] [-t] [-x] [-p PID]

            EXAMPLES:
                bpf4j statsnoop             # trace all stat syscalls
                bpf4j statsnoop -t          # include timestamps
                bpf4j statsnoop -x          # only show failed stats
                bpf4j statsnoop -p 1216     # only trace PID 1216
            """;

    static final int TASK_COMM_LEN = 16, NAME_MAX = 255;

    /** The calls by statsnoop.h's STAT_* number, as libbpf-tools names them. */
    static final String[] CALLS = {"N/A", "statfs", "newstat", "statx", "newfstat", "newfstatat", "newlstat"};

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_TS = off("ts_ns"), OFF_PID = off("pid"), OFF_SYS = off("sys"), OFF_RET = off("ret"),
                OFF_COMM = off("comm"), OFF_PATH = off("pathname"), SIZE = (int) StatEvent.LAYOUT.byteSize();

        private static int off(String member) {
            return (int) StatEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    record Options(int pid, boolean timestamp, boolean failed, boolean json) {}

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = p.has("p") ? positive(p.get("p"), "Invalid PID: ") : 0;
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        return trace(new Options(pid, p.has("t"), p.has("x"), p.has("json")), out, err);
    }

    static int trace(Options opt, PrintStream out, PrintStream err) {
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/statsnoop.bpf.c
        StatsnoopSkeleton skel = StatsnoopSkeleton.open();
        skel.rodata().targetPid(opt.pid()).traceFailedOnly(opt.failed()).useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        LineBuffer lb = new LineBuffer();
        long[] start = {0};
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, opt, start, data, offset, length), err);
             Session session = new Session()) {
            skel.attach();
            if (!opt.json()) {
                if (opt.timestamp()) lb.left("TIME(s)", 14).ch(' ');
                lb.left("PID", 7).ch(' ').left("COMM", 20).ch(' ').left("RET", 4).ch(' ').left("ERR", 4).ch(' ')
                        .text("PATH").ch('\n');
            }
            reader.print(session, lb, out, () -> skel.bss().outputErrors(), err);
        }
        return 0;
    }

    static String call(int sys) {
        return sys >= 0 && sys < CALLS.length ? CALLS[sys] : "N/A";
    }

    /**
     * One line, as libbpf-tools' statsnoop prints it: RET is 0 or -1, ERR the errno; TIME(s) counts
     * from the first event ({@code start[0]}, set by it).
     */
    static void format(LineBuffer lb, Options opt, long[] start, MemorySegment d, long off, int length) {
        if (length < Layout.SIZE) {
            lb.text("Error: packet too small\n");
            return;
        }
        long ts = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_TS);
        int pid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID), ret = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_RET);
        int fd = ret >= 0 ? ret : -1, errno = ret >= 0 ? 0 : -ret;
        if (start[0] == 0) start[0] = ts;
        double time = (ts - start[0]) / 1e9;
        if (opt.json()) {
            Json j = new Json();
            if (opt.timestamp()) j.putRaw("time", String.format(Locale.ROOT, "%.9f", time));
            lb.text(j.put("pid", pid).put("comm", LineBuffer.cStringBytes(d, off + Layout.OFF_COMM, TASK_COMM_LEN))
                    .put("syscall", call(d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_SYS))).put("ret", fd).put("err", errno)
                    .put("path", LineBuffer.cStringBytes(d, off + Layout.OFF_PATH, NAME_MAX)).toString()).ch('\n');
            return;
        }
        if (opt.timestamp()) lb.left(String.format(Locale.ROOT, "%.9f", time), 14).ch(' ');
        lb.left(pid, 7).ch(' ').cString(d, off + Layout.OFF_COMM, TASK_COMM_LEN, 20).ch(' ').left(fd, 4).ch(' ')
                .left(errno, 4).ch(' ').cString(d, off + Layout.OFF_PATH, NAME_MAX, 0).ch('\n');
    }
}
