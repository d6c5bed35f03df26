package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.BpfLink;
import org.bpf4j.tools.bpf.JvmthreadsSkeleton;
import org.bpf4j.tools.bpf.JvmthreadsSkeleton.JvmthreadEvent;

/**
 * {@code bpf4j jvmthreads}: Java threads as they start and stop, with their Java names, Java and
 * native ids and daemon flag, from HotSpot's USDT probes {@code thread__start}/{@code thread__stop}
 * (what BCC's uthreads shows for Java). With {@code -p} the JVM of that process, without it every
 * JVM on the machine.
 */
final class Jvmthreads extends Tool {
    Jvmthreads() {
        super("jvmthreads", "[-p PID]", "trace Java thread starts and stops, with names (USDT)", DOC, List.of(PID));
    }

    static final String DOC = """
            Trace the threads of JVMs as they start and stop (HotSpot's USDT probes).

            USAGE: jvmthreads [--help] [-p PID]

            EXAMPLES:
                jvmthreads          # every JVM on the machine
                jvmthreads -p 185   # the JVM of PID 185 only
            """;

    static final String HEADER = "TIME     PID     TID     JTID    EVENT DAEMON NAME\n";

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_JTID = off("java_tid"), OFF_PID = off("pid"), OFF_TID = off("tid"), OFF_STOP = off("stop"),
                OFF_DAEMON = off("daemon"), OFF_NAME = off("name"), SIZE = (int) JvmthreadEvent.LAYOUT.byteSize();
        static final int NAME_LEN = SIZE - OFF_NAME;

        /** This JVM, whose own events a trace of every JVM leaves out. */
        static final int SELF = (int) ProcessHandle.current().pid();

        private static int off(String member) {
            return (int) JvmthreadEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = p.has("p") ? positive(p.get("p"), "Invalid PID: ") : 0;
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        var jvms = Javagc.libjvms(pid);
        boolean json = p.has("json");
        JvmthreadsSkeleton skel = JvmthreadsSkeleton.open();
        skel.rodata().useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        LineBuffer lb = new LineBuffer();
        List<BpfLink> links = new ArrayList<>();
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, json, data, offset, length), err);
             Session session = new Session()) {
            try {
                int target = pid != 0 ? pid : -1;
                for (String lib : jvms) {
                    links.add(skel.threadEvent().attachUsdt(target, lib, "hotspot", "thread__start", 0));
                    links.add(skel.threadEvent().attachUsdt(target, lib, "hotspot", "thread__stop", 1));
                }
                if (!json) lb.text("Tracing Java threads... Hit Ctrl-C to end.\n").text(HEADER);
                reader.print(session, lb, out, () -> skel.bss().outputErrors(), err);
            } finally {
                for (BpfLink l : links) l.close();
            }
        }
        return 0;
    }

    static void format(LineBuffer lb, boolean json, MemorySegment d, long off, int length) {
        if (length < Layout.SIZE) return;
        long jtid = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_JTID);
        int pid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID), tid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_TID);
        if (pid == Layout.SELF) return;
        String event = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_STOP) != 0 ? "stop" : "start";
        boolean daemon = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_DAEMON) != 0;
        if (json) {
            lb.text(new Json().put("time", Session.clock()).put("pid", pid).put("tid", tid).put("java_tid", jtid)
                    .put("event", event).put("daemon", daemon)
                    .put("name", LineBuffer.cStringBytes(d, off + Layout.OFF_NAME, Layout.NAME_LEN)).toString()).ch('\n');
            return;
        }
        lb.left(Session.clock(), 8).ch(' ').left(pid, 7).ch(' ').left(tid, 7).ch(' ').left(jtid, 7).ch(' ')
                .left(event, 5).ch(' ').left(daemon ? "yes" : "no", 6).ch(' ')
                .cString(d, off + Layout.OFF_NAME, Layout.NAME_LEN, 0).ch('\n');
    }
}
