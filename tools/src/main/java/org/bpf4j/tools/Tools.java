package org.bpf4j.tools;

import java.util.List;

/**
 * The tracing tools, in the order of Main's command list. Main dispatches through this list, the
 * AOT training run and the warm-up read it, and the launcher's list of tracing tools is the set
 * of {@code src/main/bpf/*.bpf.c} files, one per tool here (a test checks that both agree).
 */
final class Tools {
    private Tools() {}

    static final List<Tool> ALL = List.of(
            new Syscount(), new Execsnoop(), new Opensnoop(), new Biolatency(), new Runqlat(), new Cpudist(),
            new Hardirqs(), new Softirqs(), new Bitesize(), new Biopattern(), new Runqlen(), new Cpufreq(),
            new Exitsnoop(), new Sigsnoop(), new Killsnoop(), new Javagc(),
            new Syncsnoop(), new Statsnoop(), new Mountsnoop(), new Tcpstates(), new Tcplife(), new Biosnoop(),
            new Runqslower(), new Gethostlatency(), new Bashreadline(),
            new Jvmgc(), new Jvmthreads(), new Jvmclassload(), new Jvmcompile(), new Jvmstat(),
            new Profile(), new Offcputime(), new Futexctn());



    /** The tool called {@code name}, or null. */
    static Tool find(String name) {
        for (Tool t : ALL) if (t.name().equals(name)) return t;
        return null;
    }

    /** The tools' part of Main's usage text. */
    static String usage() {
        StringBuilder sb = new StringBuilder();
        for (Tool t : ALL) {
            String line = "  " + t.name() + " " + t.synopsis();
            sb.append(line).append('\n').append(" ".repeat(23)).append(t.summary()).append('\n');
        }
        return sb.toString();
    }
}
