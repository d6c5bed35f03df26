package org.bpf4j.features;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What this process and this system allow, beside what the kernel was built with ({@link Features}
 * probes that): the process's capabilities, lockdown, ftrace's filter, the active LSMs, and from
 * them the one-line reason a privileged load of a trampoline program is refused.
 */
public final class Environment {
    private Environment() {}

    /** The active LSMs from {@code /sys/kernel/security/lsm} (securityfs), or null if unreadable. */
    static String activeLsms() {
        try {
            return Files.readString(Path.of("/sys/kernel/security/lsm")).trim();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * Why a privileged BPF_PROG_LOAD of a trampoline-based program (fentry, fexit, fmod_ret, lsm)
     * failed with EPERM, from what the system shows: capabilities, the kernel configuration,
     * lockdown, ftrace, the active LSMs.
     *
     * @param kind    {@code fentry}, {@code fexit}, {@code fmod_ret} or {@code lsm}
     * @param program the program's name for the message, or null
     * @return the message, in one line
     */
    public static String trampolineRefusal(String kind, String program) {
        StringBuilder sb = new StringBuilder();
        List<String> missingCaps = missingCapabilities();
        if (!missingCaps.isEmpty()) {
            return "BPF_PROG_LOAD: EPERM" + (program == null ? "" : " for program '" + program + "'")
                    + ": this process lacks " + String.join(" and ", missingCaps);
        }
        sb.append("BPF_PROG_LOAD answers EPERM").append(program == null ? "" : " for program '" + program + "'")
                .append(" although this process has CAP_BPF and CAP_PERFMON, before the verifier runs");
        sb.append(". ").append(kind).append(" programs run from BPF trampolines that patch the entry of kernel "
                + "functions (through ftrace), and this kernel does not let them");
        KernelConfig cfg = KernelConfig.running().orElse(null);
        List<String> needed = new ArrayList<>(List.of("CONFIG_BPF_JIT", "CONFIG_FUNCTION_TRACER",
                "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS"));
        if (kind.equals("lsm")) needed.add("CONFIG_BPF_LSM");
        List<String> off = new ArrayList<>();
        if (cfg != null) for (String o : needed) if (!cfg.enabled(o)) off.add(o);
        if (!off.isEmpty()) {
            sb.append(": it was built without ").append(String.join(", ", off));
            return sb.toString();
        }
        String lockdown = lockdown();
        boolean ftraceRefused = ftraceFilterRefused();
        if (ftraceRefused) sb.append("; ftrace's function filter (set_ftrace_filter in tracefs) is refused too (EPERM)");
        if (lockdown != null) {
            sb.append("; lockdown is '").append(lockdown).append("'");
            if (!lockdown.equals("confidentiality")) sb.append(" (which does not forbid this)");
        }
        if (kind.equals("lsm")) {
            String lsms = activeLsms();
            if (lsms != null) sb.append("; active LSMs: ").append(lsms);
        }
        if (cfg != null) {
            sb.append("; the build has ").append(String.join(", ", needed)).append(" (").append(cfg.source()).append(")")
                    .append(", so this is a restriction of this kernel's builder (a hardened or sandboxed kernel), "
                            + "not a missing option");
        }
        sb.append(". tp_btf, raw_tp and tracepoint programs do not need trampolines");
        return sb.toString();
    }

    /** The active lockdown level from {@code /sys/kernel/security/lockdown} ({@code none [integrity] confidentiality}), or null. */
    static String lockdown() {
        try {
            String s = Files.readString(Path.of("/sys/kernel/security/lockdown")).trim();
            int a = s.indexOf('['), b = s.indexOf(']');
            return a >= 0 && b > a ? s.substring(a + 1, b) : s;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static boolean ftraceFilterRefused() {
        try {
            Path p = org.bpf4j.link.Tracefs.root().resolve("set_ftrace_filter");
            if (!Files.exists(p)) return false;
            try (var in = Files.newInputStream(p)) {
                in.read();
                return false;
            }
        } catch (java.nio.file.AccessDeniedException e) {
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            return e.getMessage() != null && e.getMessage().contains("Operation not permitted");
        }
    }

    /**
     * The capabilities of CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN this process lacks (from /proc/self/status).
     *
     * @return the missing capabilities' names; empty if none is missing
     */
    public static List<String> missingCapabilities() {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (!line.startsWith("CapEff:")) continue;
                long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                if ((caps & (1L << 39)) == 0 && (caps & (1L << 21)) == 0) out.add("CAP_BPF");
                if ((caps & (1L << 38)) == 0 && (caps & (1L << 21)) == 0) out.add("CAP_PERFMON");
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // unknown: assume privileged
        }
        return out;
    }
}
