package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;
import org.bpf4j.tools.bpf.SyncsnoopSkeleton;
import org.bpf4j.tools.bpf.SyncsnoopSkeleton.SyncEvent;

/**
 * {@code bpf4j syncsnoop}: traces the sync-family syscalls (sys_enter tracepoints of sync, fsync,
 * fdatasync, msync, sync_file_range, syncfs) with the output of libbpf-tools' syncsnoop
 * ({@code TIME(s) COMM CALL}). Events come through the event buffer.
 */
final class Syncsnoop extends Tool {
    Syncsnoop() {
        super("syncsnoop", "", "trace sync syscalls", DOC, List.of());
    }

    static final String DOC = """
            Trace sync syscalls.

            USAGE: syncsnoop [--help]

            EXAMPLES:
                bpf4j syncsnoop  # trace sync syscalls
            """;

    static final int TASK_COMM_LEN = 16;

    /** The calls by syncsnoop.h's SYNC_* number, as libbpf-tools names them. */
    static final String[] CALLS = {"N/A", "sync", "fsync", "fdatasync", "msync", "sync_file_range",
            "sync_file_range2", "arm_sync_file_range", "syncfs", "N/A"};

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_TS = off("ts_us"), OFF_PID = off("pid"), OFF_SYS = off("sys"), OFF_COMM = off("comm"),
                SIZE = (int) SyncEvent.LAYOUT.byteSize();

        private static int off(String member) {
            return (int) SyncEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        return trace(p.has("json"), out, err);
    }

    static int trace(boolean json, PrintStream out, PrintStream err) {
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/syncsnoop.bpf.c
        SyncsnoopSkeleton skel = SyncsnoopSkeleton.open();
        skel.rodata().useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        LineBuffer lb = new LineBuffer();
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, json, data, offset, length), err);
             Session session = new Session()) {
            skel.attach();
            if (!json) lb.left("TIME(s)", 18).ch(' ').left("COMM", 16).ch(' ').text("CALL").ch('\n');
            reader.print(session, lb, out, () -> skel.bss().outputErrors(), err);
        }
        return 0;
    }

    /** The call's name, "N/A" for a number out of range as libbpf-tools' table has it. */
    static String call(int sys) {
        return sys >= 0 && sys < CALLS.length ? CALLS[sys] : "N/A";
    }

    /** One line, as libbpf-tools' syncsnoop prints it (its time through a float, trailing spaces and all). */
    static void format(LineBuffer lb, boolean json, MemorySegment d, long off, int length) {
        if (length < Layout.SIZE) {
            lb.text("Error: packet too small\n");
            return;
        }
        long ts = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_TS);
        int sys = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_SYS);
        if (json) {
            lb.text(new Json().putUnsigned("ts_us", ts).put("pid", d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID))
                    .put("comm", LineBuffer.cStringBytes(d, off + Layout.OFF_COMM, TASK_COMM_LEN))
                    .put("call", call(sys)).toString()).ch('\n');
            return;
        }
        lb.left(String.format(Locale.ROOT, "%.9f", (double) ((float) ts / 1000000f)), 18).ch(' ')
                .cString(d, off + Layout.OFF_COMM, TASK_COMM_LEN, 16).ch(' ').left(call(sys), 16).ch('\n');
    }
}
