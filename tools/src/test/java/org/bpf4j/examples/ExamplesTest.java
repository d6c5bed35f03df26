package org.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The README's examples run: a process started while they trace shows up with its pid and command. */
class ExamplesTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    interface Example {
        void run(java.nio.file.Path object, PrintStream out, java.util.function.BooleanSupplier running);
    }

    static String runWhileExecing(Example example) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        AtomicBoolean running = new AtomicBoolean(true);
        Throwable[] failure = {null};
        Thread t = new Thread(() -> {
            try {
                example.run(KernelTests.fixture("example.o"), out, running::get);
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        long pid = -1;
        String want = null;
        for (long deadline = System.currentTimeMillis() + 30_000; System.currentTimeMillis() < deadline; ) {
            Process p = new ProcessBuilder("/bin/true").start();
            p.waitFor();
            String line = "PID: " + p.pid() + ", Command: true\n";
            Thread.sleep(100);
            if (buf.toString(StandardCharsets.UTF_8).contains(line)) {
                pid = p.pid();
                want = line;
                break;
            }
        }
        running.set(false);
        t.join(60_000); // detaching waits for RCU grace periods: seconds on a busy host
        assertTrue(!t.isAlive(), "the example did not stop within 60 s");
        if (failure[0] != null) throw new AssertionError(failure[0]);
        assertTrue(pid > 0, "no line for a /bin/true started while tracing: " + buf);
        String s = buf.toString(StandardCharsets.UTF_8);
        assertEquals(s.indexOf(want), s.lastIndexOf(want), "one line per exec");
        return s;
    }

    @Test
    void perfBufferCallbackPrintsPidAndCommand() throws Exception {
        runWhileExecing(PerfBufferExample::run);
    }

    @Test
    void ringBufferPrintsTheSameAndTheCounts() throws Exception {
        String out = runWhileExecing(RingBufferExample::run);
        assertTrue(out.matches("(?s).*\n[1-9][0-9]* processes exec'ed\n"), out);
    }
}
