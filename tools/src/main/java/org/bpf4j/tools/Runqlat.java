package org.bpf4j.tools;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.bpf4j.map.MapView;
import org.bpf4j.tools.bpf.RunqlatSkeleton;
import org.bpf4j.tools.bpf.RunqlatSkeleton.Hist;

/**
 * {@code bpf4j runqlat}: run queue latency as log2 histograms, with the options and output of
 * libbpf-tools' runqlat (tp_btf sched_wakeup, sched_wakeup_new, sched_switch).
 */
final class Runqlat extends Tool {
    Runqlat() {
        super("runqlat", "[-T] [-m] [--pidnss] [-L] [-P] [-p PID] [-c CG] [interval] [count]",
                "run queue (scheduler) latency as a histogram", DOC, List.of(
                        TIMESTAMP,
                        MILLISECONDS,
                        new Argp.Opt('\0', "pidnss", null, "Print a histogram per PID namespace"),
                        PIDS,
                        TIDS,
                        PID,
                        CGROUP));
    }

    static final String DOC = """
            Summarize run queue (scheduler) latency as a histogram.

            USAGE: runqlat [--help] [-T] [-m] [--pidnss] [-L] [-P] [-p PID] [interval]
            [count] [-c CG]

            EXAMPLES:
                bpf4j runqlat         # summarize run queue latency as a histogram
                bpf4j runqlat 1 10    # print 1 second summaries, 10 times
                bpf4j runqlat -mT 1   # 1s summaries, milliseconds, and timestamps
                bpf4j runqlat -P      # show each PID separately
                bpf4j runqlat -p 185  # trace PID 185 only
                bpf4j runqlat -c CG   # Trace process under cgroupsPath CG
            """;

    @Override
    String[] coreTypes() {
        return new String[] {"task_struct", "nsproxy", "pid_namespace"};
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = TaskHists.pid(p);
        Interval iv = Interval.of(p);
        boolean perProcess = p.has("P"), perThread = p.has("L"), perPidns = p.has("pidnss");
        if ((perThread && (perProcess || perPidns)) || (perProcess && perPidns)) {
            err.println("pidnss, pids, tids cann't be used together.");
            return 1;
        }
        RunqlatSkeleton skel = RunqlatSkeleton.open();
        skel.rodata().targPerProcess(perProcess).targPerThread(perThread).targPerPidns(perPidns).targMs(p.has("m")).targTgid(pid)
                .filterCg(p.has("c"));
        try (skel) {
            skel.load();
            if (p.has("c")) skel.cgroupMap().putCgroup(0, p.get("c"));
            skel.attach();
            MapView<Integer, Hist> hists = skel.hists();
            try (Session session = new Session()) {
                if (!p.has("json")) out.println("Tracing run queue latency... Hit Ctrl-C to end.");
                out.flush();
                session.every(iv.seconds(), iv.times(), () -> {
                    TaskHists r = new TaskHists(perProcess, perThread, perPidns, p.has("m"), p.has("T"), p.has("json"));
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
