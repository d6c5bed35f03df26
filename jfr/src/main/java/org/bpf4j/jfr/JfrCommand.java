package org.bpf4j.jfr;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.bpf4j.BpfException;
import org.bpf4j.Signals;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code bpf4j jfr record} (kernel events of any process, Java or not, into a .jfr file, written
 * by this JVM's Flight Recorder) and {@code bpf4j jfr summary} (off-CPU time per thread and
 * reason). The tools' Main reaches this class by name only, so that its start-up path stays free of it.
 */
public final class JfrCommand {
    private JfrCommand() {}

    static final String USAGE = """
            Usage: bpf4j jfr record -p PID [-d DURATION] [-o FILE] [--events LIST] [--offcpu-min DURATION]
                                    [--syscall-min DURATION] [--runqueue-min DURATION]
                   bpf4j jfr summary FILE

              record   writes the kernel events of process PID to FILE (default bpf4j-PID.jfr) as a
                       JFR recording, for DURATION (30s, 500ms, 2m; default: until Ctrl-C) or until
                       the process ends. LIST, comma-separated: offcpu, fileopen, syscall, tcp,
                       pagefault, runqueue (default: all). The kernel sends off-CPU spans of at
                       least --offcpu-min (default 1ms), system calls of at least --syscall-min
                       (default 10ms) and run queue waits of at least --runqueue-min (1ms).
              summary  prints the off-CPU time of FILE's bpf4j.OffCpu events per thread and reason
                       (the task state and the system call it blocked in).
            """;

    public static void main(String[] args) {
        String[] a = new String[args.length + 1];
        a[0] = "jfr";
        System.arraycopy(args, 0, a, 1, args.length);
        System.exit(run(a, System.out, System.err));
    }

    /** {@code args[0]} is "jfr"; returns the exit status (2: a usage error, 1: a failure). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2 || args[1].equals("--help") || args[1].equals("-h")) {
            (args.length < 2 ? err : out).print(USAGE);
            return args.length < 2 ? 2 : 0;
        }
        try {
            return switch (args[1]) {
                case "record" -> record(List.of(args).subList(2, args.length), out, err, null);
                case "summary" -> {
                    if (args.length != 3) throw new Usage("summary takes one FILE");
                    yield summary(Path.of(args[2]), out);
                }
                default -> throw new Usage("unknown command '" + args[1] + "' (record, summary)");
            };
        } catch (Usage e) {
            err.println("bpf4j jfr: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (BpfException e) {
            err.println("bpf4j jfr: " + e.getMessage());
            return 1;
        }
    }

    static final class Usage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Usage(String message) {
            super(message);
        }
    }

    /**
     * Records until the duration is over, the process ended, a signal came or {@code stop} (tests)
     * counted down; prints one line when attached and one when written.
     */
    static int record(List<String> args, PrintStream out, PrintStream err, CountDownLatch stop) {
        long pid = -1, durationMs = 0;
        Path file = null;
        String events = "all", offcpuMin = "1ms", syscallMin = "10ms", runqMin = "1ms";
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("-")) throw new Usage("unexpected argument '" + a + "'");
            if (i + 1 >= args.size()) throw new Usage(a + " needs a value");
            String v = args.get(++i);
            switch (a) {
                case "-p", "--pid" -> {
                    try {
                        pid = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw new Usage("invalid PID '" + v + "'");
                    }
                    if (pid <= 0) throw new Usage("invalid PID '" + v + "'");
                }
                case "-d", "--duration" -> durationMs = durationMs(v);
                case "-o", "--output" -> file = Path.of(v);
                case "--events" -> events = v.replace(',', '+');
                case "--offcpu-min" -> offcpuMin = v;
                case "--syscall-min" -> syscallMin = v;
                case "--runqueue-min" -> runqMin = v;
                default -> throw new Usage("unknown option '" + a + "'");
            }
        }
        if (pid < 0) throw new Usage("-p PID is required");
        Optional<ProcessHandle> target = ProcessHandle.of(pid);
        if (target.isEmpty() || !target.get().isAlive()) throw new BpfException("no process " + pid);
        if (file == null) file = Path.of("bpf4j-" + pid + ".jfr");
        Options options = Options.parse("events=" + events + ",offcpu=" + offcpuMin + ",syscall=" + syscallMin + ",runqueue=" + runqMin);

        CountDownLatch stopped = stop != null ? stop : new CountDownLatch(1);
        SignalHandler h = s -> stopped.countDown();
        SignalHandler oldInt = null, oldTerm = null;
        if (stop == null) {
            Signals.unignore(Signals.SIGINT);
            Signals.unignore(Signals.SIGTERM);
            oldInt = Signal.handle(new Signal("INT"), h);
            oldTerm = Signal.handle(new Signal("TERM"), h);
        }
        try (Recording recording = new Recording()) {
            recording.setName("bpf4j kernel events of " + pid);
            for (String name : List.of("bpf4j.OffCpu", "bpf4j.FileOpen", "bpf4j.Syscall", "bpf4j.TcpConnect", "bpf4j.TcpClose",
                    "bpf4j.PageFault", "bpf4j.RunQueueLatency")) {
                recording.enable(name).with("kernelThreshold", "0 ns");
            }
            recording.enable("bpf4j.Dropped");
            recording.setToDisk(true);
            // running before the programs attach, so that no event comes before it
            recording.start();
            try (BpfJfr jfr = BpfJfr.attach(pid, options)) {
                recordWhileRunning(recording, jfr, pid, file, durationMs, target.get(), stopped, err);
            }
        } finally {
            if (oldInt != null) Signal.handle(new Signal("INT"), oldInt);
            if (oldTerm != null) Signal.handle(new Signal("TERM"), oldTerm);
        }
        return 0;
    }

    private static void recordWhileRunning(Recording recording, BpfJfr jfr, long pid, Path file, long durationMs,
            ProcessHandle target, CountDownLatch stopped, PrintStream err) {
        {
            err.println("bpf4j jfr: recording the kernel events of " + pid + " to " + file
                    + (durationMs > 0 ? " for " + Duration.ofMillis(durationMs).toString().substring(2).toLowerCase(Locale.ROOT) : "")
                    + " (Ctrl-C to stop)");
            long end = durationMs > 0 ? System.nanoTime() + durationMs * 1_000_000L : Long.MAX_VALUE;
            while (target.isAlive() && System.nanoTime() - end < 0) {
                try {
                    if (stopped.await(100, TimeUnit.MILLISECONDS)) break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            jfr.flush();
            recording.stop();
            long written = jfr.committed();
            try {
                recording.dump(file);
            } catch (IOException e) {
                throw new BpfException("cannot write " + file + ": " + e.getMessage());
            }
            long dropped = jfr.dropped();
            err.println("bpf4j jfr: " + written + " kernel events written to " + file
                    + (dropped > 0 ? ", " + dropped + " dropped (the ring buffer was full)" : ""));
        }
    }

    /** "30s", "500ms", "2m", "30" (seconds) as milliseconds. */
    static long durationMs(String v) {
        var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)?").matcher(v);
        if (!m.matches()) throw new Usage("invalid duration '" + v + "' (such as 30s, 500ms, 2m)");
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        long ms = switch (unit) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
        };
        if (ms <= 0) throw new Usage("invalid duration '" + v + "' (such as 30s, 500ms, 2m)");
        return ms;
    }

    /** One row of the summary. */
    record Row(String thread, long tid, String reason, long count, long totalNs, long maxNs) {}

    /** The reason of an off-CPU span: the task state and the system call (R: preempted). */
    static String reason(RecordedEvent e) {
        String state = e.getString("state"), syscall = e.getString("syscall");
        String what = switch (state) {
            case "R" -> "preempted";
            case "S" -> "sleeping";
            case "D" -> "uninterruptible";
            case "I" -> "idle";
            default -> state;
        };
        return state + " " + what + (syscall == null ? "" : " in " + syscall);
    }

    static int summary(Path file, PrintStream out) {
        List<RecordedEvent> events;
        try {
            events = RecordingFile.readAllEvents(file);
        } catch (IOException e) {
            throw new BpfException("cannot read " + file + " as a JFR recording: " + e.getMessage());
        }
        Map<List<Object>, long[]> sums = new LinkedHashMap<>();
        Map<Long, String> names = new LinkedHashMap<>();
        for (RecordedEvent e : events) {
            if (!e.getEventType().getName().equals("bpf4j.OffCpu")) continue;
            long tid = e.getLong("osThreadId");
            names.put(tid, e.getString("threadName"));
            long ns = e.getDuration("kernelDuration").toNanos();
            long[] s = sums.computeIfAbsent(List.of(tid, reason(e)), k -> new long[3]);
            s[0]++;
            s[1] += ns;
            s[2] = Math.max(s[2], ns);
        }
        Map<Long, Long> perThread = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        sums.forEach((k, s) -> {
            long tid = (Long) k.get(0);
            perThread.merge(tid, s[1], Long::sum);
            rows.add(new Row(names.get(tid), tid, (String) k.get(1), s[0], s[1], s[2]));
        });
        rows.sort(Comparator.<Row>comparingLong(r -> -perThread.get(r.tid())).thenComparingLong(Row::tid)
                .thenComparingLong(r -> -r.totalNs()).thenComparing(Row::reason));
        out.printf("%-16s %-8s %-32s %8s %12s %10s%n", "THREAD", "TID", "REASON", "COUNT", "TOTAL(ms)", "MAX(ms)");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-16s %-8d %-32s %8d %12.3f %10.3f%n", r.thread(), r.tid(), r.reason(), r.count(),
                    r.totalNs() / 1e6, r.maxNs() / 1e6);
        }
        if (rows.isEmpty()) out.println("(no bpf4j.OffCpu events in " + file + ")");
        return 0;
    }
}
