package org.bpf4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bpf4j.CoreRelocation;

/**
 * The CO-RE test corpus and its oracle (libbpf 1.1 through core/src/test/c/core_oracle.c, built by
 * scripts/core-oracle), and the expectations checked in for Debian's 6.1 kernels
 * (core/src/test/resources/fixtures/core, see core/src/test/bpf/core/README.md).
 */
public final class CoreOracle {
    private CoreOracle() {}

    private static volatile Path binary;
    private static volatile String unavailable;

    /** The repository root (Maven sets BPF4J_SOURCE_ROOT; otherwise found from the working directory). */
    public static Path sourceRoot() {
        String env = System.getenv("BPF4J_SOURCE_ROOT");
        if (env != null && Files.isDirectory(Path.of(env, "scripts"))) return Path.of(env);
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("scripts/core-oracle"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find the repository root from " + System.getProperty("user.dir"));
        return p;
    }

    /** The directory of the corpus objects and their Debian expectations. */
    public static Path fixtures() {
        return sourceRoot().resolve("core/src/test/resources/fixtures/core");
    }

    /** The corpus objects (NAME.bpf.o), by name. */
    public static List<Path> corpus() {
        try (Stream<Path> s = Files.list(fixtures())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".bpf.o")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** NAME of NAME.bpf.o. */
    public static String name(Path object) {
        return object.getFileName().toString().replaceFirst("\\.bpf\\.o$", "");
    }

    /** The checked-in libbpf answer for a corpus object on a Debian kernel release. */
    public static List<String> expected(Path object, String release) {
        try {
            return Files.readAllLines(fixtures().resolve(name(object) + "." + release + ".relocs"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The oracle executable, built on first use with scripts/core-oracle --build (which installs
     * gcc and libbpf-dev with apt-get when missing and root); skips (fails with
     * BPF4J_REQUIRE_KERNEL=1) when it cannot be built.
     */
    public static synchronized Path require() {
        if (!available()) KernelTests.require(false, unavailable);
        return binary;
    }

    /** True if the oracle is built or can be built now. */
    public static synchronized boolean available() {
        if (binary == null && unavailable == null) {
            try {
                Process p = new ProcessBuilder(sourceRoot().resolve("scripts/core-oracle").toString(), "--build")
                        .redirectErrorStream(true).start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!p.waitFor(300, TimeUnit.SECONDS)) p.destroyForcibly();
                String[] lines = out.split("\n");
                Path bin = Path.of(lines[lines.length - 1]);
                if (p.exitValue() == 0 && Files.isExecutable(bin)) {
                    binary = bin;
                } else {
                    unavailable = "the libbpf CO-RE oracle cannot be built (scripts/core-oracle --build): " + out;
                }
            } catch (IOException | InterruptedException e) {
                unavailable = "the libbpf CO-RE oracle cannot be built: " + e;
            }
        }
        return binary != null;
    }

    /** libbpf's answer for {@code object} against {@code targetBtf}: the oracle's lines. */
    public static List<String> run(Path object, Path targetBtf) {
        Path bin = require();
        try {
            Process p = new ProcessBuilder(bin.toString(), object.toString(), targetBtf.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("core_oracle timed out on " + object);
            }
            if (p.exitValue() != 0) throw new AssertionError("core_oracle failed (" + p.exitValue() + ") on " + object + " " + targetBtf);
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** bpf4j's answer in the oracle's order and format (program, then instruction, then .BTF.ext order). */
    public static List<String> lines(List<CoreRelocation> relocations) {
        List<CoreRelocation> sorted = new ArrayList<>(relocations);
        sorted.sort(CoreRelocation.BY_PROGRAM_AND_INSN);
        return sorted.stream().map(CoreRelocation::toLine).toList();
    }
}
