package org.bpf4j.tools;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bpf4j.link.PerfEventLink;
import org.bpf4j.map.MapView;
import org.bpf4j.sys.Cpus;
import org.bpf4j.tools.bpf.RunqlenSkeleton;
import org.bpf4j.tools.bpf.RunqlenSkeleton.Hist;

/**
 * {@code bpf4j runqlen}: the scheduler's run queue length, sampled on every CPU, as a linear
 * histogram (or the run queue occupancy, -O), with the options and output of libbpf-tools'
 * runqlen (a perf_event program on a CPU clock event).
 */
final class Runqlen extends Tool {
    Runqlen() {
        super("runqlen", "[-C] [-O] [-T] [-f FREQUENCY] [interval] [count]",
                "run queue length as a histogram", DOC, List.of(
                        new Argp.Opt('C', "cpus", null, "Print output for each CPU separately"),
                        new Argp.Opt('f', "frequency", "FREQUENCY", "Sample with a certain frequency"),
                        new Argp.Opt('O', "runqocc", null, "Report run queue occupancy"),
                        TIMESTAMP));
    }

    static final String DOC = """
            Summarize scheduler run queue length as a histogram.

            USAGE: runqlen [--help] [-C] [-O] [-T] [-f FREQUENCY] [interval] [count]

            EXAMPLES:
                bpf4j runqlen         # summarize run queue length as a histogram
                bpf4j runqlen 1 10    # print 1 second summaries, 10 times
                bpf4j runqlen -T 1    # 1s summaries and timestamps
                bpf4j runqlen -O      # report run queue occupancy
                bpf4j runqlen -C      # show each CPU separately
                bpf4j runqlen -f 199  # sample at 199HZ
            """;

    @Override
    String[] coreTypes() {
        return new String[] {"task_struct", "sched_entity", "cfs_rq", "rq"};
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        long freq = 99;
        if (p.has("f")) {
            freq = strtol(p.get("f"), "Invalid freq (in hz): " + p.get("f"));
            if (freq <= 0) throw Argp.invalid("Invalid freq (in hz): " + p.get("f"));
        }
        Interval iv = Interval.of(p);
        boolean perCpu = p.has("C"), occupancy = p.has("O"), json = p.has("json");
        int cpus = Cpus.possible();
        RunqlenSkeleton skel = RunqlenSkeleton.open();
        skel.rodata().targPerCpu(perCpu);
        try (skel) {
            skel.load();
            skel.doSample().attachPerfEvent(PerfEventLink.Event.cpuClock(freq));
            MapView<Integer, Hist> hists = skel.hists();
            try (Session session = new Session()) {
                if (!json) out.println("Sampling run queue length... Hit Ctrl-C to end.");
                out.flush();
                session.every(iv.seconds(), iv.times(), () -> {
                    StringBuilder sb = new StringBuilder();
                    String ts = Session.reportHead(sb, p.has("T"), json);
                    Map<Integer, Hist> all = hists.drain();
                    for (int cpu = 0; cpu < (perCpu ? cpus : 1); cpu++) {
                        Hist h = all.get(cpu);
                        int[] slots = h == null ? new int[32] : h.slots();
                        Json j = json ? new Json() : null;
                        if (j != null && ts != null) j.put("time", ts);
                        if (j != null && perCpu) j.put("cpu", cpu);
                        if (occupancy) {
                            long idle = Integer.toUnsignedLong(slots[0]), queued = 0;
                            for (int i = 1; i < slots.length; i++) queued += Integer.toUnsignedLong(slots[i]);
                            // C: a float of queued * 1.0 / max(1, samples), times 100 in float
                            float runqocc = (float) (queued * 1.0 / Math.max(1, idle + queued));
                            double pct = 100 * runqocc;
                            if (j != null) sb.append(j.putRaw("runqocc", String.format(Locale.ROOT, "%.2f", pct))).append('\n');
                            else if (perCpu) sb.append(String.format(Locale.ROOT, "runqocc, CPU %-3d %6.2f%%\n", cpu, pct));
                            else sb.append(String.format(Locale.ROOT, "runqocc: %.2f%%\n", pct));
                            continue;
                        }
                        if (j != null) {
                            sb.append(j.putRaw("slots", org.bpf4j.tools.Hist.linearJson(slots, 0, 1))).append('\n');
                            continue;
                        }
                        if (perCpu) sb.append("cpu = ").append(cpu).append('\n');
                        sb.append(org.bpf4j.tools.Hist.linear(slots, 0, 1, "runqlen"));
                    }
                    out.print(sb);
                    out.flush();
                });
            }
        }
        return 0;
    }
}
