package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bpf4j.BpfException;
import org.bpf4j.BpfLink;
import org.bpf4j.tools.bpf.JavagcSkeleton;
import org.bpf4j.tools.bpf.JavagcSkeleton.GcEvent;

/**
 * {@code bpf4j javagc}: the time of each garbage collection of a JVM, from HotSpot's USDT probes
 * ({@code hotspot:gc__begin}/{@code gc__end} and {@code mem__pool__gc__begin}/{@code _end} of
 * libjvm.so), with the options and output of libbpf-tools' javagc ({@code TIME CPU PID GC TIME},
 * microseconds). With {@code -p} the JVM of that process; without, where libbpf-tools' javagc
 * stops, every JVM on the machine (each libjvm.so that a process maps).
 */
final class Javagc extends Tool {
    Javagc() {
        super("javagc", "[-p PID] [-t GC time]", "trace JVM garbage collection times (USDT)", DOC, List.of(
                new Argp.Opt('p', "pid", "PID", "Trace this PID only"),
                new Argp.Opt('t', "time", "TIME", "Java gc time")));
    }

    static final String DOC = """
            Monitor javagc time cost.

            USAGE: javagc [--help] [-p PID] [-t GC time]

            EXAMPLES:
            bpf4j javagc -p 185         # trace PID 185 only
            bpf4j javagc -p 185 -t 100  # trace PID 185 java gc time beyond 100us
            """;

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_CPU = off("cpu"), OFF_PID = off("pid"), OFF_TS = off("ts"),
                SIZE = (int) GcEvent.LAYOUT.byteSize();

        private static int off(String member) {
            return (int) GcEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    record Options(int pid, long minMicros, boolean json) {}

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = p.has("p") ? positive(p.get("p"), "invalid PID: ") : 0;
        // libbpf-tools' default: collections of 1000 us or less are not printed
        long time = p.has("t") ? strtol(p.get("t"), "invalid time: " + p.get("t")) : 1000;
        if (time < 0) throw Argp.invalid("invalid time: " + p.get("t"));
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        return trace(new Options(pid, time, p.has("json")), out, err);
    }

    /** The libjvm.so files that process {@code pid} maps (every process's with pid 0), from /proc/PID/maps. */
    static Set<String> libjvms(int pid) {
        Set<String> found = new TreeSet<>();
        if (pid != 0) {
            Path maps = Path.of("/proc", Integer.toString(pid), "maps");
            if (!Files.isReadable(maps)) throw new BpfException("no process " + pid + " (no " + maps + ")");
            scan(maps, found);
            if (found.isEmpty()) throw new BpfException("process " + pid + " is not a JVM (no libjvm.so in " + maps + ")");
            return found;
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(d -> d.getFileName().toString().matches("\\d+")).forEach(d -> scan(d.resolve("maps"), found));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (found.isEmpty()) throw new BpfException("no JVM is running (no process maps libjvm.so); start one or give -p PID");
        return found;
    }

    private static void scan(Path maps, Set<String> found) {
        try (Stream<String> lines = Files.lines(maps)) {
            lines.forEach(l -> {
                int at = l.indexOf('/');
                if (at > 0 && l.endsWith("/libjvm.so")) found.add(l.substring(at));
            });
        } catch (IOException | UncheckedIOException e) {
            // the process ended, or is not ours to read
        }
    }

    static int trace(Options opt, PrintStream out, PrintStream err) {
        Set<String> jvms = libjvms(opt.pid());
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/javagc.bpf.c
        JavagcSkeleton skel = JavagcSkeleton.open();
        skel.rodata().minNs(opt.minMicros() * 1000).useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        LineBuffer lb = new LineBuffer();
        List<BpfLink> links = new ArrayList<>();
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, opt, data, offset, length), err);
             Session session = new Session()) {
            try {
                int target = opt.pid() != 0 ? opt.pid() : -1;
                for (String lib : jvms) {
                    links.add(skel.handleGcStart().attachUsdt(target, lib, "hotspot", "mem__pool__gc__begin"));
                    links.add(skel.handleGcEnd().attachUsdt(target, lib, "hotspot", "mem__pool__gc__end"));
                    links.add(skel.handleGcStart().attachUsdt(target, lib, "hotspot", "gc__begin"));
                    links.add(skel.handleGcEnd().attachUsdt(target, lib, "hotspot", "gc__end"));
                }
                if (!opt.json()) {
                    lb.text("Tracing javagc time... Hit Ctrl-C to end.\n");
                    lb.left("TIME", 8).ch(' ').left("CPU", 7).ch(' ').left("PID", 7).ch(' ').left("GC TIME", 7).ch('\n');
                }
                reader.print(session, lb, out, () -> skel.bss().outputErrors(), err);
            } finally {
                for (BpfLink l : links) l.close();
            }
        }
        return 0;
    }

    /** One line, as libbpf-tools' javagc prints it: the collection's time in microseconds. */
    static void format(LineBuffer lb, Options opt, MemorySegment d, long off, int length) {
        if (length < Layout.SIZE) return;
        int cpu = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_CPU), pid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID);
        long us = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_TS) / 1000;
        if (opt.json()) {
            lb.text(new Json().put("time", Session.clock()).put("cpu", cpu).put("pid", pid).put("gc_time_us", us).toString()).ch('\n');
            return;
        }
        lb.left(Session.clock(), 8).ch(' ').left(cpu, 7).ch(' ').left(pid, 7).ch(' ').left(us, 7).ch('\n');
    }
}
