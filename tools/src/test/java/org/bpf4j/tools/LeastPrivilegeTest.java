package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bpf4j.link.Tracefs;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.bpf4j.testing.Unprivileged;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tools as a user other than root with exactly the capabilities the README lists (setpriv:
 * uid nobody, those capabilities in every set, no others): exact counts, and without one of them
 * a message that names it.
 */
class LeastPrivilegeTest {
    /** The README's list, in its words ("the capabilities `CAP_BPF`, `CAP_PERFMON` and ..."). */
    static final List<String> CAPS = List.of("CAP_BPF", "CAP_PERFMON", "CAP_DAC_READ_SEARCH");
    static final Map<String, Integer> BITS = Map.of("CAP_BPF", 39, "CAP_PERFMON", 38, "CAP_DAC_READ_SEARCH", 2);
    static final int NOBODY = Unprivileged.NOBODY;

    /** The class directories of core and tools, copied where uid nobody can read them. */
    static Path classes;
    static String classPath;

    @BeforeAll
    static void setUp() throws IOException {
        KernelTests.requireKernel();
        KernelTests.require(Cmd.available("setpriv"), "no setpriv (Debian: apt-get install util-linux)");
        Tracefs.root(); // mounted, as root, if it was not
        classes = Files.createTempDirectory("bpf4j-least-privilege-");
        List<String> cp = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path p = Path.of(entry);
            // the main classes (and BPF objects) of core and tools, a directory or a jar; not the tests, not ~/.m2
            boolean dir = Files.isDirectory(p) && p.endsWith(Path.of("target", "classes"));
            String name = p.getFileName().toString();
            boolean jar = name.startsWith("bpf4j-core-") && name.endsWith(".jar") && !name.endsWith("-tests.jar");
            if (!dir && !jar) continue;
            Path copy = classes.resolve(cp.size() + (jar ? ".jar" : ""));
            if (dir) Unprivileged.copyTree(p, copy);
            else Files.copy(p, copy);
            cp.add(copy.toString());
        }
        assertEquals(2, cp.size(), "core's and tools' classes on the class path: " + System.getProperty("java.class.path"));
        classPath = String.join(":", cp);
        Unprivileged.makeReadable(classes);
    }

    @AfterAll
    static void tearDown() throws IOException {
        Unprivileged.deleteTree(classes);
    }

    /** {@code bpf4j ARGS} as uid nobody with exactly {@code caps}; stderr goes to stdout. */
    static Process bpf4j(List<String> caps, String... args) throws IOException {
        List<String> cmd = Unprivileged.java(caps, classPath, Main.class.getName(), args);
        return new ProcessBuilder(cmd).directory(classes.toFile()).redirectErrorStream(true).start();
    }

    /** The output of a process, read by a thread of its own. */
    static final class Output {
        final StringBuffer text = new StringBuffer();
        final Process process;

        Output(Process p) {
            process = p;
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) text.append(l).append('\n');
                } catch (IOException ignored) {
                    // the process was stopped
                }
            });
            t.setDaemon(true);
            t.start();
        }

        void await(Pattern p, int n, long millis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + millis;
            while (count(p) < n) {
                if (!process.isAlive() && count(p) < n) fail("ended (" + process.exitValue() + ") before " + n + " × " + p + ": " + text);
                if (System.currentTimeMillis() > deadline) fail("only " + count(p) + " of " + n + " × " + p + " after " + millis + " ms: " + text);
                Thread.sleep(20);
            }
        }

        int count(Pattern p) {
            Matcher m = p.matcher(text);
            int n = 0;
            while (m.find()) n++;
            return n;
        }
    }

    /** The process runs as nobody with exactly {@code caps} in its effective set. */
    static void assertCredentials(Process p, List<String> caps) throws IOException {
        long want = 0;
        for (String c : caps) want |= 1L << BITS.get(c);
        String status = Files.readString(Path.of("/proc", Long.toString(p.pid()), "status"));
        Matcher eff = Pattern.compile("(?m)^CapEff:\\s+([0-9a-f]+)$").matcher(status);
        assertTrue(eff.find(), status);
        assertEquals(Long.toHexString(want), Long.toHexString(Long.parseUnsignedLong(eff.group(1), 16)), "CapEff");
        assertTrue(Pattern.compile("(?m)^Uid:\\s+" + NOBODY + "\\s+" + NOBODY + "\\s").matcher(status).find(), status);
    }

    @Test
    void readmeListsTheseCapabilities() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("README.md"));
        assertTrue(readme.contains("the capabilities `CAP_BPF`, `CAP_PERFMON` and `CAP_DAC_READ_SEARCH`"),
                "README's Requirements name " + CAPS);
    }

    @Test
    void syscountCountsExactlyTheGetppidCalls() throws Exception {
        int n = 100_000;
        Process child = SyscountTest.startGetppidChild(n);
        Process sc = bpf4j(CAPS, "syscount", "-p", Long.toString(child.pid()), "-d", "6", "-T", "50");
        try {
            Output out = new Output(sc);
            out.await(Pattern.compile("Tracing syscalls, printing top 50\\.\\.\\. Ctrl\\+C to quit\\.\n"), 1, 30_000);
            assertCredentials(sc, CAPS);
            Writer w = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
            w.write("go\n");
            w.flush();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child finished");
            assertTrue(sc.waitFor(60, TimeUnit.SECONDS), "syscount ended: " + out.text);
            assertEquals(0, sc.exitValue(), out.text.toString());
            Matcher m = Pattern.compile("(?m)^getppid\\s+(\\d+)$").matcher(out.text);
            assertTrue(m.find(), "a getppid line: " + out.text);
            long count = Long.parseLong(m.group(1));
            assertTrue(count >= n && count < n + 100, "getppid counted " + count + " times for " + n + " calls");
        } finally {
            child.destroyForcibly();
            sc.destroyForcibly();
        }
    }

    @Test
    void execsnoopReportsExactlyTheProcessesStarted() throws Exception {
        String marker = "bpf4j-least-privilege-" + UUID.randomUUID();
        Process es = bpf4j(CAPS, "execsnoop");
        try {
            Output out = new Output(es);
            out.await(Pattern.compile(Pattern.quote(ExecsnoopTest.HEADER)), 1, 30_000);
            assertCredentials(es, CAPS);
            Map<Long, Integer> started = new HashMap<>();
            for (int i = 0; i < 100; i++) {
                Process p = new ProcessBuilder("/bin/true", marker, Integer.toString(i))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
                started.put(p.pid(), i);
                assertEquals(0, p.waitFor());
            }
            Pattern line = Pattern.compile("(?m)^true +(\\d+) .* /bin/true " + Pattern.quote(marker) + " (\\d+) $");
            out.await(line, 100, 30_000);
            Thread.sleep(200); // a duplicate would show up by now
            Map<Long, Integer> reported = new HashMap<>();
            Matcher m = line.matcher(out.text);
            while (m.find()) reported.merge(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)), (a, b) -> -1);
            assertEquals(started, reported, "each process once, with its pid and arguments");
        } finally {
            es.destroyForcibly();
        }
    }

    /**
     * Without CAP_DAC_READ_SEARCH tracefs (mode 0700, found in /proc/self/mounts without reading
     * it) cannot give a tracepoint's id: the one line names the file and the capability, and no
     * remount is tried.
     */
    @Test
    void withoutDacReadSearchTheMessageNamesIt() throws Exception {
        Path root = Tracefs.root();
        KernelTests.require(!Files.getPosixFilePermissions(root).contains(PosixFilePermission.OTHERS_EXECUTE),
                "tracefs at " + root + " is searchable by everyone (mounted with mode=): the id files are readable");
        Process sc = bpf4j(List.of("CAP_BPF", "CAP_PERFMON"), "syscount", "-d", "1");
        assertTrue(sc.waitFor(60, TimeUnit.SECONDS), "syscount ended");
        String out = new String(sc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, sc.exitValue(), out);
        // syscount attaches sys_exit (its counts) and, with -L, sys_enter: the first one attached is named
        assertEquals("bpf4j syscount: open: EACCES (13) Permission denied: tracepoint raw_syscalls/sys_exit: "
                + root + "/events/raw_syscalls/sys_exit/id is readable by root only"
                + " (run as root or grant CAP_DAC_READ_SEARCH)\n", out);
    }
}
