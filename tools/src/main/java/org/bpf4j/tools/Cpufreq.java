package org.bpf4j.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bpf4j.link.PerfEventLink;
import org.bpf4j.map.MapView;
import org.bpf4j.sys.Cpus;
import org.bpf4j.tools.bpf.CpufreqSkeleton;
import org.bpf4j.tools.bpf.CpufreqSkeleton.Hist;
import org.bpf4j.tools.bpf.CpufreqSkeleton.HistKey;

/**
 * {@code bpf4j cpufreq}: the CPUs' frequency, sampled, system-wide and per process name, with the
 * options and output of libbpf-tools' cpufreq (a perf_event program, and tp_btf cpu_frequency
 * for the changes). Where the kernel exposes no cpufreq (a virtual machine), it says so as
 * libbpf-tools does and exits 1.
 */
final class Cpufreq extends Tool {
    Cpufreq() {
        super("cpufreq", "[-d DURATION] [-f FREQUENCY] [-c CG]",
                "CPU frequency, system-wide and per process, as histograms", DOC, List.of(
                        new Argp.Opt('d', "duration", "DURATION", "Duration to sample in seconds"),
                        new Argp.Opt('f', "frequency", "FREQUENCY", "Sample with a certain frequency"),
                        CGROUP));
    }

    static final String DOC = """
            Sampling CPU freq system-wide & by process. Ctrl-C to end.

            USAGE: cpufreq [--help] [-d DURATION] [-f FREQUENCY] [-c CG]

            EXAMPLES:
                bpf4j cpufreq         # sample CPU freq at 99HZ (default)
                bpf4j cpufreq -d 5    # sample for 5 seconds only
                bpf4j cpufreq -c CG   # Trace process under cgroupsPath CG
                bpf4j cpufreq -f 199  # sample CPU freq at 199HZ
            """;

    private static final int MAX_CPU_NR = 128, HIST_STEP_SIZE = 200;

    /** Where each CPU's cpufreq directory is: a test points it at files of its own on a machine without cpufreq. */
    static volatile Path cpuSysfs = Path.of("/sys/devices/system/cpu");

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        long duration = Interval.FOREVER, freq = 99;
        if (p.has("d")) {
            duration = strtol(p.get("d"), "Invalid duration: " + p.get("d"));
            if (duration <= 0) throw Argp.invalid("Invalid duration: " + p.get("d"));
        }
        if (p.has("f")) {
            freq = strtol(p.get("f"), "Invalid freq (in HZ): " + p.get("f"));
            if (freq <= 0) throw Argp.invalid("Invalid freq (in HZ): " + p.get("f"));
        }
        if (!p.operands().isEmpty()) throw Argp.invalid("unrecognized positional argument: " + p.operands().getFirst());
        int cpus = Cpus.possible();
        if (cpus > MAX_CPU_NR) {
            err.print("the number of cpu cores is too big, please increase MAX_CPU_NR's value and recompile");
            return 1;
        }
        CpufreqSkeleton skel = CpufreqSkeleton.open();
        skel.rodata().filterCg(p.has("c"));
        try (skel) {
            skel.load();
            if (p.has("c")) skel.cgroupMap().putCgroup(0, p.get("c"));
            MapView<Integer, Integer> freqs = skel.freqsMhz();
            for (int cpu = 0; cpu < cpus; cpu++) {
                Integer mhz = curFreqMhz(cpu, err);
                if (mhz == null) {
                    err.println("failed to init freqs");
                    return 1;
                }
                freqs.put(cpu, mhz);
            }
            skel.doSample().attachPerfEvent(PerfEventLink.Event.cpuClock(freq));
            skel.attach();
            boolean json = p.has("json");
            try (Session session = new Session()) {
                if (!json) out.println("Sampling CPU freq system-wide & by process. Ctrl-C to end.");
                out.flush();
                session.every(duration, 1, () -> {
                    StringBuilder sb = new StringBuilder(json ? "" : "\n");
                    for (Map.Entry<HistKey, Hist> e : skel.hists().drain().entrySet()) {
                        int[] slots = e.getValue().slots();
                        if (json) {
                            sb.append(new Json().put("comm", e.getKey().comm()).put("unit", "mhz")
                                    .putRaw("slots", org.bpf4j.tools.Hist.linearJson(slots, 0, HIST_STEP_SIZE))).append('\n');
                        } else {
                            sb.append(org.bpf4j.tools.Hist.linear(slots, 0, HIST_STEP_SIZE, e.getKey().comm())).append('\n');
                        }
                    }
                    Hist sys = skel.syswide().get(0);
                    int[] slots = sys == null ? new int[0] : sys.slots();
                    if (json) {
                        sb.append(new Json().put("syswide", true).put("unit", "mhz")
                                .putRaw("slots", org.bpf4j.tools.Hist.linearJson(slots, 0, HIST_STEP_SIZE))).append('\n');
                    } else {
                        sb.append('\n').append(org.bpf4j.tools.Hist.linear(slots, 0, HIST_STEP_SIZE, "syswide"));
                    }
                    out.print(sb);
                    out.flush();
                });
            }
        }
        return 0;
    }

    /**
     * The CPU's scaling_cur_freq (kHz) in MHz, or null after libbpf-tools' message. (libbpf-tools 0.26
     * stores the kHz as MHz until the first cpu_frequency event: the last slot.)
     */
    static Integer curFreqMhz(int cpu, PrintStream err) {
        Path path = cpuSysfs.resolve("cpu" + cpu + "/cpufreq/scaling_cur_freq");
        String text;
        try {
            text = Files.readString(path).trim();
        } catch (NoSuchFileException e) {
            err.println("failed to open '" + path + "': No such file or directory");
            return null;
        } catch (IOException e) {
            err.println("failed to open '" + path + "': " + e.getMessage());
            return null;
        }
        try {
            return (int) (Long.parseLong(text) / 1000);
        } catch (NumberFormatException e) {
            err.println("failed to parse '" + path + "': Invalid argument");
            return null;
        }
    }
}
