package org.bpf4j.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.bpf4j.BpfException;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BpfJfr} in this JVM: the events obey the recording's settings; options; the threshold setting's values. */
class BpfJfrTest {
    @TempDir
    Path dir;

    /** Opens {@code file} {@code n} times under a recording with {@code settings}; the FileOpen and Syscall events of {@code file}. */
    List<RecordedEvent> opens(BpfJfr jfr, Path file, int n, Map<String, String> settings) throws IOException {
        Path out = dir.resolve("r.jfr");
        try (Recording r = new Recording()) {
            r.setSettings(settings);
            r.start();
            for (int i = 0; i < n; i++) Files.readAllBytes(file);
            jfr.flush();
            r.stop();
            r.dump(out);
        }
        return RecordingFile.readAllEvents(out).stream()
                .filter(e -> e.getEventType().getName().equals("bpf4j.FileOpen") && e.getString("path").equals(file.toString())
                        || e.getEventType().getName().equals("bpf4j.Syscall"))
                .toList();
    }

    @Test
    void eventsObeyEnabledAndKernelThreshold() throws IOException {
        KernelTests.requireKernel();
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        try (BpfJfr jfr = BpfJfr.start("events=fileopen")) {
            List<RecordedEvent> all = opens(jfr, file, 25, Map.of("bpf4j.FileOpen#enabled", "true"));
            assertEquals(25, all.size(), "25 opens, and no Syscall events (not asked for)");
            assertEquals(0, opens(jfr, file, 25, Map.of("bpf4j.FileOpen#enabled", "false")).size());
            assertEquals(0, opens(jfr, file, 25, Map.of("bpf4j.FileOpen#enabled", "true",
                    "bpf4j.FileOpen#kernelThreshold", "1 s")).size(), "no open takes a second");
            assertEquals(25, opens(jfr, file, 25, Map.of("bpf4j.FileOpen#enabled", "true",
                    "bpf4j.FileOpen#kernelThreshold", "0 ns")).size());
            assertEquals(0, jfr.dropped());
            assertEquals(ProcessHandle.current().pid(), jfr.pid());
        }
        // closed: nothing traced any more
        assertTrue(KernelTests.openFds().stream().noneMatch(s -> s.contains("anon_inode:bpf") || s.contains("anon_inode:[perf_event]")), KernelTests.openFds().toString());
    }

    @Test
    void slowSyscallsAboveTheKernelMinimum() throws Exception {
        KernelTests.requireKernel();
        try (BpfJfr jfr = BpfJfr.attach(ProcessHandle.current().pid(), Options.parse("events=syscall,syscall=30ms"));
             Recording r = new Recording()) {
            r.enable("bpf4j.Syscall");
            r.start();
            Thread t = Thread.ofPlatform().name("bpf4j-napper").start(() -> {
                try {
                    Thread.sleep(60);
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            t.join();
            jfr.flush();
            r.stop();
            Path out = dir.resolve("s.jfr");
            r.dump(out);
            List<RecordedEvent> naps = RecordingFile.readAllEvents(out).stream()
                    .filter(e -> e.getEventType().getName().equals("bpf4j.Syscall") && e.getString("threadName").equals("bpf4j-napper"))
                    .toList();
            assertEquals(1, naps.size(), naps.toString());
            RecordedEvent e = naps.getFirst();
            assertTrue(Set.of("futex", "clock_nanosleep", "nanosleep").contains(e.getString("name")), e.toString());
            long ms = e.getDuration("kernelDuration").toMillis();
            assertTrue(ms >= 55 && ms < 200, e.toString());
        }
    }

    /**
     * Five connections a named thread opens to a server in this JVM, each sending 1000 bytes and
     * reading 100: five TcpConnect and five TcpClose events with the addresses, ports and bytes;
     * the server's accepted sockets are not the target's connections.
     */
    @Test
    void tcpConnectionsTheTargetOpens() throws Exception {
        KernelTests.requireKernel();
        try (BpfJfr jfr = BpfJfr.start("events=tcp");
             java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             Recording r = new Recording()) {
            r.enable("bpf4j.TcpConnect");
            r.enable("bpf4j.TcpClose");
            r.start();
            Thread serving = Thread.ofPlatform().name("bpf4j-server").start(() -> {
                for (int i = 0; i < 5; i++) {
                    try (java.net.Socket s = server.accept()) {
                        s.getInputStream().readNBytes(1000);
                        s.getOutputStream().write(new byte[100]);
                        s.getInputStream().read(); // the client's close
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            int[] localPorts = new int[5];
            Thread client = Thread.ofPlatform().name("bpf4j-client").start(() -> {
                for (int i = 0; i < 5; i++) {
                    try (java.net.Socket s = new java.net.Socket(server.getInetAddress(), server.getLocalPort())) {
                        localPorts[i] = s.getLocalPort();
                        s.getOutputStream().write(new byte[1000]);
                        s.getInputStream().readNBytes(100);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            client.join();
            serving.join();
            Thread.sleep(200); // the last FINs
            jfr.flush();
            r.stop();
            Path out = dir.resolve("t.jfr");
            r.dump(out);
            List<RecordedEvent> events = RecordingFile.readAllEvents(out);
            List<RecordedEvent> connects = events.stream().filter(e -> e.getEventType().getName().equals("bpf4j.TcpConnect")).toList();
            List<RecordedEvent> closes = events.stream().filter(e -> e.getEventType().getName().equals("bpf4j.TcpClose")).toList();
            assertEquals(5, connects.size(), connects.toString());
            assertEquals(5, closes.size(), closes.toString());
            for (int i = 0; i < 5; i++) {
                for (RecordedEvent e : List.of(connects.get(i), closes.get(i))) {
                    assertEquals("bpf4j-client", e.getString("threadName"));
                    assertEquals("127.0.0.1", e.getString("sourceAddress"));
                    assertEquals("127.0.0.1", e.getString("destinationAddress"));
                    assertEquals(server.getLocalPort(), e.getInt("destinationPort"));
                    assertEquals(localPorts[i], e.getInt("sourcePort"));
                }
                // the kernel's counts (tcp_info's tcpi_bytes_received, tcpi_bytes_acked), by sequence
                // number: the peer's FIN counts as a byte received, our SYN and FIN as two acked
                assertEquals(List.of(101L, 1002L), List.of(closes.get(i).getLong("bytesReceived"),
                        closes.get(i).getLong("bytesAcked")), closes.get(i).toString());
                assertTrue(closes.get(i).getDuration("kernelDuration").compareTo(connects.get(i).getDuration("kernelDuration")) > 0);
            }
        }
    }

    /**
     * A named thread touches each page of a mapped 4 MiB file whose page cache was dropped
     * ({@code dd iflag=nocache count=0}, on a disk file system): its major faults come with the
     * thread and an address inside the mapping; the touches of pages read ahead are not major.
     */
    @Test
    void majorPageFaultsInAMappedFile() throws Exception {
        KernelTests.requireKernel();
        Path file = dir.resolve("mapped.bin");
        byte[] page = new byte[4096];
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < 1024; i++) {
                page[0] = (byte) i;
                out.write(page);
            }
        }
        Process sync = new ProcessBuilder("sh", "-c", "sync '" + file + "' && dd if='" + file
                + "' iflag=nocache count=0 status=none").inheritIO().start();
        assertEquals(0, sync.waitFor());
        try (BpfJfr jfr = BpfJfr.start("events=pagefault");
             java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file);
             java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared();
             Recording r = new Recording()) {
            r.enable("bpf4j.PageFault");
            r.start();
            java.lang.foreign.MemorySegment m = ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            long[] sum = {0};
            Thread toucher = Thread.ofPlatform().name("bpf4j-toucher").start(() -> {
                for (long o = 0; o < m.byteSize(); o += 4096) sum[0] += m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, o);
            });
            toucher.join();
            jfr.flush();
            r.stop();
            Path out = dir.resolve("p.jfr");
            r.dump(out);
            List<RecordedEvent> faults = RecordingFile.readAllEvents(out).stream()
                    .filter(e -> e.getEventType().getName().equals("bpf4j.PageFault")
                            && e.getString("threadName").equals("bpf4j-toucher")).toList();
            assertTrue(!faults.isEmpty() && faults.size() <= 1024, faults.size() + " major faults");
            for (RecordedEvent e : faults) {
                long a = e.getLong("address");
                assertTrue(a >= m.address() && a < m.address() + m.byteSize(), Long.toHexString(a) + " in the mapping at "
                        + Long.toHexString(m.address()));
                // one thread (its Java thread may have ended before the reader saw the event)
                assertEquals(faults.getFirst().getLong("osThreadId"), e.getLong("osThreadId"));
            }
        }
    }

    /**
     * Four threads spinning 400 ms on this machine's CPUs (2 here) must wait on the run queue:
     * RunQueueLatency events of at least the kernel minimum (1 ms), for those threads, after
     * preemptions; none for a thread that only sleeps.
     */
    @Test
    void runQueueLatencyOfSpinningThreads() throws Exception {
        KernelTests.requireKernel();
        int n = 2 * Runtime.getRuntime().availableProcessors();
        try (BpfJfr jfr = BpfJfr.start("events=runqueue,runqueue=1ms"); Recording r = new Recording()) {
            r.enable("bpf4j.RunQueueLatency");
            r.start();
            List<Thread> spinners = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                spinners.add(Thread.ofPlatform().name("bpf4j-spin-" + i).start(() -> {
                    long end = System.nanoTime() + 400_000_000L, x = 0;
                    while (System.nanoTime() < end) x++;
                    if (x == 42) System.out.print("");
                }));
            }
            for (Thread t : spinners) t.join();
            jfr.flush();
            r.stop();
            Path out = dir.resolve("q.jfr");
            r.dump(out);
            List<RecordedEvent> waits = RecordingFile.readAllEvents(out).stream()
                    .filter(e -> e.getEventType().getName().equals("bpf4j.RunQueueLatency")).toList();
            List<RecordedEvent> spins = waits.stream().filter(e -> e.getString("threadName").startsWith("bpf4j-spin-")).toList();
            assertTrue(spins.size() >= n, spins.size() + " waits of " + n + " spinners");
            assertTrue(spins.stream().anyMatch(e -> e.getBoolean("preempted")), "some after a preemption");
            for (RecordedEvent e : waits) {
                assertTrue(e.getDuration("kernelDuration").toNanos() >= 1_000_000, e.toString());
            }
        }
    }

    @Test
    void options() {
        assertEquals(Options.DEFAULT, Options.parse(null));
        assertEquals(Options.DEFAULT, Options.parse(""));
        Options o = Options.parse("events=offcpu+syscall,offcpu=5ms,syscall=100us");
        assertEquals(Set.of("offcpu", "syscall"), o.events());
        assertEquals(5_000_000, o.offcpuMinNs());
        assertEquals(100_000, o.syscallMinNs());
        assertEquals(Options.EVENTS, Options.parse("events=all").events());
        assertEquals("unknown event 'foo' (offcpu, fileopen, syscall, tcp, pagefault, runqueue, all)",
                assertThrows(BpfException.class, () -> Options.parse("events=foo")).getMessage());
        assertEquals("unknown option 'x' (events=, offcpu=, syscall=, runqueue=)",
                assertThrows(BpfException.class, () -> Options.parse("x=1")).getMessage());
        assertEquals("offcpu=soon is not a duration (such as 10ms, 500us, 1s)",
                assertThrows(BpfException.class, () -> Options.parse("offcpu=soon")).getMessage());
    }

    @Test
    void thresholdValues() {
        assertEquals(20_000_000, KernelThreshold.parse("20 ms"));
        assertEquals(1_000_000_000, KernelThreshold.parse("1 s"));
        assertEquals(7, KernelThreshold.parse("7 ns"));
        assertEquals(0, KernelThreshold.parse("0"));
        KernelThreshold t = new KernelThreshold();
        assertEquals("5 ms", t.combine(Set.of("5 ms", "1 s", "20 ms")));
        t.setValue("2 us");
        assertEquals(2_000, t.nanos());
        assertEquals("2 us", t.getValue());
    }

    @Test
    void threadNamesAsTheKernelKeepsThem() {
        assertEquals("bpf4j-sleeper", Threads.comm("bpf4j-sleeper"));
        assertEquals("C1 CompilerThre", Threads.comm("C1 CompilerThread0"));
        assertEquals("S", BpfJfr.state(1));
        assertEquals("R", BpfJfr.state(0));
        assertEquals("D", BpfJfr.state(2));
        assertEquals("I", BpfJfr.state(0x402));
    }
}
