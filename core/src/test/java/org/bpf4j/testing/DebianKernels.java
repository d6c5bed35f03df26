package org.bpf4j.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfTrim;

/**
 * Debian's 6.1 kernels (amd64, cloud-amd64, rt-amd64), in two forms.
 *
 * <ul>
 *   <li><b>Pinned</b> ({@link #pinned()}): the kernels of fixtures/core/kernels.txt, whose libbpf
 *       answers are checked in. Their BTF is checked in too, trimmed to what the corpus's CO-RE
 *       relocations can look at ({@code REL.btf.gz}, see {@link BtfTrim}; provenance in
 *       kernels.txt: package, version, sha256 of the full BTF and of the trimmed one). Tests that
 *       compare with checked-in answers read only these: no network, no cache.
 *   <li><b>Served</b> ({@link #served()}): the newest build of each flavour that apt offers today,
 *       extracted by the shared fetch-btf.sh (../shared/kernels beside the checkout, or
 *       BPF4J_FETCH_BTF) into a cache directory ({@link #cache()}). Tests on them compute libbpf's
 *       answers at test time (the oracle); the release is whatever the registry serves. When apt
 *       finds no package or cannot download it (stale package lists), apt-get update runs once
 *       (as root) and the fetch is retried. If they still cannot be had, the tests skip, or fail
 *       with BPF4J_REQUIRE_KERNEL=1.
 * </ul>
 */
public final class DebianKernels {
    private DebianKernels() {}

    /**
     * A pinned kernel: its release, package and version, and the sha256 of its full BTF (as
     * extracted from the package) and of the trimmed BTF checked in.
     */
    public record Kernel(String release, String pkg, String version, String sha256, String trimmedSha256) {
        /** The checked-in trimmed BTF (gzip). */
        public Path fixture() {
            return CoreOracle.fixtures().resolve(release + ".btf.gz");
        }

        /** The trimmed BTF, unpacked into a temporary file (libbpf and the CLI read raw BTF files). */
        public Path btf() {
            return unpacked(this);
        }

        /** The full BTF of this package when the kernel cache has it (sha256 as pinned), else null. */
        public Path cachedFull() {
            Path p = cache().resolve(release + ".btf");
            return Files.isRegularFile(p) && DebianKernels.sha256(p).equals(sha256) ? p : null;
        }
    }

    /** A kernel the registry serves today: its release and its full BTF (in the cache). */
    public record Served(String release, Path btf) {
        /** Its BTF trimmed like the pinned fixtures (for the corpus), in a temporary file. */
        public Path trimmed() {
            return trimmedServed(this);
        }

        /** Its modules (fetch-btf.sh --boot), see {@link #servedWithModules}. */
        public Path modules() {
            return btf.resolveSibling(release + ".modules");
        }
    }

    private static List<Kernel> pinned;
    private static List<Served> served;
    private static String servedFailure;
    private static final Map<String, Path> unpacked = new HashMap<>();
    private static final Map<String, String> withModules = new HashMap<>();
    private static Path tmp;
    private static boolean aptUpdated;

    /**
     * BPF4J_KERNEL_CACHE, else /work/.cache/kernels (as scripts/kernel-matrix and scripts/vmtest)
     * when /work is writable, else bpf4j-kernels in the temporary directory. Only a cache: tests
     * fetch what is missing. Never in the checkout: kernel-matrix copies the checkout into the
     * guest, and a kernel's modules are hundreds of MB.
     */
    public static Path cache() {
        String dir = System.getenv("BPF4J_KERNEL_CACHE");
        if (dir != null && !dir.isEmpty()) return Path.of(dir);
        Path shared = Path.of("/work/.cache/kernels");
        if (Files.isDirectory(shared) || Files.isWritable(Path.of("/work"))) return shared;
        return Path.of(System.getProperty("java.io.tmpdir"), "bpf4j-kernels");
    }

    /** The shared fetch-btf.sh beside the checkout (../shared/kernels), or BPF4J_FETCH_BTF. */
    static String fetchScript() {
        String env = System.getenv("BPF4J_FETCH_BTF");
        if (env != null && !env.isEmpty()) return env;
        Path beside = CoreOracle.sourceRoot().resolve("../shared/kernels/fetch-btf.sh").normalize();
        if (Files.isExecutable(beside)) return beside.toString();
        return "/work/shared/kernels/fetch-btf.sh";
    }

    /** The kernels of fixtures/core/kernels.txt. */
    public static synchronized List<Kernel> pinned() {
        if (pinned == null) {
            List<Kernel> out = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(CoreOracle.fixtures().resolve("kernels.txt"))) {
                    if (line.isBlank() || line.startsWith("#")) continue;
                    String[] f = line.split("\t");
                    out.add(new Kernel(f[0], f[1], f[2], f[3].replaceFirst("^sha256:", ""),
                            f[4].replaceFirst("^trimmed-sha256:", "")));
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            pinned = List.copyOf(out);
        }
        return pinned;
    }

    /** The pinned kernel of this release. */
    public static Kernel pinned(String release) {
        for (Kernel k : pinned()) if (k.release().equals(release)) return k;
        throw new AssertionError("no kernel " + release + " in fixtures/core/kernels.txt");
    }

    private static synchronized Path unpacked(Kernel k) {
        return unpacked.computeIfAbsent(k.release(), r -> {
            byte[] raw = BtfTrim.gunzip(k.fixture());
            String sum = sha256(raw);
            if (!sum.equals(k.trimmedSha256())) {
                throw new AssertionError(k.fixture() + " unpacks to sha256 " + sum + ", kernels.txt says " + k.trimmedSha256());
            }
            return write(r + ".btf", raw);
        });
    }

    private static synchronized Path trimmedServed(Served s) {
        return unpacked.computeIfAbsent("served " + s.release(),
                r -> write(s.release() + ".served-trimmed.btf", BtfTrim.trim(Btf.read(s.btf()), BtfTrim.rootNames(CoreOracle.corpus()))));
    }

    private static Path write(String name, byte[] data) {
        try {
            if (tmp == null) {
                tmp = Files.createTempDirectory("bpf4j-debian-btf");
                tmp.toFile().deleteOnExit();
            }
            Path p = tmp.resolve(name);
            Files.write(p, data);
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The newest Debian 6.1 cloud-amd64, amd64 and rt-amd64 kernels apt offers, fetched into the
     * cache when missing. Skips (fails in CI) when they cannot be had.
     */
    public static synchronized List<Served> served() {
        if (served == null && servedFailure == null) {
            List<String> lines = new ArrayList<>();
            String failure = fetch(false, List.of(), lines);
            List<Served> out = new ArrayList<>();
            for (String line : lines) {
                Path btf = Path.of(line.replaceFirst(" \\(cached\\)$", ""));
                out.add(new Served(btf.getFileName().toString().replaceFirst("\\.btf$", ""), btf));
            }
            if (failure == null && out.size() == 3) served = List.copyOf(out);
            else servedFailure = failure != null ? failure : "fetch-btf.sh gave " + lines + ", not 3 kernels";
        }
        KernelTests.require(served != null, "the BTF of the Debian 6.1 kernels apt serves cannot be had (" + cache()
                + "): " + servedFailure);
        return served;
    }

    /**
     * The newest served kernel of {@code flavour} (amd64, cloud-amd64, rt-amd64) with its modules,
     * fetched with fetch-btf.sh --boot (as the kernel matrix does) when missing.
     */
    public static synchronized Served servedWithModules(String flavour) {
        Served k = null;
        for (Served s : served()) if (s.release().matches("[0-9.]+-[0-9]+-" + flavour)) k = s;
        KernelTests.require(k != null, "apt serves no Debian 6.1 " + flavour + " kernel");
        Path modules = k.modules();
        if (!Files.isDirectory(modules) && !withModules.containsKey(k.release())) {
            withModules.put(k.release(), fetch(true, List.of("linux-image-" + k.release()), new ArrayList<>()));
        }
        KernelTests.require(Files.isDirectory(modules), "the modules of Debian's " + k.release() + " cannot be had: "
                + withModules.get(k.release()));
        return k;
    }

    /**
     * Runs the fetch script for {@code pkgs} (none: the newest of each flavour), once more after
     * apt-get update if it fails; null or why it failed. The script prints each BTF's path.
     */
    private static String fetch(boolean boot, List<String> pkgs, List<String> outputLines) {
        String failure = fetchOnce(boot, pkgs, outputLines);
        if (failure != null && !aptUpdated && KernelTests.isRoot()) {
            aptUpdated = true;
            String update = run(List.of("apt-get", "update", "-qq"), new ArrayList<>());
            outputLines.clear();
            failure = fetchOnce(boot, pkgs, outputLines);
            if (failure != null && update != null) failure += "; " + update;
        }
        return failure;
    }

    private static String fetchOnce(boolean boot, List<String> pkgs, List<String> outputLines) {
        String script = fetchScript();
        if (!Files.isExecutable(Path.of(script))) return script + " not found (set BPF4J_FETCH_BTF)";
        List<String> cmd = new ArrayList<>(List.of(script));
        if (boot) cmd.add("--boot");
        cmd.add(cache().toString());
        cmd.addAll(pkgs);
        try {
            Files.createDirectories(cache());
        } catch (IOException e) {
            return "cannot create " + cache() + ": " + e;
        }
        List<String> out = new ArrayList<>();
        String failure = run(cmd, out);
        for (String line : out) if (line.matches("/.*\\.btf( \\(cached\\))?")) outputLines.add(line);
        return failure;
    }

    /** Runs {@code cmd} (10 minutes at most), its output lines into {@code out}; null or why it failed. */
    private static String run(List<String> cmd, List<String> out) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", cmd) + " timed out";
            }
            out.addAll(List.of(text.split("\n")));
            return p.exitValue() == 0 ? null : String.join(" ", cmd) + " failed: " + text;
        } catch (IOException | InterruptedException e) {
            return String.join(" ", cmd) + ": " + e;
        }
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

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
