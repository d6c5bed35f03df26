package org.bpf4j.tools;

import java.io.PrintStream;
import java.util.List;

/**
 * A tracing tool of the {@code bpf4j} command: its option table (from which {@link Argp} makes
 * the parser, the help and the errors), its BPF object ({@code src/main/bpf/NAME.bpf.c}, whose
 * skeleton the build generates) and what it does with the parsed command line. {@link Tools}
 * lists them for Main, the AOT training run, the warm-up and the launcher.
 */
abstract class Tool {
    private final String name;
    private final String synopsis;
    private final String summary;
    private final String doc;
    private final List<Argp.Opt> options;

    /**
     * @param synopsis the options in Main's command list ({@code [-T] [-m] [interval] [count]})
     * @param summary one line for Main's command list
     * @param doc argp's doc: the help text between the usage line and the options
     */
    Tool(String name, String synopsis, String summary, String doc, List<Argp.Opt> options) {
        this.name = name;
        this.synopsis = synopsis;
        this.summary = summary;
        this.doc = doc;
        this.options = options;
    }

    final String name() {
        return name;
    }

    final String synopsis() {
        return synopsis;
    }

    final String summary() {
        return summary;
    }

    final Argp argp() {
        return new Argp("bpf4j " + name, doc, options);
    }

    /** The class path resource of the tool's BPF object, next to its skeleton. */
    String objectResource() {
        return "bpf/" + name + ".bpf.o";
    }

    /** The kernel types the object's CO-RE relocations look up: the warm-up thread looks them up first. */
    String[] coreTypes() {
        return new String[0];
    }

    /** Runs the tool on a parsed command line; returns the exit status. */
    abstract int run(Argp.Parsed args, PrintStream out, PrintStream err);

    /** Parses, answers --help/--usage/--version, runs. */
    final int main(String[] argv, PrintStream out, PrintStream err) {
        Argp argp = argp();
        try {
            Argp.Parsed p = argp.parse(argv, 1);
            if (p.help() != null) {
                (p.helpToStderr ? err : out).print(p.help());
                return 0;
            }
            checkPids(p);
            return run(p, out, err);
        } catch (Argp.UsageError e) {
            err.print(argp.errorText(e));
            return Argp.EX_USAGE;
        }
    }

    /**
     * A {@code -p PID} (or {@code -p PID,PID}) naming a process that does not exist is an error
     * naming it, before anything is loaded: traced, it would show nothing and exit 0. What is no
     * number is left to the tool, which reports it as a usage error.
     */
    private void checkPids(Argp.Parsed p) {
        String v = p.get("p");
        if (v == null || !takesPid()) return;
        for (String one : v.split(",")) {
            long pid;
            try {
                pid = Long.parseLong(one.trim());
            } catch (NumberFormatException e) {
                continue;
            }
            if (pid > 0 && pid <= Integer.MAX_VALUE && !java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/" + pid))) {
                throw new org.bpf4j.BpfException("-p " + pid + ": no such process");
            }
        }
    }

    private boolean takesPid() {
        for (Argp.Opt o : options) {
            if (o.key() == 'p' && "pid".equals(o.name())) return true;
        }
        return false;
    }

    // ---- the options and checks libbpf-tools' tools share

    static final Argp.Opt TIMESTAMP = new Argp.Opt('T', "timestamp", null, "Include timestamp on output");
    static final Argp.Opt MILLISECONDS = new Argp.Opt('m', "milliseconds", null, "Millisecond histogram");
    static final Argp.Opt CGROUP = new Argp.Opt('c', "cgroup", "/sys/fs/cgroup/unified", "Trace process in cgroup path");
    /** runqlat's and cpudist's -P, -L and -p. */
    static final Argp.Opt PIDS = new Argp.Opt('P', "pids", null, "Print a histogram per process ID"),
            TIDS = new Argp.Opt('L', "tids", null, "Print a histogram per thread ID"),
            PID = new Argp.Opt('p', "pid", "PID", "Trace this PID only");

    /** A positive PID/TID-like number, or the tool's message ({@code Invalid PID: x}). */
    static int positive(String value, String message) {
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n <= 0 || n > Integer.MAX_VALUE) throw Argp.invalid(message + value);
        return (int) n;
    }

    /** strtol(3) as libbpf-tools read their [interval] [count] operands: a number, or {@code message}. */
    static long strtol(String value, String message) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw Argp.invalid(message);
        }
    }

    /** {@code (uid_t) -1}: no uid filter. */
    static final long INVALID_UID = 0xffffffffL;

    /** A {@code -u UID} value, checked as libbpf-tools do ({@code Invalid UID ...}). */
    static long uid(String v) {
        long uid;
        try {
            uid = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            uid = -1;
        }
        if (uid < 0 || uid >= INVALID_UID) throw Argp.invalid("Invalid UID " + v);
        return uid;
    }
}
