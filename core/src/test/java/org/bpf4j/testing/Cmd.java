package org.bpf4j.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs helper commands (ip, python3) for tests and fails with their output when they fail. */
public final class Cmd {
    private Cmd() {}

    /** The result of a finished command. */
    public record Result(int status, String out, String err) {}

    /**
     * Runs {@code args}, waits at most 30 s; returns its status and output. Both streams are drained
     * at the same time, so a child that fills one pipe while the other is read cannot block.
     */
    public static Result run(String... args) {
        Process p;
        try {
            p = new ProcessBuilder(args).start();
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", args) + ": " + e.getMessage(), e);
        }
        CompletableFuture<byte[]> out = drain(p.getInputStream()), err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", args));
            }
            // a grandchild left holding a pipe would keep its reader waiting: bounded as well
            return new Result(p.exitValue(), new String(out.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8),
                    new String(err.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot read the output of " + String.join(" ", args) + ": " + e, e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        CompletableFuture<byte[]> all = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                all.complete(in.readAllBytes());
            } catch (IOException e) {
                all.completeExceptionally(e);
            }
        });
        return all;
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
