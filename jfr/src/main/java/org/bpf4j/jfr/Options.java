package org.bpf4j.jfr;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.bpf4j.BpfException;

/**
 * What to trace: the agent's option string, {@code events=offcpu+fileopen+syscall+tcp+pagefault+runqueue,offcpu=1ms,syscall=10ms,runqueue=1ms}
 * (every part optional). {@code offcpu}, {@code syscall} and {@code runqueue} are the least durations the kernel
 * sends (below them nothing reaches Java); JFR's {@code kernelThreshold} setting filters further.
 */
public record Options(Set<String> events, long offcpuMinNs, long syscallMinNs, long runqMinNs) {
    /** The event names of {@code events=}. */
    public static final Set<String> EVENTS = Set.of("offcpu", "fileopen", "syscall", "tcp", "pagefault", "runqueue");

    public static final Options DEFAULT = new Options(EVENTS, 1_000_000, 10_000_000, 1_000_000);

    public Options {
        events = Set.copyOf(events);
    }

    public boolean has(String event) {
        return events.contains(event);
    }

    /** Parses an agent option string; null or empty is {@link #DEFAULT}; a bad part is a BpfException. */
    public static Options parse(String text) {
        Options o = DEFAULT;
        if (text == null || text.isBlank()) return o;
        for (String part : text.split(",")) {
            part = part.trim();
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            if (eq < 0) throw new BpfException("option '" + part + "' has no value (events=, offcpu=, syscall=, runqueue=)");
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT), value = part.substring(eq + 1).trim();
            o = switch (key) {
                case "events" -> new Options(events(value), o.offcpuMinNs, o.syscallMinNs, o.runqMinNs);
                case "offcpu" -> new Options(o.events, duration(key, value), o.syscallMinNs, o.runqMinNs);
                case "syscall" -> new Options(o.events, o.offcpuMinNs, duration(key, value), o.runqMinNs);
                case "runqueue" -> new Options(o.events, o.offcpuMinNs, o.syscallMinNs, duration(key, value));
                default -> throw new BpfException("unknown option '" + key + "' (events=, offcpu=, syscall=, runqueue=)");
            };
        }
        return o;
    }

    static Set<String> events(String value) {
        Set<String> set = new LinkedHashSet<>();
        for (String e : value.split("[+ ]")) {
            e = e.trim().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) continue;
            if (e.equals("all")) set.addAll(EVENTS);
            else if (!EVENTS.contains(e)) throw new BpfException("unknown event '" + e + "' (offcpu, fileopen, syscall, tcp, pagefault, runqueue, all)");
            else set.add(e);
        }
        if (set.isEmpty()) throw new BpfException("events= names no event (offcpu, fileopen, syscall, tcp, pagefault, runqueue, all)");
        return set;
    }

    static long duration(String key, String value) {
        if (!value.matches("\\d+\\s*(ns|us|ms|s)?")) {
            throw new BpfException("" + key + "=" + value + " is not a duration (such as 10ms, 500us, 1s)");
        }
        return KernelThreshold.parse(value);
    }
}
