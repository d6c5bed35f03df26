package org.bpf4j.tools;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.bpf4j.map.MapView;
import org.bpf4j.tools.bpf.CpudistSkeleton;
import org.bpf4j.tools.bpf.CpudistSkeleton.Hist;

/**
 * {@code bpf4j cpudist}: on-CPU (or off-CPU, -O) time per task as log2 histograms, with the
 * options and output of libbpf-tools' cpudist (tp_btf sched_switch).
 */
final class Cpudist extends Tool {
    Cpudist() {
        super("cpudist", "[-O] [-T] [-m] [-P] [-L] [-p PID] [-c CG] [interval] [count]",
                "on-CPU time per task as a histogram", DOC, List.of(
                        new Argp.Opt('O', "offcpu", null, "Measure off-CPU time"),
                        TIMESTAMP,
                        MILLISECONDS,
                        PIDS,
                        TIDS,
                        PID,
                        CGROUP));
    }

    static final String DOC = """
            Summarize on-CPU time per task as a histogram.

            USAGE: cpudist [--help] [-O] [-T] [-m] [-P] [-L] [-p PID] [interval] [count]
            [-c CG]

            EXAMPLES:
                bpf4j cpudist              # summarize on-CPU time as a histogram
                bpf4j cpudist -O           # summarize off-CPU time as a histogram
                bpf4j cpudist -c CG        # Trace process under cgroupsPath CG
                bpf4j cpudist 1 10         # print 1 second summaries, 10 times
                bpf4j cpudist -mT 1        # 1s summaries, milliseconds, and timestamps
                bpf4j cpudist -P           # show each PID separately
                bpf4j cpudist -p 185       # trace PID 185 only
            """;

    @Override
    String[] coreTypes() {
        return new String[] {"task_struct"};
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = TaskHists.pid(p);
        Interval iv = Interval.of(p);
        boolean perProcess = p.has("P"), perThread = p.has("L");
        if (perProcess && perThread) {
            err.println("pidnss, pids, tids cann't be used together.");
            return 1;
        }
        CpudistSkeleton skel = CpudistSkeleton.open();
        skel.rodata().targPerProcess(perProcess).targPerThread(perThread).targMs(p.has("m")).targTgid(pid == 0 ? -1 : pid).targOffcpu(p.has("O"))
                .filterCg(p.has("c"));
        try (skel) {
            skel.load();
            if (p.has("c")) skel.cgroupMap().putCgroup(0, p.get("c"));
            skel.attach();
            MapView<Integer, Hist> hists = skel.hists();
            try (Session session = new Session()) {
                if (!p.has("json")) out.println("Tracing " + (p.has("O") ? "off" : "on") + "-CPU time... Hit Ctrl-C to end.");
                out.flush();
                session.every(iv.seconds(), iv.times(), () -> {
                    TaskHists r = new TaskHists(perProcess, perThread, false, p.has("m"), p.has("T"), p.has("json"));
                    for (Map.Entry<Integer, Hist> e : hists.drain().entrySet()) {
                        r.add(e.getKey(), e.getValue().slots(), e.getValue().comm());
                    }
                    r.printTo(out);
                });
            }
        }
        return 0;
    }
}
