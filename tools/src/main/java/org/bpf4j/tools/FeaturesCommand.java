package org.bpf4j.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bpf4j.MapType;
import org.bpf4j.ProgramType;
import org.bpf4j.features.Features;
import org.bpf4j.features.KernelConfig;

/**
 * {@code bpf4j features}: what this kernel supports, in the format of {@code bpftool feature probe}
 * (system configuration, program types, map types, helpers per program type), followed by the
 * attach kinds bpf4j knows with what each needs when it is missing.
 */
final class FeaturesCommand {
    private FeaturesCommand() {}

    static final String HELP = """
            Usage: bpf4j features [--full] [--section SECTION]...

            Probes what the running kernel supports and prints it like `bpftool feature probe`:
            system configuration, program types, map types, helpers per program type; then the
            attach kinds bpf4j uses (kprobe, uprobe, fentry, lsm, XDP links, tcx, ...) and, for each
            one this kernel lacks, what is missing. Needs root (or CAP_BPF and CAP_PERFMON).

              --full             also probe bpf_trace_printk, bpf_trace_vprintk and
                                 bpf_probe_write_user (each probe load makes the kernel log a warning)
              --section SECTION  only this part: config, syscall, program_types, map_types,
                                 helpers, attach (repeatable)
            """;

    private static final String[] OPTIONS = {"-f", "--full", "-s", "--section=", "-h", "--help"};
    private static final List<String> SECTIONS = List.of("config", "syscall", "program_types", "map_types", "helpers",
            "attach");
    /** Helpers bpftool leaves out unless asked for everything: probing them warns in the kernel log. */
    private static final Set<String> NOISY = Set.of("bpf_trace_printk", "bpf_trace_vprintk", "bpf_probe_write_user");
    /** The options bpftool reports, in its order, then those bpf4j's attach kinds depend on. */
    private static final List<String> CONFIG = List.of("CONFIG_BPF", "CONFIG_BPF_SYSCALL", "CONFIG_HAVE_EBPF_JIT",
            "CONFIG_BPF_JIT", "CONFIG_BPF_JIT_ALWAYS_ON", "CONFIG_DEBUG_INFO_BTF", "CONFIG_DEBUG_INFO_BTF_MODULES",
            "CONFIG_CGROUPS", "CONFIG_CGROUP_BPF", "CONFIG_CGROUP_NET_CLASSID", "CONFIG_SOCK_CGROUP_DATA",
            "CONFIG_BPF_EVENTS", "CONFIG_KPROBE_EVENTS", "CONFIG_UPROBE_EVENTS", "CONFIG_TRACING",
            "CONFIG_FTRACE_SYSCALLS", "CONFIG_FUNCTION_ERROR_INJECTION", "CONFIG_BPF_KPROBE_OVERRIDE", "CONFIG_NET",
            "CONFIG_XDP_SOCKETS", "CONFIG_LWTUNNEL_BPF", "CONFIG_NET_ACT_BPF", "CONFIG_NET_CLS_BPF",
            "CONFIG_NET_CLS_ACT", "CONFIG_NET_SCH_INGRESS", "CONFIG_XFRM", "CONFIG_IP_ROUTE_CLASSID",
            "CONFIG_IPV6_SEG6_BPF", "CONFIG_BPF_LIRC_MODE2", "CONFIG_BPF_STREAM_PARSER",
            "CONFIG_NETFILTER_XT_MATCH_BPF", "CONFIG_BPFILTER", "CONFIG_BPFILTER_UMH", "CONFIG_TEST_BPF", "CONFIG_HZ",
            "CONFIG_KPROBES", "CONFIG_UPROBES", "CONFIG_FUNCTION_TRACER", "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS",
            "CONFIG_BPF_LSM", "CONFIG_NET_XGRESS");

    static int run(String[] argv, PrintStream out, PrintStream err) {
        boolean full = false;
        java.util.LinkedHashSet<String> sections = new java.util.LinkedHashSet<>();
        Args a = new Args(argv, 1);
        for (String o; (o = a.next(OPTIONS)) != null; ) {
            switch (o) {
                case "--full" -> full = true;
                case "--section" -> {
                    String s = a.value("--section");
                    if (!SECTIONS.contains(s)) {
                        throw new Args.UsageException("unknown section '" + s + "' (known: " + String.join(", ", SECTIONS) + ")");
                    }
                    sections.add(s);
                }
                case "--help" -> {
                    out.print(HELP);
                    return 0;
                }
                default -> throw new Args.UsageException("unrecognized option '" + o + "'");
            }
        }
        if (!a.positional().isEmpty() && !a.positional().equals(List.of("kernel"))) {
            throw new Args.UsageException("unexpected argument '" + a.positional().get(0) + "'");
        }
        if (sections.isEmpty()) sections.addAll(SECTIONS);
        StringBuilder sb = new StringBuilder(64 * 1024);
        boolean first = true;
        for (String s : SECTIONS) {
            if (!sections.contains(s)) continue;
            if (!first) sb.append('\n');
            first = false;
            switch (s) {
                case "config" -> config(sb);
                case "syscall" -> syscall(sb);
                case "program_types" -> programTypes(sb);
                case "map_types" -> mapTypes(sb);
                case "helpers" -> helpers(sb, full);
                case "attach" -> attach(sb);
                default -> throw new AssertionError(s);
            }
        }
        out.print(sb);
        out.flush();
        return 0;
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /**
     * A sysctl's value, read in one read(2) of a page: some handlers (bpf_jit_limit) answer a read
     * of a few bytes with a few bytes and the next with end of file, which Files.readString takes
     * for the whole value.
     */
    private static String sysctl(String path) {
        try (java.io.FileInputStream in = new java.io.FileInputStream(path)) {
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        }
    }

    private static void config(StringBuilder sb) {
        sb.append("Scanning system configuration...\n");
        String unpriv = sysctl("/proc/sys/kernel/unprivileged_bpf_disabled");
        if (unpriv != null) {
            sb.append(switch (unpriv) {
                case "0" -> "bpf() syscall for unprivileged users is enabled";
                case "1" -> "bpf() syscall restricted to privileged users (without recovery)";
                case "2" -> "bpf() syscall restricted to privileged users (admin can change)";
                default -> "Unable to retrieve required privileges for bpf() syscall";
            }).append('\n');
        }
        String jit = sysctl("/proc/sys/net/core/bpf_jit_enable");
        if (jit != null) {
            sb.append(switch (jit) {
                case "0" -> "JIT compiler is disabled";
                case "1" -> "JIT compiler is enabled";
                case "2" -> "JIT compiler is enabled with debugging traces in kernel logs";
                default -> "Unable to retrieve JIT-compiler status";
            }).append('\n');
        }
        String harden = sysctl("/proc/sys/net/core/bpf_jit_harden");
        if (harden != null) {
            sb.append(switch (harden) {
                case "0" -> "JIT compiler hardening is disabled";
                case "1" -> "JIT compiler hardening is enabled for unprivileged users";
                case "2" -> "JIT compiler hardening is enabled for all users";
                default -> "Unable to retrieve JIT hardening status";
            }).append('\n');
        }
        String kallsyms = sysctl("/proc/sys/net/core/bpf_jit_kallsyms");
        if (kallsyms != null) {
            sb.append(switch (kallsyms) {
                case "0" -> "JIT compiler kallsyms exports are disabled";
                case "1" -> "JIT compiler kallsyms exports are enabled for root";
                default -> "Unable to retrieve JIT kallsyms export status";
            }).append('\n');
        }
        String limit = sysctl("/proc/sys/net/core/bpf_jit_limit");
        if (limit != null) sb.append("Global memory limit for JIT compiler for unprivileged users is ").append(limit)
                .append(" bytes\n");
        KernelConfig cfg = KernelConfig.running().orElse(null);
        if (cfg == null) {
            sb.append("skipping kernel config, can't open file: No such file or directory\n");
            return;
        }
        for (String o : CONFIG) {
            String v = cfg.get(o);
            sb.append(o).append(v.equals("n") ? " is not set" : " is set to " + v).append('\n');
        }
    }

    private static void syscall(StringBuilder sb) {
        sb.append("Scanning system call availability...\n");
        sb.append(Features.bpfSyscall() ? "bpf() syscall is available" : "bpf() syscall is NOT available").append('\n');
    }

    private static void programTypes(StringBuilder sb) {
        sb.append("Scanning eBPF program types...\n");
        for (ProgramType t : ProgramType.values()) {
            if (t == ProgramType.UNSPEC) continue;
            Features.Probe p = Features.programTypeProbe(t);
            sb.append("eBPF program_type ").append(lower(t)).append(p.supported() ? " is available" : " is NOT available");
            // bpftool prints no reasons; a refusal is worth one (the type exists, the kernel says no)
            if (!p.supported() && p.detail().contains("refused")) sb.append(" (").append(p.detail()).append(')');
            sb.append('\n');
        }
    }

    private static void mapTypes(StringBuilder sb) {
        sb.append("Scanning eBPF map types...\n");
        for (MapType t : MapType.values()) {
            if (t == MapType.UNSPEC) continue;
            sb.append("eBPF map_type ").append(lower(t)).append(Features.mapType(t) ? " is available"
                    : " is NOT available").append('\n');
        }
    }

    private static void helpers(StringBuilder sb, boolean full) {
        sb.append("Scanning eBPF helper functions...\n");
        Map<Integer, String> names = Features.helperNames();
        for (ProgramType t : ProgramType.values()) {
            if (t == ProgramType.UNSPEC) continue;
            sb.append("eBPF helpers supported for program type ").append(lower(t)).append(":\n");
            if (!Features.programType(t)) {
                sb.append("\tProgram type not supported\n");
                continue;
            }
            if (!Features.helpersProbeable(t)) {
                sb.append("\tCould not determine which helpers are available\n");
                continue;
            }
            for (Map.Entry<Integer, String> h : names.entrySet()) {
                if (!full && NOISY.contains(h.getValue())) continue;
                if (Features.helper(t, h.getKey())) sb.append("\t- ").append(h.getValue()).append('\n');
            }
        }
    }

    private static void attach(StringBuilder sb) {
        sb.append("Scanning attach kinds...\n");
        for (Features.Attach k : Features.Attach.values()) {
            Features.Probe p = Features.attach(k);
            sb.append("Attach kind ").append(lower(k)).append(" (").append(k.sections()).append(')');
            if (p.supported()) {
                sb.append(" is available").append(p.detail().isEmpty() ? "" : " (" + p.detail() + ")");
            } else {
                sb.append(" is NOT available: ").append(p.detail());
            }
            sb.append('\n');
        }
    }
}
