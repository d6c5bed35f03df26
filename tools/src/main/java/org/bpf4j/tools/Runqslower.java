package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.tools.bpf.RunqslowerSkeleton;
import org.bpf4j.tools.bpf.RunqslowerSkeleton.RunqEvent;

/**
 * {@code bpf4j runqslower}: tasks that waited longer than a threshold on a run queue, with the
 * options and output of libbpf-tools' runqslower ({@code TIME COMM TID LAT(us) [PREV COMM PREV
 * TID]}), on tp_btf (or raw_tp) sched_wakeup, sched_wakeup_new and sched_switch. Events come
 * through the event buffer.
 */
final class Runqslower extends Tool {
    Runqslower() {
        super("runqslower", "[-p PID] [-t TID] [-P] [min_us]", "trace high run queue latency", DOC, List.of(
                new Argp.Opt('p', "pid", "PID", "Process PID to trace"),
                new Argp.Opt('t', "tid", "TID", "Thread TID to trace"),
                new Argp.Opt('P', "previous", null, "also show previous task name and TID")));
    }

    static final String DOC = """
            Trace high run queue latency.

            USAGE: runqslower [--help] [-p PID] [-t TID] [-P] [min_us]

            EXAMPLES:
                bpf4j runqslower         # trace latency higher than 10000 us (default)
                bpf4j runqslower 1000    # trace latency higher than 1000 us
                bpf4j runqslower -p 123  # trace pid 123
                bpf4j runqslower -t 123  # trace tid 123 (use for threads only)
                bpf4j runqslower -P      # also show previous task name and TID
            """;

    static final int TASK_COMM_LEN = 16;

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_TASK = off("task"), OFF_PREV_TASK = off("prev_task"), OFF_DELTA = off("delta_us"),
                OFF_PID = off("pid"), OFF_PREV_PID = off("prev_pid"), SIZE = (int) RunqEvent.LAYOUT.byteSize();

        private static int off(String member) {
            return (int) RunqEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    record Options(int pid, int tid, boolean previous, long minUs, boolean json) {}

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = p.has("p") ? positive(p.get("p"), "Invalid PID: ") : 0;
        int tid = p.has("t") ? positive(p.get("t"), "Invalid TID: ") : 0;
        if (p.operands().size() > 1) throw Argp.invalid("Unrecognized positional argument: " + p.operands().get(1));
        long minUs = 10000;
        if (!p.operands().isEmpty()) {
            try {
                minUs = Long.parseLong(p.operands().get(0));
            } catch (NumberFormatException e) {
                minUs = -1;
            }
            if (minUs <= 0) throw Argp.invalid("Invalid delay (in us): " + p.operands().get(0));
        }
        return trace(new Options(pid, tid, p.has("P"), minUs, p.has("json")), out, err);
    }

    static int trace(Options opt, PrintStream out, PrintStream err) {
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/runqslower.bpf.c
        RunqslowerSkeleton skel = RunqslowerSkeleton.open();
        skel.rodata().targTgid(opt.pid()).targPid(opt.tid()).minUs(opt.minUs())
                .useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        if (Btf.kernel().find("btf_trace_sched_wakeup", BtfKind.TYPEDEF) <= 0) {
            // no tp_btf: the raw_tp programs
            for (var prog : List.of(skel.schedWakeupSpec(), skel.schedWakeupNewSpec(), skel.schedSwitchSpec())) prog.autoload(false);
            for (var prog : List.of(skel.rawSchedWakeupSpec(), skel.rawSchedWakeupNewSpec(), skel.rawSchedSwitchSpec())) {
                prog.autoload(true);
            }
        }
        LineBuffer lb = new LineBuffer();
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, opt, data, offset, length), err);
             Session session = new Session()) {
            skel.attach();
            if (!opt.json()) {
                lb.text("Tracing run queue latency higher than " + opt.minUs() + " us\n");
                lb.left("TIME", 8).ch(' ').left("COMM", 16).ch(' ').left("TID", 6).ch(' ').right("LAT(us)", 14);
                if (opt.previous()) lb.ch(' ').left("PREV COMM", 16).ch(' ').left("PREV TID", 6);
                lb.ch('\n');
            }
            reader.print(session, lb, out, () -> skel.bss().outputErrors(), err);
        }
        return 0;
    }

    /** One line, as libbpf-tools' runqslower prints it. */
    static void format(LineBuffer lb, Options opt, MemorySegment d, long off, int length) {
        if (length < Layout.SIZE) return;
        int pid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID), prev = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PREV_PID);
        long delta = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_DELTA);
        if (opt.json()) {
            Json j = new Json().put("time", Session.clock()).put("comm", LineBuffer.cStringBytes(d, off + Layout.OFF_TASK, TASK_COMM_LEN))
                    .put("tid", pid).putUnsigned("lat_us", delta);
            if (opt.previous()) {
                j.put("prev_comm", LineBuffer.cStringBytes(d, off + Layout.OFF_PREV_TASK, TASK_COMM_LEN)).put("prev_tid", prev);
            }
            lb.text(j.toString()).ch('\n');
            return;
        }
        lb.left(Session.clock(), 8).ch(' ').cString(d, off + Layout.OFF_TASK, TASK_COMM_LEN, 16).ch(' ').left(pid, 6).ch(' ')
                .right(Long.toUnsignedString(delta), 14);
        if (opt.previous()) lb.ch(' ').cString(d, off + Layout.OFF_PREV_TASK, TASK_COMM_LEN, 16).ch(' ').left(prev, 6);
        lb.ch('\n');
    }
}
