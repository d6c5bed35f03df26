package org.bpf4j.tools;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.bpf4j.map.MapView;
import org.bpf4j.tools.bpf.HardirqsSkeleton;
import org.bpf4j.tools.bpf.HardirqsSkeleton.Info;
import org.bpf4j.tools.bpf.HardirqsSkeleton.IrqKey;

/**
 * {@code bpf4j hardirqs}: hard interrupt handler time, counts (-C) or histograms (-d) per
 * handler, with the options and output of libbpf-tools' hardirqs (tp_btf irq_handler_entry/exit).
 */
final class Hardirqs extends Tool {
    Hardirqs() {
        super("hardirqs", "[-T] [-N] [-d] [-C] [-c CG] [interval] [count]", "hard irq event time (or counts)", DOC,
                List.of(new Argp.Opt('C', "count", null, "Show event counts instead of timing"),
                        new Argp.Opt('d', "distributed", null, "Show distributions as histograms"),
                        CGROUP,
                        TIMESTAMP,
                        new Argp.Opt('N', "nanoseconds", null, "Output in nanoseconds")));
    }

    static final String DOC = """
            Summarize hard irq event time as histograms.

            USAGE: hardirqs [--help] [-T] [-N] [-d] [interval] [count] [-c CG]

            EXAMPLES:
                bpf4j hardirqs            # sum hard irq event time
                bpf4j hardirqs -d         # show hard irq event time as histograms
                bpf4j hardirqs 1 10       # print 1 second summaries, 10 times
                bpf4j hardirqs -c CG      # Trace process under cgroupsPath CG
                bpf4j hardirqs -NT 1      # 1s summaries, nanoseconds, and timestamps
            """;

    @Override
    String[] coreTypes() {
        return new String[] {"irqaction"};
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        Interval iv = Interval.of(p);
        boolean count = p.has("C"), dist = p.has("d"), ns = p.has("N"), json = p.has("json");
        if (count && dist) {
            err.println("count, distributed cann't be used together.");
            return 1;
        }
        HardirqsSkeleton skel = HardirqsSkeleton.open();
        skel.rodata().filterCg(p.has("c")).doCount(count).targDist(!count && dist).targNs(!count && ns);
        String units = ns ? "nsecs" : "usecs";
        try (skel) {
            skel.load();
            if (p.has("c")) skel.cgroupMap().putCgroup(0, p.get("c"));
            skel.attach();
            MapView<IrqKey, Info> infos = skel.infos();
            try (Session session = new Session()) {
                if (!json) out.println(count ? "Tracing hard irq events... Hit Ctrl-C to end."
                        : "Tracing hard irq event time... Hit Ctrl-C to end.");
                out.flush();
                session.every(iv.seconds(), iv.times(), () -> {
                    StringBuilder sb = new StringBuilder();
                    String ts = Session.reportHead(sb, p.has("T"), json);
                    if (!json) {
                        if (count) {
                            sb.append(Syscount.pad("HARDIRQ", 26, true)).append(" TOTAL_count\n");
                        } else if (!dist) {
                            sb.append(Syscount.pad("HARDIRQ", 26, true)).append(" TOTAL_").append(units).append('\n');
                        }
                    }
                    for (Map.Entry<IrqKey, Info> e : infos.drain().entrySet()) {
                        String name = e.getKey().name();
                        Info info = e.getValue();
                        if (json) {
                            Json j = new Json();
                            if (ts != null) j.put("time", ts);
                            j.put("hardirq", name);
                            if (dist) {
                                j.put("unit", units).putRaw("slots", Hist.log2Json(info.slots()));
                            } else {
                                j.putUnsigned(count ? "count" : "total_" + units, info.count());
                            }
                            sb.append(j).append('\n');
                        } else if (!dist) {
                            sb.append(Syscount.pad(name, 26, true)).append(' ')
                                    .append(Syscount.pad(Long.toUnsignedString(info.count()), 11, false)).append('\n');
                        } else {
                            sb.append("hardirq = ").append(name).append('\n').append(Hist.log2(info.slots(), units));
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
