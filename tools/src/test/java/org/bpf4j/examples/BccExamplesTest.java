package org.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bpf4j.BpfException;
import org.bpf4j.FeatureNotSupportedException;
import org.bpf4j.ObjectSpec;
import org.bpf4j.bcc.Bcc;
import org.bpf4j.bcc.BccProgram;
import org.bpf4j.link.KprobeLink;
import org.junit.jupiter.api.Assumptions;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.SysNr;
import org.bpf4j.testing.BccTests;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The study document's BCC and libbpf programs (tools/src/test/bcc/), compiled at run time from
 * their C source, loaded and run against a workload of known size.
 */
class BccExamplesTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
        BccTests.requireToolchain();
    }

    static Path source(String name) {
        return BccTests.source(name);
    }

    @Test
    void hashCounterCountsEveryGetpidOfThisThread() {
        assertEquals(1000, BccHashCounter.count(source("counter.c"), 1000));
    }

    /** Runs {@code n} execs of /bin/true while the program traces; returns the events per exec'ed pid. */
    static Map<Integer, List<String>> execs(Function<Consumer<BccPerfOutput.Event>, ExecEvents> open, int n) throws Exception {
        Map<Integer, List<String>> byPid = new ConcurrentHashMap<>();
        try (ExecEvents events = open.apply(e -> byPid.computeIfAbsent(e.pid(), p -> new ArrayList<>()).add(e.comm()))) {
            List<Integer> pids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Process p = new ProcessBuilder("/bin/true").start();
                pids.add((int) p.pid());
                p.waitFor();
            }
            // every exec'ed pid shows up with comm "true" (the JDK's spawn helper exec's first)
            for (long deadline = System.currentTimeMillis() + 30_000; System.currentTimeMillis() < deadline; ) {
                events.poll(100);
                if (pids.stream().allMatch(pid -> byPid.getOrDefault(pid, List.of()).contains("true"))) break;
            }
            events.poll(200);
            Map<Integer, List<String>> mine = new java.util.TreeMap<>();
            for (int pid : pids) mine.put(pid, byPid.getOrDefault(pid, List.of()).stream().filter("true"::equals).toList());
            return mine;
        }
    }

    @Test
    void perfOutputCallbackGetsEveryExec() throws Exception {
        Map<Integer, List<String>> got = execs(cb -> new BccPerfOutput(source("perf_output.c"), cb), 20);
        assertEquals(20, got.size());
        got.forEach((pid, comms) -> assertEquals(List.of("true"), comms, "pid " + pid));
    }

    @Test
    void ringBufferGetsEveryExec() throws Exception {
        Map<Integer, List<String>> got = execs(cb -> new BccRingBuf(source("ringbuf.c"), cb), 20);
        assertEquals(20, got.size());
        got.forEach((pid, comms) -> assertEquals(List.of("true"), comms, "pid " + pid));
    }

    @Test
    void schedSwitchCountsEverySleepOfThisThread() {
        int[] tid = new int[1];
        Map<Integer, Long> switches = BccMapCounts.run(source("sched_switch.c"), "switches", () -> {
            tid[0] = (int) Native.call(SysNr.GETTID, 0);
            for (int i = 0; i < 50; i++) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        });
        // each sleep switches the thread out; preemption can add more
        long n = switches.getOrDefault(tid[0], 0L);
        assertTrue(n >= 50 && n < 50 + 1000, "switches away from thread " + tid[0] + ": " + n);
    }

    @Test
    void syscallCounterCountsGetpid() {
        Map<Integer, Long> counts = BccMapCounts.run(source("syscall_counter.c"), "syscall_counts", () -> {
            for (int i = 0; i < 5000; i++) Native.call(SysNr.GETPID, 0);
        });
        // system-wide: other processes call getpid too
        assertTrue(counts.getOrDefault(SysNr.GETPID, 0L) >= 5000, "getpid: " + counts.get(SysNr.GETPID));
    }

    @Test
    void kprobeOpenIsAKsyscallProgramAndFailsCleanlyWithoutKprobes() {
        ObjectSpec spec = Bcc.compile(source("kprobe_open.c"));
        assertEquals("ksyscall/openat", spec.program("kprobe__sys_openat").section());
        Assumptions.assumeFalse(KprobeLink.supported(), "this kernel has kprobes");
        KernelTests.Snapshot before = KernelTests.Snapshot.take();
        FeatureNotSupportedException e = assertThrows(FeatureNotSupportedException.class, () -> BccProgram.load(spec));
        assertTrue(e.getMessage().startsWith("kprobes are not supported by this kernel: "), e.getMessage());
        before.assertNothingLeftBehind("a failed BCC load", List.of("kprobe__sys_openat", "open_files"));
    }

    @Test
    void attachFailureLeavesNothingBehind() {
        KernelTests.Snapshot before = KernelTests.Snapshot.take();
        ObjectSpec spec = Bcc.compile("BPF_ARRAY(bcc_leak_check);\n"
                + "RAW_TRACEPOINT_PROBE(bpf4j_no_such_tracepoint) { return 0; }\n", "leak.c", Bcc.Options.defaults());
        BpfException e = assertThrows(BpfException.class, () -> BccProgram.load(spec));
        assertTrue(e.getMessage().contains("bpf4j_no_such_tracepoint"), e.getMessage());
        before.assertNothingLeftBehind("a failed BCC attach", List.of("raw_tracepoint__bpf4j_no_such_tracepoint",
                "raw_tracepoint__", "bcc_leak_check"));
    }
}
