package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bpf4j runqslower} on the real kernel: a thread kept off its CPU by a SCHED_FIFO thread
 * spinning on the same CPU, N times, waits each time as long as the spin; runqslower reports
 * exactly those N waits (-P: with the task that ran before it).
 */
class RunqslowerTest {
    static final int SPIN_MS = 60, ROUNDS = 5;
    static final String WAITER = "bpf4jrqwaiter", SPINNER = "bpf4jrqspinner";

    private static final Linker L = Linker.nativeLinker();

    private static MethodHandle libc(String name, FunctionDescriptor fd) {
        return L.downcallHandle(L.defaultLookup().find(name).orElseThrow(), fd);
    }

    private static final MethodHandle SETAFFINITY = libc("sched_setaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS)),
            SETSCHEDULER = libc("sched_setscheduler", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)),
            GETTID = libc("gettid", FunctionDescriptor.of(JAVA_INT));

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /** Pins the calling thread to {@code cpu}; with {@code fifo}, SCHED_FIFO priority 10 too. Returns its tid. */
    static int pin(int cpu, boolean fifo) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mask = a.allocate(128);
            mask.set(JAVA_LONG, (cpu / 64) * 8L, 1L << (cpu % 64));
            assertEquals(0, (int) SETAFFINITY.invokeExact(0, 128L, mask), "sched_setaffinity");
            if (fifo) assertEquals(0, (int) SETSCHEDULER.invokeExact(0, 1 /* SCHED_FIFO */, a.allocateFrom(JAVA_INT, 10)),
                    "sched_setscheduler");
            return (int) GETTID.invokeExact();
        }
    }

    /** The waiter and the spinner; {@link #start} returns the waiter's tid and the spinner's. */
    static final class Workload {
        final int cpu = Runtime.getRuntime().availableProcessors() - 1;
        volatile boolean go;
        final AtomicInteger done = new AtomicInteger();
        volatile int waiterTid, spinnerTid;
        volatile Throwable failed;
        Thread waiter, spinner;

        int[] start() throws Exception {
            waiter = new Thread(() -> {
                try {
                    waiterTid = pin(cpu, false);
                    for (int i = 0; i < ROUNDS; i++) {
                        while (!go) LockSupport.park();
                        go = false;
                        done.incrementAndGet();
                        LockSupport.unpark(spinner);
                    }
                } catch (Throwable e) {
                    failed = e;
                }
            }, WAITER);
            spinner = new Thread(() -> {
                try {
                    spinnerTid = pin(cpu, true);
                    while (waiterTid == 0) Thread.sleep(1);
                    for (int i = 0; i < ROUNDS; i++) {
                        Thread.sleep(5); // the waiter parks
                        go = true;
                        LockSupport.unpark(waiter); // runnable now, but this FIFO thread keeps the CPU
                        long until = System.nanoTime() + SPIN_MS * 1_000_000L;
                        while (System.nanoTime() < until) Thread.onSpinWait();
                        while (done.get() < i + 1) LockSupport.park(); // the waiter runs now
                    }
                } catch (Throwable e) {
                    failed = e;
                }
            }, SPINNER);
            waiter.start();
            while (waiterTid == 0 && failed == null) Thread.sleep(1);
            return new int[] {waiterTid};
        }

        void run() throws Exception {
            spinner.start();
            spinner.join(30_000);
            waiter.join(30_000);
            if (failed != null) throw new AssertionError(failed);
            assertEquals(ROUNDS, done.get());
        }
    }

    @Test
    void reportsEachLongWait() throws Exception {
        Workload w = new Workload();
        int tid = w.start()[0];
        SyscountTest.Running rq = new SyscountTest.Running("runqslower", "-P", "-t", Integer.toString(tid), "20000");
        rq.awaitOutput("Tracing run queue latency higher than 20000 us\n"
                + "TIME     COMM             TID           LAT(us) PREV COMM        PREV TID\n", 30_000);
        w.run();
        long deadline = System.currentTimeMillis() + 30_000;
        while (rq.output().split("\n").length < 2 + ROUNDS && System.currentTimeMillis() < deadline) Thread.sleep(20);
        Thread.sleep(300);
        assertEquals(0, ExecsnoopTest.stop(rq), rq.errBuf.toString());
        List<String> lines = List.of(rq.output().split("\n")).subList(2, rq.output().split("\n").length);
        List<String> spun = new ArrayList<>();
        for (String l : lines) {
            assertTrue(l.matches("\\d\\d:\\d\\d:\\d\\d .{16} \\d+ +\\d+ .{16} \\d+ *"), l);
            assertEquals(String.format("%-16s %-6d", WAITER, tid), l.substring(9, 32), "-t: that thread only: " + l);
            long lat = Long.parseLong(l.substring(32, 47).trim());
            assertTrue(lat > 20000, l);
            // the spins: from the wake-up to the spinner's park, a little over SPIN_MS
            if (lat >= (SPIN_MS - 5) * 1000L) spun.add(l.substring(48).trim());
        }
        assertEquals(ROUNDS, spun.size(), rq.output());
        // PREV COMM/TID: whatever ran last on that CPU before the waiter (the spinner, or a task queued behind it)
        for (String prev : spun) assertTrue(prev.matches(".{16} \\d+"), prev);
    }
}
