package org.bpf4j.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdk.jshell.tool.JavaShellToolBuilder;
import org.bpf4j.BpfException;

/**
 * {@code bpf4j jshell}: the JDK's jshell with bpf4j on the class path, native access enabled and
 * bpf4j's packages imported, so that the study document's examples can be typed line by line:
 * {@code var b = Bcc.load(Path.of("counter.c"))}, {@code b.table("counts").items()}.
 */
final class JshellCommand {
    private JshellCommand() {}

    /** The imports made before the first prompt. */
    static final String IMPORTS = """
            import java.nio.file.*;
            import java.lang.foreign.*;
            import org.bpf4j.*;
            import org.bpf4j.bcc.*;
            import org.bpf4j.btf.*;
            import org.bpf4j.link.*;
            import org.bpf4j.map.*;
            import org.bpf4j.perf.*;
            import org.bpf4j.ringbuf.*;
            """;

    static int run(String[] argv, PrintStream out, PrintStream err) {
        return run(argv, System.in, out, err);
    }

    /** Runs jshell on {@code in}; arguments after {@code jshell} go to jshell. */
    static int run(String[] argv, InputStream in, PrintStream out, PrintStream err) {
        // a runtime without jdk.jshell (the release archive's is java.base alone): one line, and
        // JavaShellToolBuilder is never resolved
        if (ModuleLayer.boot().findModule("jdk.jshell").isEmpty()) {
            throw new BpfException("jshell needs the JDK's jdk.jshell module, which the runtime at "
                    + System.getProperty("java.home") + " lacks: run ./bpf4j jshell with a JDK 25 (JAVA_HOME)");
        }
        Path startup = null;
        try {
            startup = Files.createTempFile("bpf4j-jshell", ".jsh");
            Files.writeString(startup, IMPORTS);
            List<String> args = new ArrayList<>(List.of("--class-path", System.getProperty("java.class.path"),
                    "-R--enable-native-access=ALL-UNNAMED", "--startup", "DEFAULT", "--startup", startup.toString()));
            args.addAll(Arrays.asList(argv).subList(1, argv.length));
            return JavaShellToolBuilder.builder().in(in, null).out(out).err(err).start(args.toArray(String[]::new));
        } catch (IOException e) {
            throw new BpfException("cannot write jshell's start-up imports: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new BpfException("jshell failed: " + e, e);
        } finally {
            if (startup != null) startup.toFile().delete();
        }
    }
}
