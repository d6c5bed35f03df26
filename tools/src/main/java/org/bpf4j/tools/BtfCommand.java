package org.bpf4j.tools;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.ObjectFileException;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfCDumper;
import org.bpf4j.btf.BtfRawFormatter;

/**
 * {@code bpf4j btf dump [FILE] [--format c|raw] [--type NAME]... [-o OUT]}: prints BTF as C
 * declarations (a {@code vmlinux.h}) or in bpftool's raw format. bpftool's own argument form
 * {@code btf dump file FILE format c|raw} is accepted too.
 */
final class BtfCommand {
    private BtfCommand() {}

    static final String HELP = """
            Usage: bpf4j btf dump [FILE] [--format c|raw] [--type NAME]... [-B BASE] [-o OUT]
                   bpf4j btf dump file FILE [format c|raw]        (bpftool's form)

            Prints BTF type information. FILE is raw BTF (such as /sys/kernel/btf/vmlinux, the
            default) or any ELF file with a .BTF section (a BPF object, a vmlinux image).

              --format c     C declarations, as `bpftool btf dump file FILE format c` prints them:
                             a vmlinux.h to compile BPF programs against (the default)
              --format raw   one line per type, as `bpftool btf dump file FILE format raw`
              --type NAME    only this type and what it needs (repeatable; C format only):
                               NAME                a struct, union, enum, typedef, int... called
                                                   NAME, or the enum defining the constant NAME
                               struct NAME, union NAME, enum NAME, typedef NAME
                               NAME:m1,m2          a struct or union cut down to these members
                                                   (the others become padding, so offsets stay)
              -B, --base BASE   FILE is split BTF (a kernel module's) over BASE; files under
                                /sys/kernel/btf/ other than vmlinux get /sys/kernel/btf/vmlinux
              -o, --output OUT  write to OUT instead of standard output
            """;

    private static final String[] OPTIONS = {"-f", "--format=", "-t", "--type=", "-o", "--output=", "-B", "--base=",
        "-h", "--help"};

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length < 2 || argv[1].equals("--help") || argv[1].equals("help")) {
            out.print(HELP);
            return argv.length < 2 ? 2 : 0;
        }
        if (argv[1].equals("list") || argv[1].equals("show")) return BtfList.run(argv, out);
        if (!argv[1].equals("dump")) {
            throw new Args.UsageException("unknown btf subcommand '" + argv[1] + "' (known: dump, list, show)");
        }
        String format = "c";
        List<String> types = new ArrayList<>();
        String output = null;
        String base = null;
        Args a = new Args(argv, 2);
        for (String o; (o = a.next(OPTIONS)) != null; ) {
            switch (o) {
                case "--format" -> format = a.value("--format");
                case "--type" -> types.add(a.value("--type"));
                case "--output" -> output = a.value("--output");
                case "--base" -> base = a.value("--base");
                case "--help" -> {
                    out.print(HELP);
                    return 0;
                }
                default -> throw new Args.UsageException("unrecognized option '" + o + "'");
            }
        }
        List<String> pos = new ArrayList<>(a.positional());
        // bpftool's form: file PATH [format c|raw]
        if (pos.size() >= 2 && pos.get(0).equals("file")) {
            pos.remove(0);
            String file = pos.remove(0);
            if (pos.size() == 2 && pos.get(0).equals("format")) {
                format = pos.get(1);
                pos.clear();
            }
            if (!pos.isEmpty()) throw new Args.UsageException("unexpected arguments " + pos);
            pos.add(file);
        }
        if (pos.size() > 1) throw new Args.UsageException("expected at most one FILE, got " + pos);
        if (!format.equals("c") && !format.equals("raw")) {
            throw new Args.UsageException("unknown format '" + format + "' (known: c, raw)");
        }
        if (!types.isEmpty() && !format.equals("c")) throw new Args.UsageException("--type needs --format c");
        Btf btf;
        if (pos.isEmpty()) {
            btf = Btf.kernel();
        } else if (base != null) {
            btf = Btf.readSplit(Path.of(pos.get(0)), Btf.read(Path.of(base)));
        } else {
            Path file = Path.of(pos.get(0)).toAbsolutePath().normalize();
            // as bpftool: module BTF in sysfs is split BTF over the kernel's
            boolean module = file.getParent() != null && file.getParent().equals(Path.of("/sys/kernel/btf"))
                    && !file.getFileName().toString().equals("vmlinux");
            btf = module ? Btf.kernelModule(file.getFileName().toString()) : Btf.read(file);
        }

        OutputStream sink = out;
        Path tmp = null;
        Path target = null;
        try {
            if (output != null) {
                target = Path.of(output);
                Path dir = target.toAbsolutePath().getParent();
                tmp = Files.createTempFile(dir, ".bpf4j-btf", ".tmp");
                sink = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
            }
            if (format.equals("raw")) {
                PrintStream ps = sink instanceof PrintStream p ? p : new PrintStream(sink, false);
                BtfRawFormatter.format(btf, ps);
                ps.flush();
            } else if (types.isEmpty()) {
                BtfCDumper.dumpVmlinuxH(btf, sink);
            } else {
                try {
                    BtfCDumper.dumpSelected(btf, types, null, sink);
                } catch (IllegalArgumentException e) {
                    throw new Args.UsageException(e.getMessage());
                }
            }
            sink.flush();
            if (tmp != null) {
                sink.close();
                Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                tmp = null;
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ObjectFileException(output != null ? output : "<stdout>", null, "cannot write: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
        return 0;
    }
}
