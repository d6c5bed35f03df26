package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * profile -p -f of a process whose time is in one known function: a C PIE calling hot_spin in a
 * shared library (both built here from src/test/c), and a Java program spinning in Hot::spin
 * (JIT-compiled, named from the perf map bpf4j asks the JVM for).
 */
class ProfileTest {
    @TempDir
    Path dir;

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /** Total samples and those whose folded stack has a frame matching {@code frame}. */
    static long[] share(String folded, String frame) {
        long total = 0, hits = 0;
        for (String line : folded.lines().toList()) {
            int sp = line.lastIndexOf(' ');
            if (sp < 0) continue;
            long n = Long.parseLong(line.substring(sp + 1));
            total += n;
            for (String f : line.substring(0, sp).split(";")) {
                if (f.equals(frame) || f.startsWith(frame + " ")) {
                    hits += n;
                    break;
                }
            }
        }
        return new long[] {total, hits};
    }

    static void gcc(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("gcc"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "gcc " + String.join(" ", args) + ": " + out);
    }

    @Test
    void cFunctionThroughSharedLibraryAndPie() throws Exception {
        Path src = Path.of("src/test/c").toAbsolutePath();
        gcc(dir, "-O1", "-g", "-fno-omit-frame-pointer", "-fPIC", "-shared", "-o", "libhot.so", src.resolve("hotlib.c").toString());
        gcc(dir, "-O1", "-g", "-fno-omit-frame-pointer", "-fPIE", "-pie", "-o", "hotmain", src.resolve("hotmain.c").toString(),
                "-L.", "-lhot", "-Wl,-rpath,$ORIGIN");
        Process child = new ProcessBuilder(dir.resolve("hotmain").toString(), "30").start();
        try {
            Path svg = dir.resolve("out.svg");
            SyscountTest.Running r = new SyscountTest.Running("profile", "-p", Long.toString(child.pid()), "-f", "-F", "99",
                    "--svg", svg.toString(), "4");
            assertEquals(0, r.join(60_000), r.errBuf.toString());
            long[] s = share(r.output(), "hot_spin");
            assertTrue(s[0] >= 20, "too few samples: " + r.output() + r.errBuf);
            assertTrue(2 * s[1] > s[0], "hot_spin in " + s[1] + " of " + s[0] + " samples:\n" + r.output());
            // the caller in the PIE, named through its load bias
            assertTrue(r.output().contains(";main;hot_spin"), r.output());
            assertTrue(r.output().startsWith("hotmain;"), r.output());
            String g = Files.readString(svg);
            assertTrue(g.contains("data-n=\"hot_spin\"") && g.contains("data-n=\"main\""), g);
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @Test
    void javaHotMethodFromThePerfMap() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                Hot.class.getName(), "60").redirectErrorStream(true).start();
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", in.readLine());
            SyscountTest.Running r = new SyscountTest.Running("profile", "-p", Long.toString(child.pid()), "-f", "-U", "-F", "99", "4");
            assertEquals(0, r.join(90_000), r.errBuf.toString());
            assertTrue(r.errBuf.toString().contains("Compiler.perfmap"), r.errBuf.toString());
            long total = 0, hits = 0;
            for (String line : r.output().lines().toList()) {
                int sp = line.lastIndexOf(' ');
                long n = Long.parseLong(line.substring(sp + 1));
                total += n;
                if (line.contains("org.bpf4j.tools.Hot.spin(long)")) hits += n; // HotSpot's perf map: "long org.bpf4j.tools.Hot.spin(long)"
            }
            assertTrue(total >= 20, "too few samples: " + r.output() + r.errBuf);
            assertTrue(2 * hits > total, "Hot.spin in " + hits + " of " + total + " samples:\n" + r.output());
        } finally {
            child.destroyForcibly().waitFor();
            Files.deleteIfExists(Path.of("/tmp/perf-" + child.pid() + ".map"));
        }
    }
}
