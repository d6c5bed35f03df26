package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;

/** The tool kit's option parser and help against getopt's rules and Debian's libbpf-tools binaries. */
class ArgpTest {
    private static final Argp ARGP = new Argp("bpf4j t", "doc\n", List.of(
            new Argp.Opt('p', "pid", "PID", "Process"),
            new Argp.Opt('m', "milliseconds", null, "ms"),
            new Argp.Opt('T', "timestamp", null, "ts"),
            new Argp.Opt('D', "disk", null, "per disk"),
            new Argp.Opt('d', "disk", "DISK", "one disk"),
            new Argp.Opt('\0', "pidnss", null, "per pidns")));

    @Test
    void getoptForms() {
        Argp.Parsed p = ARGP.parse(new String[] {"t", "-p1", "5", "-mT", "--", "-m"}, 1);
        assertEquals("1", p.get("p"));
        assertTrue(p.has("m") && p.has("T"));
        assertEquals(List.of("5", "-m"), p.operands());
        assertEquals("7", ARGP.parse(new String[] {"t", "--pid=7"}, 1).get("p"));
        assertEquals("8", ARGP.parse(new String[] {"t", "--pid", "8"}, 1).get("p"));
        assertEquals("9", ARGP.parse(new String[] {"t", "-mp", "9"}, 1).get("p"));
        assertEquals("sda", ARGP.parse(new String[] {"t", "-dsda"}, 1).get("d"));
        assertTrue(ARGP.parse(new String[] {"t", "--milli"}, 1).has("m"), "a unique prefix");
        assertTrue(ARGP.parse(new String[] {"t", "--disk"}, 1).has("D"), "the first of two --disk");
        assertTrue(ARGP.parse(new String[] {"t", "--pidnss"}, 1).has("pidnss"));
        assertEquals("bpf4j t: option '--pi' is ambiguous; possibilities: '--pid' '--pidnss'",
                message("--pi"));
        assertEquals("bpf4j t: invalid option -- 'x'", message("-x"));
        assertEquals("bpf4j t: option requires an argument -- 'p'", message("-p"));
        assertEquals("bpf4j t: option '--pid' requires an argument", message("--pid"));
        assertEquals("bpf4j t: unrecognized option '--nope'", message("--nope"));
        assertEquals("bpf4j t: option '--timestamp' doesn't allow an argument", message("--timestamp=1"));
        assertTrue(ARGP.parse(new String[] {"t", "-?"}, 1).help().startsWith("Usage: bpf4j t [OPTION...]\ndoc\n\n"));
        assertTrue(ARGP.parse(new String[] {"t", "-h"}, 1).helpToStderr);
    }

    private static String message(String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "t";
        System.arraycopy(args, 0, argv, 1, args.length);
        return assertThrows(Argp.UsageError.class, () -> ARGP.parse(argv, 1)).getMessage();
    }

    /** argp's order: by letter ignoring case, lower case first, a long-only option by its name's first letter, ties in table order. */
    @Test
    void helpLayout() {
        String help = ARGP.help();
        assertTrue(help.contains("""
                  -d, --disk=DISK            one disk
                  -D, --disk                 per disk
                      --json                 Print one JSON object per line (NDJSON)
                  -m, --milliseconds         ms
                  -p, --pid=PID              Process
                      --pidnss               per pidns
                  -T, --timestamp            ts
                  -v, --verbose              Verbose debug output
                  -?, --help                 Give this help list
                      --usage                Give a short usage message
                  -V, --version              Print program version

                Mandatory or optional arguments to long options are also mandatory or optional
                for any corresponding short options.
                """), help);
    }

    /** The registry and the launcher's list of tracing tools (src/main/bpf/NAME.bpf.c) name the same tools. */
    @Test
    void everyToolHasItsBpfProgramAndNoMore() throws Exception {
        Set<String> programs = new HashSet<>();
        try (var files = Files.list(Path.of("src/main/bpf"))) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".bpf.c"))
                    .forEach(n -> programs.add(n.substring(0, n.length() - ".bpf.c".length())));
        }
        Set<String> tools = new HashSet<>();
        for (Tool t : Tools.ALL) tools.add(t.name());
        assertEquals(programs, tools);
    }

    /**
     * Each tool's --help beside Debian's libbpf-tools binary: the same options, in the same order
     * and layout, and the same first line of doc; bpf4j adds --json, and names no bug address.
     */
    @Test
    void helpMatchesLibbpfTools() {
        List<String> compared = new ArrayList<>();
        for (Tool t : Tools.ALL) {
            if (NOT_IN_DEBIAN.contains(t.name())) continue;
            Path bin = Path.of("/usr/sbin", t.name());
            KernelTests.require(Files.isExecutable(bin), "no " + bin + " (Debian's libbpf-tools package) to compare with");
            String theirs = Cmd.run(bin.toString(), "--help").out();
            String ours = run(t.name(), "--help");
            assertEquals(options(theirs), options(ours).replaceAll(BPF4J_OPTIONS, ""), t.name());
            assertEquals(theirs.split("\n")[1], ours.split("\n")[1], t.name() + ": the doc's first line");
            compared.add(t.name());
        }
        assertEquals(Tools.ALL.size() - NOT_IN_DEBIAN.size(), compared.size(), compared.toString());
    }

    /** The help lines of bpf4j's own options: --json, and offcputime's -f and --svg. */
    static final String BPF4J_OPTIONS = "(?m)^  (    |-f, )--(json|folded|svg=FILE) .*\n";

    /**
     * Tools Debian's libbpf-tools 0.26 does not ship: profile needs blazesym there; syncsnoop is
     * newer; futexctn came later (FutexctnTest compares it with one built from bcc's sources, on
     * request); the jvm* tools are bpf4j's own, with no libbpf-tools namesake.
     */
    static final Set<String> NOT_IN_DEBIAN = Set.of("profile", "syncsnoop", "futexctn",
            "jvmgc", "jvmthreads", "jvmclassload", "jvmcompile", "jvmstat");

    /** From the first option line to the end, without the bug address. */
    static String options(String help) {
        int at = help.indexOf("\n  -");
        String s = help.substring(at + 1);
        return s.replaceAll("\nReport bugs to .*\n", "");
    }

    static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, Main.run(args, o, o));
        return out.toString(StandardCharsets.UTF_8);
    }
}
