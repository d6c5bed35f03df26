package org.bpf4j.tools;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.bpf4j.map.MapView;
import org.bpf4j.tools.bpf.SoftirqsSkeleton;

/**
 * {@code bpf4j softirqs}: soft interrupt time (or histograms, -d) per vector, with the options
 * and output of libbpf-tools' softirqs (tp_btf softirq_entry/exit).
 */
final class Softirqs extends Tool {
    Softirqs() {
        super("softirqs", "[-T] [-N] [-d] [interval] [count]", "soft irq event time", DOC, List.of(
                new Argp.Opt('d', "distributed", null, "Show distributions as histograms"),
                TIMESTAMP,
                new Argp.Opt('N', "nanoseconds", null, "Output in nanoseconds")));
    }

    static final String DOC = """
            Summarize soft irq event time as histograms.

            USAGE: softirqs [--help] [-T] [-N] [-d] [interval] [count]

            EXAMPLES:
                bpf4j softirqs            # sum soft irq event time
                bpf4j softirqs -d         # show soft irq event time as histograms
                bpf4j softirqs 1 10       # print 1 second summaries, 10 times
                bpf4j softirqs -NT 1      # 1s summaries, nanoseconds, and timestamps
            """;

    /** The kernel's softirq vectors, by number, as /proc/softirqs and libbpf-tools name them. */
    static final String[] VEC_NAMES = {"hi", "timer", "net_tx", "net_rx", "block", "irq_poll", "tasklet", "sched",
        "hrtimer", "rcu"};

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        Interval iv = Interval.of(p);
        boolean dist = p.has("d"), json = p.has("json");
        String units = p.has("N") ? "nsecs" : "usecs";
        SoftirqsSkeleton skel = SoftirqsSkeleton.open();
        skel.rodata().targDist(dist).targNs(p.has("N"));
        try (skel) {
            skel.load();
            skel.attach();
            MapView<Integer, Long> counts = skel.counts();
            MapView<Integer, SoftirqsSkeleton.Hist> hists = skel.hists();
            try (Session session = new Session()) {
                if (!json) out.println("Tracing soft irq event time... Hit Ctrl-C to end.");
                out.flush();
                session.every(iv.seconds(), iv.times(), () -> {
                    StringBuilder sb = new StringBuilder();
                    String ts = Session.reportHead(sb, p.has("T"), json);
                    if (!dist) {
                        Map<Integer, Long> c = counts.drain();
                        if (!json) sb.append(Syscount.pad("SOFTIRQ", 16, true)).append(" TOTAL_").append(units).append('\n');
                        for (int vec = 0; vec < VEC_NAMES.length; vec++) {
                            long v = c.getOrDefault(vec, 0L);
                            if (v == 0) continue;
                            if (json) {
                                Json j = new Json();
                                if (ts != null) j.put("time", ts);
                                sb.append(j.put("softirq", VEC_NAMES[vec]).putUnsigned("total_" + units, v)).append('\n');
                            } else {
                                sb.append(Syscount.pad(VEC_NAMES[vec], 16, true)).append(' ')
                                        .append(Syscount.pad(Long.toUnsignedString(v), 11, false)).append('\n');
                            }
                        }
                    } else {
                        Map<Integer, SoftirqsSkeleton.Hist> h = hists.drain();
                        for (int vec = 0; vec < VEC_NAMES.length; vec++) {
                            SoftirqsSkeleton.Hist hist = h.get(vec);
                            if (hist == null) continue;
                            if (json) {
                                Json j = new Json();
                                if (ts != null) j.put("time", ts);
                                sb.append(j.put("softirq", VEC_NAMES[vec]).put("unit", units)
                                        .putRaw("slots", Hist.log2Json(hist.slots()))).append('\n');
                            } else {
                                sb.append("softirq = ").append(VEC_NAMES[vec]).append('\n')
                                        .append(Hist.log2(hist.slots(), units)).append('\n');
                            }
                        }
                    }
                    out.print(sb);
                    out.flush();
                });
            }
        }
        return 0;
    }
}
