package org.bpf4j.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Child process for the opensnoop tests: prints "ready", waits for a line on stdin, then opens
 * FILE N times (successfully) and MISSING M times (failing with ENOENT), and prints "done".
 */
public final class OpenLoop {
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]), missing = Path.of(args[1]);
        int n = Integer.parseInt(args[2]), m = Integer.parseInt(args[3]);
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        for (int i = 0; i < n; i++) {
            try (InputStream in = Files.newInputStream(file)) {
                in.read();
            }
        }
        for (int i = 0; i < m; i++) {
            try (InputStream in = Files.newInputStream(missing)) {
                throw new AssertionError(missing + " exists");
            } catch (NoSuchFileException expected) {
                // ENOENT, as intended
            }
        }
        System.out.println("done");
        System.out.flush();
    }
}
