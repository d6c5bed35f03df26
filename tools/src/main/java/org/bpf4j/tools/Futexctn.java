package org.bpf4j.tools;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.bpf4j.map.MapView;
import org.bpf4j.map.StackTraceMap;
import org.bpf4j.symbols.Frame;
import org.bpf4j.symbols.ProcessSymbols;
import org.bpf4j.symbols.Symbolizer;
import org.bpf4j.tools.bpf.FutexctnSkeleton;
import org.bpf4j.tools.bpf.FutexctnSkeleton.Hist;
import org.bpf4j.tools.bpf.FutexctnSkeleton.HistKey;

/**
 * {@code bpf4j futexctn}: futex contention (the time in FUTEX_WAIT) as a log2 histogram per
 * thread, lock and user stack, with the options and output of libbpf-tools' futexctn
 * (tracepoints syscalls:sys_enter_futex and sys_exit_futex).
 */
final class Futexctn extends Tool {
    Futexctn() {
        super("futexctn", "[-T] [-m] [-s] [-p PID] [-t TID] [-l LOCK] [interval] [count]",
                "futex contention latency per lock as histograms, with stacks", DOC, List.of(
                        // before -p, as argp puts it (a tie of first letters: see Offcputime)
                        new Argp.Opt('\0', "perf-max-stack-depth", "PERF-MAX-STACK-DEPTH",
                                "the limit for the stack traces (default 127)"),
                        PID,
                        new Argp.Opt('t', "tid", "TID", "Trace this TID only"),
                        new Argp.Opt('l', "lock", "LOCK", "Trace this lock only"),
                        TIMESTAMP,
                        MILLISECONDS,
                        Stacks.STACK_STORAGE,
                        new Argp.Opt('s', "summary", null, "Summary futex contention latency")));
    }

    static final String DOC = """
            Summarize futex contention latency as a histogram.

            USAGE: futexctn [--help] [-T] [-m] [-s] [-p pid] [-t tid] [-l lock] [interval]
            [count]

            EXAMPLES:
                bpf4j futexctn              # summarize futex contention latency as a histogram
                bpf4j futexctn 1 10         # print 1 second summaries, 10 times
                bpf4j futexctn -mT 1        # 1s summaries, milliseconds, and timestamps
                bpf4j futexctn -s 1         # 1s summaries, without stack traces
                bpf4j futexctn -l 0x8187bb8 # only trace lock 0x8187bb8
                bpf4j futexctn -p 123       # only trace threads for PID 123
                bpf4j futexctn -t 125       # only trace thread 125
            """;

    /** strtol(v, NULL, 16) as -l reads it: hex digits with an optional 0x. */
    static long lock(String v) {
        String s = v.trim();
        if (s.startsWith("0x") || s.startsWith("0X")) s = s.substring(2);
        long n;
        try {
            n = Long.parseUnsignedLong(s, 16);
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n == 0) throw Argp.invalid("Invalid lock: " + v);
        return n;
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = p.has("p") ? positive(p.get("p"), "invalid PID: ") : 0;
        int tid = p.has("t") ? positive(p.get("t"), "Invalid TID: ") : 0;
        long lock = p.has("l") ? lock(p.get("l")) : 0;
        Interval iv = Interval.of(p);
        Stacks stacks = new Stacks(p);
        boolean summary = p.has("s"), millis = p.has("m"), json = p.has("json"), verbose = p.has("v");
        String units = millis ? "msecs" : "usecs";
        FutexctnSkeleton skel = FutexctnSkeleton.open();
        skel.rodata().targPid(pid).targTid(tid).targLock(lock).targMs(millis).targSummary(summary);
        stacks.size(skel.stackmapSpec());
        try (skel) {
            skel.load();
            skel.attach();
            Symbolizer syms = new Symbolizer();
            if (pid > 0 && !summary) syms.process(pid); // its memory map now: it may exit before the report
            StackTraceMap stackmap = new StackTraceMap(skel.stackmap());
            MapView<HistKey, Hist> hists = skel.hists();
            try (Session session = new Session()) {
                err.println("Summarize futex contention latency, hit ctrl-c to exit");
                err.flush();
                session.every(iv.seconds(), iv.times(), () -> {
                    StringBuilder sb = new StringBuilder();
                    String time = Session.reportHead(sb, p.has("T"), json);
                    for (Map.Entry<HistKey, Hist> e : hists.drain().entrySet()) {
                        report(sb, e.getKey(), e.getValue(), units, time, summary, verbose, json, stacks.depth, stackmap, syms, err);
                    }
                    out.print(sb);
                    out.flush();
                });
            }
        }
        return 0;
    }

    private static void report(StringBuilder sb, HistKey k, Hist h, String units, String time, boolean summary, boolean verbose,
                               boolean json, int depth, StackTraceMap stackmap, Symbolizer syms, PrintStream err) {
        int id = (int) k.pidTgid(); // the thread, or with -s the process
        int pid = summary ? id : (int) (k.pidTgid() >>> 32);
        long avg = Long.divideUnsigned(h.totalElapsed(), h.contended());
        List<String> frames = null;
        long[] ips = null;
        if (!summary) {
            ips = k.userStackId() < 0 ? null : stackmap.stack(k.userStackId());
            if (ips == null) err.println("    [Missed User Stack]");
            else frames = frames(ips, depth, pid, syms, verbose);
        }
        if (json) {
            Json j = new Json();
            if (time != null) j.put("time", time);
            j.put("comm", h.comm()).put(summary ? "pid" : "tid", Integer.toUnsignedLong(id)).put("lock", "0x" + Long.toHexString(k.uaddr()))
                    .putUnsigned("contended", h.contended()).putUnsigned("avg", avg).putUnsigned("max", h.max())
                    .putUnsigned("min", h.min()).put("unit", units);
            if (!summary) {
                StringBuilder a = new StringBuilder("[");
                if (frames != null) for (String f : frames) {
                    if (a.length() > 1) a.append(',');
                    Json.quote(a, f.strip());
                }
                j.putRaw("user_stack", frames == null ? "null" : a.append(']').toString());
            }
            sb.append(j.putRaw("slots", org.bpf4j.tools.Hist.log2Json(h.slots()))).append('\n');
            return;
        }
        sb.append("\n\n").append(h.comm()).append('[').append(Integer.toUnsignedLong(id)).append("] lock 0x")
                .append(Long.toHexString(k.uaddr())).append(" contended ").append(Long.toUnsignedString(h.contended()))
                .append(" times, ").append(Long.toUnsignedString(avg)).append(" avg ").append(units)
                .append(" [max: ").append(Long.toUnsignedString(h.max())).append(' ').append(units)
                .append(", min ").append(Long.toUnsignedString(h.min())).append(' ').append(units).append("]\n");
        if (!summary) {
            sb.append("    -\n");
            if (frames != null) for (String f : frames) sb.append("    ").append(f).append('\n');
            sb.append("    -\n");
        }
        sb.append(org.bpf4j.tools.Hist.log2(h.slots(), units));
    }

    /** The frames of a user stack as libbpf-tools' futexctn prints them (without the indent). */
    private static List<String> frames(long[] ips, int depth, int pid, Symbolizer syms, boolean verbose) {
        List<String> names = new java.util.ArrayList<>();
        ProcessSymbols ps = syms.process(pid);
        for (int i = 0; i < ips.length && i < depth && ips[i] != 0; i++) {
            Frame f = ps.resolve(ips[i]);
            if (!verbose) {
                names.add(f == null ? "[unknown]" : f.name());
                continue;
            }
            StringBuilder s = new StringBuilder(String.format("#%-2d 0x%016x", i, ips[i]));
            String mod = ps.module(ips[i]);
            if (mod != null) {
                if (f != null) s.append(' ').append(f.withOffset());
                s.append(" (").append(mod).append(')');
            }
            names.add(s.toString());
        }
        return names;
    }
}
