package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.BpfLink;
import org.bpf4j.tools.bpf.JvmgcSkeleton;
import org.bpf4j.tools.bpf.JvmgcSkeleton.JvmgcEvent;

/**
 * {@code bpf4j jvmgc}: each stop-the-world garbage collection of a JVM, from HotSpot's USDT
 * probes: its kind ({@code gc__begin}'s one argument, full or not: HotSpot's probes give no other
 * cause), its collector and the heap used before and after (the {@code mem__pool__gc__*} probes
 * inside it), and its pause; a log2 histogram of the pauses on exit, as libbpf-tools prints them.
 * With {@code -p} the JVM of that process, without it every JVM on the machine.
 */
final class Jvmgc extends Tool {
    Jvmgc() {
        super("jvmgc", "[-p PID] [-t MIN_US] [-m]", "trace JVM garbage collection pauses, with a histogram (USDT)", DOC,
                List.of(PID, new Argp.Opt('t', "time", "MIN_US", "Only pauses of at least MIN_US microseconds"),
                        new Argp.Opt('m', "milliseconds", null, "Millisecond histogram")));
    }

    static final String DOC = """
            Trace the garbage collections of JVMs (HotSpot's USDT probes).

            USAGE: jvmgc [--help] [-p PID] [-t MIN_US] [-m]

            EXAMPLES:
                jvmgc             # every JVM on the machine
                jvmgc -p 185      # the JVM of PID 185 only
                jvmgc -t 1000     # pauses of 1 ms or more
            """;

    static final String HEADER = "TIME     PID     TID     KIND  COLLECTOR            BEFORE(KB)   AFTER(KB)  PAUSE(us)\n";

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_PAUSE = off("pause_ns"), OFF_BEFORE = off("before"), OFF_AFTER = off("after"),
                OFF_PID = off("pid"), OFF_TID = off("tid"), OFF_CPU = off("cpu"), OFF_POOLS = off("pools"),
                OFF_FULL = off("full"), OFF_MANAGER = off("manager"), SIZE = (int) JvmgcEvent.LAYOUT.byteSize();

        /** This JVM, whose own events a trace of every JVM leaves out. */
        static final int SELF = (int) ProcessHandle.current().pid();

        private static int off(String member) {
            return (int) JvmgcEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    record Options(int pid, long minMicros, boolean millis, boolean json) {}

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = p.has("p") ? positive(p.get("p"), "Invalid PID: ") : 0;
        long min = p.has("t") ? strtol(p.get("t"), "Invalid time: " + p.get("t")) : 0;
        if (min < 0) throw Argp.invalid("Invalid time: " + p.get("t"));
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        return trace(new Options(pid, min, p.has("m"), p.has("json")), out, err);
    }

    static int trace(Options opt, PrintStream out, PrintStream err) {
        var jvms = Javagc.libjvms(opt.pid());
        JvmgcSkeleton skel = JvmgcSkeleton.open();
        skel.rodata().minNs(opt.minMicros() * 1000).useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        LineBuffer lb = new LineBuffer();
        int[] slots = new int[32];
        List<BpfLink> links = new ArrayList<>();
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, opt, slots, data, offset, length), err);
             Session session = new Session()) {
            try {
                int target = opt.pid() != 0 ? opt.pid() : -1;
                for (String lib : jvms) {
                    links.add(skel.gcBegin().attachUsdt(target, lib, "hotspot", "gc__begin"));
                    links.add(skel.poolBegin().attachUsdt(target, lib, "hotspot", "mem__pool__gc__begin"));
                    links.add(skel.poolEnd().attachUsdt(target, lib, "hotspot", "mem__pool__gc__end"));
                    links.add(skel.gcEnd().attachUsdt(target, lib, "hotspot", "gc__end"));
                }
                if (!opt.json()) lb.text("Tracing JVM garbage collections... Hit Ctrl-C to end.\n").text(HEADER);
                reader.print(session, lb, out, () -> skel.bss().outputErrors(), err);
            } finally {
                for (BpfLink l : links) l.close();
            }
        }
        String unit = opt.millis() ? "msecs" : "usecs";
        if (opt.json()) {
            out.println(new Json().put("unit", unit).putRaw("pauses", Hist.log2Json(slots)));
        } else {
            String hist = Hist.log2(slots, unit);
            if (!hist.isEmpty()) out.print("\n" + hist);
        }
        out.flush();
        return 0;
    }

    /** One line per collection; its pause counted in {@code slots}. */
    static void format(LineBuffer lb, Options opt, int[] slots, MemorySegment d, long off, int length) {
        if (length < Layout.SIZE) return;
        long ns = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_PAUSE);
        long before = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_BEFORE), after = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_AFTER);
        int pid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID), tid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_TID);
        if (pid == Layout.SELF) return;
        int cpu = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_CPU), pools = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_POOLS);
        boolean full = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_FULL) != 0;
        String manager = pools == 0 ? "-" : LineBuffer.cStringBytes(d, off + Layout.OFF_MANAGER, 32);
        long us = ns / 1000;
        long v = opt.millis() ? us / 1000 : us;
        slots[Math.min(63 - Long.numberOfLeadingZeros(v | 1), slots.length - 1)]++;
        String kind = full ? "full" : "minor";
        if (opt.json()) {
            Json j = new Json().put("time", Session.clock()).put("pid", pid).put("tid", tid).put("cpu", cpu).put("kind", kind)
                    .put("collector", manager).put("pools", pools);
            if (pools > 0) j.putUnsigned("before_bytes", before).putUnsigned("after_bytes", after);
            lb.text(j.put("pause_us", us).toString()).ch('\n');
            return;
        }
        lb.left(Session.clock(), 8).ch(' ').left(pid, 7).ch(' ').left(tid, 7).ch(' ').left(kind, 5).ch(' ')
                .left(manager, 20).ch(' ');
        if (pools > 0) lb.right(Long.toUnsignedString(before / 1024), 10).ch(' ').right(Long.toUnsignedString(after / 1024), 11);
        else lb.right("-", 10).ch(' ').right("-", 11);
        lb.ch(' ').right(us, 10).ch('\n');
    }
}
