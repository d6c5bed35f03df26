package org.bpf4j.bcc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bpf4j.BpfException;

/**
 * Finds clang for the BPF target as bpf4j's Maven plugin does: {@code BPF4J_CLANG} if set, else the
 * newest of clang-21 .. clang-15 and clang (15 or newer: the CO-RE builtins) on the PATH,
 * {@code /usr/bin} and {@code /usr/local/bin}. Only the BCC dialect needs clang at run time.
 */
public final class Clang {
    private Clang() {}

    /** The environment variable naming a clang executable to use. */
    public static final String ENV = "BPF4J_CLANG";

    /** The packages to install when clang is missing, named in the error. */
    static final String INSTALL = "install clang 15 or newer and libbpf's headers (Debian/Ubuntu: apt-get install clang-19 "
            + "libbpf-dev; Fedora: dnf install clang libbpf-devel)";

    private static final String[] NAMES = {"clang-21", "clang-20", "clang-19", "clang-18", "clang-17", "clang-16",
        "clang-15", "clang"};

    private static volatile Path found;

    /**
     * clang, from {@code BPF4J_CLANG} or the default search (the answer is kept for the process).
     *
     * @return the clang executable, version 15 or newer
     * @throws BpfException saying how to install one if none is found
     */
    public static Path find() {
        Path f = found;
        if (f != null) return f;
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) return found = check(Path.of(env), ENV + "=" + env);
        return found = find(searchPath());
    }

    /**
     * The newest usable clang in {@code dirs}.
     *
     * @param dirs the directories to search
     * @return the clang executable, version 15 or newer
     * @throws BpfException saying how to install one if none is found
     */
    public static Path find(List<Path> dirs) {
        for (String name : NAMES) {
            for (Path d : dirs) {
                Path p = d.resolve(name);
                if (!Files.isExecutable(p)) continue;
                int major = majorVersion(p);
                if (major >= 15) return p;
            }
        }
        throw new BpfException("no clang found to compile BPF C at run time (searched " + dirs.stream()
                .map(Path::toString).reduce((a, b) -> a + ":" + b).orElse("nothing") + "): " + INSTALL
                + ", or set " + ENV + " to a clang executable");
    }

    private static Path check(Path p, String where) {
        if (!Files.isExecutable(p)) {
            throw new BpfException("no clang at " + p + " (" + where + "): " + INSTALL + ", or set " + ENV
                    + " to a clang executable");
        }
        int major = majorVersion(p);
        if (major < 15) {
            throw new BpfException(p + " (" + where + ") is not clang 15 or newer (version " + (major < 0 ? "unknown" : major)
                    + "): " + INSTALL);
        }
        return p;
    }

    /**
     * The directories searched: PATH, then /usr/bin and /usr/local/bin.
     *
     * @return the directories
     */
    public static List<Path> searchPath() {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) for (String d : path.split(":")) if (!d.isEmpty()) dirs.add(Path.of(d));
        for (String d : new String[] {"/usr/bin", "/usr/local/bin"}) if (!dirs.contains(Path.of(d))) dirs.add(Path.of(d));
        return dirs;
    }

    /** The major version {@code clang -dumpversion} prints, or -1. */
    static int majorVersion(Path clang) {
        try {
            Process p = new ProcessBuilder(clang.toString(), "-dumpversion").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue() == 0 ? Integer.parseInt(out.split("\\.")[0]) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * The {@code __TARGET_ARCH_} of libbpf's bpf_tracing.h for this machine ({@code x86}, {@code arm64}, ...).
     *
     * @return the architecture's name
     */
    public static String targetArch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "x86";
            case "aarch64", "arm64" -> "arm64";
            case "s390x" -> "s390";
            case "ppc64le" -> "powerpc";
            case "riscv64" -> "riscv";
            default -> arch;
        };
    }

    /**
     * Debian's multiarch include directory ({@code /usr/include/x86_64-linux-gnu}: asm/types.h for linux/bpf.h).
     *
     * @return the directory; it may not exist
     */
    public static Path multiarchIncludes() {
        String arch = System.getProperty("os.arch");
        String triple = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return Path.of("/usr/include", triple + "-linux-gnu");
    }
}
