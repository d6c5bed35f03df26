package org.bpf4j.tools;

import java.io.PrintStream;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bpf4j.map.MapView;
import org.bpf4j.tools.bpf.SyscountSkeleton;

/**
 * {@code bpf4j syscount}: the study document's system call counter, with the options and output
 * of libbpf-tools' syscount ({@code [HH:MM:SS]}, then {@code SYSCALL COUNT}, top 10 by default).
 */
final class Syscount {
    private Syscount() {}

    static final String HELP = """
            Usage: bpf4j syscount [OPTION...]

            syscount: summarize syscall counts and latencies

            EXAMPLES:
                bpf4j syscount                 # print top 10 syscalls by count on Ctrl+C
                bpf4j syscount -i 1            # print top 10 syscalls every second
                bpf4j syscount -p $(pidof dd)  # look only at a particular process
                bpf4j syscount -L              # measure and sort output by latency

              -p, --pid=PID              Process PID to trace
              -i, --interval=INTERVAL    Print summary at this interval (seconds), 0 for
                                         infinite wait (default)
              -d, --duration=DURATION    Total tracing duration (seconds)
              -T, --top=TOP              Print only the top syscalls (default 10)
              -L, --latency              Collect syscall latency
              -m, --milliseconds         Display latency in milliseconds (default:
                                         microseconds)
              -l, --list                 Print list of recognized syscalls and exit
              -h, --help                 Give this help list
            """;

    private static final String[] OPTIONS = {
        "-p", "--pid=", "-i", "--interval=", "-d", "--duration=", "-T", "--top=", "-L", "--latency",
        "-m", "--milliseconds", "-l", "--list", "-h", "--help", "-v", "--verbose"
    };

    static int run(String[] argv, PrintStream out, PrintStream err) {
        int pid = 0, interval = 0, duration = 0, top = 10;
        boolean latency = false, millis = false, list = false;
        Args a = new Args(argv, 1);
        for (String o; (o = a.next(OPTIONS)) != null; ) {
            switch (o) {
                case "--pid" -> pid = a.intValue("--pid", 1, Integer.MAX_VALUE);
                case "--interval" -> interval = a.intValue("--interval", 0, Integer.MAX_VALUE);
                case "--duration" -> duration = a.intValue("--duration", 1, Integer.MAX_VALUE);
                case "--top" -> top = a.intValue("--top", 1, Integer.MAX_VALUE);
                case "--latency" -> latency = true;
                case "--milliseconds" -> millis = true;
                case "--list" -> list = true;
                case "--verbose" -> { }
                case "--help" -> {
                    out.print(HELP);
                    return 0;
                }
                default -> throw new Args.UsageException("unrecognized option '" + o + "'");
            }
        }
        if (!a.positional().isEmpty()) throw new Args.UsageException("unexpected argument '" + a.positional().get(0) + "'");
        if (list) {
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
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        // Ctrl+C: print the last table, detach, and exit 0 as libbpf-tools' syscount does
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                if (done.await(10, TimeUnit.SECONDS)) {
                    out.flush();
                    Runtime.getRuntime().halt(0);
                }
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "syscount-exit");
        try {
            try (skel) {
                skel.load();
                Warmup.trace("loaded");
                skel.attach();
                Warmup.trace("attached");
                MapView<Integer, Long> counts = skel.syscallCounts();
                MapView<Integer, Long> times = skel.syscallTimeNs();
                Runtime.getRuntime().addShutdownHook(hook);
                out.println("Tracing syscalls, printing top " + top + "... Ctrl+C to quit.");
                out.flush();
                int seconds = 0;
                boolean running = true;
                while (running) {
                    int step = interval > 0 ? interval : 1;
                    boolean stopped = awaitQuietly(stop, step);
                    if (stopped) running = false;
                    if (duration > 0 && !stopped) {
                        seconds += step;
                        if (seconds >= duration) running = false;
                    }
                    if (running && interval == 0) continue;
                    print(out, counts, latency ? times : null, top, millis);
                }
            }
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException | IllegalArgumentException shuttingDownOrNeverAdded) {
                // Ctrl+C: the hook is running and halts once `done` is counted down
            }
        }
        return 0;
    }

    private static boolean awaitQuietly(CountDownLatch latch, int seconds) {
        try {
            return latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private record Row(int nr, long count, long totalNs) {}

    /** Reads and clears the counters, then prints the top rows as libbpf-tools' syscount does. */
    static void print(PrintStream out, MapView<Integer, Long> countsMap, MapView<Integer, Long> timesMap, int top,
                      boolean millis) {
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
