package org.bpf4j.tools;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bpf4j.features.Features;
import org.bpf4j.map.StackTraceMap;
import org.bpf4j.symbols.Symbolizer;
import org.bpf4j.tools.bpf.OffcputimeSkeleton;
import org.bpf4j.tools.bpf.OffcputimeSkeleton.KeyT;
import org.bpf4j.tools.bpf.OffcputimeSkeleton.ValT;

/**
 * {@code bpf4j offcputime}: time blocked off the CPU by stack, with the options and output of
 * libbpf-tools' offcputime (tp_btf sched_switch, or raw_tp sched_switch where the kernel has no
 * BTF tracepoints, as libbpf-tools falls back; microseconds), plus -f folded output and --svg.
 */
final class Offcputime extends Tool {
    static final Argp.Opt FOLDED = new Argp.Opt('f', "folded", null, "output folded format (flame graph input)");

    Offcputime() {
        super("offcputime", "[-p PID | -t TID | -u | -k] [-m MIN] [-M MAX] [--state STATE] [-f] [--svg FILE] [duration]",
                "off-CPU time by stack", DOC, List.of(
                        Stacks.MAX_DEPTH,
                        new Argp.Opt('p', "pid", "PID", "Trace this PID only"),
                        new Argp.Opt('t', "tid", "TID", "Trace this TID only"),
                        new Argp.Opt('u', "user-threads-only", null, "User threads only (no kernel threads)"),
                        new Argp.Opt('k', "kernel-threads-only", null, "Kernel threads only (no user threads)"),
                        Stacks.STACK_STORAGE,
                        new Argp.Opt('m', "min-block-time", "MIN-BLOCK-TIME",
                                "the amount of time in microseconds over which we store traces (default 1)"),
                        new Argp.Opt('M', "max-block-time", "MAX-BLOCK-TIME",
                                "the amount of time in microseconds under which we store traces (default U64_MAX)"),
                        new Argp.Opt('\0', "state", "STATE",
                                "filter on this thread state bitmask (eg, 2 == TASK_UNINTERRUPTIBLE) see include/linux/sched.h"),
                        FOLDED,
                        Stacks.SVG));
    }

    static final String DOC = """
            Summarize off-CPU time by stack trace.

            USAGE: offcputime [--help] [-p PID | -u | -k] [-m MIN-BLOCK-TIME] [-M
            MAX-BLOCK-TIME] [--state] [--perf-max-stack-depth] [--stack-storage-size]
            [duration]
            EXAMPLES:
                bpf4j offcputime             # trace off-CPU stack time until Ctrl-C
                bpf4j offcputime 5           # trace for 5 seconds only
                bpf4j offcputime -m 1000     # trace only events that last more than 1000 usec
                bpf4j offcputime -M 10000    # trace only events that last less than 10000 usec
                bpf4j offcputime -p 185      # only trace threads for PID 185
                bpf4j offcputime -t 188      # only trace thread 188
                bpf4j offcputime -u          # only trace user threads (no kernel)
                bpf4j offcputime -k          # only trace kernel threads (no user)
            """;

    /**
     * Why offcputime uses raw_tp/sched_switch instead of tp_btf, or null when it does not: the
     * kernel has no BTF tracepoints ({@link Features.Attach#TP_BTF}), or {@code BPF4J_NO_TP_BTF=1}
     * (or the system property {@code bpf4j.noTpBtf=true}) asks for the fallback, as on such kernels.
     */
    static String rawTpReason() {
        if ("1".equals(System.getenv("BPF4J_NO_TP_BTF")) || Boolean.getBoolean("bpf4j.noTpBtf")) {
            return "tp_btf not used: BPF4J_NO_TP_BTF";
        }
        Features.Probe tpBtf = Features.attach(Features.Attach.TP_BTF);
        return tpBtf.supported() ? null : "no BTF tracepoints: " + tpBtf.detail();
    }

    @Override
    String[] coreTypes() {
        return new String[] {"task_struct"};
    }

    private static long number(String v, String message) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw Argp.invalid(message + v);
        }
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = p.has("p") ? positive(p.get("p"), "Invalid PID: ") : -1;
        int tid = p.has("t") ? positive(p.get("t"), "Invalid TID: ") : -1;
        long min = p.has("m") ? number(p.get("m"), "Invalid min block time (in us): ") : 1;
        long max = p.has("M") ? number(p.get("M"), "Invalid max block time (in us): ") : -1L;
        if (min <= 0) throw Argp.invalid("Invalid min block time (in us): " + p.get("m"));
        if (p.has("M") && max <= 0) throw Argp.invalid("Invalid max block time (in us): " + p.get("M"));
        long state = p.has("state") ? number(p.get("state"), "Invalid task state: ") : -1;
        if (p.has("state") && (state < 0 || state > 0x400)) throw Argp.invalid("Invalid task state: " + p.get("state"));
        long duration = 99999999;
        if (p.operands().size() > 1) throw Argp.invalid("Unrecognized positional argument: " + p.operands().get(1));
        if (p.operands().size() == 1) {
            duration = number(p.operands().get(0), "Invalid duration (in s): ");
            if (duration <= 0) throw Argp.invalid("Invalid duration (in s): " + p.operands().get(0));
        }
        Stacks stacks = new Stacks(p);
        if (p.has("u") && p.has("k")) {
            err.println("user_threads_only and kernel_threads_only cannot be used together.");
            return 1;
        }
        if (Long.compareUnsigned(min, max) >= 0) {
            err.println("min_block_time should be smaller than max_block_time");
            return 1;
        }
        OffcputimeSkeleton skel = OffcputimeSkeleton.open();
        String why = rawTpReason();
        skel.schedSwitchSpec().autoload(why == null);
        skel.schedSwitchRawSpec().autoload(why != null);
        if (p.has("v")) err.println(why == null ? "sched_switch: tp_btf" : "sched_switch: raw_tp (" + why + ")");
        skel.rodata().targTgid(pid).targPid(tid).userThreadsOnly(p.has("u")).kernelThreadsOnly(p.has("k")).state(state)
                .minBlockNs(min).maxBlockNs(max);
        stacks.size(skel.stackmapSpec());
        try (skel) {
            skel.load();
            Symbolizer syms = new Symbolizer();
            syms.kernel();
            if (pid > 0) syms.process(pid).hotSpot(); // its memory map now: it may exit before the report
            try (Session session = new Session()) {
                skel.attach();
                session.pause(duration * 1000);
            }
            List<Stacks.Entry> entries = new ArrayList<>();
            for (Map.Entry<KeyT, ValT> e : skel.info().toMap().entrySet()) {
                KeyT k = e.getKey();
                if (e.getValue().delta() == 0) continue;
                entries.add(new Stacks.Entry(k.tgid(), k.pid(), e.getValue().comm(), k.userStackId(), k.kernStackId(),
                        e.getValue().delta()));
            }
            List<String> lines = Stacks.print(entries, new StackTraceMap(skel.stackmap()), stacks.depth, false, false,
                    p.has("f"), false, p.has("v"), p.has("json"), syms, out, err, "us");
            return Stacks.svg(p.get(Stacks.SVG.id()), "Off-CPU time", "us", lines, err);
        }
    }
}
