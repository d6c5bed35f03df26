package org.bpf4j.tools;

import java.io.PrintStream;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bpf4j.map.MapView;
import org.bpf4j.tools.bpf.SyscountSkeleton;

/**
 * {@code bpf4j syscount}: the study document's system call counter, with the options and output
 * of libbpf-tools' syscount ({@code [HH:MM:SS]}, then {@code SYSCALL COUNT}, top 10 by default).
 */
final class Syscount extends Tool {
    Syscount() {
        super("syscount", "[-p PID] [-i INTERVAL] [-d DURATION] [-T TOP] [-L] [-m] [-l]",
                "summarize system call counts and latencies", DOC, List.of(
                        new Argp.Opt('p', "pid", "PID", "Process PID to trace"),
                        new Argp.Opt('i', "interval", "INTERVAL",
                                "Print summary at this interval (seconds), 0 for infinite wait (default)"),
                        new Argp.Opt('d', "duration", "DURATION", "Total tracing duration (seconds)"),
                        new Argp.Opt('T', "top", "TOP", "Print only the top syscalls (default 10)"),
                        new Argp.Opt('L', "latency", null, "Collect syscall latency"),
                        new Argp.Opt('m', "milliseconds", null, "Display latency in milliseconds (default: microseconds)"),
                        new Argp.Opt('l', "list", null, "Print list of recognized syscalls and exit")));
    }

    static final String DOC = """

            syscount: summarize syscall counts and latencies

            EXAMPLES:
                bpf4j syscount                 # print top 10 syscalls by count on Ctrl+C
                bpf4j syscount -i 1            # print top 10 syscalls every second
                bpf4j syscount -p $(pidof dd)  # look only at a particular process
                bpf4j syscount -L              # measure and sort output by latency
            """;

    @Override
    String[] coreTypes() {
        return new String[] {"trace_event_raw_sys_enter"};
    }

    /** A number as libbpf-tools' syscount reads it ({@code invalid PID: x}). */
    private static int number(Argp.Parsed p, String id, String what, int min) {
        String v = p.get(id);
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > Integer.MAX_VALUE) throw new NumberFormatException();
            return (int) n;
        } catch (NumberFormatException e) {
            throw Argp.invalid("invalid " + what + ": " + v);
        }
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = p.has("p") ? number(p, "p", "PID", 1) : 0;
        int interval = p.has("i") ? number(p, "i", "INTERVAL", 0) : 0;
        int duration = p.has("d") ? number(p, "d", "DURATION", 1) : 0;
        int top = p.has("T") ? number(p, "T", "TOP", 1) : 10;
        boolean latency = p.has("L"), millis = p.has("m"), json = p.has("json");
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        if (p.has("l")) {
            for (int i = 0; i < SyscallNames.count(); i++) {
                String n = SyscallNames.name(i);
                if (!n.startsWith("[")) out.println(pad(Integer.toString(i), 3, false) + " " + n);
            }
            return 0;
        }

        Warmup.trace("main");
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/syscount.bpf.c
        SyscountSkeleton skel = SyscountSkeleton.open();
        Warmup.trace("object parsed");
        if (pid != 0) skel.rodata().targetPid(pid);
        if (latency) {
            skel.rodata().measureLatency(true);
            skel.sysExitSpec().autoload(true);
        }
        try (skel) {
            skel.load();
            Warmup.trace("loaded");
            skel.attach();
            Warmup.trace("attached");
            MapView<Integer, Long> counts = skel.syscallCounts();
            MapView<Integer, Long> times = skel.syscallTimeNs();
            try (Session session = new Session()) {
                if (!json) out.println("Tracing syscalls, printing top " + top + "... Ctrl+C to quit.");
                out.flush();
                // -i N: a report every N seconds; -d N: stop after N seconds; neither: one report on Ctrl+C
                long step = interval > 0 ? interval : duration > 0 ? duration : Long.MAX_VALUE / 4000;
                long reports = duration > 0 ? Math.max(1, interval > 0 ? duration / interval : 1) : 0;
                session.every(step, reports, () -> print(out, counts, latency ? times : null, top, millis, json));
            }
        }
        return 0;
    }

    private record Row(int nr, long count, long totalNs) {}

    /** Reads and clears the counters, then prints the top rows as libbpf-tools' syscount does. */
    static void print(PrintStream out, MapView<Integer, Long> countsMap, MapView<Integer, Long> timesMap, int top,
                      boolean millis, boolean json) {
        Map<Integer, Long> counts = countsMap.drain();
        Map<Integer, Long> times = timesMap == null ? Map.of() : timesMap.drain();
        if (counts.isEmpty()) return;
        List<Row> rows = new ArrayList<>(counts.size());
        for (Map.Entry<Integer, Long> e : counts.entrySet()) {
            rows.add(new Row(e.getKey(), e.getValue(), times.getOrDefault(e.getKey(), 0L)));
        }
        if (timesMap != null) {
            rows.sort((x, y) -> Long.compareUnsigned(y.totalNs(), x.totalNs()));
        } else {
            rows.sort((x, y) -> Long.compareUnsigned(y.count(), x.count()));
        }
        if (json) {
            String ts = Session.clock();
            for (int i = 0; i < rows.size() && i < top; i++) {
                Row r = rows.get(i);
                Json j = new Json().put("time", ts).put("syscall", SyscallNames.name(r.nr())).putUnsigned("count", r.count());
                if (timesMap != null) j.putUnsigned("time_ns", r.totalNs());
                out.println(j);
            }
            out.flush();
            return;
        }
        StringBuilder sb = new StringBuilder();
        LocalTime now = LocalTime.now();
        sb.append('[').append(two(now.getHour())).append(':').append(two(now.getMinute())).append(':')
                .append(two(now.getSecond())).append("]\n");
        if (timesMap != null) {
            sb.append(pad("SYSCALL", 22, true)).append(' ').append(pad("COUNT", 8, false)).append(' ')
                    .append(pad(millis ? "TIME (ms)" : "TIME (us)", 16, false)).append('\n');
        } else {
            sb.append(pad("SYSCALL", 22, true)).append(' ').append(pad("COUNT", 8, false)).append('\n');
        }
        double div = millis ? 1_000_000.0 : 1000.0;
        for (int i = 0; i < rows.size() && i < top; i++) {
            Row r = rows.get(i);
            sb.append(pad(SyscallNames.name(r.nr()), 22, true)).append(' ')
                    .append(pad(Long.toUnsignedString(r.count()), 8, false));
            if (timesMap != null) {
                sb.append(' ').append(pad(String.format("%.3f", r.totalNs() / div), 16, false));
            }
            sb.append('\n');
        }
        sb.append('\n');
        out.print(sb);
        out.flush();
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    /** printf's {@code %-Ns} (left) or {@code %Ns} (right). */
    static String pad(String s, int width, boolean left) {
        if (s.length() >= width) return s;
        String spaces = " ".repeat(width - s.length());
        return left ? s + spaces : spaces + s;
    }
}
