package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;

/** The command line without the kernel: names, options, usage errors. */
class CliTest {
    @Test
    void listsSyscallNamesAndUnknownNumbers() {
        assertEquals("getppid", SyscallNames.name(110));
        assertEquals("bpf", SyscallNames.name(321));
        assertEquals("[unknown: 999]", SyscallNames.name(999));
        assertEquals("[unknown: 4294967295]", SyscallNames.name(-1));
    }

    @Test
    void badOptionsAreUsageErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(64, Main.run(new String[] {"syscount", "-p", "abc"}, System.out, e));
        assertEquals("invalid PID: abc\nUsage: bpf4j syscount [OPTION...]\n"
                + "Try `bpf4j syscount --help' or `bpf4j syscount --usage' for more information.\n",
                err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(64, Main.run(new String[] {"syscount", "-q"}, System.out, e));
        assertEquals("bpf4j syscount: invalid option -- 'q'\n"
                + "Try `bpf4j syscount --help' or `bpf4j syscount --usage' for more information.\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownProgramIsOneLineNamingTheKnownOnes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        String obj = KernelTests.fixture("obj_full.o").toString();
        assertEquals(1, Main.run(new String[] {"prog", "load", obj, "--program", "nosuch"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertEquals("bpf4j prog: " + obj + ": no program 'nosuch' (programs: on_getppid, on_raw_sys_enter, "
                + "on_sched_switch, xdp_pass, sock_len, not_autoloaded)\n", err.toString(StandardCharsets.UTF_8));
    }

    static String usageError(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        // the tools exit as argp does (EX_USAGE), the other commands with 2 (README's table)
        assertEquals(Tools.find(args[0]) != null ? 64 : 2, Main.run(args, System.out, e), String.join(" ", args));
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void snoopOptionsAreCheckedAsLibbpfToolsDo() {
        assertTrue(usageError("execsnoop", "--max-args", "0").contains("Invalid MAX_ARGS 0, should be in [1, 60] range"));
        assertTrue(usageError("execsnoop", "--max-args=61").contains("Invalid MAX_ARGS 61, should be in [1, 60] range"));
        assertTrue(usageError("execsnoop", "-u", "4294967295").contains("Invalid UID 4294967295"));
        assertTrue(usageError("execsnoop", "-z").contains("bpf4j execsnoop: invalid option -- 'z'"));
        assertTrue(usageError("execsnoop", "--zz").contains("bpf4j execsnoop: unrecognized option '--zz'"));
        assertTrue(usageError("execsnoop", "--quote=1").contains("option '--quote' doesn't allow an argument"));
        assertTrue(usageError("execsnoop", "-u").contains("option requires an argument -- 'u'"));
        assertTrue(usageError("opensnoop", "-p", "0").contains("Invalid PID: 0"));
        assertTrue(usageError("opensnoop", "-t", "x").contains("Invalid TID: x"));
        assertTrue(usageError("opensnoop", "-d", "-1").contains("Invalid duration: -1"));
        assertTrue(usageError("opensnoop", "a", "b").contains("Unrecognized positional argument: b"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, Main.run(new String[] {"execsnoop", "--help"}, o, System.err));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: bpf4j execsnoop [OPTION...]\n"));
        out.reset();
        assertEquals(0, Main.run(new String[] {"opensnoop", "-?"}, o, System.err));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("-x, --failed               Failed opens only"));
        out.reset();
        assertEquals(0, Main.run(new String[] {"help"}, o, System.err));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("execsnoop [-T] [-t] [-x]"));
    }

    /** {@code --help} and {@code --version} on every command, and the README's exit statuses. */
    @Test
    void everyCommandTakesHelpAndVersion() {
        String[][] commands = {{"prog"}, {"prog", "load"}, {"core"},
            {"core", "relocs"}, {"core", "check"}, {"btf"}, {"btf", "dump"}, {"gen"}, {"gen", "skeleton"}, {"features"}};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        for (String[] c : commands) {
            for (String flag : new String[] {"--help", "--version"}) {
                String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(c), java.util.stream.Stream.of(flag))
                        .toArray(String[]::new);
                out.reset();
                assertEquals(0, Main.run(args, o, System.err), String.join(" ", args));
                String text = out.toString(StandardCharsets.UTF_8);
                if (flag.equals("--version")) assertEquals("bpf4j " + Main.version() + "\n", text, String.join(" ", args));
                else assertTrue(text.toLowerCase(java.util.Locale.ROOT).startsWith("usage: bpf4j " + c[0]), String.join(" ", args) + ": " + text);
            }
        }
        // the tools answer as argp does for their libbpf-tools namesakes (argp_program_version
        // "syscount 0.1"), under the name they are run by: bpf4j NAME VERSION
        for (Tool tool : Tools.ALL) {
            for (String flag : new String[] {"-V", "--version"}) {
                out.reset();
                assertEquals(0, Main.run(new String[] {tool.name(), flag}, o, System.err), tool.name() + " " + flag);
                assertEquals("bpf4j " + tool.name() + " " + Main.version() + "\n", out.toString(StandardCharsets.UTF_8),
                        tool.name() + " " + flag);
            }
        }
        assertTrue(Main.version().matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), Main.version());
        assertTrue(usageError("nosuchcommand").startsWith("bpf4j: unknown command 'nosuchcommand' (`bpf4j help` lists the commands)\n"));
        assertTrue(usageError("btf", "dump", "--nosuchoption").contains("--nosuchoption"));
        assertTrue(usageError("prog", "--type").contains("--type"));
        assertEquals(2, Main.run(new String[0], o, new PrintStream(new ByteArrayOutputStream())), "no command");
    }

    @Test
    void argsReadShortLongCombinedAndInlineValues() {
        String[] table = {"-p", "--pid=", "-L", "--latency", "-m", "--milliseconds"};
        Args a = new Args(new String[] {"x", "-p42", "-Lm", "--pid=7", "pos", "--pid", "9", "-p", "3"}, 1);
        assertEquals("--pid", a.next(table));
        assertEquals("42", a.value("--pid"));
        assertEquals("--latency", a.next(table));
        assertEquals("--milliseconds", a.next(table));
        assertEquals("--pid", a.next(table));
        assertEquals("7", a.value("--pid"));
        assertEquals("--pid", a.next(table));
        assertEquals("9", a.value("--pid"));
        assertEquals("--pid", a.next(table));
        assertEquals("3", a.value("--pid"));
        assertEquals(null, a.next(table));
        assertEquals(java.util.List.of("pos"), a.positional());
    }

    @Test
    void theSkeletonEmbedsTheObjectByteForByte() throws Exception {
        byte[] resource;
        try (var in = org.bpf4j.tools.bpf.SyscountSkeleton.class.getResourceAsStream(
                org.bpf4j.tools.bpf.SyscountSkeleton.OBJECT_RESOURCE)) {
            resource = in.readAllBytes();
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(resource, org.bpf4j.tools.bpf.SyscountSkeleton.objectBytes());
    }
}
