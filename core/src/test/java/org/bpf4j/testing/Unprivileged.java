package org.bpf4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Running a JVM as user nobody with exactly some capabilities (setpriv: those in the inheritable,
 * ambient and bounding sets, no others), from class directories copied where nobody can read them.
 */
public final class Unprivileged {
    /** The uid and gid of nobody/nogroup on Debian. */
    public static final int NOBODY = 65534;

    private Unprivileged() {}

    /**
     * {@code setpriv ... java -cp CLASSPATH MAIN ARGS} as nobody with exactly {@code caps}
     * ("CAP_BPF" or setpriv's "bpf" spelling).
     */
    public static List<String> java(List<String> caps, String classPath, String main, String... args) {
        String set = "-all" + caps.stream()
                .map(c -> ",+" + (c.startsWith("CAP_") ? c.substring(4) : c).toLowerCase(Locale.ROOT))
                .reduce("", String::concat);
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                "--inh-caps=" + set, "--ambient-caps=" + set, "--bounding-set=" + set, "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, main));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Copies the tree {@code from} to {@code to}. */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Makes every file below {@code root} readable and every directory searchable by everyone. */
    public static void makeReadable(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    /** Deletes the tree {@code root}, if there is one. */
    public static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
