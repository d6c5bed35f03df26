package org.bpf4j.tools;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bpf4j.BpfException;
import org.bpf4j.BpfObject;
import org.bpf4j.FeatureNotSupportedException;
import org.bpf4j.LoadOptions;
import org.bpf4j.ObjectSpec;
import org.bpf4j.ProgramSpec;
import org.bpf4j.VerifierException;
import org.bpf4j.btf.Btf;

/**
 * {@code bpf4j prog load OBJECT [--program NAME]... [--btf FILE]}: loads each program of an object
 * file bpf4j did not build (without attaching it), prints {@code NAME<TAB>TYPE<TAB>ok} or the
 * reason it was not loaded, unloads, and exits 1 if any failed: bpftool's {@code prog loadall}
 * as a check.
 */
final class ProgCommand {
    private ProgCommand() {}

    static final String HELP = """
            Usage: bpf4j prog load OBJECT [--program NAME]... [--btf FILE] [--kconfig FILE] [-v]
                                      [--pin-maps DIR]

            Loads the programs of a BPF object file (all, or the named ones), one line each:
              NAME<TAB>TYPE<TAB>ok            loaded (then unloaded again)
              NAME<TAB>TYPE<TAB>REASON        not loaded: the verifier's last line, the missing
                                              kernel feature, or the error
            Exits 1 if any program failed to load.

              --program NAME   load only this program (repeatable)
              --btf FILE       resolve CO-RE relocations against this BTF (raw BTF, or an ELF
                               with a .BTF section) instead of /sys/kernel/btf/vmlinux
              --pin-maps DIR   pin every map of the object in DIR (on a bpf file system) by
                               name, reusing maps already pinned there: they stay after exit
              --kconfig FILE   the kernel configuration CONFIG_* __kconfig externs read (plain or
                               gzip) instead of /proc/config.gz or /boot/config-$(uname -r)
              -v, --verbose    after each program loaded, one indented line per extern, kfunc
                               and USDT site it uses: the value, address or BTF id it got
            """;

    private static final String[] OPTIONS = {"-P", "--program=", "-b", "--btf=", "-k", "--kconfig=", "-v", "--verbose",
        "-m", "--pin-maps=", "-h", "--help"};

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length < 2 || argv[1].equals("--help") || argv[1].equals("help")) {
            out.print(HELP);
            return argv.length < 2 ? 2 : 0;
        }
        if (!argv[1].equals("load") && !argv[1].equals("loadall")) return ProgInspect.run(argv, out, err);
        List<String> names = new ArrayList<>();
        String btfFile = null, kconfig = null;
        String pinMaps = null;
        boolean verbose = false;
        Args a = new Args(argv, 2);
        for (String o; (o = a.next(OPTIONS)) != null; ) {
            switch (o) {
                case "--program" -> names.add(a.value("--program"));
                case "--btf" -> btfFile = a.value("--btf");
                case "--pin-maps" -> pinMaps = a.value("--pin-maps");
                case "--kconfig" -> kconfig = a.value("--kconfig");
                case "--verbose" -> verbose = true;
                case "--help" -> {
                    out.print(HELP);
                    return 0;
                }
                default -> throw new Args.UsageException("unrecognized option '" + o + "'");
            }
        }
        if (a.positional().size() != 1) throw new Args.UsageException("expected one OBJECT file");
        ObjectSpec spec = ObjectSpec.read(Path.of(a.positional().get(0)));
        LoadOptions opts = LoadOptions.defaults();
        if (btfFile != null) opts = opts.withTargetBtf(Btf.read(Path.of(btfFile)));
        if (pinMaps != null) opts = PinMaps.apply(spec, opts, Path.of(pinMaps));
        if (kconfig != null) opts = opts.withKernelConfig(Path.of(kconfig));
        List<ProgramSpec> programs = new ArrayList<>();
        if (names.isEmpty()) {
            programs.addAll(spec.programs().values());
        } else {
            for (String n : names) programs.add(spec.program(n));
        }
        boolean failed = false;
        for (ProgramSpec p : programs) {
            String type = p.type().name().toLowerCase(Locale.ROOT);
            String result;
            List<String> details = List.of();
            try (BpfObject obj = spec.load(opts.withPrograms(Set.of(p.name())))) {
                result = "ok";
                if (verbose) details = obj.program(p.name()).resolutions();
            } catch (VerifierException e) {
                result = "verifier: " + (e.verdict() == null || e.verdict().isEmpty() ? "rejected" : firstLine(e.verdict()))
                        + (e.sourceLine() != null ? " (at " + e.sourceLine() + ")" : "");
                failed = true;
            } catch (FeatureNotSupportedException e) {
                result = e.getMessage();
                failed = true;
            } catch (BpfException e) {
                result = firstLine(e.getMessage());
                failed = true;
            } catch (RuntimeException e) {
                // still one line for this program, and the others get theirs
                result = "bpf4j failed: " + e + " (please report it)";
                failed = true;
            }
            out.println(p.name() + "\t" + type + "\t" + result);
            for (String d : details) out.println("  " + d);
        }
        return failed ? 1 : 0;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
