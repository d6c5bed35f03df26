package org.bpf4j.tools;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bpf4j.map.MapView;
import org.bpf4j.tools.bpf.BitesizeSkeleton;
import org.bpf4j.tools.bpf.BitesizeSkeleton.Hist;
import org.bpf4j.tools.bpf.BitesizeSkeleton.HistKey;

/**
 * {@code bpf4j bitesize}: block I/O sizes per process name as log2 histograms of Kbytes, with the
 * options and output of libbpf-tools' bitesize (tp_btf block_rq_issue).
 */
final class Bitesize extends Tool {
    Bitesize() {
        super("bitesize", "[-T] [-c COMM] [-d DISK] [interval] [count]",
                "block I/O size per process as a histogram", DOC, List.of(
                        TIMESTAMP,
                        new Argp.Opt('c', "comm", "COMM", "Trace this comm only"),
                        new Argp.Opt('d', "disk", "DISK", "Trace this disk only")));
    }

    static final String DOC = """
            Summarize block device I/O size as a histogram.

            USAGE: bitesize [--help] [-T] [-c COMM] [-d DISK] [interval] [count]

            EXAMPLES:
                bpf4j bitesize              # summarize block I/O latency as a histogram
                bpf4j bitesize 1 10         # print 1 second summaries, 10 times
                bpf4j bitesize -T 1         # 1s summaries with timestamps
                bpf4j bitesize -c fio       # trace fio only
            """;

    /** The kernel's TASK_COMM_LEN: -c COMM compares this many bytes at most. */
    private static final int TASK_COMM_LEN = 16;

    @Override
    String[] coreTypes() {
        return Biolatency.BLOCK_TYPES.clone();
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        String disk = Biolatency.diskOption(p, err);
        Interval iv = Interval.of(p);
        boolean json = p.has("json");
        Map<Integer, String> partitions = Biolatency.partitions();
        BitesizeSkeleton skel = BitesizeSkeleton.open();
        if (disk != null) skel.rodata().filterDev(true).targDev(Biolatency.dev(partitions, disk));
        if (p.has("c")) skel.rodata().data().set("targ_comm", comm(p.get("c")));
        try (skel) {
            skel.load();
            skel.attach();
            MapView<HistKey, Hist> hists = skel.hists();
            try (Session session = new Session()) {
                if (!json) out.println("Tracing block device I/O... Hit Ctrl-C to end.");
                out.flush();
                session.every(iv.seconds(), iv.times(), () -> {
                    StringBuilder sb = new StringBuilder();
                    String ts = Session.reportHead(sb, p.has("T"), json);
                    for (Map.Entry<HistKey, Hist> e : hists.drain().entrySet()) {
                        String comm = e.getKey().comm();
                        if (json) {
                            Json j = new Json();
                            if (ts != null) j.put("time", ts);
                            sb.append(j.put("comm", comm).put("unit", "Kbytes")
                                    .putRaw("slots", org.bpf4j.tools.Hist.log2Json(e.getValue().slots()))).append('\n');
                            continue;
                        }
                        sb.append("\nProcess Name = ").append(comm).append('\n')
                                .append(org.bpf4j.tools.Hist.log2(e.getValue().slots(), "Kbytes"));
                    }
                    out.print(sb);
                    out.flush();
                });
            }
        }
        return 0;
    }

    /** targ_comm as libbpf-tools fills it: the name's bytes and its NUL, TASK_COMM_LEN bytes at most. */
    static byte[] comm(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(b, TASK_COMM_LEN);
    }
}
