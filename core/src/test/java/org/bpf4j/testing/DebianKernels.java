package org.bpf4j.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The BTF of Debian's 6.1 kernels (amd64, cloud-amd64, rt-amd64) that the CO-RE expectations in
 * fixtures/core/kernels.txt were computed from. Extracted from the Debian packages by
 * /work/shared/kernels/fetch-btf.sh (BPF4J_FETCH_BTF overrides the script) into a cache
 * directory (BPF4J_KERNEL_CACHE, default /work/.cache/kernels); when missing there, they are
 * fetched once per JVM (about 15 s). Without apt (no network, no script) the tests that need them
 * skip, or fail with BPF4J_REQUIRE_KERNEL=1.
 */
public final class DebianKernels {
    private DebianKernels() {}

    /**
     * One kernel: its release, package and version, the sha256 of the BTF the expectations were
     * computed from, and where that BTF is (null until fetched).
     */
    public record Kernel(String release, String pkg, String version, String sha256) {
        public Path btf() {
            return cache().resolve(release + ".btf");
        }
    }

    private static List<Kernel> pinned;
    private static String fetchFailure;
    private static boolean fetched;

    /**
     * BPF4J_KERNEL_CACHE, else /work/.cache/kernels when a developer machine has it, else
     * target/kernels in the checkout (CI starts empty and caches nothing).
     */
    public static Path cache() {
        String dir = System.getenv("BPF4J_KERNEL_CACHE");
        if (dir != null && !dir.isEmpty()) return Path.of(dir);
        Path shared = Path.of("/work/.cache/kernels");
        if (Files.isDirectory(shared)) return shared;
        return sourceRoot().resolve("target/kernels");
    }

    /** The checkout's root (surefire passes it as BPF4J_SOURCE_ROOT). */
    static Path sourceRoot() {
        String root = System.getenv("BPF4J_SOURCE_ROOT");
        if (root != null && !root.isEmpty()) return Path.of(root);
        Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        return Files.exists(cwd.resolve("pom.xml")) && Files.isDirectory(cwd.resolve("core")) ? cwd : cwd.getParent();
    }

    /** The shared fetch-btf.sh beside the checkout (../shared/kernels), or BPF4J_FETCH_BTF. */
    static String fetchScript() {
        String env = System.getenv("BPF4J_FETCH_BTF");
        if (env != null && !env.isEmpty()) return env;
        Path beside = sourceRoot().resolve("../shared/kernels/fetch-btf.sh").normalize();
        if (Files.isExecutable(beside)) return beside.toString();
        return "/work/shared/kernels/fetch-btf.sh";
    }

    /** The kernels of fixtures/core/kernels.txt. */
    public static synchronized List<Kernel> pinned() {
        if (pinned == null) {
            List<Kernel> out = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(CoreOracle.fixtures().resolve("kernels.txt"))) {
                    if (line.isBlank()) continue;
                    String[] f = line.split("\t");
                    out.add(new Kernel(f[0], f[1], f[2], f[3].replaceFirst("^sha256:", "")));
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            pinned = List.copyOf(out);
        }
        return pinned;
    }

    /**
     * A Debian kernel BTF to test against: {@code pinned} if it is the BTF the checked-in
     * expectations were computed from (sha256 as in kernels.txt); otherwise only the oracle can
     * say what libbpf answers (a newer package, when the pinned one can no longer be downloaded).
     */
    public record Target(String release, Path btf, boolean pinned) {}

    private static List<Target> targets;

    /**
     * The Debian kernels' BTFs, fetched when missing from the cache: the pinned packages, or, if
     * apt no longer has them, the newest of each flavour. Skips (fails in CI) when none can be had.
     */
    public static synchronized List<Target> require() {
        if (targets != null) return targets;
        List<Kernel> kernels = pinned();
        List<Kernel> missing = kernels.stream().filter(k -> !Files.isRegularFile(k.btf())).toList();
        if (!missing.isEmpty() && !fetched) {
            fetched = true;
            List<String> pkgs = missing.stream().map(Kernel::pkg).toList();
            fetchFailure = fetch(pkgs, new ArrayList<>());
        }
        List<Target> out = new ArrayList<>();
        for (Kernel k : kernels) {
            if (Files.isRegularFile(k.btf())) out.add(new Target(k.release(), k.btf(), matchesPin(k)));
        }
        if (out.size() < kernels.size()) {
            // the pinned packages are gone (superseded): the newest of each flavour, against the oracle
            List<String> paths = new ArrayList<>();
            String newest = fetch(List.of(), paths);
            for (String line : paths) {
                Path btf = Path.of(line.replaceFirst(" \\(cached\\)$", ""));
                String release = btf.getFileName().toString().replaceFirst("\\.btf$", "");
                if (out.stream().noneMatch(t -> t.release().equals(release))) out.add(new Target(release, btf, false));
            }
            if (out.size() < kernels.size()) {
                KernelTests.require(false, "the BTF of Debian's 6.1 kernels cannot be had (" + cache() + "): "
                        + (fetchFailure != null ? fetchFailure : "") + (newest != null ? "; " + newest : ""));
            }
        }
        targets = List.copyOf(out);
        return targets;
    }

    /** Runs the fetch script for {@code pkgs} (none: the newest of each flavour); null or why it failed. */
    private static String fetch(List<String> pkgs, List<String> outputLines) {
        String script = fetchScript();
        if (!Files.isExecutable(Path.of(script))) return script + " not found (set BPF4J_FETCH_BTF)";
        List<String> cmd = new ArrayList<>(List.of(script, cache().toString()));
        cmd.addAll(pkgs);
        try {
            Files.createDirectories(cache());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", cmd) + " timed out";
            }
            // the script prints the path of each BTF (" (cached)" when it was there already)
            for (String line : out.split("\n")) if (line.matches("/.*\\.btf( \\(cached\\))?")) outputLines.add(line);
            return p.exitValue() == 0 ? null : String.join(" ", cmd) + " failed: " + out;
        } catch (IOException | InterruptedException e) {
            return String.join(" ", cmd) + ": " + e;
        }
    }

    /** True if the cached BTF is the one the checked-in expectations were computed from. */
    public static boolean matchesPin(Kernel k) {
        return k.sha256().equals(sha256(k.btf()));
    }

    static String sha256(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
