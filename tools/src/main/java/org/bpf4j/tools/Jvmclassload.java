package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bpf4j.BpfLink;
import org.bpf4j.tools.bpf.JvmclassloadSkeleton;
import org.bpf4j.tools.bpf.JvmclassloadSkeleton.JvmclassEvent;

/**
 * {@code bpf4j jvmclassload}: classes as JVMs load and unload them, with the class loader's id
 * (HotSpot's {@code class__loaded}/{@code class__unloaded} USDT probes) and whether the class came
 * from the CDS archive; on exit, how many classes each loader loaded and unloaded. With {@code -p}
 * the JVM of that process, without it every JVM on the machine.
 */
final class Jvmclassload extends Tool {
    Jvmclassload() {
        super("jvmclassload", "[-p PID] [-s]", "trace JVM class loading and unloading, by class loader (USDT)", DOC,
                List.of(PID, new Argp.Opt('s', "summary", null, "Print only the count per class loader, on exit")));
    }

    static final String DOC = """
            Trace the classes JVMs load and unload, by class loader (HotSpot's USDT probes).

            USAGE: jvmclassload [--help] [-p PID] [-s]

            EXAMPLES:
                jvmclassload          # every JVM on the machine
                jvmclassload -p 185   # the JVM of PID 185 only
                jvmclassload -s       # only the count per class loader, on exit
            """;

    static final String HEADER = "TIME     PID     TID     EVENT  SHARED LOADER             CLASS\n";
    static final String SUMMARY_HEADER = "PID     LOADER             LOADED   UNLOADED\n";

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_LOADER = off("loader"), OFF_PID = off("pid"), OFF_TID = off("tid"), OFF_UNLOAD = off("unload"),
                OFF_SHARED = off("shared"), OFF_LEN = off("len"), OFF_NAME = off("name"),
                SIZE = (int) JvmclassEvent.LAYOUT.byteSize();
        static final int NAME_LEN = SIZE - OFF_NAME;

        /** This JVM, whose own events a trace of every JVM leaves out. */
        static final int SELF = (int) ProcessHandle.current().pid();

        private static int off(String member) {
            return (int) JvmclassEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    /** The classes one loader of one JVM loaded and unloaded. */
    record LoaderKey(int pid, long loader) implements Comparable<LoaderKey> {
        @Override
        public int compareTo(LoaderKey o) {
            return pid != o.pid ? Integer.compare(pid, o.pid) : Long.compareUnsigned(loader, o.loader);
        }
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = p.has("p") ? positive(p.get("p"), "Invalid PID: ") : 0;
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        var jvms = Javagc.libjvms(pid);
        boolean json = p.has("json"), summary = p.has("s");
        JvmclassloadSkeleton skel = JvmclassloadSkeleton.open();
        skel.rodata().useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        LineBuffer lb = new LineBuffer();
        Map<LoaderKey, long[]> counts = new TreeMap<>();
        List<BpfLink> links = new ArrayList<>();
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, json, summary, counts, data, offset, length), err);
             Session session = new Session()) {
            try {
                int target = pid != 0 ? pid : -1;
                for (String lib : jvms) {
                    links.add(skel.classEvent().attachUsdt(target, lib, "hotspot", "class__loaded", 0));
                    links.add(skel.classEvent().attachUsdt(target, lib, "hotspot", "class__unloaded", 1));
                }
                if (!json) {
                    lb.text("Tracing JVM class loading... Hit Ctrl-C to end.\n");
                    if (!summary) lb.text(HEADER);
                }
                reader.print(session, lb, out, () -> skel.bss().outputErrors(), err);
            } finally {
                for (BpfLink l : links) l.close();
            }
        }
        StringBuilder sb = new StringBuilder();
        if (!json && !counts.isEmpty()) sb.append('\n').append(SUMMARY_HEADER);
        counts.forEach((k, c) -> {
            if (json) {
                sb.append(new Json().put("pid", k.pid()).put("loader", hex(k.loader())).put("loaded", c[0]).put("unloaded", c[1]))
                        .append('\n');
            } else {
                pad(pad(pad(sb, Integer.toString(k.pid()), 7).append(' '), hex(k.loader()), 18).append(' '), Long.toString(c[0]), 8)
                        .append(' ').append(c[1]).append('\n');
            }
        });
        out.print(sb);
        out.flush();
        return 0;
    }

    private static StringBuilder pad(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int i = s.length(); i < width; i++) sb.append(' ');
        return sb;
    }

    static String hex(long v) {
        String h = Long.toHexString(v);
        return "0x" + "0".repeat(16 - h.length()) + h;
    }

    /** A class name as Java writes it: {@code java/lang/String} becomes {@code java.lang.String}. */
    static String className(MemorySegment d, long off, int max) {
        int len = LineBuffer.cStringLength(d, off, max);
        byte[] b = new byte[len];
        MemorySegment.copy(d, JAVA_BYTE, off, b, 0, len);
        for (int i = 0; i < len; i++) if (b[i] == '/') b[i] = '.';
        return new String(b, StandardCharsets.UTF_8);
    }

    static void format(LineBuffer lb, boolean json, boolean summary, Map<LoaderKey, long[]> counts,
            MemorySegment d, long off, int length) {
        if (length < Layout.SIZE) return;
        long loader = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_LOADER);
        int pid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID), tid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_TID);
        if (pid == Layout.SELF) return;
        boolean unload = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_UNLOAD) != 0;
        boolean shared = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_SHARED) != 0;
        counts.computeIfAbsent(new LoaderKey(pid, loader), k -> new long[2])[unload ? 1 : 0]++;
        if (summary) return;
        String name = className(d, off + Layout.OFF_NAME, Layout.NAME_LEN);
        String event = unload ? "unload" : "load";
        if (json) {
            lb.text(new Json().put("time", Session.clock()).put("pid", pid).put("tid", tid).put("event", event).put("shared", shared)
                    .put("loader", hex(loader)).put("class", name).toString()).ch('\n');
            return;
        }
        lb.left(Session.clock(), 8).ch(' ').left(pid, 7).ch(' ').left(tid, 7).ch(' ').left(event, 6).ch(' ')
                .left(shared ? "yes" : "no", 6).ch(' ').left(hex(loader), 18).ch(' ').text(name).ch('\n');
    }
}
