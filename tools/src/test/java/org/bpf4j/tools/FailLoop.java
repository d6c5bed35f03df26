package org.bpf4j.tools;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Child process for the syscount tests: prints "ready", waits for a line, opens MISSING N times
 * (each openat fails with ENOENT), prints "done" and waits for another line before it exits, so
 * that the tracer stops before the JVM's exit makes system calls of its own.
 */
public final class FailLoop {
    private FailLoop() {}

    public static void main(String[] args) throws Exception {
        Path missing = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        System.out.println("ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        in.readLine();
        for (int i = 0; i < n; i++) {
            try (InputStream s = Files.newInputStream(missing)) {
                throw new AssertionError(missing + " exists");
            } catch (NoSuchFileException expected) {
                // ENOENT, as intended
            }
        }
        System.out.println("done");
        System.out.flush();
        in.readLine();
    }
}
