package org.bpf4j.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.ObjectFileException;
import org.bpf4j.ObjectSpec;
import org.bpf4j.gen.SkeletonGenerator;

/**
 * {@code bpf4j gen skeleton OBJECT --package P --out DIR [--class NAME] [--copy-object]}: writes
 * the Java skeleton of a BPF object (see {@link SkeletonGenerator}).
 */
final class GenCommand {
    private GenCommand() {}

    static final String HELP = """
            Usage: bpf4j gen skeleton OBJECT --package P --out DIR [--class NAME] [--copy-object]

            Writes DIR/P/NAME.java, a Java skeleton of the BPF object file OBJECT: open/load/attach,
            a typed accessor per program and map, getters and setters for the global variables of
            .rodata/.data/.bss, and records (with FFM layouts and codecs) for the object's structs.
            The class opens the object as the class path resource OBJECT's file name in package P.

              -p, --package P    the Java package (required)
              -o, --out DIR      the source root to write into (required)
              -c, --class NAME   the class name (default: from the file name, syscount.bpf.o gives
                                 SyscountSkeleton)
              --copy-object      also copy OBJECT to DIR/P/, for a resource directory
            """;

    private static final String[] OPTIONS = {"-p", "--package=", "-o", "--out=", "-c", "--class=",
        "-C", "--copy-object", "-h", "--help"};

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length < 2 || argv[1].equals("--help") || argv[1].equals("help")) {
            out.print(HELP);
            return argv.length < 2 ? 2 : 0;
        }
        if (!argv[1].equals("skeleton")) {
            throw new Args.UsageException("unknown gen subcommand '" + argv[1] + "' (known: skeleton)");
        }
        String pkg = null, dir = null, cls = null;
        boolean copy = false;
        Args a = new Args(argv, 2);
        for (String o; (o = a.next(OPTIONS)) != null; ) {
            switch (o) {
                case "--package" -> pkg = a.value("--package");
                case "--out" -> dir = a.value("--out");
                case "--class" -> cls = a.value("--class");
                case "--copy-object" -> copy = true;
                case "--help" -> {
                    out.print(HELP);
                    return 0;
                }
                default -> throw new Args.UsageException("unrecognized option '" + o + "'");
            }
        }
        if (a.positional().size() != 1) throw new Args.UsageException("expected one OBJECT file");
        if (pkg == null) throw new Args.UsageException("--package is required");
        if (dir == null) throw new Args.UsageException("--out is required");
        Path object = Path.of(a.positional().get(0));
        String resource = object.getFileName().toString();
        if (cls == null) cls = SkeletonGenerator.className(resource);
        ObjectSpec spec = ObjectSpec.read(object);
        Path file;
        try {
            file = SkeletonGenerator.write(spec, pkg, cls, resource, Path.of(dir));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        } catch (UncheckedIOException e) {
            throw new ObjectFileException(dir, null, e.getMessage(), e);
        }
        out.println(file);
        if (copy) {
            Path target = file.getParent().resolve(resource);
            try {
                Files.copy(object, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new ObjectFileException(target.toString(), null, "cannot copy the object: " + e.getMessage(), e);
            }
            out.println(target);
        }
        return 0;
    }
}
