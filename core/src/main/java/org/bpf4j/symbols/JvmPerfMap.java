package org.bpf4j.symbols;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bpf4j.BpfException;

/**
 * Asks a running HotSpot JVM to write {@code /tmp/perf-PID.map} ({@code jcmd PID
 * Compiler.perfmap}, JDK 17+), so that its JIT-compiled frames get names. The map is a snapshot
 * of the code cache at that moment: methods compiled later stay unnamed until it is asked again.
 * The jcmd used is the target's own (next to its libjvm.so), else this JVM's.
 */
public final class JvmPerfMap {
    private JvmPerfMap() {}

    /**
     * Runs {@code jcmd PID Compiler.perfmap} for {@code target}; returns the perf map's path.
     *
     * @param target the process, a HotSpot JVM
     * @return the perf map's path, {@code /tmp/perf-PID.map}
     * @throws BpfException naming the process if it is no HotSpot JVM or jcmd fails
     */
    public static Path request(ProcessSymbols target) {
        int pid = target.pid();
        if (!target.hotSpot()) throw new BpfException("process " + pid + " is not a HotSpot JVM (it maps no libjvm.so)");
        Path jcmd = jcmd(pid, target.libjvm());
        Process p;
        try {
            p = new ProcessBuilder(jcmd.toString(), Integer.toString(pid), "Compiler.perfmap").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new BpfException("cannot run " + jcmd + " for process " + pid + ": " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BpfException(jcmd + " " + pid + " Compiler.perfmap did not finish in 60 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                throw new BpfException(jcmd + " " + pid + " Compiler.perfmap failed (exit " + p.exitValue() + "): "
                        + out.lines().reduce((a, b) -> b).orElse(""));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BpfException("interrupted waiting for jcmd " + pid + " Compiler.perfmap", e);
        } catch (IOException e) {
            throw new BpfException("jcmd " + pid + " Compiler.perfmap: " + e.getMessage(), e);
        }
        return target.perfMap().file();
    }

    private static Path jcmd(int pid, String libjvm) {
        if (libjvm != null) {
            // JAVA_HOME/lib/server/libjvm.so -> JAVA_HOME/bin/jcmd
            Path home = Path.of(libjvm).getParent();
            if (home != null) home = home.getParent();
            if (home != null) home = home.getParent();
            if (home != null) {
                Path own = Path.of("/proc/" + pid + "/root" + home.resolve("bin/jcmd"));
                if (Files.isExecutable(own)) return own;
            }
        }
        return Path.of(System.getProperty("java.home"), "bin", "jcmd");
    }
}
