package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards syscount's start-up: with an AOT cache trained as the launcher trains it ({@code __train},
 * the launcher's JVM options), {@code syscount -d 1} loads at most so many classes, and spins at most
 * so many (lambda forms, FFM stubs, hidden classes: the ones the cache did not hold). A start-up path
 * made lambda- or reflection-heavy, or a training run that no longer covers syscount, goes past them.
 */
class StartupClassesTest {
    /**
     * Today's counts (JDK 25.0.3, Linux 6.18: 1728 loaded, 29 spun, with 33 tools in Tools.ALL,
     * whose every class loads) plus a small margin. To update
     * after a change that needs more, run this test and set each ceiling to the count it reports plus
     * 1% (loaded) or 5 (spun), and say why in the commit. (One stream with a collector and a
     * String.format on the path loads 41 classes more.)
     */
    static final int MAX_LOADED = 1745, MAX_SPUN = 36;

    private static final Pattern JVM_OPTS = Pattern.compile("(?m)^jvm_opts=\\((.*)\\)$");

    @Test
    void syscountLoadsFewClassesWithTheAotCache(@TempDir Path dir) throws Exception {
        KernelTests.requireKernel(); // syscount loads and attaches; the training run does as root too
        Path launcher = Path.of("../bpf4j").toAbsolutePath().normalize();
        Matcher m = JVM_OPTS.matcher(Files.readString(launcher));
        assertTrue(m.find(), "jvm_opts=(...) in " + launcher);
        List<String> opts = List.of(m.group(1).trim().split("\\s+"));
        String cp = jars(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path aot = dir.resolve("bpf4j.aot");

        List<String> train = new ArrayList<>(List.of(java, "-XX:AOTCacheOutput=" + aot, "-Xlog:aot=off", "-Xlog:cds=off"));
        train.addAll(opts);
        train.addAll(List.of("-cp", cp, Main.class.getName(), "__train"));
        run(train, dir.resolve("train.out"));
        assertTrue(Files.size(aot) > 0, "no AOT cache written: " + Files.readString(dir.resolve("train.out")));

        Path log = dir.resolve("class-load.txt");
        List<String> sc = new ArrayList<>(List.of(java));
        sc.addAll(opts);
        // as the launcher starts a tracing tool
        sc.addAll(List.of("-XX:AOTCache=" + aot, "-Xlog:aot=off", "-Xlog:cds=off", "-XX:CompileThresholdScaling=10",
                "-Xlog:class+load:file=" + log, "-cp", cp, Main.class.getName(), "syscount", "-d", "1"));
        String out = run(sc, dir.resolve("syscount.out"));
        assertTrue(out.startsWith("Tracing syscalls, printing top 10... Ctrl+C to quit.\n"), out);

        List<String> lines = Files.readAllLines(log);
        long loaded = lines.stream().filter(l -> l.contains("[class,load]")).count();
        long spun = lines.stream().filter(l -> l.contains("[class,load]") && !l.contains("source: shared objects file")).count();
        System.out.println("syscount -d 1 with the AOT cache: " + loaded + " classes loaded, " + spun + " not from the cache");
        List<String> notCached = lines.stream().filter(l -> l.contains("[class,load]") && !l.contains("source: shared objects file"))
                .map(l -> l.replaceAll("^\\[[^]]*\\]\\[info\\]\\[class,load\\] ", "")).toList();
        assertTrue(loaded <= MAX_LOADED, loaded + " classes loaded (ceiling " + MAX_LOADED + ")");
        assertTrue(spun <= MAX_SPUN, spun + " classes not from the AOT cache (ceiling " + MAX_SPUN + "): " + notCached);
        // the cache was used at all: most classes come from it
        assertTrue(loaded - spun > 10 * spun, loaded + " loaded, " + spun + " not from the cache");
    }

    /** core's and tools' classes as two jars in {@code dir}: the AOT cache needs a class path of jars. */
    private static String jars(Path dir) throws IOException {
        List<String> cp = new ArrayList<>();
        ToolProvider jar = ToolProvider.findFirst("jar").orElseThrow();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            String name = p.getFileName().toString();
            boolean classes = Files.isDirectory(p) && p.endsWith(Path.of("target", "classes"));
            boolean coreJar = name.startsWith("bpf4j-core-") && name.endsWith(".jar") && !name.endsWith("-tests.jar");
            if (!classes && !coreJar) continue;
            Path j = dir.resolve(cp.size() + ".jar");
            if (coreJar) Files.copy(p, j);
            else assertEquals(0, jar.run(System.out, System.err, "--create", "--file", j.toString(), "-C", p.toString(), "."));
            cp.add(j.toString());
        }
        assertEquals(2, cp.size(), "core's and tools' classes on the class path: " + System.getProperty("java.class.path"));
        return String.join(File.pathSeparator, cp);
    }

    /** Runs {@code cmd} with its output in {@code out} (no pipe to fill), for at most two minutes. */
    private static String run(List<String> cmd, Path out) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + text);
        return text;
    }
}
