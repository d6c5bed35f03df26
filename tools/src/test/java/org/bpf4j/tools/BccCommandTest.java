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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.SysNr;
import org.bpf4j.testing.BccTests;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bpf4j bcc}: BCC-style C compiled, run, its maps and events printed. */
class BccCommandTest {
    static final String TRACING = "Tracing... Hit Ctrl-C to end.\n";

    @TempDir
    Path dir;

    static void requireClang() {
        BccTests.requireToolchain();
    }

    static Path source(String name) {
        return BccTests.source(name);
    }

    @Test
    void structKeysArePrintedTypedAtExit() throws Exception {
        KernelTests.requireKernel();
        requireClang();
        SyscountTest.Running bcc = new SyscountTest.Running("bcc", source("struct_keys.c").toString());
        bcc.awaitOutput(TRACING, 120_000);
        int[] tid = new int[1];
        Thread w = new Thread(() -> {
            tid[0] = (int) Native.call(SysNr.GETTID, 0);
            for (int i = 0; i < 100; i++) Native.call(SysNr.GETPID, 0);
        }, "bcc-getpid");
        w.start();
        w.join();
        bcc.thread.interrupt(); // as Ctrl+C
        assertEquals(0, bcc.join(60_000), bcc.errBuf.toString());
        String out = bcc.output();
        assertTrue(out.contains("\ncounts[{tid=" + tid[0] + ", comm=\"bcc-getpid\"}]: 100\n"), out);
    }

    @Test
    void tracePrintkLinesArePrintedAsTheyCome() throws Exception {
        KernelTests.requireKernel();
        requireClang();
        SyscountTest.Running bcc = new SyscountTest.Running("bcc", source("printk.c").toString());
        bcc.awaitOutput(TRACING, 120_000);
        int tid = (int) Native.call(SysNr.GETTID, 0);
        // trace_pipe is the system's: other output may come in between
        String want = "bpf4j-bcc-printk tid " + tid;
        for (long deadline = System.currentTimeMillis() + 30_000; !bcc.output().contains(want); Thread.sleep(20)) {
            assertTrue(System.currentTimeMillis() < deadline, "no '" + want + "': " + bcc.output());
            Native.call(SysNr.GETPID, 0);
        }
        bcc.thread.interrupt();
        assertEquals(0, bcc.join(60_000), bcc.errBuf.toString());
        assertTrue(bcc.output().matches("(?s).*\\n[^\\n]*bpf_trace_printk: " + want + "\\n.*"), bcc.output());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("bpf4j-trace-pipe")
                && t.isAlive() && waitDead(t)), "the trace_pipe reader stops with the program");
    }

    /** False once {@code t} ended within 10 s. */
    static boolean waitDead(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return t.isAlive();
    }

    @Test
    void perfRecordsDecodedAsJson() throws Exception {
        KernelTests.requireKernel();
        requireClang();
        SyscountTest.Running bcc = new SyscountTest.Running("bcc", "--json", "--decode", "event",
                source("perf_output.c").toString());
        List<Long> pids = new ArrayList<>();
        // --json prints no banner: wait for the first record of some exec, then run ours
        long deadline = System.currentTimeMillis() + 120_000;
        while (!bcc.output().contains("{\"map\": \"events\"")) {
            assertTrue(System.currentTimeMillis() < deadline && bcc.thread.isAlive(), "no record: " + bcc.output() + bcc.errBuf);
            new ProcessBuilder("/bin/true").start().waitFor();
            Thread.sleep(50);
        }
        for (int i = 0; i < 5; i++) {
            Process p = new ProcessBuilder("/bin/true").start();
            pids.add(p.pid());
            p.waitFor();
        }
        for (deadline = System.currentTimeMillis() + 30_000; System.currentTimeMillis() < deadline; Thread.sleep(50)) {
            String out = bcc.output();
            if (pids.stream().allMatch(pid -> out.contains("\"pid\": " + pid + ", \"comm\": \"true\""))) break;
        }
        bcc.thread.interrupt();
        assertEquals(0, bcc.join(60_000), bcc.errBuf.toString());
        String out = bcc.output();
        for (long pid : pids) {
            Matcher m = Pattern.compile("(?m)^\\{\"map\": \"events\", \"cpu\": \\d+, \"record\": \\{\"pid\": " + pid
                    + ", \"comm\": \"true\"\\}\\}$").matcher(out);
            assertTrue(m.find(), "pid " + pid + ": " + out);
            assertTrue(!m.find(), "one record per exec: " + out);
        }
    }

    @Test
    void syntaxErrorNamesTheFileAndLine() throws Exception {
        requireClang();
        Path f = dir.resolve("broken.c");
        Files.writeString(f, "BPF_HASH(counts);\n\nTRACEPOINT_PROBE(sched, sched_switch) {\n    return args->nope;\n}\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        // no tracefs needed: the error comes from clang; but the struct of the args needs the format
        KernelTests.require(Files.isReadable(Path.of("/sys/kernel/tracing/events/sched/sched_switch/format")),
                "no readable tracefs (root)");
        int rc = Main.run(new String[] {"bcc", f.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, rc);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("bpf4j bcc: " + f
                + ":4:18: error: no member named 'nope' in 'struct tracepoint__sched__sched_switch'"), err.toString());
    }

    /** Runs the command line in a JVM of its own with {@code env} added. */
    static String[] runJvm(List<String> env, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        for (String e : env) pb.environment().put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] o = p.getInputStream().readAllBytes(), e = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String[] {Integer.toString(p.exitValue()), new String(o, StandardCharsets.UTF_8), new String(e, StandardCharsets.UTF_8)};
    }

    @Test
    void missingClangIsOneLineAndNothingElseNeedsIt() throws Exception {
        Path f = dir.resolve("counter.c");
        Files.writeString(f, "BPF_HASH(counts, u32, u64);\n");
        List<String> env = List.of("BPF4J_CLANG=" + dir.resolve("no/clang"));
        String[] r = runJvm(env, "bcc", f.toString());
        assertEquals("1", r[0], r[2]);
        assertEquals("", r[1]);
        assertEquals("bpf4j bcc: no clang at " + dir.resolve("no/clang") + " (BPF4J_CLANG=" + dir.resolve("no/clang")
                + "): install clang 15 or newer and libbpf's headers (Debian/Ubuntu: apt-get install clang-19 libbpf-dev;"
                + " Fedora: dnf install clang libbpf-devel), or set BPF4J_CLANG to a clang executable\n", r[2]);
        // the rest of bpf4j runs without clang
        String[] v = runJvm(env, "btf", "dump", "--type", "pid_t");
        assertEquals("0", v[0], v[2]);
        assertTrue(v[1].contains("typedef __kernel_pid_t pid_t;"), v[1]);
    }

    @Test
    void jshellHasBpf4jImported() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        String in = "System.out.println(\"codec \" + Codecs.U32.size() + \" \" + Bcc.class.getName())\n/exit\n";
        int rc = JshellCommand.run(new String[] {"jshell", "-q"}, new java.io.ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("codec 4 org.bpf4j.bcc.Bcc"), out + "/" + err);
    }
}
