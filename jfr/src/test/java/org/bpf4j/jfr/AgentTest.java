package org.bpf4j.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent in a JVM of its own ({@link AgentApp}): with privileges, the dumped recording holds the
 * sleeper's 20 sleeps as bpf4j.OffCpu events of 45-80 ms and exactly the opener's 100 opens of the
 * file as bpf4j.FileOpen, read both with {@code RecordingFile} and with {@code jfr print --json};
 * without them (all capabilities dropped), the application prints the same, with one line more on
 * stderr.
 */
class AgentTest {
    static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    static final Path JFR = Path.of(System.getProperty("java.home"), "bin", "jfr");

    @TempDir
    static Path dir;
    static Path agent, data;

    @BeforeAll
    static void agentJar() throws IOException {
        // the agent jar as the build packs it comes after the tests: here, a jar of the manifest alone,
        // whose Premain-Class the child finds on its class path
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(new Attributes.Name("Premain-Class"), Agent.class.getName());
        agent = dir.resolve("agent.jar");
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(agent), m)) {
            out.flush();
        }
        data = dir.resolve("data.bin");
        byte[] b = new byte[4096];
        for (int i = 0; i < b.length; i++) b[i] = (byte) i;
        Files.write(data, b);
    }

    record Run(int exit, String out, String err) {}

    static Run app(List<String> prefix, boolean withAgent, Path recording) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(JAVA.toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (withAgent) cmd.add("-javaagent:" + agent);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(AgentApp.class.getName());
        cmd.add(recording.toString());
        cmd.add(data.toString());
        Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the application ends");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static String thread(RecordedEvent e) {
        return e.getString("threadName");
    }

    @Test
    void recordsTheSleepsAndTheOpensOfTheirThreads() throws Exception {
        KernelTests.requireKernel();
        Path rec = dir.resolve("kernel.jfr");
        Run r = app(List.of(), true, rec);
        assertEquals(0, r.exit(), r.err());
        assertEquals("slept 20 times, read 409600 bytes\n", r.out());
        assertEquals("", r.err());

        List<RecordedEvent> events = RecordingFile.readAllEvents(rec);
        List<RecordedEvent> sleeps = events.stream().filter(e -> e.getEventType().getName().equals("bpf4j.OffCpu"))
                .filter(e -> thread(e).equals("bpf4j-sleeper")).toList();
        List<Duration> longOnes = sleeps.stream().map(e -> e.getDuration("kernelDuration"))
                .filter(d -> d.toMillis() >= 45).toList();
        // each sleep one span (none split, none twice), each within 45-80 ms
        long dropped = events.stream().filter(e -> e.getEventType().getName().equals("bpf4j.Dropped"))
                .mapToLong(e -> e.getLong("dropped")).max().orElse(0);
        assertEquals(20, longOnes.size(), "sleeper spans of 45 ms or more: " + longOnes + "; all its spans: "
                + sleeps.stream().map(e -> e.getString("state") + " " + e.getString("syscall") + " "
                + e.getDuration("kernelDuration").toNanos() / 1000 + " us").toList() + "; dropped " + dropped);
        for (Duration d : longOnes) assertTrue(d.toMillis() <= 80, "a sleep of " + d);
        for (RecordedEvent e : sleeps) {
            if (e.getDuration("kernelDuration").toMillis() < 45) continue;
            assertEquals("S", e.getString("state"));
            RecordedThread t = e.getValue("javaThread");
            assertEquals("bpf4j-sleeper", t.getJavaName(), "the Java thread of the tid");
            assertEquals(e.getLong("osThreadId"), t.getOSThreadId(), "the tid JFR knows for that thread");
            // from the scheduler down to the system call's entry, the tracing frames cut
            String stack = e.getString("kernelStack");
            assertTrue(stack.startsWith("__schedule+0x") && stack.contains("\nschedule+0x")
                    && stack.contains("futex"), stack);
            // the kernel's start lies before the commit
            assertTrue(!e.getInstant("kernelStart").isAfter(e.getStartTime()), e.toString());
        }

        List<RecordedEvent> opens = events.stream().filter(e -> e.getEventType().getName().equals("bpf4j.FileOpen"))
                .filter(e -> e.getString("path").equals(data.toString())).toList();
        assertEquals(100, opens.size());
        for (RecordedEvent e : opens) {
            assertEquals("bpf4j-opener", thread(e));
            assertTrue(e.getLong("result") >= 0, e.toString());
            assertEquals("00", e.getString("flags"), "O_RDONLY");
        }
        assertEquals(0, events.stream().filter(e -> e.getEventType().getName().equals("bpf4j.Dropped"))
                .mapToLong(e -> e.getLong("dropped")).max().orElse(0));

        // the same, through the JDK's jfr print --json
        String offcpu = jfrPrintJson("bpf4j.OffCpu", rec), fileOpen = jfrPrintJson("bpf4j.FileOpen", rec);
        int jsonSleeps = 0;
        for (String ev : offcpu.split("\"type\": \"bpf4j.OffCpu\"")) {
            if (!ev.contains("\"threadName\": \"bpf4j-sleeper\"")) continue;
            Matcher m = Pattern.compile("\"kernelDuration\": \"(PT[0-9.]+S)\"").matcher(ev);
            assertTrue(m.find(), ev);
            long ms = Duration.parse(m.group(1)).toMillis();
            if (ms >= 45) {
                assertTrue(ms <= 80, ev);
                jsonSleeps++;
            }
        }
        assertEquals(20, jsonSleeps);
        int jsonOpens = 0;
        for (String ev : fileOpen.split("\"type\": \"bpf4j.FileOpen\"")) {
            // jfr print --json writes '/' as '\/'
            if (ev.contains("\"path\": \"" + data.toString().replace("/", "\\/") + "\"") && ev.contains("\"threadName\": \"bpf4j-opener\"")) jsonOpens++;
        }
        assertEquals(100, jsonOpens);
    }

    static String jfrPrintJson(String event, Path rec) throws Exception {
        Path out = dir.resolve(event + ".json");
        Process p = new ProcessBuilder(JFR.toString(), "print", "--json", "--events", event, rec.toString())
                .redirectOutput(out.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(out));
        return Files.readString(out);
    }

    @Test
    void withoutPrivilegesTheApplicationRunsOnAndOneLineSaysWhy() throws Exception {
        KernelTests.requireKernel();
        // root with an empty bounding set: no capability at all, yet the class path stays readable
        List<String> noCaps = List.of("setpriv", "--bounding-set=-all", "--inh-caps=-all", "--");
        Run plain = app(noCaps, false, dir.resolve("plain.jfr"));
        Run agentRun = app(noCaps, true, dir.resolve("nocaps.jfr"));
        assertEquals(0, plain.exit(), plain.err());
        assertEquals(0, agentRun.exit(), agentRun.err());
        assertEquals(plain.out(), agentRun.out());
        assertEquals("slept 20 times, read 409600 bytes\n", agentRun.out());
        assertEquals("", plain.err());
        assertEquals("bpf4j-jfr: kernel events off: missing capability CAP_BPF (or CAP_SYS_ADMIN); the application runs on"
                + " without them\n", agentRun.err());
        long kernelEvents = RecordingFile.readAllEvents(dir.resolve("nocaps.jfr")).stream()
                .filter(e -> e.getEventType().getName().startsWith("bpf4j.")).count();
        assertEquals(0, kernelEvents);
        assertTrue(new File(dir.toFile(), "nocaps.jfr").length() > 0);
    }
}
