package org.bpf4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs helper commands (ip, python3) for tests and fails with their output when they fail. */
public final class Cmd {
    private Cmd() {}

    /** The result of a finished command. */
    public record Result(int status, String out, String err) {}

    /** Runs {@code args}, waits at most 30 s; returns its status and output. */
    public static Result run(String... args) {
        try {
            Process p = new ProcessBuilder(args).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", args));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", args) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs {@code args} and fails the test unless it exits with 0; returns its standard output. */
    public static String check(String... args) {
        Result r = run(args);
        if (r.status() != 0) {
            throw new AssertionError(String.join(" ", args) + " exited with " + r.status() + ": " + r.err() + r.out());
        }
        return r.out();
    }

    /** Whether {@code tool} is on PATH. */
    public static boolean available(String tool) {
        for (String dir : List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))) {
            if (new java.io.File(dir, tool).canExecute()) return true;
        }
        return false;
    }
}
