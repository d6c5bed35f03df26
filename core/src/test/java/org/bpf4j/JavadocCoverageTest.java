package org.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public and protected member of core has javadoc: the JDK's javadoc runs with
 * {@code -Xdoclint:missing} over core's sources, and each member it finds without a comment, a
 * {@code @param}, a {@code @return} or a {@code @throws} for a checked exception fails the test,
 * named with its file, line and declaration.
 */
class JavadocCoverageTest {
    /**
     * What is not checked, as paths under {@code src/main/java} (a directory ends in '/'): the one
     * place to shrink as packages get documented. {@code sys} stays: it is internal, not API (see
     * its package-info), and left out of the published javadoc.
     */
    static final List<String> EXCLUDED = List.of(
            // internal for good
            "org/bpf4j/sys/");

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern WARNING = Pattern.compile("^(.*?\\.java):(\\d+): warning: (.*)$");

    @Test
    void everyPublicMemberOfCoreIsDocumented(@TempDir Path out) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(SOURCES)) {
            for (Path f : all.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                if (!excluded(SOURCES.relativize(f).toString())) files.add(f);
            }
        }
        assertTrue(files.size() > 50, "only " + files.size() + " source files found under " + SOURCES.toAbsolutePath());
        List<String> missing = undocumented(SOURCES, files, out);
        if (!missing.isEmpty()) {
            fail(missing.size() + " javadoc omissions in core (document them, or, for a package not yet "
                    + "done, see JavadocCoverageTest.EXCLUDED):\n  " + String.join("\n  ", missing));
        }
    }

    /** A stale entry (a package renamed, a file gone) would exclude nothing and hide that the list can shrink. */
    @Test
    void everyExclusionStillExists() {
        for (String e : EXCLUDED) {
            Path p = SOURCES.resolve(e);
            assertTrue(e.endsWith("/") ? Files.isDirectory(p) : Files.isRegularFile(p), "excluded " + e + " does not exist");
        }
    }

    /** The check itself finds what is missing: a file with an undocumented method, parameter and return. */
    @Test
    void findsEachKindOfOmission(@TempDir Path dir) throws IOException {
        Path src = dir.resolve("src");
        Path file = src.resolve("p/Sample.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                package p;

                /** A sample. */
                public class Sample {
                    /** Documented. */
                    public Sample() {}

                    public void bare() {}

                    /** Adds. */
                    public int add(int a, int b) { return a + b; }

                    /**
                     * Fully documented.
                     *
                     * @param x a number
                     * @return the same number
                     */
                    public int same(int x) { return x; }

                    void packagePrivate() {}
                }
                """);
        List<String> missing = undocumented(src, List.of(file), dir.resolve("out"));
        assertEquals(List.of(
                "p/Sample.java:8: no comment: public void bare() {}",
                "p/Sample.java:11: no @param for a: public int add(int a, int b) { return a + b; }",
                "p/Sample.java:11: no @param for b: public int add(int a, int b) { return a + b; }",
                "p/Sample.java:11: no @return: public int add(int a, int b) { return a + b; }"), missing);
    }

    private static boolean excluded(String relative) {
        for (String e : EXCLUDED) {
            if (e.endsWith("/") ? relative.startsWith(e) : relative.equals(e)) return true;
        }
        return false;
    }

    /**
     * Runs javadoc over {@code files} with {@code -Xdoclint:missing}; each omission as
     * {@code path:line: what: declaration}, the path relative to {@code sourcePath}.
     */
    static List<String> undocumented(Path sourcePath, List<Path> files, Path out) {
        ToolProvider javadoc = ToolProvider.findFirst("javadoc")
                .orElseThrow(() -> new AssertionError("this JDK has no javadoc tool (jdk.javadoc module)"));
        List<String> args = new ArrayList<>(List.of("-Xdoclint:missing", "-Xmaxwarns", "100000", "-Xmaxerrs",
                "100000", "-quiet", "-notimestamp", "-d", out.toString(), "-sourcepath", sourcePath.toString()));
        for (Path f : files) args.add(f.toString());
        StringWriter text = new StringWriter();
        PrintWriter w = new PrintWriter(text);
        int rc = javadoc.run(w, w, args.toArray(String[]::new));
        w.flush();
        String[] lines = text.toString().split("\\R");
        assertEquals(0, rc, "javadoc failed:\n" + text);
        record Omission(String path, int line, String text) {}
        List<Omission> found = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = WARNING.matcher(lines[i]);
            if (!m.matches()) continue;
            String path = m.group(1);
            Path p = Path.of(path);
            if (p.startsWith(sourcePath)) path = sourcePath.relativize(p).toString();
            String declaration = i + 1 < lines.length ? lines[i + 1].strip() : "";
            found.add(new Omission(path, Integer.parseInt(m.group(2)), m.group(3) + ": " + declaration));
        }
        // javadoc reports members in its own order: sort by file and line (stable, so a line's tags keep theirs)
        found.sort(Comparator.comparing(Omission::path).thenComparingInt(Omission::line));
        List<String> missing = new ArrayList<>();
        for (Omission o : found) missing.add(o.path() + ":" + o.line() + ": " + o.text());
        return missing;
    }
}
