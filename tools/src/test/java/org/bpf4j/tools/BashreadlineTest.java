package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code bpf4j bashreadline} on the real kernel: exactly the lines an interactive bash of this test reads. */
class BashreadlineTest {
    static final String HEADER = "TIME      PID     COMMAND\n";

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
        KernelTests.require(Files.isExecutable(Path.of("/bin/bash")), "no /bin/bash");
    }

    /** The commands given to {@code bash -i} on its standard input (readline reads them), ending with exit. */
    static List<String> commands(int n) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add("echo bpf4j-readline-" + i + " > /dev/null");
        l.add("exit");
        return l;
    }

    /** Runs {@code bash -i} on {@link #commands}; returns its pid. */
    static long bash(int n) throws Exception {
        Process p = new ProcessBuilder("/bin/bash", "--norc", "-i").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write((String.join("\n", commands(n)) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(0, p.waitFor());
        return p.pid();
    }

    static List<String> of(String out, long pid) {
        List<String> l = new ArrayList<>();
        for (String line : out.split("\n")) if (line.length() > 18 && line.substring(10, 17).trim().equals(Long.toString(pid))) l.add(line);
        return l;
    }

    @Test
    void reportsEachLineOfAnInteractiveBash() throws Exception {
        SyscountTest.Running br = new SyscountTest.Running("bashreadline");
        br.awaitOutput(HEADER, 30_000);
        int n = 7;
        long pid = bash(n);
        long deadline = System.currentTimeMillis() + 30_000;
        while (of(br.output(), pid).size() < n + 1 && System.currentTimeMillis() < deadline) Thread.sleep(20);
        Thread.sleep(300);
        assertEquals(0, ExecsnoopTest.stop(br), br.errBuf.toString());
        assertTrue(br.output().startsWith(HEADER), br.output());
        List<String> got = new ArrayList<>();
        for (String l : of(br.output(), pid)) {
            assertTrue(l.matches("\\d\\d:\\d\\d:\\d\\d  " + String.format("%-7d", pid) + " .*"), l);
            got.add(l.substring(18));
        }
        assertEquals(commands(n), got, br.output());
    }

    @Test
    void json() throws Exception {
        SyscountTest.Running br = new SyscountTest.Running("bashreadline", "--json");
        long deadline = System.currentTimeMillis() + 60_000;
        long probe;
        while (true) {
            probe = bash(0);
            Thread.sleep(100);
            if (br.output().contains("\"pid\":" + probe + ",")) break;
            assertTrue(br.thread.isAlive() && System.currentTimeMillis() < deadline, "attached: " + br.output() + br.errBuf);
        }
        long pid = bash(2);
        while (ExecsnoopTest.linesWith(br.output(), "\"pid\":" + pid + ",").size() < 3 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        assertEquals(0, ExecsnoopTest.stop(br), br.errBuf.toString());
        List<String> l = ExecsnoopTest.linesWith(br.output(), "\"pid\":" + pid + ",");
        assertEquals(3, l.size(), br.output());
        for (int i = 0; i < 3; i++) {
            assertTrue(l.get(i).matches("\\{\"time\":\"\\d\\d:\\d\\d:\\d\\d\",\"pid\":" + pid + ",\"command\":\""
                    + java.util.regex.Pattern.quote(commands(2).get(i)) + "\"}"), l.get(i));
        }
    }
}
