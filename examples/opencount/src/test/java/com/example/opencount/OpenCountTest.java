package com.example.opencount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.opencount.bpf.OpencountSkeleton;
import com.example.opencount.bpf.OpencountSkeleton.Event;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bpf4j.junit.LeakCheckExtension;
import org.bpf4j.ringbuf.RingBufReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The program counts exactly the openat() calls of this test's thread, and sends each one; the
 * skeleton's programs, maps and links are all closed after it (bpf4j-junit's leak check).
 */
@ExtendWith(LeakCheckExtension.class)
class OpenCountTest {
    @Test
    void countsAndSendsEachOpenOfThisThread() throws Exception {
        // root, or CAP_BPF, CAP_PERFMON and CAP_DAC_READ_SEARCH; OPENCOUNT_REQUIRE_KERNEL=1 makes a skip a failure
        boolean may = Files.isReadable(Path.of("/sys/kernel/tracing/events/syscalls/sys_enter_openat/id"));
        if (!"1".equals(System.getenv("OPENCOUNT_REQUIRE_KERNEL"))) assumeTrue(may, "needs root (tracefs)");
        Path file = Files.createTempFile("opencount-", ".txt");
        // this thread's id, for the program's filter: /proc/thread-self is "PID/task/TID"
        int tid = Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        int pid = (int) ProcessHandle.current().pid();
        new FileInputStream(file.toFile()).close(); // class loading done before the count starts
        try (OpencountSkeleton skel = OpencountSkeleton.open()) {
            skel.rodata().targetTid(tid);
            skel.load();
            skel.attach();
            for (int i = 0; i < 100; i++) new FileInputStream(file.toFile()).close();

            List<Event> events = new ArrayList<>();
            try (RingBufReader rb = skel.events(events::add)) {
                rb.consume();
            }
            // every open counted was sent; this thread's own (the JVM may open a class file too) are 100
            assertEquals(Map.of(pid, (long) events.size()), skel.counts().toMap());
            assertEquals(100, events.stream().filter(e -> e.filename().equals(file.toString())).count(), events.toString());
            for (Event e : events) {
                assertEquals(pid, e.pid());
                assertEquals(tid, e.tid());
            }
        } finally {
            Files.delete(file);
        }
    }
}
