package org.bpf4j.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bpf4j jfr record -p PID} of a C program (src/test/c/jfrtarget.c, built here with gcc: not
 * a matrix test) that opens a file 100 times and sleeps 20 times 50 ms: the recording holds exactly
 * those, as FileOpen, OffCpu and Syscall events; {@code bpf4j jfr summary} tells the sleeps; bad
 * input is one line and status 1 or 2.
 */
class JfrCommandTest {
    @TempDir
    Path dir;

    static final class Out {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    static String name(RecordedEvent e) {
        return e.getEventType().getName();
    }

    @Test
    void recordsAnotherProcessThenSummarizesIt() throws Exception {
        KernelTests.requireKernel();
        Path src = Path.of(System.getenv().getOrDefault("BPF4J_SOURCE_ROOT", "..")).resolve("jfr/src/test/c/jfrtarget.c");
        if (!Files.exists(src)) src = Path.of("src/test/c/jfrtarget.c");
        Path bin = dir.resolve("jfrtarget"), data = Files.writeString(dir.resolve("data.txt"), "some bytes\n");
        Process cc = new ProcessBuilder("gcc", "-O1", "-o", bin.toString(), src.toString()).inheritIO().start();
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, cc.exitValue(), "gcc");

        Process target = new ProcessBuilder(bin.toString(), data.toString()).redirectErrorStream(true).start();
        Path rec = dir.resolve("out.jfr");
        Out out = new Out(), err = new Out();
        int[] status = {-1};
        Thread recorder = new Thread(() -> status[0] = JfrCommand.run(new String[] {"jfr", "record", "-p",
                Long.toString(target.pid()), "-d", "60s", "-o", rec.toString()}, out.stream, err.stream));
        recorder.start();
        long until = System.nanoTime() + 60_000_000_000L;
        while (!err.text().contains("recording the kernel events") && recorder.isAlive() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertTrue(err.text().startsWith("bpf4j jfr: recording the kernel events of " + target.pid() + " to " + rec
                + " for 1m (Ctrl-C to stop)\n"), err.text());
        try (OutputStream in = target.getOutputStream()) {
            in.write('g');
        }
        assertTrue(target.waitFor(30, TimeUnit.SECONDS));
        assertEquals("done\n", new String(target.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        recorder.join(30_000);
        assertEquals(0, status[0], err.text());
        assertTrue(err.text().matches("(?s).*\nbpf4j jfr: \\d+ kernel events written to " + rec + "\n"), err.text());

        List<RecordedEvent> events = RecordingFile.readAllEvents(rec);
        List<RecordedEvent> opens = events.stream()
                .filter(e -> name(e).equals("bpf4j.FileOpen") && e.getString("path").equals(data.toString())).toList();
        assertEquals(100, opens.size());
        for (RecordedEvent e : opens) {
            assertEquals("jfrtarget", e.getString("threadName"));
            assertEquals(target.pid(), e.getLong("osThreadId"), "the single thread's tid is the pid");
            assertTrue(e.getLong("result") >= 3, e.toString());
            assertTrue(e.getValue("javaThread") == null, "not a JVM: no Java thread");
        }
        List<RecordedEvent> sleeps = events.stream().filter(e -> name(e).equals("bpf4j.OffCpu"))
                .filter(e -> e.getDuration("kernelDuration").toMillis() >= 45).toList();
        assertEquals(20, sleeps.size(), sleeps.toString());
        for (RecordedEvent e : sleeps) {
            assertTrue(e.getDuration("kernelDuration").toMillis() <= 80, e.toString());
            assertEquals("S", e.getString("state"));
            assertEquals("clock_nanosleep", e.getString("syscall"));
        }
        List<RecordedEvent> syscalls = events.stream().filter(e -> name(e).equals("bpf4j.Syscall")).toList();
        // at least 10 ms by default: only the 20 sleeps (the wait for stdin began before the recording)
        assertEquals(20, syscalls.size(), syscalls.toString());
        for (RecordedEvent e : syscalls) {
            assertEquals("clock_nanosleep", e.getString("name"));
            assertEquals(0, e.getLong("returnValue"));
            long ms = e.getDuration("kernelDuration").toMillis();
            assertTrue(ms >= 45 && ms <= 80, e.toString());
        }

        Out sum = new Out();
        assertEquals(0, JfrCommand.run(new String[] {"jfr", "summary", rec.toString()}, sum.stream, sum.stream));
        String[] lines = sum.text().split("\n");
        assertEquals("THREAD           TID      REASON                              COUNT    TOTAL(ms)    MAX(ms)", lines[0]);
        // the thread's first row is its largest: the 20 sleeps, about a second
        String[] f = lines[1].split(" {2,}");
        assertEquals(List.of("jfrtarget", Long.toString(target.pid()), "S sleeping in clock_nanosleep", "20"),
                List.of(f).subList(0, 4), lines[1]);
        double total = Double.parseDouble(f[4]);
        assertTrue(total >= 20 * 45 && total <= 20 * 80, lines[1]);
    }

    @Test
    void badInputIsOneLine() {
        Out out = new Out(), err = new Out();
        assertEquals(1, JfrCommand.run(new String[] {"jfr", "record", "-p", "999999999"}, out.stream, err.stream));
        assertEquals("bpf4j jfr: no process 999999999\n", err.text());
        err = new Out();
        assertEquals(2, JfrCommand.run(new String[] {"jfr", "record", "-d", "3s"}, out.stream, err.stream));
        assertTrue(err.text().startsWith("bpf4j jfr: -p PID is required\nUsage: bpf4j jfr record"), err.text());
        err = new Out();
        assertEquals(2, JfrCommand.run(new String[] {"jfr", "record", "-p", "1", "-d", "soon"}, out.stream, err.stream));
        assertTrue(err.text().startsWith("bpf4j jfr: invalid duration 'soon' (such as 30s, 500ms, 2m)\n"), err.text());
        err = new Out();
        assertEquals(1, JfrCommand.run(new String[] {"jfr", "summary", dir.resolve("none.jfr").toString()}, out.stream, err.stream));
        assertTrue(err.text().startsWith("bpf4j jfr: cannot read " + dir.resolve("none.jfr") + " as a JFR recording: "), err.text());
        assertEquals(1, err.text().split("\n").length, err.text());
        assertEquals("", out.text());
    }
}
