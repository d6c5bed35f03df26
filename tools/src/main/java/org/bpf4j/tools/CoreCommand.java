package org.bpf4j.tools;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.CoreRelocation;
import org.bpf4j.ObjectSpec;
import org.bpf4j.btf.Btf;
import org.bpf4j.core.CoreTargets;

/**
 * {@code bpf4j core relocs OBJECT [--btf FILE]} lists an object's CO-RE relocations as they
 * resolve against a kernel's BTF; {@code bpf4j core check OBJECT --btf FILE...} is the
 * portability check before shipping: per target, every relocation that does not resolve, and a
 * non-zero exit status if the object would not load on one of them.
 */
final class CoreCommand {
    private CoreCommand() {}

    static final String HELP = """
            Usage: bpf4j core relocs OBJECT [--btf FILE] [-v]
                   bpf4j core check OBJECT [--btf FILE]...

            relocs: one line per CO-RE relocation of OBJECT, by program, then instruction:
              PROGRAM<TAB>INSN<TAB>KIND<TAB>TYPE<TAB>ACCESS<TAB>RESULT
            PROGRAM is the function holding the instruction (a subprogram by its own name), INSN
            the instruction's index in it (as libbpf's log numbers it), KIND libbpf's name of the
            relocation kind, TYPE the local type, ACCESS the access string, RESULT the value
            patched in, 'poison' (the target lacks the field, type or enumerator: the instruction
            becomes an invalid call, fatal only if the program can reach it), 'error' (libbpf
            fails the whole load) or 'unprocessed' (after an error). -v adds two columns: the
            access in C terms and what the target has (or why it failed). Exits 1 on an error.

            check: for each target BTF, whether OBJECT would load there as far as CO-RE decides,
            and every relocation that does not resolve: errors, and poisoned instructions, with
            whether a program can reach them (a poisoned instruction behind a guard such as
            bpf_core_field_exists() that came out 0 is harmless). Exits 1 if any target fails.

              --btf FILE   target BTF: raw BTF (/sys/kernel/btf/vmlinux, a .btf file) or an ELF
                           with a .BTF section (a vmlinux); repeatable for check. Default: the
                           running kernel's, and its modules' for types vmlinux lacks
              -v, --verbose
            """;

    private static final String[] OPTIONS = {"-b", "--btf=", "-v", "--verbose", "-h", "--help"};

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length < 2 || argv[1].equals("--help") || argv[1].equals("help") || argv[1].equals("-h")) {
            out.print(HELP);
            return argv.length < 2 ? 2 : 0;
        }
        String sub = argv[1];
        if (!sub.equals("relocs") && !sub.equals("check")) {
            throw new Args.UsageException("unknown core subcommand '" + sub + "' (known: relocs, check)");
        }
        List<String> btfs = new ArrayList<>();
        boolean verbose = false;
        Args a = new Args(argv, 2);
        for (String o; (o = a.next(OPTIONS)) != null; ) {
            switch (o) {
                case "--btf" -> btfs.add(a.value("--btf"));
                case "--verbose" -> verbose = true;
                case "--help" -> {
                    out.print(HELP);
                    return 0;
                }
                default -> throw new Args.UsageException("unrecognized option '" + o + "'");
            }
        }
        if (a.positional().size() != 1) throw new Args.UsageException("expected one OBJECT file");
        if (sub.equals("relocs") && btfs.size() > 1) throw new Args.UsageException("relocs takes one --btf");
        ObjectSpec spec = ObjectSpec.read(Path.of(a.positional().get(0)));
        if (sub.equals("relocs")) return relocs(spec, btfs.isEmpty() ? null : btfs.get(0), verbose, out);
        return check(spec, btfs, out);
    }

    private static CoreTargets targets(String btf) {
        return btf == null ? CoreTargets.runningKernel() : CoreTargets.of(Btf.read(Path.of(btf)));
    }

    private static List<CoreRelocation> sorted(List<CoreRelocation> relocations) {
        List<CoreRelocation> s = new ArrayList<>(relocations);
        s.sort(CoreRelocation.BY_PROGRAM_AND_INSN);
        return s;
    }

    static int relocs(ObjectSpec spec, String btf, boolean verbose, PrintStream out) {
        List<CoreRelocation> all = sorted(spec.resolveCore(targets(btf)));
        boolean error = false;
        StringBuilder sb = new StringBuilder();
        for (CoreRelocation r : all) {
            sb.append(r.toLine());
            if (verbose) {
                String why = switch (r.outcome()) {
                    case PATCHED -> r.result().targetSpec() != null ? r.result().targetSpec() : "-";
                    case POISONED -> r.detail() + (r.deadCode() ? " (unreachable)" : "");
                    default -> r.detail();
                };
                sb.append('\t').append(r.what()).append('\t').append(why);
            }
            sb.append('\n');
            error |= r.failed();
        }
        out.print(sb);
        return error ? 1 : 0;
    }

    static int check(ObjectSpec spec, List<String> btfs, PrintStream out) {
        List<String> targets = btfs.isEmpty() ? java.util.Collections.singletonList(null) : btfs;
        boolean anyFailed = false;
        for (String btf : targets) {
            String label = btf == null ? "running kernel (/sys/kernel/btf/vmlinux)" : btf;
            List<CoreRelocation> all = sorted(spec.resolveCore(targets(btf)));
            int poisoned = 0, reachable = 0, failed = 0;
            List<String> lines = new ArrayList<>();
            for (CoreRelocation r : all) {
                String status;
                switch (r.outcome()) {
                    case PATCHED -> {
                        continue;
                    }
                    case POISONED -> {
                        poisoned++;
                        if (r.deadCode()) {
                            status = "poisoned, unreachable (guarded): ok";
                        } else {
                            reachable++;
                            status = "poisoned, reachable: FAILS";
                        }
                    }
                    case FAILED -> {
                        failed++;
                        status = "error: FAILS";
                    }
                    default -> status = "not processed (libbpf stops at the first error)";
                }
                String detail = r.outcome() == CoreRelocation.Outcome.UNPROCESSED ? "" : ": " + r.detail();
                lines.add("  " + r.program() + " insn " + r.insn() + ": " + r.kind().libbpfName() + " of " + r.what()
                        + ": " + status + detail);
            }
            boolean fails = failed > 0 || reachable > 0;
            anyFailed |= fails;
            StringBuilder head = new StringBuilder(label).append(": ").append(fails ? "FAIL" : "ok").append(" (")
                    .append(all.size()).append(all.size() == 1 ? " relocation" : " relocations");
            if (poisoned > 0) head.append(", ").append(poisoned).append(" poisoned (").append(reachable).append(" reachable)");
            if (failed > 0) head.append(", ").append(failed).append(" failed");
            head.append(')');
            out.println(head);
            for (String l : lines) out.println(l);
        }
        return anyFailed ? 1 : 0;
    }
}
