package org.bpf4j.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bpf4j.BpfException;
import org.bpf4j.map.StackTraceMap;
import org.bpf4j.symbols.Frame;
import org.bpf4j.symbols.JvmPerfMap;
import org.bpf4j.symbols.ProcessSymbols;
import org.bpf4j.symbols.Symbolizer;

/**
 * What profile and offcputime share: the stack options, the stack map sized from them, and the
 * report of counted stacks as libbpf-tools print it (multi-line, or {@code -f} folded:
 * {@code comm;user frames outermost first;kernel frames count}), --json, and --svg.
 */
final class Stacks {
    static final Argp.Opt STACK_STORAGE = new Argp.Opt('\0', "stack-storage-size", "STACK-STORAGE-SIZE",
            "the number of unique stack traces that can be stored and displayed (default 1024)");
    static final Argp.Opt MAX_DEPTH = new Argp.Opt('\0', "perf-max-stack-depth", "PERF-MAX-STACK-DEPTH",
            "the limit for both kernel and user stack traces (default 127)");
    static final Argp.Opt SVG = new Argp.Opt('\0', "svg", "FILE", "Also draw a flame graph (SVG) in FILE");
    static final Argp.Opt JAVA_SYMBOLS = new Argp.Opt('\0', "java-symbols", null,
            "Ask HotSpot JVMs without a perf map for one (jcmd PID Compiler.perfmap); on by default with -p");
    static final Argp.Opt NO_JAVA_SYMBOLS = new Argp.Opt('\0', "no-java-symbols", null,
            "Never ask a JVM for its perf map");

    /** One counted stack: a process (and thread, 0 when not counted per thread: printed instead of the process), its comm, the two stack ids (negative: none), and the count. */
    record Entry(int pid, int tid, String comm, int userStackId, int kernStackId, long value) {}

    final int depth;
    final int storage;

    Stacks(Argp.Parsed p) {
        depth = p.has(MAX_DEPTH.id()) ? (int) Tool.strtol(p.get(MAX_DEPTH.id()), "invalid perf max stack depth: " + p.get(MAX_DEPTH.id())) : 127;
        storage = p.has(STACK_STORAGE.id()) ? (int) Tool.strtol(p.get(STACK_STORAGE.id()), "invalid stack storage size: " + p.get(STACK_STORAGE.id())) : 1024;
        if (depth <= 0 || depth > 127) throw Argp.invalid("invalid perf max stack depth: " + p.get(MAX_DEPTH.id()));
        if (storage <= 0) throw Argp.invalid("invalid stack storage size: " + p.get(STACK_STORAGE.id()));
    }

    /** The stack map's spec sized from the options (as libbpf-tools' bpf_map__set_value_size/max_entries). */
    void size(org.bpf4j.MapSpec stackmap) {
        stackmap.valueSize(depth * 8).maxEntries(storage);
    }

    /**
     * Asks the HotSpot JVMs among {@code pids} that have no perf map for one, saying so on
     * {@code err}; a JVM that cannot be asked is said and skipped.
     */
    static void javaSymbols(Symbolizer syms, Set<Integer> pids, PrintStream err) {
        for (int pid : pids) {
            ProcessSymbols ps = syms.process(pid);
            if (!ps.hotSpot() || ps.perfMap().exists()) continue;
            try {
                Path f = JvmPerfMap.request(ps);
                err.println("Java symbols: asked JVM " + pid + " for its perf map (jcmd " + pid + " Compiler.perfmap): " + f);
            } catch (BpfException e) {
                err.println("Java symbols: " + e.getMessage());
            }
        }
    }

    /** The frames of one stack, innermost first, as names ("[unknown]" where none). */
    static List<String> frames(long[] ips, int depth, boolean kernel, int pid, Symbolizer syms, boolean verbose) {
        List<String> names = new ArrayList<>();
        if (ips == null) return null;
        for (int i = 0; i < ips.length && i < depth; i++) {
            long ip = ips[i];
            Frame f = kernel ? syms.kernel(ip) : syms.user(pid, ip);
            if (!verbose) {
                names.add(f == null ? "[unknown]" : f.name());
            } else if (kernel) {
                names.add("0x" + Long.toHexString(ip) + " " + (f == null ? "[unknown]" : f.withOffset()));
            } else {
                String mod = syms.process(pid).module(ip);
                names.add(String.format("0x%016x", ip) + (f == null ? "" : " " + f.withOffset()) + (mod == null ? "" : " (" + mod + ")"));
            }
        }
        return names;
    }

    /**
     * Prints the entries, largest count first, as profile does; returns the folded lines (for
     * --svg). {@code userFirst}: folded lines put user frames first (profile and offcputime
     * both do); {@code delimited}: {@code -} (folded) or {@code --} between the two stacks.
     */
    static List<String> print(List<Entry> entries, StackTraceMap stackmap, int depth, boolean userOnly, boolean kernelOnly,
                              boolean folded, boolean delimited, boolean verbose, boolean json, Symbolizer syms,
                              PrintStream out, PrintStream err, String unit) {
        return print(entries, new Names(stackmap, depth, syms, verbose), userOnly, kernelOnly, folded, delimited, json, out, err, unit);
    }

    /**
     * The stacks of a stack map and the names of their frames, each read and named once: a
     * stack id stands for the same addresses as long as the map lives (bpf_get_stackid without
     * BPF_F_REUSE_STACKID never overwrites one). {@link #ahead} reads and names the stacks of
     * the entries counted so far while the tool is still sampling, so that the report at the
     * end has only the newest stacks left to do. User stacks of a HotSpot JVM are not kept
     * named: its JIT's perf map may be asked for or grow before the report.
     */
    static final class Names {
        private final StackTraceMap map;
        private final int depth;
        private final Symbolizer syms;
        private final boolean verbose;
        private final Map<Integer, long[]> stacks = new HashMap<>();
        private final Map<Integer, List<String>> kernel = new HashMap<>();
        private final Map<Long, List<String>> user = new HashMap<>();
        private final Set<Long> warmed = new HashSet<>();

        Names(StackTraceMap map, int depth, Symbolizer syms, boolean verbose) {
            this.map = map;
            this.depth = depth;
            this.syms = syms;
            this.verbose = verbose;
        }

        /** Stack {@code id}'s addresses, or null (none, or a negative id). */
        long[] stack(int id) {
            if (id < 0) return null;
            long[] ips = stacks.get(id);
            if (ips == null) {
                ips = map.stack(id);
                if (ips != null) stacks.put(id, ips);
            }
            return ips;
        }

        List<String> kernel(int id, int pid) {
            List<String> names = kernel.get(id);
            if (names != null) return names;
            names = frames(stack(id), depth, true, pid, syms, verbose);
            if (names != null) kernel.put(id, names);
            return names;
        }

        List<String> user(int id, int pid) {
            long key = ((long) pid << 32) | (id & 0xffffffffL);
            List<String> names = user.get(key);
            if (names != null) return names;
            names = frames(stack(id), depth, false, pid, syms, verbose);
            if (names != null && !syms.process(pid).hotSpot()) user.put(key, names);
            return names;
        }

        /**
         * Reads and names the stacks of {@code entries} not done yet, stopping at
         * {@code deadline} ({@link System#nanoTime()}); a JVM's user stacks only once, to load
         * its files' symbols.
         */
        void ahead(List<Entry> entries, boolean userOnly, boolean kernelOnly, long deadline) {
            for (Entry e : entries) {
                if (System.nanoTime() > deadline) return;
                if (!userOnly && e.kernStackId() >= 0) kernel(e.kernStackId(), e.pid());
                if (!kernelOnly && e.userStackId() >= 0) {
                    long key = ((long) e.pid() << 32) | (e.userStackId() & 0xffffffffL);
                    if (!user.containsKey(key) && warmed.add(key)) user(e.userStackId(), e.pid());
                }
            }
        }
    }

    static List<String> print(List<Entry> entries, Names names, boolean userOnly, boolean kernelOnly,
                              boolean folded, boolean delimited, boolean json,
                              PrintStream out, PrintStream err, String unit) {
        entries = new ArrayList<>(entries);
        entries.sort((a, b) -> Long.compare(b.value(), a.value()));
        List<String> foldedLines = new ArrayList<>();
        int missing = 0;
        boolean collision = false;
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            List<String> kern = null, user = null;
            // -EFAULT: no such stack (a kernel stack in user mode); -1: not taken (-U, -K, a kernel thread's user stack)
            boolean hasKern = !userOnly && e.kernStackId() != -14 && e.kernStackId() != -1;
            boolean hasUser = !kernelOnly && e.userStackId() != -14 && e.userStackId() != -1;
            if (hasKern) kern = e.kernStackId() < 0 ? null : names.kernel(e.kernStackId(), e.pid());
            // a process gone before its memory map was read: libbpf-tools names none of its frames
            // and says "failed to get syms" (multi-line output), and so does bpf4j
            boolean noSyms = hasUser && e.userStackId() >= 0 && !names.syms.process(e.pid()).mapped();
            if (hasUser) user = e.userStackId() < 0 ? null : noSyms ? List.of() : names.user(e.userStackId(), e.pid());
            if (noSyms && !folded && !json) err.println("failed to get syms");
            if (hasKern && e.kernStackId() < 0) missing++;
            if (hasUser && e.userStackId() < 0) missing++;
            if (e.kernStackId() == -17 || e.userStackId() == -17) collision = true;
            StringBuilder line = new StringBuilder(e.comm());
            if (hasUser) {
                if (user == null) line.append(";[Missed User Stack]");
                else for (int i = user.size() - 1; i >= 0; i--) line.append(';').append(user.get(i));
            }
            if (hasKern) {
                if (hasUser && delimited) line.append(";-");
                if (kern == null) line.append(";[Missed Kernel Stack]");
                else for (int i = kern.size() - 1; i >= 0; i--) line.append(';').append(kern.get(i));
            }
            foldedLines.add(line + " " + e.value());
            if (json) {
                Json j = new Json().put("pid", e.pid()).put("comm", e.comm()).put(unit, e.value());
                if (hasUser) j.putRaw("user_stack", array(user));
                if (hasKern) j.putRaw("kernel_stack", array(kern));
                sb.append(j).append('\n');
            } else if (folded) {
                sb.append(line).append(' ').append(e.value()).append('\n');
            } else {
                if (hasKern) {
                    if (kern == null) sb.append("    [Missed Kernel Stack]\n");
                    else for (String f : kern) sb.append("    ").append(f).append('\n');
                }
                if (hasUser) {
                    if (hasKern && delimited) sb.append("    --\n");
                    if (user == null) sb.append("    [Missed User Stack]\n");
                    else for (String f : user) sb.append("    ").append(f).append('\n');
                }
                sb.append(String.format("    %-16s %s (%d)%n", "-", e.comm(), e.tid() != 0 ? e.tid() : e.pid()));
                sb.append("        ").append(e.value()).append("\n\n");
            }
        }
        out.print(sb);
        out.flush();
        if (missing > 0) {
            err.println("WARNING: " + missing + " stack traces could not be displayed." + (collision ? " Consider increasing --stack-storage-size." : ""));
        }
        return foldedLines;
    }

    private static String array(List<String> frames) {
        if (frames == null) return "null";
        StringBuilder sb = new StringBuilder("[");
        for (String f : frames) {
            if (sb.length() > 1) sb.append(',');
            Json.quote(sb, f);
        }
        return sb.append(']').toString();
    }

    /** Writes the --svg flame graph of the folded lines, or says why not. */
    static int svg(String file, String title, String unit, List<String> folded, PrintStream err) {
        if (file == null) return 0;
        try {
            FlameGraph.write(Path.of(file), title, unit, folded);
            return 0;
        } catch (IOException e) {
            err.println("cannot write flame graph " + file + ": " + e.getMessage());
            return 1;
        }
    }

    /** The pids of the entries. */
    static Set<Integer> pids(List<Entry> entries) {
        Set<Integer> s = new TreeSet<>();
        for (Entry e : entries) s.add(e.pid());
        return s;
    }

    /** A comma-separated list of PIDs/TIDs, as libbpf-tools' split_pidstr; {@code what} is "PID" or "TID". */
    static List<Integer> idList(String value, String what, int max) {
        List<Integer> ids = new ArrayList<>();
        for (String s : value.split(",")) {
            long n;
            try {
                n = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw Argp.invalid("invalid " + what + ": " + value);
            }
            if (n <= 0 || n > Integer.MAX_VALUE) throw Argp.invalid("invalid " + what + ": " + value);
            ids.add((int) n);
        }
        if (ids.size() > max) {
            throw Argp.invalid("the number of " + what.toLowerCase() + " is too big, please increase MAX_" + what + "_NR's value and recompile");
        }
        return ids;
    }
}
