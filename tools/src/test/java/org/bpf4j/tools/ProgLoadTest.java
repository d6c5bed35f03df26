package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code bpf4j prog load} on objects bpf4j did not build, and bad input through the command line. */
class ProgLoadTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String fixture(String name) {
        return KernelTests.fixture(name).toString();
    }

    @Test
    void loadsEveryProgramAndReportsEach() {
        Result r = run("prog", "load", fixture("obj_full.o"));
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals("""
                on_getppid\ttracepoint\tok
                on_raw_sys_enter\traw_tracepoint\tok
                on_sched_switch\ttracing\tok
                xdp_pass\txdp\tok
                sock_len\tsocket_filter\tok
                not_autoloaded\ttracepoint\tok
                """, r.out());
    }

    @Test
    void namedProgramsOnly() {
        Result r = run("prog", "load", fixture("obj_full.o"), "--program", "xdp_pass", "--program=sock_len");
        assertEquals(0, r.status(), r.err());
        assertEquals("xdp_pass\txdp\tok\nsock_len\tsocket_filter\tok\n", r.out());
    }

    @Test
    void verifierRejectionShowsTheLastLineAndExitsNonZero() {
        Result r = run("prog", "load", fixture("obj_verifier.o"));
        assertEquals(1, r.status());
        assertTrue(r.out().startsWith("no_null_check\ttracepoint\tverifier: R0 invalid mem access 'map_value_or_null'"),
                r.out());
        assertTrue(r.out().contains("(at obj_verifier.bpf.c:19: return *v + 1;"), r.out());
    }

    @Test
    void missingMapTypeIsNamed() {
        Result r = run("prog", "load", fixture("obj_badmaptype.o"));
        assertEquals(1, r.status());
        assertEquals("uses_maps\ttracepoint\tmap type type 99 is not supported by this kernel: map 'future' needs it "
                + "(a type number this kernel and bpf4j do not know)\n", r.out());
    }

    @Test
    void unknownSectionFailsOnlyItsProgram() {
        Result r = run("prog", "load", fixture("obj_sections.o"));
        assertEquals(1, r.status(), r.out() + r.err());
        assertEquals("", r.err());
        String[] lines = r.out().split("\n");
        assertEquals(5, lines.length, r.out());
        assertEquals("known\ttracepoint\tok", lines[0]);
        assertEquals("guessed_xdp\txdp\tok", lines[1]);
        assertEquals("guessed_perf\tperf_event\tok", lines[2]);
        assertEquals("on_usdt\tkprobe\tok", lines[3]);
        assertTrue(lines[4].startsWith("misspelled\tunspec\t" + fixture("obj_sections.o")
                + ": section tracepont/syscalls/sys_enter_getppid: program 'misspelled': unknown section name"), lines[4]);
    }

    @Test
    void verboseExplainsEveryExternKfuncAndUsdtSite(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("config");
        Files.writeString(cfg, "CONFIG_HZ=300\nCONFIG_BPF4J_STR=\"hello\"\n");
        Result r = run("prog", "load", fixture("externs.o"), "--kconfig", cfg.toString(), "-v");
        assertEquals(0, r.status(), r.out() + r.err());
        List<String> lines = List.of(r.out().split("\n"));
        assertEquals("read_kconfig\tsyscall\tok", lines.get(0));
        assertTrue(lines.contains("  extern (kcfg) 'CONFIG_HZ' = 300 (" + cfg + ")"), r.out());
        assertTrue(lines.contains("  extern (kcfg) 'CONFIG_BPF4J_STR' (weak) = \"hello\" (" + cfg + ")"), r.out());
        assertTrue(lines.contains("  extern (kcfg) 'CONFIG_BPF4J_ABSENT' (weak) unresolved: not set in " + cfg
                + "; reads as 0"), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("  extern (kcfg) 'LINUX_KERNEL_VERSION' = ")), r.out());
        int ksyms = lines.indexOf("use_ksyms\tsyscall\tok");
        assertTrue(ksyms > 0, r.out());
        List<String> k = lines.subList(ksyms + 1, lines.size());
        assertTrue(k.stream().anyMatch(l -> l.matches("  extern \\(ksym\\) '_stext' = 0x[0-9a-f]+ \\(/proc/kallsyms\\)")), r.out());
        assertTrue(k.stream().anyMatch(l -> l.matches("  extern \\(func ksym\\) 'bpf_task_from_pid' -> vmlinux \\[\\d+\\] "
                + "FUNC bpf_task_from_pid")), r.out());
        assertTrue(k.contains("  extern (func ksym) 'bpf4j_no_such_kfunc' (weak) unresolved: not found in kernel or "
                + "module BTFs; calls to it must be dead code"), r.out());

        Result u = run("prog", "load", fixture("usdt.o"), "--program", "on_auto", "-v");
        assertEquals(0, u.status(), u.out() + u.err());
        String[] ul = u.out().split("\n");
        assertEquals("on_auto\tkprobe\tok", ul[0]);
        assertTrue(ul.length > 1 && ul[1].matches("  usdt hotspot:gc__end at 0x[0-9a-f]+ \\(file offset 0x[0-9a-f]+\\), "
                + "args '.*'"), u.out());
    }

    @Test
    void truncatedFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        byte[] all = Files.readAllBytes(KernelTests.fixture("obj_full.o"));
        Path cut = dir.resolve("cut.o");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 3));
        Result r = run("prog", "load", cut.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("bpf4j prog: " + cut), r.err());
        assertEquals(1, r.err().strip().split("\n").length, "one line: " + r.err());
    }

    @Test
    void withoutPrivilegesTheMessageNamesTheCapability() throws Exception {
        KernelTests.require(Files.exists(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) is needed");
        // a child JVM as user nobody with no capabilities at all
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "prog", "load",
                fixture("obj_full.o"), "--program", "xdp_pass"));
        Process p = new ProcessBuilder(cmd).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        KernelTests.require(!err.contains("AccessDenied") && !err.contains("Permission denied: ")
                || out.contains("xdp_pass"), "the test classes must be readable by user nobody: " + err);
        assertEquals(1, p.exitValue(), out + err);
        assertTrue(out.startsWith("xdp_pass\txdp\tBPF_BTF_LOAD: EPERM (1) Operation not permitted: the BTF of "),
                out + err);
        assertTrue(out.contains("run as root or grant CAP_BPF"), out);
    }
}
