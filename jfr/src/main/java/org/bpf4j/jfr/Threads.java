package org.bpf4j.jfr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Names the kernel's thread ids of one process: the name from {@code /proc/PID/task/TID/comm}, and,
 * when that process is this JVM, the {@code java.lang.Thread} whose name it is (HotSpot gives each
 * Java thread its name, cut to 15 bytes, as the kernel's comm), where exactly one thread has it.
 * Called from the reader thread only; the cache is dropped every second, as tids are reused.
 */
final class Threads {
    static final int COMM_LEN = 15;
    private final int pid;
    private final boolean self;
    private final Map<Integer, String> names = new HashMap<>();
    private final Map<Integer, Thread> threads = new HashMap<>();
    private long refreshed = System.nanoTime();

    Threads(int pid) {
        this.pid = pid;
        this.self = pid == ProcessHandle.current().pid();
    }

    private void expire() {
        long now = System.nanoTime();
        if (now - refreshed > 1_000_000_000L) {
            names.clear();
            threads.clear();
            refreshed = now;
        }
    }

    /** The kernel's name of {@code tid}, or "" once it is gone. */
    String name(int tid) {
        expire();
        return names.computeIfAbsent(tid, t -> {
            try {
                return Files.readString(Path.of("/proc/" + pid + "/task/" + t + "/comm")).strip();
            } catch (IOException e) {
                return "";
            }
        });
    }

    /** The Java thread of {@code tid} in this JVM, or null. */
    Thread thread(int tid) {
        if (!self) return null;
        expire();
        return threads.computeIfAbsent(tid, t -> find(name(t)));
    }

    private static Thread find(String comm) {
        if (comm.isEmpty()) return null;
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
        byte[] b = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (b.length <= COMM_LEN) return name;
        return new String(b, 0, COMM_LEN, java.nio.charset.StandardCharsets.UTF_8);
    }
}
