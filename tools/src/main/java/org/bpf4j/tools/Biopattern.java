package org.bpf4j.tools;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.bpf4j.map.MapView;
import org.bpf4j.tools.bpf.BiopatternSkeleton;
import org.bpf4j.tools.bpf.BiopatternSkeleton.Counter;

/**
 * {@code bpf4j biopattern}: the share of random and sequential block I/O per disk, with the
 * options and output of libbpf-tools' biopattern (tp_btf block_rq_complete).
 */
final class Biopattern extends Tool {
    Biopattern() {
        super("biopattern", "[-T] [-d DISK] [interval] [count]",
                "random and sequential block I/O per disk", DOC, List.of(
                        TIMESTAMP,
                        new Argp.Opt('d', "disk", "DISK", "Trace this disk only")));
    }

    static final String DOC = """
            Show block device I/O pattern.

            USAGE: biopattern [--help] [-T] [-d DISK] [interval] [count]

            EXAMPLES:
                bpf4j biopattern              # show block I/O pattern
                bpf4j biopattern 1 10         # print 1 second summaries, 10 times
                bpf4j biopattern -T 1         # 1s summaries with timestamps
                bpf4j biopattern -d sdc       # trace sdc only
            """;

    @Override
    String[] coreTypes() {
        return Biolatency.BLOCK_TYPES.clone();
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        String disk = Biolatency.diskOption(p, err);
        Interval iv = Interval.of(p);
        boolean json = p.has("json"), timestamp = p.has("T");
        Map<Integer, String> partitions = Biolatency.partitions();
        BiopatternSkeleton skel = BiopatternSkeleton.open();
        if (disk != null) skel.rodata().filterDev(true).targDev(Biolatency.dev(partitions, disk));
        try (skel) {
            skel.load();
            skel.attach();
            MapView<Integer, Counter> counters = skel.counters();
            try (Session session = new Session()) {
                if (!json) {
                    out.println("Tracing block device I/O requested seeks... Hit Ctrl-C to end.");
                    out.println((timestamp ? String.format("%-9s ", "TIME") : "")
                            + String.format("%-7s %5s %5s %8s %10s", "DISK", "%RND", "%SEQ", "COUNT", "KBYTES"));
                }
                out.flush();
                session.every(iv.seconds(), iv.times(), () -> {
                    StringBuilder sb = new StringBuilder();
                    for (Map.Entry<Integer, Counter> e : counters.drain().entrySet()) {
                        Counter c = e.getValue();
                        // C's __u32 total of the two counts
                        long total = Integer.toUnsignedLong(c.sequential() + c.random());
                        if (total == 0) continue;
                        String name = partitions.getOrDefault(e.getKey(), "Unknown");
                        long rnd = Integer.toUnsignedLong(c.random()) * 100 / total;
                        long seq = Integer.toUnsignedLong(c.sequential()) * 100 / total;
                        long kbytes = Long.divideUnsigned(c.bytes(), 1024);
                        String ts = timestamp ? Session.clock() : null;
                        if (json) {
                            Json j = new Json();
                            if (ts != null) j.put("time", ts);
                            sb.append(j.put("disk", name).put("rnd_pct", rnd).put("seq_pct", seq).put("count", total)
                                    .put("kbytes", kbytes)).append('\n');
                            continue;
                        }
                        if (ts != null) sb.append(String.format("%-9s ", ts));
                        sb.append(String.format("%-7s %5d %5d %8d %10d", name, rnd, seq, (int) total, kbytes)).append('\n');
                    }
                    out.print(sb);
                    out.flush();
                });
            }
        }
        return 0;
    }
}
