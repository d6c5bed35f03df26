package org.bpf4j.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bpf4j.BpfException;
import org.bpf4j.BpfLink;
import org.bpf4j.tools.bpf.JvmstatSkeleton;
import org.bpf4j.tools.bpf.JvmstatSkeleton.JvmstatKey;

/**
 * {@code bpf4j jvmstat}: a top-like summary per JVM on the machine, refreshed each interval, of
 * what HotSpot's USDT probes count: collections and the time in them, threads started and
 * stopped, classes loaded and unloaded, JIT compilations; and method calls, object allocations
 * and contended monitor entries for the JVMs that turn those probes on ({@code
 * -XX:+DTraceMethodProbes}, {@code -XX:+DTraceAllocProbes}, {@code -XX:+DTraceMonitorProbes}, or
 * {@code -XX:+ExtendedDTraceProbes} on older JDKs: they fire only then; the others show
 * {@code -} there, and one line on stderr says which). The counts are those of the interval, as
 * BCC's ustat shows them (divided by it there).
 */
final class Jvmstat extends Tool {
    Jvmstat() {
        super("jvmstat", "[-C] [-p PID] [interval] [count]", "JVM activity per process, top-like (USDT)", DOC,
                List.of(new Argp.Opt('C', "noclear", null, "Don't clear the screen"), PID));
    }

    static final String DOC = """
            Show what each JVM does, refreshed each interval (HotSpot's USDT probes).

            USAGE: jvmstat [--help] [-C] [-p PID] [interval] [count]

            EXAMPLES:
                jvmstat            # every JVM on the machine, every second
                jvmstat -C 5 10    # every 5 s, 10 times, without clearing the screen
                jvmstat -p 185     # the JVM of PID 185 only
            """;

    static final String HEADER = "PID     CMDLINE              GC     GC(ms) THR+   THR-   CLOAD  CUNLOAD COMP   "
            + "METHOD     OBJNEW     MONITOR\n";

    /** The counters, by the cookie the program is attached with (jvmstat.bpf.c). */
    static final int GC_NS = 0, GC = 1, THREAD_START = 2, THREAD_STOP = 3, CLASS_LOAD = 4, CLASS_UNLOAD = 5, COMPILE = 6,
            METHOD = 7, OBJECT = 8, MONITOR = 9, COUNTERS = 10;

    /** The probes behind each counter from COMPILE on: the -XX:+ExtendedDTraceProbes ones from METHOD on. */
    private static final String[] PROBES = {null, "gc__begin", "thread__start", "thread__stop", "class__loaded",
            "class__unloaded", "method__compile__begin", "method__entry", "object__alloc", "monitor__contended__enter"};

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = p.has("p") ? positive(p.get("p"), "Invalid PID: ") : 0;
        List<String> ops = p.operands();
        if (ops.size() > 2) throw Argp.invalid("unrecognized positional argument: " + ops.get(2));
        long interval = 1, count = -1;
        if (!ops.isEmpty()) {
            interval = strtol(ops.get(0), "invalid interval");
            if (interval <= 0) throw Argp.invalid("invalid interval");
        }
        if (ops.size() > 1) {
            count = strtol(ops.get(1), "invalid count");
            if (count <= 0) throw Argp.invalid("invalid count");
        }
        return trace(pid, interval, count, p.has("C"), p.has("json"), out, err);
    }

    static int trace(int pid, long interval, long count, boolean noclear, boolean json, PrintStream out, PrintStream err) {
        Set<String> libs = Javagc.libjvms(pid);
        Set<Integer> jvms = pid != 0 ? new TreeSet<>(Set.of(pid)) : jvmPids();
        int self = (int) ProcessHandle.current().pid(); // this JVM: not one to report
        jvms.remove(self);
        List<String> off = new ArrayList<>();
        for (int j : jvms) {
            int on = extended(j);
            if (on == (METHODS | ALLOCS | MONITORS)) continue;
            List<String> cols = new ArrayList<>();
            if ((on & METHODS) == 0) cols.add("METHOD");
            if ((on & ALLOCS) == 0) cols.add("OBJNEW");
            if ((on & MONITORS) == 0) cols.add("MONITOR");
            off.add(j + " (" + String.join(" ", cols) + ")");
        }
        if (!off.isEmpty()) {
            err.println("METHOD, OBJNEW and MONITOR count only with -XX:+DTraceMethodProbes, -XX:+DTraceAllocProbes and"
                    + " -XX:+DTraceMonitorProbes (-XX:+ExtendedDTraceProbes on older JDKs); shown as - where off: PID "
                    + String.join(", ", off));
        }
        JvmstatSkeleton skel = JvmstatSkeleton.open();
        List<BpfLink> links = new ArrayList<>();
        try (skel; Session session = new Session()) {
            skel.load();
            try {
                int target = pid != 0 ? pid : -1;
                for (String lib : libs) {
                    links.add(skel.gcBegin().attachUsdt(target, lib, "hotspot", "gc__begin", GC));
                    links.add(skel.gcEnd().attachUsdt(target, lib, "hotspot", "gc__end", GC_NS));
                    for (int c = THREAD_START; c < COUNTERS; c++) links.add(skel.count().attachUsdt(target, lib, "hotspot", PROBES[c], c));
                }
                if (!json) {
                    out.println("Tracing JVMs... Output every " + interval + " secs. Hit Ctrl-C to end.");
                    out.flush();
                }
                Map<Integer, Integer> ext = new TreeMap<>();
                Map<Integer, String> cmdlines = new TreeMap<>();
                session.every(interval, count, () -> {
                    Map<Integer, long[]> rows = new TreeMap<>();
                    for (int j : jvms) rows.put(j, new long[COUNTERS]);
                    skel.counts().drain().forEach((JvmstatKey k, Long v) -> {
                        if (k.counter() >= 0 && k.counter() < COUNTERS && (pid == 0 ? k.pid() != self : k.pid() == pid)) {
                            rows.computeIfAbsent(k.pid(), x -> new long[COUNTERS])[k.counter()] += v;
                        }
                    });
                    rows.keySet().removeIf(j -> !Files.exists(Path.of("/proc", Integer.toString(j))));
                    jvms.clear();
                    jvms.addAll(rows.keySet());
                    out.print(report(rows, ext, cmdlines, noclear, json));
                    out.flush();
                });
            } finally {
                for (BpfLink l : links) l.close();
            }
        }
        return 0;
    }

    /** One interval's report: a row per JVM. */
    static String report(Map<Integer, long[]> rows, Map<Integer, Integer> ext, Map<Integer, String> cmdlines,
            boolean noclear, boolean json) {
        StringBuilder sb = new StringBuilder();
        String time = Session.clock();
        if (!json) {
            if (!noclear) sb.append("\033[H\033[2J");
            else sb.append('\n');
            sb.append(time).append('\n').append(HEADER);
        }
        rows.forEach((pid, c) -> {
            int x = ext.computeIfAbsent(pid, Jvmstat::extended);
            String cmd = cmdlines.computeIfAbsent(pid, Jvmstat::mainOf);
            if (json) {
                Json j = new Json().put("time", time).put("pid", pid).put("cmdline", cmd).put("gc", c[GC])
                        .put("gc_ms", c[GC_NS] / 1_000_000)
                        .put("threads_started", c[THREAD_START]).put("threads_stopped", c[THREAD_STOP])
                        .put("classes_loaded", c[CLASS_LOAD]).put("classes_unloaded", c[CLASS_UNLOAD]).put("compilations", c[COMPILE]);
                optional(optional(optional(j, "methods", c[METHOD], x, METHODS), "objects", c[OBJECT], x, ALLOCS),
                        "monitors", c[MONITOR], x, MONITORS);
                sb.append(j).append('\n');
                return;
            }
            col(sb, Integer.toString(pid), 7);
            col(sb, cmd.length() > 20 ? cmd.substring(0, 20) : cmd, 20);
            col(sb, Long.toString(c[GC]), 6);
            col(sb, Long.toString(c[GC_NS] / 1_000_000), 6);
            col(sb, Long.toString(c[THREAD_START]), 6);
            col(sb, Long.toString(c[THREAD_STOP]), 6);
            col(sb, Long.toString(c[CLASS_LOAD]), 6);
            col(sb, Long.toString(c[CLASS_UNLOAD]), 7);
            col(sb, Long.toString(c[COMPILE]), 6);
            col(sb, (x & METHODS) != 0 ? Long.toString(c[METHOD]) : "-", 10);
            col(sb, (x & ALLOCS) != 0 ? Long.toString(c[OBJECT]) : "-", 10);
            sb.append((x & MONITORS) != 0 ? Long.toString(c[MONITOR]) : "-").append('\n');
        });
        return sb.toString();
    }

    private static Json optional(Json j, String key, long value, int on, int bit) {
        return (on & bit) != 0 ? j.put(key, value) : j.putRaw(key, "null");
    }

    private static void col(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int i = s.length(); i < width; i++) sb.append(' ');
        sb.append(' ');
    }

    /** The processes that map a libjvm.so. */
    static Set<Integer> jvmPids() {
        Set<Integer> pids = new TreeSet<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(d -> d.getFileName().toString().matches("\\d+")).forEach(d -> {
                try (Stream<String> lines = Files.lines(d.resolve("maps"))) {
                    if (lines.anyMatch(l -> l.endsWith("/libjvm.so"))) pids.add(Integer.parseInt(d.getFileName().toString()));
                } catch (IOException | RuntimeException e) {
                    // the process ended, or is not ours to read
                }
            });
        } catch (IOException e) {
            throw new BpfException("cannot list /proc: " + e.getMessage());
        }
        return pids;
    }

    private static List<String> args(int pid, String file) {
        try {
            String s = new String(Files.readAllBytes(Path.of("/proc", Integer.toString(pid), file)), StandardCharsets.UTF_8);
            return s.isEmpty() ? List.of() : List.of(s.split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The probe groups off by default: {@link #extended}'s bits. */
    static final int METHODS = 1, ALLOCS = 2, MONITORS = 4;

    /**
     * Which of the probe groups that HotSpot fires only on demand the JVM of {@code pid} has on
     * ({@link #METHODS}, {@link #ALLOCS}, {@link #MONITORS}), from its command line and the JVM's
     * option variables: -XX:+DTraceMethodProbes, -XX:+DTraceAllocProbes, -XX:+DTraceMonitorProbes,
     * or all three with the older JDKs' -XX:+ExtendedDTraceProbes; the last word wins, as in the JVM.
     */
    static int extended(int pid) {
        List<String> words = new ArrayList<>();
        for (String env : args(pid, "environ")) {
            if (env.startsWith("JAVA_TOOL_OPTIONS=") || env.startsWith("_JAVA_OPTIONS=") || env.startsWith("JDK_JAVA_OPTIONS=")) {
                words.addAll(List.of(env.substring(env.indexOf('=') + 1).split("\\s+")));
            }
        }
        words.addAll(args(pid, "cmdline"));
        int on = 0;
        for (String w : words) {
            if (!w.startsWith("-XX:+") && !w.startsWith("-XX:-")) continue;
            int bits = switch (w.substring(5)) {
                case "ExtendedDTraceProbes" -> METHODS | ALLOCS | MONITORS;
                case "DTraceMethodProbes" -> METHODS;
                case "DTraceAllocProbes" -> ALLOCS;
                case "DTraceMonitorProbes" -> MONITORS;
                default -> 0;
            };
            on = w.charAt(4) == '+' ? on | bits : on & ~bits;
        }
        return on;
    }

    private static final Set<String> WITH_VALUE = Set.of("-cp", "-classpath", "--class-path", "-p", "--module-path",
            "--upgrade-module-path", "--add-modules", "--add-opens", "--add-exports", "--add-reads", "--limit-modules",
            "--patch-module", "--enable-native-access");

    /** What the JVM runs: its main class, {@code -jar} file or {@code -m} module, else its program's name. */
    static String mainOf(int pid) {
        List<String> a = args(pid, "cmdline");
        if (a.isEmpty()) return "?";
        for (int i = 1; i < a.size(); i++) {
            String w = a.get(i);
            if (w.equals("-jar") || w.equals("-m") || w.equals("--module")) return i + 1 < a.size() ? a.get(i + 1) : w;
            if (WITH_VALUE.contains(w)) i++;
            else if (!w.startsWith("-")) return w;
        }
        return Path.of(a.get(0)).getFileName().toString();
    }
}
