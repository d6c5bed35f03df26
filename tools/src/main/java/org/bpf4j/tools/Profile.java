package org.bpf4j.tools;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bpf4j.link.PerfEventLink;
import org.bpf4j.map.StackTraceMap;
import org.bpf4j.sys.Cpus;
import org.bpf4j.symbols.Symbolizer;
import org.bpf4j.tools.bpf.ProfileSkeleton;
import org.bpf4j.tools.bpf.ProfileSkeleton.KeyT;

/**
 * {@code bpf4j profile}: CPU samples with stacks, with the options and output of libbpf-tools'
 * profile: a perf event ({@code PERF_COUNT_SW_CPU_CLOCK}, -F Hz) on each CPU counts stacks,
 * printed at the end (multi-line, or -f folded for flame graphs; --svg draws one). The JIT frames
 * of a HotSpot JVM get names from its perf map, which bpf4j asks the JVM for (see --java-symbols).
 */
final class Profile extends Tool {
    Profile() {
        super("profile", "[-p PID] [-L TID] [-U|-K] [-F FREQ] [-d] [-I] [-f] [-C CPU] [--svg FILE] [duration]",
                "CPU samples with stacks", DOC, List.of(
                        new Argp.Opt('p', "pid", "PID", "profile processes with one or more comma-separated PIDs only"),
                        new Argp.Opt('L', "tid", "TID", "profile threads with one or more comma-separated TIDs only"),
                        new Argp.Opt('U', "user-stacks-only", null, "show stacks from user space only (no kernel space stacks)"),
                        new Argp.Opt('K', "kernel-stacks-only", null, "show stacks from kernel space only (no user space stacks)"),
                        new Argp.Opt('F', "frequency", "FREQUENCY", "sample frequency, Hertz"),
                        new Argp.Opt('d', "delimited", null, "insert delimiter between kernel/user stacks"),
                        new Argp.Opt('I', "include-idle ", null, "include CPU idle stacks"),
                        new Argp.Opt('f', "folded", null, "output folded format, one line per stack (for flame graphs)"),
                        Stacks.STACK_STORAGE,
                        new Argp.Opt('C', "cpu", "CPU", "cpu number to run profile on"),
                        Stacks.MAX_DEPTH,
                        Stacks.SVG,
                        Stacks.JAVA_SYMBOLS,
                        Stacks.NO_JAVA_SYMBOLS));
    }

    static final String DOC = """
            Profile CPU usage by sampling stack traces at a timed interval.

            USAGE: profile [OPTIONS...] [duration]
            EXAMPLES:
                bpf4j profile             # profile stack traces at 49 Hertz until Ctrl-C
                bpf4j profile -F 99       # profile stack traces at 99 Hertz
                bpf4j profile 5           # profile at 49 Hertz for 5 seconds only
                bpf4j profile -f          # output in folded format for flame graphs
                bpf4j profile -p 185      # only profile process with PID 185
                bpf4j profile -L 185      # only profile thread with TID 185
                bpf4j profile -U          # only show user space stacks (no kernel)
                bpf4j profile -K          # only show kernel space stacks (no user)
                bpf4j profile -p 185 --svg out.svg 10   # a flame graph of 10 seconds
            """;

    static final int KEY_BYTES = 4 + 4 + 4 + 16;

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        List<Integer> pids = p.has("p") ? Stacks.idList(p.get("p"), "PID", 30) : List.of();
        List<Integer> tids = p.has("L") ? Stacks.idList(p.get("L"), "TID", 30) : List.of();
        long freq = 49;
        if (p.has("F")) {
            freq = strtolOr(p.get("F"), -1);
            if (freq <= 0) throw Argp.invalid("invalid FREQUENCY: " + p.get("F"));
        }
        int cpu = -1;
        if (p.has("C")) {
            cpu = (int) strtolOr(p.get("C"), Long.MIN_VALUE);
            if (cpu == (int) Long.MIN_VALUE) throw Argp.invalid("invalid CPU: " + p.get("C"));
        }
        long duration = Integer.MAX_VALUE;
        if (p.operands().size() > 1) throw Argp.invalid("Unrecognized positional argument: " + p.operands().get(1));
        if (p.operands().size() == 1) {
            duration = strtolOr(p.operands().get(0), -1);
            if (duration <= 0) throw Argp.invalid("Invalid duration (in s): " + p.operands().get(0));
        }
        Stacks stacks = new Stacks(p);
        boolean userOnly = p.has("U"), kernelOnly = p.has("K");
        if (userOnly && kernelOnly) {
            err.println("user_stacks_only and kernel_stacks_only cannot be used together.");
            return 1;
        }
        boolean folded = p.has("f"), json = p.has("json");
        boolean javaSymbols = !p.has(Stacks.NO_JAVA_SYMBOLS.id()) && (p.has(Stacks.JAVA_SYMBOLS.id()) || !pids.isEmpty());
        List<Integer> cpus = cpu == -1 ? Cpus.online() : List.of(cpu);

        ProfileSkeleton skel = ProfileSkeleton.open();
        skel.rodata().userStacksOnly(userOnly).kernelStacksOnly(kernelOnly).includeIdle(p.has("I"))
                .filterByPid(!pids.isEmpty()).filterByTid(pids.isEmpty() && !tids.isEmpty());
        stacks.size(skel.stackmapSpec());
        try (skel) {
            skel.load();
            for (int pid : pids) skel.pids().put(pid, 0);
            if (pids.isEmpty()) for (int tid : tids) skel.tids().put(tid, 0);
            Symbolizer syms = new Symbolizer();
            // /proc/kallsyms (5 MB the kernel formats on each read) is only needed for the report:
            // read while the tool attaches and samples, not before its banner
            if (!userOnly) Thread.ofPlatform().daemon().name("bpf4j kallsyms").start(() -> {
                try {
                    syms.kernel();
                } catch (RuntimeException e) {
                    // the report reads it again, and says why it cannot
                }
            });
            if (!kernelOnly) for (int pid : pids) syms.process(pid).hotSpot(); // its memory map now: it may exit before the report
            List<Stacks.Entry> entries;
            Stacks.Names names = new Stacks.Names(new StackTraceMap(skel.stackmap()), stacks.depth, syms, p.has("v"));
            try (PerfEventLink link = PerfEventLink.attach(skel.doPerfEvent().fd(), PerfEventLink.Event.cpuClock(freq), cpus);
                 Session session = new Session()) {
                if (!folded && !json) out.println(header(freq, pids, tids, userOnly, kernelOnly, cpu, duration));
                out.flush();
                sample(session, duration, names, skel, userOnly, kernelOnly);
            }
            entries = read(skel.counts().toMap());
            if (javaSymbols && !kernelOnly) {
                Set<Integer> targets = pids.isEmpty() ? Stacks.pids(entries) : new TreeSet<>(pids);
                Stacks.javaSymbols(syms, targets, err);
            }
            List<String> lines = Stacks.print(entries, names, userOnly, kernelOnly, folded, p.has("d"), json, out, err, "count");
            return Stacks.svg(p.get(Stacks.SVG.id()), "CPU profile (" + freq + " Hz)", "samples", lines, err);
        }
    }

    /**
     * Waits out the duration (or a signal); each second until the last, reads the stacks counted
     * so far and names their frames ahead ({@link Stacks.Names#ahead}), never past the end.
     */
    private static void sample(Session session, long duration, Stacks.Names names, ProfileSkeleton skel, boolean userOnly,
                               boolean kernelOnly) {
        long end = System.nanoTime() + duration * 1_000_000_000L;
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0 || !session.pause(Math.min(left / 1_000_000 + 1, 1000))) return;
            if (end - System.nanoTime() > 300_000_000L) {
                // at most half a second at a time, so that a signal is not kept waiting
                names.ahead(read(skel.counts().toMap()), userOnly, kernelOnly,
                        Math.min(end - 200_000_000L, System.nanoTime() + 500_000_000L));
            }
        }
    }

    private static long strtolOr(String v, long bad) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return bad;
        }
    }

    static String header(long freq, List<Integer> pids, List<Integer> tids, boolean userOnly, boolean kernelOnly, int cpu,
                         long duration) {
        StringBuilder sb = new StringBuilder("Sampling at " + freq + " Hertz of");
        if (!pids.isEmpty()) sb.append(" PID ").append(list(pids));
        else if (!tids.isEmpty()) sb.append(" TID ").append(list(tids));
        else sb.append(" all threads");
        sb.append(userOnly ? " by user" : kernelOnly ? " by kernel" : " by user + kernel");
        if (cpu != -1) sb.append(" on CPU#").append(cpu);
        sb.append(duration < Integer.MAX_VALUE ? " for " + duration + " secs." : "... Hit Ctrl-C to end.");
        return sb.toString();
    }

    private static String list(List<Integer> ids) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ids.size(); i++) sb.append(i > 0 ? ", " : "").append(ids.get(i));
        return sb.append(']').toString();
    }

    /** The counts map's entries (libbpf-tools skips zero counts). */
    static List<Stacks.Entry> read(Map<KeyT, Long> counts) {
        List<Stacks.Entry> entries = new ArrayList<>();
        for (Map.Entry<KeyT, Long> e : counts.entrySet()) {
            KeyT k = e.getKey();
            if (e.getValue() != 0) entries.add(new Stacks.Entry(k.pid(), 0, k.name(), k.userStackId(), k.kernStackId(), e.getValue()));
        }
        return entries;
    }
}
