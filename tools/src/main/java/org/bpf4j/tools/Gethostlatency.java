package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bpf4j.BpfLink;
import org.bpf4j.link.Binaries;
import org.bpf4j.tools.bpf.GethostlatencySkeleton;
import org.bpf4j.tools.bpf.GethostlatencySkeleton.HostEvent;

/**
 * {@code bpf4j gethostlatency}: the latency of libc's getaddrinfo, gethostbyname and
 * gethostbyname2 (uprobes and uretprobes) with the options and output of libbpf-tools'
 * gethostlatency ({@code TIME PID COMM LATms HOST}). Events come through the event buffer.
 */
final class Gethostlatency extends Tool {
    Gethostlatency() {
        super("gethostlatency", "[-p PID] [-l LIBC]", "show latency for getaddrinfo/gethostbyname[2] calls", DOC, List.of(
                new Argp.Opt('p', "pid", "PID", "Process ID to trace"),
                new Argp.Opt('l', "libc", "LIBC", "Specify which libc.so to use")));
    }

    static final String DOC = """
            Show latency for getaddrinfo/gethostbyname[2] calls.

            USAGE: gethostlatency [-h] [-p PID] [-l LIBC]

            EXAMPLES:
                bpf4j gethostlatency             # time getaddrinfo/gethostbyname[2] calls
                bpf4j gethostlatency -p 1216     # only trace PID 1216
            """;

    static final int TASK_COMM_LEN = 16, HOST_LEN = 80;
    static final List<String> FUNCTIONS = List.of("getaddrinfo", "gethostbyname", "gethostbyname2");

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_TIME = off("time"), OFF_PID = off("pid"), OFF_COMM = off("comm"), OFF_HOST = off("host"),
                SIZE = (int) HostEvent.LAYOUT.byteSize();

        private static int off(String member) {
            return (int) HostEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    record Options(int pid, String libc, boolean json) {}

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = p.has("p") ? positive(p.get("p"), "Invalid PID: ") : 0;
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        return trace(new Options(pid, p.get("l"), p.has("json")), out, err);
    }

    static int trace(Options opt, PrintStream out, PrintStream err) {
        String libc = opt.libc() != null ? opt.libc() : Binaries.resolve("libc.so.6").toString();
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/gethostlatency.bpf.c
        GethostlatencySkeleton skel = GethostlatencySkeleton.open();
        skel.rodata().targetPid(opt.pid()).useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        LineBuffer lb = new LineBuffer();
        List<BpfLink> links = new ArrayList<>();
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, opt, data, offset, length), err);
             Session session = new Session()) {
            try {
                int target = opt.pid() != 0 ? opt.pid() : -1;
                for (String f : FUNCTIONS) {
                    links.add(skel.handleEntry().attachUprobe(libc, f, target));
                    links.add(skel.handleReturn().attachUretprobe(libc, f, target));
                }
                if (!opt.json()) {
                    lb.left("TIME", 8).ch(' ').left("PID", 7).ch(' ').left("COMM", 16).ch(' ').left("LATms", 10).ch(' ')
                            .text("HOST").ch('\n');
                }
                reader.print(session, lb, out, () -> skel.bss().outputErrors(), err);
            } finally {
                for (BpfLink l : links) l.close();
            }
        }
        return 0;
    }

    /** One line, as libbpf-tools' gethostlatency prints it. */
    static void format(LineBuffer lb, Options opt, MemorySegment d, long off, int length) {
        if (length < Layout.SIZE) return;
        int pid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID);
        String ms = String.format(Locale.ROOT, "%.3f", d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_TIME) / 1e6);
        if (opt.json()) {
            lb.text(new Json().put("time", Session.clock()).put("pid", pid)
                    .put("comm", LineBuffer.cStringBytes(d, off + Layout.OFF_COMM, TASK_COMM_LEN)).putRaw("lat_ms", ms)
                    .put("host", LineBuffer.cStringBytes(d, off + Layout.OFF_HOST, HOST_LEN)).toString()).ch('\n');
            return;
        }
        lb.left(Session.clock(), 8).ch(' ').left(pid, 7).ch(' ').cString(d, off + Layout.OFF_COMM, TASK_COMM_LEN, 16).ch(' ')
                .left(ms, 10).ch(' ').cString(d, off + Layout.OFF_HOST, HOST_LEN, 0).ch('\n');
    }
}
