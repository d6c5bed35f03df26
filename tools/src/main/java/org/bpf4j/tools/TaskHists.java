package org.bpf4j.tools;

import java.io.PrintStream;

/**
 * The report of the per-task histogram tools (runqlat, cpudist): after libbpf-tools' interval
 * line and {@code -T} time, each histogram, under {@code pid = N COMM} with -P,
 * {@code tid = N COMM} with -L or {@code pidns = N COMM} with runqlat's --pidnss.
 */
final class TaskHists {
    private final StringBuilder sb = new StringBuilder();
    private final boolean perProcess, perThread, perPidns, json;
    private final String units, time;

    TaskHists(boolean perProcess, boolean perThread, boolean perPidns, boolean millis, boolean timestamp, boolean json) {
        this.perProcess = perProcess;
        this.perThread = perThread;
        this.perPidns = perPidns;
        this.json = json;
        this.units = millis ? "msecs" : "usecs";
        this.time = Session.reportHead(sb, timestamp, json);
    }

    /** One histogram: {@code key} is the pid (-P), tid (-L) or -1. */
    void add(int key, int[] slots, String comm) {
        if (json) {
            Json j = new Json();
            if (time != null) j.put("time", time);
            if (perProcess) j.put("pid", key).put("comm", comm);
            if (perThread) j.put("tid", key).put("comm", comm);
            if (perPidns) j.put("pidns", Integer.toUnsignedLong(key)).put("comm", comm);
            sb.append(j.put("unit", units).putRaw("slots", Hist.log2Json(slots))).append('\n');
            return;
        }
        if (perProcess) sb.append("\npid = ").append(key).append(' ').append(comm).append('\n');
        else if (perThread) sb.append("\ntid = ").append(key).append(' ').append(comm).append('\n');
        else if (perPidns) sb.append("\npidns = ").append(Integer.toUnsignedLong(key)).append(' ').append(comm).append('\n');
        sb.append(Hist.log2(slots, units));
    }

    void printTo(PrintStream out) {
        out.print(sb);
        out.flush();
    }

    /** The -p check of both tools ({@code Invalid PID: x}). */
    static int pid(Argp.Parsed p) {
        return p.has("p") ? Tool.positive(p.get("p"), "Invalid PID: ") : 0;
    }
}
