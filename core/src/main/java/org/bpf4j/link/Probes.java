package org.bpf4j.link;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bpf4j.BpfException;
import org.bpf4j.LeakTracker;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Fd;
import org.bpf4j.sys.Os;
import org.bpf4j.sys.PerfEvent;

/**
 * The two ways to create a kprobe or uprobe perf event: the probe's PMU (Linux 4.17+:
 * {@code perf_event_open} with the PMU's type from {@code /sys/bus/event_source/devices/<kind>/type},
 * the function name or file path in {@code config1} and the offset in {@code config2}), or a
 * dynamic trace event written to tracefs {@code kprobe_events} / {@code uprobe_events}, opened as
 * a tracepoint and removed again when the link closes (or the attach fails).
 */
final class Probes {
    private Probes() {}

    enum Kind {
        KPROBE("kprobe", "kprobe_events", "kprobes", "kretprobes"),
        UPROBE("uprobe", "uprobe_events", "uprobes", "uretprobes");

        final String pmu, eventsFile, group, retGroup;

        Kind(String pmu, String eventsFile, String group, String retGroup) {
            this.pmu = pmu;
            this.eventsFile = eventsFile;
            this.group = group;
            this.retGroup = retGroup;
        }
    }

    static final Path EVENT_SOURCES = Path.of("/sys/bus/event_source/devices");
    private static final AtomicInteger COUNTER = new AtomicInteger();
    /** Tests set this to take the tracefs path although the PMU exists. */
    static volatile boolean forceTracefs;

    /** The PMU's perf event type, or -1 when the kernel has no such PMU. */
    static int pmuType(Kind kind) {
        Path p = EVENT_SOURCES.resolve(kind.pmu).resolve("type");
        try {
            return Integer.parseInt(Files.readString(p).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The config bit that makes a PMU probe a return probe ({@code format/retprobe}: "config:0"). */
    static int retprobeBit(Kind kind) {
        Path p = EVENT_SOURCES.resolve(kind.pmu).resolve("format").resolve("retprobe");
        try {
            String s = Files.readString(p).trim();
            if (s.startsWith("config:")) return Integer.parseInt(s.substring("config:".length()));
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        throw new BpfException("cannot read the " + kind.pmu + " PMU's return probe bit from " + p);
    }

    /** The tracefs file of dynamic {@code kind} events, or null if tracefs has none. */
    static Path eventsFile(Kind kind) {
        try {
            Path p = Tracefs.root().resolve(kind.eventsFile);
            return Files.exists(p) ? p : null;
        } catch (BpfException e) {
            return null;
        }
    }

    /**
     * Opens a probe through the PMU: {@code nameOrPath} (function or file) and {@code offset}.
     * Returns the fd or {@code -errno}.
     */
    static long openPmu(Kind kind, int type, boolean retprobe, String nameOrPath, long offset, long refCtrOffset,
                        int pid) {
        try (Arena arena = Arena.ofConfined()) {
            long config = retprobe ? 1L << retprobeBit(kind) : 0;
            config |= refCtrOffset << 32; // PERF_UPROBE_REF_CTR_OFFSET_SHIFT
            long name = Os.cstr(arena, nameOrPath).address();
            PerfEvent.Attr attr = new PerfEvent.Attr(type, config, 0, 0, 0, 0, name, offset);
            // a pid filter narrows uprobes to one process; without one the event must name a CPU,
            // and fires on every CPU anyway (trace events run their programs wherever they hit)
            return PerfEvent.openRaw(attr, pid < 0 ? -1 : pid, pid < 0 ? 0 : -1, -1);
        }
    }

    /** A probe created in tracefs: its perf event and the names to remove it by. */
    record Legacy(Fd perf, Kind kind, String group, String event) {
        void remove() {
            Probes.remove(kind, group, event);
        }
    }

    /**
     * An event name unique to this process: {@code bpf4j_<pid>s<start>_<n>_<what>}, sanitized, at most
     * 63 characters. {@code start} is the process's start time in clock ticks since boot
     * ({@code /proc/self/stat}'s 22nd field), so that {@link #removeOrphans} can tell a dead owner
     * from a live process that got its pid again.
     */
    static String eventName(String what, long offset) {
        long pid = ProcessHandle.current().pid();
        String raw = "bpf4j_" + pid + "s" + startTicks(pid) + "_" + COUNTER.incrementAndGet() + "_" + what
                + "_0x" + Long.toHexString(offset);
        StringBuilder sb = new StringBuilder();
        for (char c : raw.toCharArray()) sb.append(Character.isLetterOrDigit(c) && c < 128 ? c : '_');
        return sb.length() > 63 ? sb.substring(0, 63) : sb.toString();
    }

    /** The start time of process {@code pid} in clock ticks since boot, or -1 when there is no such process. */
    static long startTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses; fields resume after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[22 - 3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static final Set<Kind> SWEPT = ConcurrentHashMap.newKeySet();

    /** {@link #removeOrphans} once per kind in this process, before its first probe of that kind. */
    static void sweepOnce(Kind kind) {
        if (SWEPT.add(kind)) removeOrphans(kind);
    }

    /**
     * Removes the {@code bpf4j_*} dynamic events of {@code kind} whose owner is gone: a process
     * killed with SIGKILL cannot remove its tracefs events, and they would stay until reboot. Names
     * {@code bpf4j_<pid>s<start>_...} are orphans when no process {@code pid} has that start time;
     * the older {@code bpf4j_<pid>_...} when no process {@code pid} exists. Best effort: without
     * tracefs access nothing is read or removed. Returns the events removed, as {@code group/event}.
     */
    static List<String> removeOrphans(Kind kind) {
        List<String> removed = new ArrayList<>();
        Path events = eventsFile(kind);
        if (events == null) return removed;
        List<String> lines;
        try {
            lines = Files.readAllLines(events);
        } catch (IOException | RuntimeException e) {
            return removed;
        }
        for (String l : lines) {
            // "p:group/event target", "r:...", "r32:..."
            int colon = l.indexOf(':'), slash = l.indexOf('/'), space = l.indexOf(' ');
            if (colon < 0 || slash < colon || space < slash) continue;
            String group = l.substring(colon + 1, slash), event = l.substring(slash + 1, space);
            if (!event.startsWith("bpf4j_") || !orphan(event)) continue;
            try {
                remove(kind, group, event);
                removed.add(group + "/" + event);
            } catch (RuntimeException e) {
                // still open somewhere (a child that inherited the fd), or no permission: leave it
            }
        }
        return removed;
    }

    /** Whether the owner named in a {@code bpf4j_} event name is gone. */
    static boolean orphan(String event) {
        String owner = event.substring("bpf4j_".length());
        int end = owner.indexOf('_');
        if (end < 0) return false;
        owner = owner.substring(0, end);
        int s = owner.indexOf('s');
        try {
            long pid = Long.parseLong(s < 0 ? owner : owner.substring(0, s));
            long start = startTicks(pid);
            if (start < 0) return true;
            return s >= 0 && start != Long.parseLong(owner.substring(s + 1));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Creates a dynamic event ({@code p:group/name target} or {@code r[maxactive]:group/name target})
     * and opens it as a tracepoint perf event; removes the event again if opening fails.
     */
    static Legacy openLegacy(Kind kind, boolean retprobe, int maxActive, String target, String eventName, int pid,
                             String what) {
        Path events = eventsFile(kind);
        if (events == null) throw new BpfException("no " + kind.eventsFile + " in tracefs for " + what);
        String group = retprobe ? kind.retGroup : kind.group;
        String line = (retprobe ? "r" + (maxActive > 0 ? Integer.toString(maxActive) : "") : "p") + ":" + group + "/"
                + eventName + " " + target + "\n";
        append(events, line, what);
        LeakTracker.eventCreated(kind.eventsFile + ": " + group + "/" + eventName);
        try {
            long id = Tracefs.tracepointId(group, eventName);
            long r = PerfEvent.openRaw(PerfEvent.Attr.tracepoint(id), pid < 0 ? -1 : pid, pid < 0 ? 0 : -1, -1);
            if (r < 0) throw Errors.of("perf_event_open", (int) -r, what + " (tracefs event " + group + "/" + eventName + ")");
            return new Legacy(new Fd((int) r), kind, group, eventName);
        } catch (RuntimeException e) {
            try {
                remove(kind, group, eventName);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Removes a dynamic event ({@code -:group/name}). */
    static void remove(Kind kind, String group, String event) {
        Path events = eventsFile(kind);
        if (events == null) return;
        append(events, "-:" + group + "/" + event + "\n", "removing " + kind.pmu + " event " + group + "/" + event);
        LeakTracker.eventRemoved(kind.eventsFile + ": " + group + "/" + event);
    }

    /** Whether tracefs lists the dynamic event {@code group/event}. */
    static boolean exists(Kind kind, String group, String event) {
        Path events = eventsFile(kind);
        if (events == null) return false;
        try {
            for (String l : Files.readAllLines(events)) {
                // "p:group/event target", "r:...", "r32:..." (a kretprobe's maxactive)
                int colon = l.indexOf(':');
                if (colon > 0 && l.startsWith(group + "/" + event + " ", colon + 1)) return true;
            }
            return false;
        } catch (IOException e) {
            throw new BpfException("cannot read " + events + ": " + e.getMessage(), e);
        }
    }

    /** Appends one command to a tracefs control file (never truncating it: that would remove every event). */
    private static void append(Path file, String line, String what) {
        try {
            Files.write(file, line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (NoSuchFileException e) {
            throw new BpfException("no " + file + " (" + what + ")", e);
        } catch (IOException e) {
            throw new BpfException("writing '" + line.strip() + "' to " + file + " failed: " + e.getMessage()
                    + " (" + what + ")", e);
        }
    }
}
