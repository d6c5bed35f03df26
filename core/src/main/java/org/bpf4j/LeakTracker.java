package org.bpf4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records where bpf4j opened each file descriptor (program, map, link, BTF, perf event, epoll) and
 * created each tracefs kprobe/uprobe event, so that a test can fail naming the creation site of
 * what it left open. Off until {@link #enable()}: then every creation costs a stack walk.
 * {@code bpf4j-junit}'s extension uses it; any harness can: take a {@link #mark()} before the code
 * under test and ask {@link #openSince} after it.
 */
public final class LeakTracker {
    private LeakTracker() {}

    private static volatile boolean enabled;
    private static final AtomicLong SEQ = new AtomicLong();
    private static final Map<Object, Entry> OPEN = new ConcurrentHashMap<>();

    /**
     * One resource bpf4j created and has not released: what it is and where it was made.
     *
     * @param what     "file descriptor N (its /proc/self/fd target)" or "tracefs event FILE: GROUP/EVENT"
     * @param sequence its place in the order of creations
     * @param site     the stack that created it, innermost first, bpf4j's bookkeeping frames left out
     */
    public record Leak(String what, long sequence, StackTraceElement[] site) {
        /** {@return {@code what}, then the first 12 frames of the creation site, one per line} */
        public String describe() {
            StringBuilder sb = new StringBuilder(what).append(", created");
            int shown = 0;
            for (StackTraceElement e : site) {
                sb.append("\n\tat ").append(e);
                if (++shown == 12) break;
            }
            return sb.toString();
        }
    }

    private record Entry(String kind, long sequence, StackTraceElement[] site) {}

    /**
     * A point in the sequence of creations.
     *
     * @param sequence the number of creations recorded before it
     */
    public record Mark(long sequence) {}

    /** Starts recording creation sites (for the rest of this JVM's life). */
    public static void enable() {
        enabled = true;
        org.bpf4j.sys.Fd.reportToLeakTracker();
    }

    /** {@return whether creation sites are recorded} */
    public static boolean enabled() {
        return enabled;
    }

    /** {@return the point after everything created so far} */
    public static Mark mark() {
        return new Mark(SEQ.get());
    }

    /**
     * What was created after a point and is still open.
     *
     * @param mark the point, from {@link #mark()}
     * @return the resources still open, oldest first
     */
    public static List<Leak> openSince(Mark mark) {
        List<Leak> out = new ArrayList<>();
        for (Map.Entry<Object, Entry> e : OPEN.entrySet()) {
            Entry v = e.getValue();
            if (v.sequence() <= mark.sequence()) continue;
            String what = e.getKey() instanceof Integer fd ? "file descriptor " + fd + " (" + fdTarget(fd) + ")"
                    : v.kind() + " " + e.getKey();
            out.add(new Leak(what, v.sequence(), v.site()));
        }
        out.sort(Comparator.comparingLong(Leak::sequence));
        return out;
    }

    /**
     * Forgets a leak once reported, so that an enclosing scope does not report it again.
     *
     * @param leak what {@link #openSince} returned
     */
    public static void forget(Leak leak) {
        OPEN.values().removeIf(v -> v.sequence() == leak.sequence());
    }

    private static String fdTarget(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "closed outside bpf4j";
        }
    }

    // hooks for bpf4j's own classes (org.bpf4j.sys.Fd, the tracefs probes)

    /**
     * Called by {@code Fd} when it takes ownership of a descriptor.
     *
     * @param fd the descriptor number
     */
    public static void opened(int fd) {
        if (enabled) OPEN.put(fd, new Entry("fd", SEQ.incrementAndGet(), site()));
    }

    /**
     * Called by {@code Fd} when it closes or releases a descriptor.
     *
     * @param fd the descriptor number
     */
    public static void closed(int fd) {
        if (enabled) OPEN.remove(fd);
    }

    /**
     * Called when a tracefs event is created.
     *
     * @param event {@code "uprobe_events: group/event"} or the like
     */
    public static void eventCreated(String event) {
        if (enabled) OPEN.put(event, new Entry("tracefs event", SEQ.incrementAndGet(), site()));
    }

    /**
     * Called when a tracefs event is removed.
     *
     * @param event as given to {@link #eventCreated}
     */
    public static void eventRemoved(String event) {
        if (enabled) OPEN.remove(event);
    }

    private static StackTraceElement[] site() {
        StackTraceElement[] all = new Throwable().getStackTrace();
        int i = 0;
        while (i < all.length && (all[i].getClassName().equals(LeakTracker.class.getName())
                || all[i].getClassName().startsWith("org.bpf4j.sys.Fd")
                || all[i].getClassName().equals("org.bpf4j.link.Probes"))) {
            i++;
        }
        return Arrays.copyOfRange(all, i, all.length);
    }
}
