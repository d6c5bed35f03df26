package org.bpf4j.tools;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bpf4j.map.MapView;
import org.bpf4j.sys.Errno;
import org.bpf4j.tools.bpf.SyscountSkeleton;
import org.bpf4j.tools.bpf.SyscountSkeleton.DataT;

/**
 * {@code bpf4j syscount}: the study document's system call counter, with the options and output
 * of libbpf-tools' syscount ({@code [HH:MM:SS]}, then {@code SYSCALL COUNT}, top 10 by default).
 */
final class Syscount extends Tool {
    Syscount() {
        super("syscount", "[-p PID] [-i INTERVAL] [-d DURATION] [-T TOP] [-c CG] [-x] [-e ERRNO] [-L] [-m] [-P] [-l]",
                "summarize system call counts and latencies", DOC, List.of(
                        new Argp.Opt('p', "pid", "PID", "Process PID to trace"),
                        new Argp.Opt('i', "interval", "INTERVAL",
                                "Print summary at this interval (seconds), 0 for infinite wait (default)"),
                        new Argp.Opt('d', "duration", "DURATION", "Total tracing duration (seconds)"),
                        new Argp.Opt('T', "top", "TOP", "Print only the top syscalls (default 10)"),
                        new Argp.Opt('c', "cgroup", "/sys/fs/cgroup/unified/<CG>", "Trace process in cgroup path"),
                        new Argp.Opt('x', "failures", null, "Trace only failed syscalls"),
                        new Argp.Opt('L', "latency", null, "Collect syscall latency"),
                        new Argp.Opt('m', "milliseconds", null, "Display latency in milliseconds (default: microseconds)"),
                        new Argp.Opt('P', "process", null, "Count by process and not by syscall"),
                        new Argp.Opt('e', "errno", "ERRNO",
                                "Trace only syscalls that return this error(numeric or EPERM, etc.)"),
                        new Argp.Opt('l', "list", null, "Print list of recognized syscalls and exit")));
    }

    static final String DOC = """

            syscount: summarize syscall counts and latencies

            EXAMPLES:
                bpf4j syscount                 # print top 10 syscalls by count every second
                bpf4j syscount -p $(pidof dd)  # look only at a particular process
                bpf4j syscount -L              # measure and sort output by latency
                bpf4j syscount -P              # group statistics by pid, not by syscall
                bpf4j syscount -x -i 5         # count only failed syscalls
                bpf4j syscount -e ENOENT -i 5  # count only syscalls failed with a given errno
                bpf4j syscount -c CG           # Trace process under cgroupsPath CG
            """;

    @Override
    String[] coreTypes() {
        return new String[] {"trace_event_raw_sys_exit", "trace_event_raw_sys_enter"};
    }

    /** A number as libbpf-tools' syscount reads it (get_int: strtol, then the range). */
    private static int number(String v, int min) {
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > Integer.MAX_VALUE) return -1;
            return (int) n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int option(Argp.Parsed p, String id, String what, int min, int otherwise) {
        if (!p.has(id)) return otherwise;
        int n = number(p.get(id), min);
        if (n < 0) throw Argp.invalid("invalid " + what + ": " + p.get(id));
        return n;
    }

    /** -e ERRNO: a number or a name such as ENOENT. */
    static int errno(String v) {
        int n = number(v, 1);
        if (n < 0) n = Errno.byName(v);
        if (n < 0) {
            throw Argp.invalid("invalid errno: " + v + " (bad, or can't parse dynamically; consider using numeric value"
                    + " and/or installing the errno program from moreutils)");
        }
        return n;
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = option(p, "p", "PID", 1, 0);
        int interval = option(p, "i", "INTERVAL", 0, 0);
        int duration = option(p, "d", "DURATION", 1, 0);
        int top = option(p, "T", "TOP", 1, 10);
        int filterErrno = p.has("e") ? errno(p.get("e")) : 0;
        boolean latency = p.has("L"), millis = p.has("m"), json = p.has("json"), process = p.has("P");
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
        skel.rodata().targetPid(pid).filterFailed(p.has("x")).filterErrno(filterErrno).countByProcess(process)
                .filterCg(p.has("c")).measureLatency(latency);
        if (latency) skel.sysEnterSpec().autoload(true);
        try (skel) {
            skel.load();
            Warmup.trace("loaded");
            if (p.has("c")) skel.cgroupMap().putCgroup(0, p.get("c"));
            skel.attach();
            Warmup.trace("attached");
            MapView<Integer, DataT> data = skel.data();
            Table table = new Table(top, latency, millis, process, json);
            try (Session session = new Session()) {
                if (!json) out.println("Tracing syscalls, printing top " + top + "... Ctrl+C to quit.");
                out.flush();
                // libbpf-tools' loop: every second (or -i), a table every -i seconds or at the end
                int seconds = 0;
                boolean running = true;
                while (running) {
                    int step = interval > 0 ? interval : 1;
                    running = session.pause(step * 1000L);
                    if (duration > 0) {
                        seconds += step;
                        if (seconds >= duration) running = false;
                    }
                    if (running && interval == 0) continue;
                    table.print(out, data.drain());
                }
            }
        }
        return 0;
    }

    private record Row(int key, long count, long totalNs, String comm) {}

    /** libbpf-tools' syscount table: {@code [HH:MM:SS]}, the header, the top rows by count (or by time with -L). */
    record Table(int top, boolean latency, boolean millis, boolean process, boolean json) {
        void print(PrintStream out, Map<Integer, DataT> data) {
            if (data.isEmpty()) return;
            List<Row> rows = new ArrayList<>(data.size());
            for (Map.Entry<Integer, DataT> e : data.entrySet()) {
                DataT d = e.getValue();
                rows.add(new Row(e.getKey(), d.count(), d.totalNs(), d.comm()));
            }
            if (latency) {
                rows.sort((x, y) -> Long.compareUnsigned(y.totalNs(), x.totalNs()));
            } else {
                rows.sort((x, y) -> Long.compareUnsigned(y.count(), x.count()));
            }
            StringBuilder sb = new StringBuilder();
            if (json) {
                String ts = Session.clock();
                for (int i = 0; i < rows.size() && i < top; i++) {
                    Row r = rows.get(i);
                    Json j = new Json().put("time", ts);
                    if (process) {
                        j.put("pid", Integer.toUnsignedLong(r.key())).put("comm", r.comm());
                    } else {
                        j.put("syscall", SyscallNames.name(r.key()));
                    }
                    j.putUnsigned("count", r.count());
                    if (latency) j.putUnsigned("time_ns", r.totalNs());
                    sb.append(j).append('\n');
                }
                out.print(sb);
                out.flush();
                return;
            }
            sb.append('[').append(Session.clock()).append("]\n");
            sb.append(pad(process ? "PID    COMM" : "SYSCALL", 22, true)).append(' ').append(pad("COUNT", 8, false));
            if (latency) sb.append(' ').append(pad(millis ? "TIME (ms)" : "TIME (us)", 16, false));
            sb.append('\n');
            double div = millis ? 1_000_000.0 : 1000.0;
            for (int i = 0; i < rows.size() && i < top; i++) {
                Row r = rows.get(i);
                String col = process
                        ? pad(Integer.toUnsignedString(r.key()), 6, true) + " " + pad(r.comm(), 15, true)
                        : SyscallNames.name(r.key());
                sb.append(pad(col, 22, true)).append(' ').append(pad(Long.toUnsignedString(r.count()), 8, false));
                if (latency) sb.append(' ').append(pad(String.format("%.3f", r.totalNs() / div), 16, false));
                sb.append('\n');
            }
            sb.append('\n');
            out.print(sb);
            out.flush();
        }
    }

    /** printf's {@code %-Ns} (left) or {@code %Ns} (right). */
    static String pad(String s, int width, boolean left) {
        if (s.length() >= width) return s;
        String spaces = " ".repeat(width - s.length());
        return left ? s + spaces : spaces + s;
    }
}
