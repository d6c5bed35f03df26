package org.bpf4j.tools;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import org.bpf4j.BpfException;

/** The {@code bpf4j} command line. */
public final class Main {
    private Main() {}

    static final String USAGE = """
            usage: bpf4j COMMAND [ARGS...]

            Tools:
            """ + Tools.usage() + """
            Object files:
              prog load OBJECT [--program NAME]... [--btf FILE]
                                   load the programs of a BPF object (without attaching them),
                                   report each, unload: like bpftool prog loadall
              core relocs OBJECT [--btf FILE] [-v]
                                   the object's CO-RE relocations as they resolve against a
                                   kernel's BTF (default: the running kernel's)
              core check OBJECT [--btf FILE]...
                                   portability check: would the object load on these kernels,
                                   and which relocations do not resolve
              btf dump [FILE] [--format c|raw] [--type NAME]...
                                   print BTF (default: the kernel's) as C (a vmlinux.h) or raw
              gen skeleton OBJECT --package P --out DIR
                                   write a typed Java skeleton of a BPF object
              bcc FILE.c [-d SECONDS] [--decode STRUCT] [--json]
                                   compile a BCC-style C program at run time, run it, print its
                                   events and, at exit, its maps (needs clang and libbpf-dev)
              jshell               jshell with bpf4j on the class path and its packages imported
              exporter --config.dir DIR --config.names A,B [--web.listen-address 127.0.0.1:9435]
                                   run ebpf_exporter's configs (NAME.yaml + NAME.bpf.o) and serve
                                   their metrics to Prometheus (module exporter/)
              jfr record -p PID [-d DURATION] [-o FILE] [--events LIST], jfr summary FILE
                                   kernel events of a process (off-CPU, file opens, slow system
                                   calls) as a JFR recording; off-CPU time per thread (module jfr/)
            Kernel:
              prog { show | list } [id ID | pinned FILE | name NAME] [-j|-p]
                                   the loaded programs, like bpftool prog show; also prog pin
                                   PROG FILE, prog unpin FILE
              map { show | list | dump } [MAP] [-j|-p], map lookup|update|delete|pin ...
                                   the maps and their contents, typed from BTF, like bpftool
              link { show | list } [LINK] [-j|-p], link pin|detach LINK ...
                                   the BPF links, like bpftool link show
              btf list [id ID] [-j|-p]
                                   the BTF objects and the programs and maps using them
              perf list [-j|-p]    programs attached through perf events and raw tracepoints,
                                   with the process and fd holding each
              features [--full] [--section SECTION]...
                                   what this kernel supports (program and map types, helpers,
                                   attach kinds), like bpftool feature probe
            Other:
              help                 this text (also `COMMAND --help`)
              version              bpf4j's version (also `COMMAND --version`)

            Run `bpf4j COMMAND --help` for a command's options. Most commands need root (or
            CAP_BPF, CAP_PERFMON and, for tracepoints, CAP_DAC_READ_SEARCH).
            Exit status: 0 success, 1 failure (the kernel refused, a bad object file, a failed
            check), 2 a usage error (64 for the tools, as argp exits).
            """;

    public static void main(String[] args) {
        // a tool's SIGINT/SIGTERM handlers from the start: a signal that comes while it still loads
        // its programs ends it as soon as it traces, instead of being lost (ignored in a script's
        // background job) or killing it halfway through attaching
        if (args.length > 0 && Tools.find(args[0]) != null) Session.armEarly();
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a command; returns the exit status. Every failure ends in one line on {@code err} and
     * a status of the README's table: an error bpf4j did not foresee (a bug) too, whose stack
     * trace {@code --debug} (anywhere before a {@code --}) adds; output that cannot be written
     * (a full disk, a closed pipe) is status 1.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE);
            return 2;
        }
        boolean debug = false;
        for (int i = 1; i < args.length && !args[i].equals("--"); i++) {
            if (args[i].equals("--debug")) {
                debug = true;
                String[] rest = new String[args.length - 1];
                System.arraycopy(args, 0, rest, 0, i);
                System.arraycopy(args, i + 1, rest, i, args.length - i - 1);
                args = rest;
                i--;
            }
        }
        String cmd = args[0];
        int status;
        try {
            status = dispatch(args, out, err);
        } catch (UncheckedIOException e) {
            err.println("bpf4j " + cmd + ": " + e.getMessage());
            if (debug) e.printStackTrace(err);
            return 1;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            err.println("bpf4j " + cmd + ": internal error: " + e
                    + (debug ? "" : " (--debug prints where; please report it)"));
            if (debug) e.printStackTrace(err);
            return 1;
        }
        if (out.checkError()) {
            err.println("bpf4j " + cmd + ": error writing the output");
            return 1;
        }
        return status;
    }

    private static int dispatch(String[] args, PrintStream out, PrintStream err) {
        String cmd = args[0];
        Tool tool = Tools.find(cmd);
        // a tool answers --version/-V itself, as argp does ("syscount 0.1.0"); the other commands here
        if (tool == null && asksVersion(args)) {
            out.println("bpf4j " + version());
            return 0;
        }
        if (tool != null) Warmup.start(tool.coreTypes());
        try {
            if (tool != null) return tool.main(args, out, err);
            return switch (cmd) {
                case "prog" -> ProgCommand.run(args, out, err);
                case "core" -> CoreCommand.run(args, out, err);
                case "btf" -> BtfCommand.run(args, out, err);
                case "map" -> MapCommand.run(args, out, err);
                case "link" -> LinkCommand.run(args, out, err);
                case "perf" -> PerfCommand.run(args, out, err);
                case "gen" -> GenCommand.run(args, out, err);
                case "features" -> FeaturesCommand.run(args, out, err);
                case "bcc" -> BccCommand.run(args, out, err);
                case "jshell" -> JshellCommand.run(args, out, err);
                case "exporter" -> module("org.bpf4j.exporter.ExporterCommand", "exporter", args, out, err);
                case "jfr" -> module("org.bpf4j.jfr.JfrCommand", "jfr", args, out, err);
                case "help", "--help", "-h" -> {
                    out.print(USAGE);
                    yield 0;
                }
                case "__train" -> Train.run(out);
                case "version", "--version" -> {
                    out.println("bpf4j " + version());
                    yield 0;
                }
                default -> {
                    err.println("bpf4j: unknown command '" + cmd + "' (`bpf4j help` lists the commands)");
                    yield 2;
                }
            };
        } catch (Args.UsageException e) {
            err.println("bpf4j " + cmd + ": " + e.getMessage());
            err.println("Try `bpf4j " + cmd + " --help' for more information.");
            return 2;
        } catch (BpfException e) {
            err.println("bpf4j " + cmd + ": " + e.getMessage());
            return 1;
        }
    }

    /**
     * {@code bpf4j exporter}, {@code bpf4j jfr}: a module that depends on this one (exporter/, with its
     * Prometheus and YAML libraries; jfr/) found on the class path, as the launcher puts it there.
     */
    static int module(String className, String name, String[] args, PrintStream out, PrintStream err) {
        try {
            var run = Class.forName(className)
                    .getMethod("run", String[].class, PrintStream.class, PrintStream.class);
            return (Integer) run.invoke(null, args, out, err);
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            err.println("bpf4j " + name + ": the " + name + " module is not on the class path (build the " + name
                    + " module: mvn package, then run it through ./bpf4j)");
            return 1;
        } catch (ReflectiveOperationException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error r) throw r;
            throw new IllegalStateException(c);
        }
    }

    /** Whether a (non-tool) command's options ask for the version: {@code --version} anywhere before a {@code --}. */
    static boolean asksVersion(String[] args) {
        for (int i = 1; i < args.length && !args[i].equals("--"); i++) {
            if (args[i].equals("--version")) return true;
        }
        return false;
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
