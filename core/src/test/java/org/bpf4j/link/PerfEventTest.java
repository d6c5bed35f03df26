package org.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.bpf4j.BpfObject;
import org.bpf4j.FeatureNotSupportedException;
import org.bpf4j.LoadOptions;
import org.bpf4j.ObjectSpec;
import org.bpf4j.map.Codecs;
import org.bpf4j.map.PerCpu;
import org.bpf4j.sys.Cpus;
import org.bpf4j.sys.PerfEvent;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** perf_event programs sampling on every CPU. */
class PerfEventTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    static BpfObject load() {
        return ObjectSpec.read(KernelTests.fixture("attach.o")).load(LoadOptions.defaults().withPrograms(Set.of("on_sample")));
    }

    /**
     * The CPU clock at 99 Hz on every online CPU: over a 2 s window each CPU's sample count must
     * grow by 99 per second within 5% (the kernel turns a cpu-clock frequency into a fixed period
     * of 1/99 s, and the clock runs on idle CPUs too). The counts are read at the start and end of
     * the window, so the time attaching and detaching takes does not count. One CPU-bound thread
     * per online CPU keeps every CPU busy meanwhile: this host's kernel delivers no cpu-clock
     * sample while a CPU idles (measured: 71 of 99 samples in a second with 28% idle, 99 with
     * none; Debian's 6.1 samples idle CPUs too). A timer cannot fire early, so no window may ever
     * exceed +5%; other load can still leave a CPU idle for a moment, so up to three windows are
     * measured and one must be within 5% on every CPU.
     */
    @Test
    void cpuClockAt99HzRunsNinetyNineTimesPerCpuPerSecond() throws Exception {
        List<Integer> online = Cpus.online();
        try (BpfObject obj = load()) {
            var view = obj.map("samples").perCpuView(Codecs.U32, Codecs.U64);
            PerfEventLink link = obj.program("on_sample").attachPerfEvent(PerfEventLink.Event.cpuClock(99));
            assertEquals(online, link.cpus());
            assertTrue(link.target().contains("at 99 Hz"), link.target());
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            List<Thread> busy = new java.util.ArrayList<>();
            for (int i = 0; i < online.size(); i++) {
                busy.add(Thread.ofPlatform().daemon().start(() -> {
                    long x = 0;
                    while (!stop.get()) x += System.nanoTime() & 1;
                    if (x == 42) System.out.print(""); // keep the loop
                }));
            }
            List<String> windows = new java.util.ArrayList<>();
            boolean within = false;
            try {
                for (int w = 0; w < 3 && !within; w++) {
                    long t0 = System.nanoTime();
                    PerCpu<Long> start = view.get(0);
                    Thread.sleep(2000);
                    PerCpu<Long> end = view.get(0);
                    double seconds = (System.nanoTime() - t0) / 1e9, expected = 99 * seconds;
                    StringBuilder report = new StringBuilder(String.format("%.3f s, expected %.1f per CPU:", seconds, expected));
                    within = true;
                    for (int cpu : online) {
                        long n = end.cpu(cpu) - start.cpu(cpu);
                        report.append(" cpu").append(cpu).append('=').append(n);
                        assertTrue(n <= expected * 1.05, "CPU " + cpu + " sampled faster than 99 Hz: " + report);
                        within &= n >= expected * 0.95;
                    }
                    windows.add(report.toString());
                }
            } finally {
                stop.set(true);
                for (Thread t : busy) t.join();
            }
            link.close();
            assertFalse(link.isOpen());
            assertTrue(within, "no 2 s window within 99 Hz +-5% on every CPU: " + windows);
            PerCpu<Long> closed = view.get(0);
            Thread.sleep(100);
            assertEquals(closed, view.get(0), "no samples once detached");
            for (int cpu = 0; cpu < Cpus.possible(); cpu++) {
                if (!online.contains(cpu)) assertEquals(0L, closed.cpu(cpu), "offline CPU " + cpu);
            }
            System.out.println("perf_event 99 Hz: " + windows);
        }
    }

    @Test
    void periodOnOneCpuAndHardwareEventsWithoutAPmu() {
        try (BpfObject obj = load()) {
            var prog = obj.program("on_sample");
            var before = KernelTests.Snapshot.take();
            // a software event by period: task-clock every 10 ms of CPU 0's time
            try (PerfEventLink l = prog.attachPerfEvent(
                    PerfEventLink.Event.software(PerfEvent.COUNT_SW_CPU_CLOCK).period(10_000_000), List.of(0))) {
                assertEquals(List.of(0), l.cpus());
                assertTrue(l.bpfLinks(), "BPF links for perf events (5.15+)");
            }
            boolean pmu = Files.exists(Path.of("/sys/bus/event_source/devices/cpu"));
            if (!pmu) {
                var e = assertThrows(FeatureNotSupportedException.class,
                        () -> prog.attachPerfEvent(PerfEventLink.Event.hardware(PerfEvent.COUNT_HW_CPU_CYCLES).frequency(99)));
                assertTrue(e.getMessage().startsWith("hardware perf events are not supported on this machine"), e.getMessage());
                assertTrue(e.getMessage().contains("no CPU PMU"), e.getMessage());
            } else {
                prog.attachPerfEvent(PerfEventLink.Event.hardware(PerfEvent.COUNT_HW_CPU_CYCLES).frequency(99)).close();
            }
            var e2 = assertThrows(org.bpf4j.BpfException.class,
                    () -> prog.attachPerfEvent(PerfEventLink.Event.cpuClock(99), List.of(0, 4095)));
            assertTrue(e2.getMessage().contains("CPU 4095"), e2.getMessage());
            before.assertNothingLeftBehind("perf event attaches", List.of("on_sample", "samples", "attach.bss", "attach.rodata"));
        }
    }
}
