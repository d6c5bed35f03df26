package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.bpf4j.BpfLink;
import org.bpf4j.tools.bpf.BashreadlineSkeleton;
import org.bpf4j.tools.bpf.BashreadlineSkeleton.LineEvent;

/**
 * {@code bpf4j bashreadline}: the commands entered in every running bash ({@code readline}'s
 * return, a uretprobe) with the options and output of libbpf-tools' bashreadline ({@code TIME PID
 * COMMAND}). Events come through the event buffer.
 */
final class Bashreadline extends Tool {
    Bashreadline() {
        super("bashreadline", "[-s <path/to/libreadline.so>]", "print entered bash commands from all running shells", DOC,
                List.of(new Argp.Opt('s', "shared", "PATH", "the location of libreadline.so library")));
    }

    static final String DOC = """
            Print entered bash commands from all running shells.

            USAGE: bashreadline [-s <path/to/libreadline.so>]

            EXAMPLES:
                bpf4j bashreadline
                bpf4j bashreadline -s /usr/lib/libreadline.so
            """;

    static final int MAX_LINE_SIZE = 80;

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_PID = off("pid"), OFF_STR = off("str"), SIZE = (int) LineEvent.LAYOUT.byteSize();

        private static int off(String member) {
            return (int) LineEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        // readline in bash itself (Debian links it in), or the libreadline of -s
        String binary = p.has("s") ? p.get("s") : "/bin/bash";
        boolean json = p.has("json");
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/bashreadline.bpf.c
        BashreadlineSkeleton skel = BashreadlineSkeleton.open();
        skel.rodata().useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        LineBuffer lb = new LineBuffer();
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, json, data, offset, length), err);
             Session session = new Session();
             BpfLink link = skel.printret().attachUretprobe(binary, "readline", -1)) {
            if (!json) lb.left("TIME", 9).ch(' ').left("PID", 7).ch(' ').text("COMMAND").ch('\n');
            reader.print(session, lb, out, () -> skel.bss().outputErrors(), err);
        }
        return 0;
    }

    /** One line, as libbpf-tools' bashreadline prints it. */
    static void format(LineBuffer lb, boolean json, MemorySegment d, long off, int length) {
        if (length < Layout.SIZE) return;
        int pid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID);
        if (json) {
            lb.text(new Json().put("time", Session.clock()).put("pid", pid)
                    .put("command", LineBuffer.cStringBytes(d, off + Layout.OFF_STR, MAX_LINE_SIZE)).toString()).ch('\n');
            return;
        }
        lb.left(Session.clock(), 9).ch(' ').left(pid, 7).ch(' ').cString(d, off + Layout.OFF_STR, MAX_LINE_SIZE, 0).ch('\n');
    }
}
