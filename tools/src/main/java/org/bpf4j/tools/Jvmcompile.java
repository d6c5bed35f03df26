package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.BpfLink;
import org.bpf4j.tools.bpf.JvmcompileSkeleton;
import org.bpf4j.tools.bpf.JvmcompileSkeleton.JvmcompileEvent;

/**
 * {@code bpf4j jvmcompile}: the JIT compilations of JVMs, one line each with the compiler, the
 * method ({@code class.method(signature)}), whether it succeeded and how long it took, from
 * HotSpot's USDT probes {@code method__compile__begin}/{@code _end}. With {@code -p} the JVM of
 * that process, without it every JVM on the machine.
 */
final class Jvmcompile extends Tool {
    Jvmcompile() {
        super("jvmcompile", "[-p PID] [-t MIN_US]", "trace JIT compilations with method and duration (USDT)", DOC,
                List.of(PID, new Argp.Opt('t', "time", "MIN_US", "Only compilations of at least MIN_US microseconds")));
    }

    static final String DOC = """
            Trace the JIT compilations of JVMs (HotSpot's USDT probes).

            USAGE: jvmcompile [--help] [-p PID] [-t MIN_US]

            EXAMPLES:
                jvmcompile             # every JVM on the machine
                jvmcompile -p 185      # the JVM of PID 185 only
                jvmcompile -t 10000    # compilations of 10 ms or more
            """;

    static final String HEADER = "TIME     PID     TID     COMPILER OK    TIME(us) METHOD\n";

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_DURATION = off("duration_ns"), OFF_PID = off("pid"), OFF_TID = off("tid"),
                OFF_SUCCESS = off("success"), OFF_COMPILER = off("compiler"), OFF_CLASS = off("klass"),
                OFF_METHOD = off("method"), OFF_SIG = off("signature"), SIZE = (int) JvmcompileEvent.LAYOUT.byteSize();

        /** This JVM, whose own events a trace of every JVM leaves out. */
        static final int SELF = (int) ProcessHandle.current().pid();

        private static int off(String member) {
            return (int) JvmcompileEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = p.has("p") ? positive(p.get("p"), "Invalid PID: ") : 0;
        long min = p.has("t") ? strtol(p.get("t"), "Invalid time: " + p.get("t")) : 0;
        if (min < 0) throw Argp.invalid("Invalid time: " + p.get("t"));
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        var jvms = Javagc.libjvms(pid);
        boolean json = p.has("json");
        JvmcompileSkeleton skel = JvmcompileSkeleton.open();
        skel.rodata().minNs(min * 1000).useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        LineBuffer lb = new LineBuffer();
        List<BpfLink> links = new ArrayList<>();
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, json, data, offset, length), err);
             Session session = new Session()) {
            try {
                int target = pid != 0 ? pid : -1;
                for (String lib : jvms) {
                    links.add(skel.compileBegin().attachUsdt(target, lib, "hotspot", "method__compile__begin"));
                    links.add(skel.compileEnd().attachUsdt(target, lib, "hotspot", "method__compile__end"));
                }
                if (!json) lb.text("Tracing JIT compilations... Hit Ctrl-C to end.\n").text(HEADER);
                reader.print(session, lb, out, () -> skel.bss().outputErrors(), err);
            } finally {
                for (BpfLink l : links) l.close();
            }
        }
        return 0;
    }

    /** {@code class.method(signature)}, the class in Java's dotted form. */
    static String method(MemorySegment d, long off) {
        return Jvmclassload.className(d, off + Layout.OFF_CLASS, Layout.OFF_METHOD - Layout.OFF_CLASS) + "."
                + LineBuffer.cStringBytes(d, off + Layout.OFF_METHOD, Layout.OFF_SIG - Layout.OFF_METHOD)
                + Jvmclassload.className(d, off + Layout.OFF_SIG, Layout.SIZE - Layout.OFF_SIG).replace('.', '/');
    }

    static void format(LineBuffer lb, boolean json, MemorySegment d, long off, int length) {
        if (length < Layout.SIZE) return;
        long us = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_DURATION) / 1000;
        int pid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID), tid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_TID);
        if (pid == Layout.SELF) return;
        boolean ok = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_SUCCESS) != 0;
        String compiler = LineBuffer.cStringBytes(d, off + Layout.OFF_COMPILER, Layout.OFF_CLASS - Layout.OFF_COMPILER);
        String method = method(d, off);
        if (json) {
            lb.text(new Json().put("time", Session.clock()).put("pid", pid).put("tid", tid).put("compiler", compiler)
                    .put("success", ok).put("time_us", us).put("method", method).toString()).ch('\n');
            return;
        }
        lb.left(Session.clock(), 8).ch(' ').left(pid, 7).ch(' ').left(tid, 7).ch(' ').left(compiler, 8).ch(' ')
                .left(ok ? "yes" : "no", 3).ch(' ').right(us, 10).ch(' ').text(method).ch('\n');
    }
}
