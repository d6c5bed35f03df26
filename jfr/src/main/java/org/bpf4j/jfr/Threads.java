package org.bpf4j.jfr;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds the {@code java.lang.Thread} of a kernel thread id when the traced process is this JVM:
 * HotSpot gives each Java thread its name, cut to 15 bytes, as the kernel's comm, which the BPF
 * program sends with each event; the thread is the one live Java thread of that name (none when
 * two have it, or it is a JVM-internal thread such as "VM Thread"). Answers, found or not, are
 * kept per tid for a second (tids are reused, threads renamed); a thread that has ended keeps its
 * tid's events that arrive after its end. Used by the reader thread only.
 */
final class Threads {
    static final int COMM_LEN = 15;

    private record Entry(String comm, Thread thread, long at) {}

    private final boolean self;
    private final Map<Integer, Entry> cache = new HashMap<>();

    Threads(long pid) {
        this.self = pid == ProcessHandle.current().pid();
    }

    /** The Java thread of {@code tid} in this JVM, named {@code comm} by the kernel, or null. */
    Thread thread(int tid, String comm) {
        if (!self || comm.isEmpty()) return null;
        long now = System.nanoTime();
        Entry e = cache.get(tid);
        if (e != null && e.comm.equals(comm) && now - e.at < 1_000_000_000L) return e.thread;
        Thread t = find(comm);
        if (t == null && e != null && e.thread != null && e.comm.equals(comm) && !e.thread.isAlive()) {
            // the thread has ended since: its last events (a sleep that ends just before it does)
            // reach the reader after that, and still are its own
            t = e.thread;
        }
        cache.put(tid, new Entry(comm, t, now));
        if (cache.size() > 10_000) cache.clear();
        return t;
    }

    private static Thread find(String comm) {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) root = root.getParent();
        Thread[] all = new Thread[root.activeCount() + 16];
        int n = root.enumerate(all, true);
        Thread found = null;
        for (int i = 0; i < n; i++) {
            if (comm.equals(comm(all[i].getName()))) {
                if (found != null) return null;
                found = all[i];
            }
        }
        return found;
    }

    /** A Java thread name as the kernel keeps it: its first 15 bytes of UTF-8. */
    static String comm(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length <= COMM_LEN) return name;
        return new String(b, 0, COMM_LEN, StandardCharsets.UTF_8);
    }
}
