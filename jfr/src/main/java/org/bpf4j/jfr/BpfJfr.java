package org.bpf4j.jfr;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.FlightRecorder;
import org.bpf4j.BpfException;
import org.bpf4j.jfr.bpf.JfrSkeleton;
import org.bpf4j.jfr.bpf.JfrSkeleton.JfrEvent;
import org.bpf4j.link.PerfEventLink;
import org.bpf4j.map.StackTraceMap;
import org.bpf4j.ringbuf.RingBufReader;
import org.bpf4j.symbols.Frame;
import org.bpf4j.symbols.Symbolizer;
import org.bpf4j.sys.PerfEvent;
import org.bpf4j.tools.SyscallNames;

/**
 * Kernel events of one process into JDK Flight Recorder: loads and attaches {@code jfr.bpf.c} for
 * the process, and a daemon thread ({@code bpf4j-jfr}) reads its ring buffer and commits a
 * {@code bpf4j.*} event for each record, which JFR writes into every recording that has the event
 * enabled (and whose {@code kernelThreshold} it passes). Close to stop.
 *
 * <p>{@link #start(String)} traces this JVM (the agent calls it); {@link #attach(long, Options)}
 * any process, whose events then go into this JVM's recordings ({@code bpf4j jfr record}).
 */
public final class BpfJfr implements AutoCloseable {
    private static final int OFF_KIND = off("kind"), OFF_TID = off("tid"), OFF_START = off("start_ns"),
            OFF_DURATION = off("duration_ns"), OFF_RET = off("ret"), OFF_ARG = off("arg"),
            OFF_STACK = off("kern_stack_id"), OFF_SYSCALL = off("syscall"), OFF_COMM = off("comm"), OFF_PATH = off("path"),
            OFF_SADDR = off("saddr"), OFF_DADDR = off("daddr"), OFF_SPORT = off("sport"), OFF_DPORT = off("dport"),
            OFF_FAMILY = off("family");
    private static final int KIND_OFFCPU = 1, KIND_FILE_OPEN = 2, KIND_SYSCALL = 3, KIND_TCP_CONNECT = 4, KIND_TCP_CLOSE = 5, KIND_PAGE_FAULT = 6, KIND_RUNQ = 7, AF_INET6 = 10, PATH_MAX = 256, COMM_LEN = 16;

    private static int off(String member) {
        return (int) JfrEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
    }

    private final long pid;
    private final JfrSkeleton skel;
    private final RingBufReader reader;
    private final Thread thread;
    private final Threads threads;
    private final StackTraceMap stacks;
    private final Symbolizer symbols = new Symbolizer();
    private final Map<Integer, String> stackText = new HashMap<>();
    /** CLOCK_MONOTONIC (the kernel's bpf_ktime_get_ns, the JDK's nanoTime on Linux) to epoch nanoseconds */
    private final long monoToEpoch;
    private final Runnable droppedHook;
    private volatile boolean running = true;
    private PerfEventLink faults;
    private long committed;

    private BpfJfr(long pid, Options options) {
        this.pid = pid;
        Instant now = Instant.now();
        monoToEpoch = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
        threads = new Threads(pid);
        FlightRecorder.register(OffCpuEvent.class);
        FlightRecorder.register(FileOpenEvent.class);
        FlightRecorder.register(SyscallEvent.class);
        FlightRecorder.register(TcpConnectEvent.class);
        FlightRecorder.register(TcpCloseEvent.class);
        FlightRecorder.register(PageFaultEvent.class);
        FlightRecorder.register(RunQueueLatencyEvent.class);
        FlightRecorder.register(DroppedEvent.class);
        skel = JfrSkeleton.open();
        try {
            skel.rodata().targTgid((int) pid).offcpuEnabled(options.has("offcpu"))
                    .fileOpenEnabled(options.has("fileopen")).syscallEnabled(options.has("syscall"))
                    .tcpEnabled(options.has("tcp")).pageFaultEnabled(options.has("pagefault"))
                    .runqEnabled(options.has("runqueue")).runqMinNs(options.runqMinNs())
                    .offcpuMinNs(options.offcpuMinNs()).syscallMinNs(options.syscallMinNs());
            if (!options.has("offcpu") && !options.has("runqueue")) skel.schedSwitchSpec().autoload(false);
            if (!options.has("runqueue")) {
                skel.schedWakeupSpec().autoload(false);
                skel.schedWakeupNewSpec().autoload(false);
            }
            if (!options.has("tcp")) skel.inetSockSetStateSpec().autoload(false);
            // the system call in flight, for Syscall and OffCpu's syscall field: tracing the entry of
            // system calls makes every one of every process take the kernel's slow path (measured:
            // about 1 us a call here, bench/jfr-overhead), so only when Syscall is asked for
            if (!options.has("syscall")) {
                skel.sysEnterSpec().autoload(false);
                skel.sysExitSpec().autoload(false);
            }
            if (!options.has("fileopen")) {
                skel.openatEnterSpec().autoload(false);
                skel.openatExitSpec().autoload(false);
            }
            boolean open = Files.isDirectory(org.bpf4j.link.Tracefs.root().resolve("events/syscalls/sys_enter_open"));
            if (!options.has("fileopen") || !open) {
                skel.openEnterTpSpec().autoload(false);
                skel.openExitTpSpec().autoload(false);
            }
            // a perf event, attached below on each CPU (the skeleton's attach() does not know it)
            skel.majorFaultSpec().autoload(options.has("pagefault"));
            skel.load();
            if (options.has("offcpu")) symbols.kernel();
            stacks = new StackTraceMap(skel.stackmap());
            reader = RingBufReader.of(skel.events(), this::onRecord);
        } catch (RuntimeException e) {
            skel.close();
            throw e;
        }
        CountDownLatch ready = new CountDownLatch(1);
        thread = Thread.ofPlatform().daemon().name("bpf4j-jfr").unstarted(() -> run(ready));
        droppedHook = () -> {
            flush();
            DroppedEvent e = new DroppedEvent();
            e.dropped = dropped();
            e.commit();
        };
        try {
            thread.start();
            ready.await(10, TimeUnit.SECONDS);
            skel.attach();
            if (options.has("pagefault")) {
                faults = PerfEventLink.attach(skel.majorFault().fd(),
                        PerfEventLink.Event.software(PerfEvent.COUNT_SW_PAGE_FAULTS_MAJ));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new BpfException("bpf4j-jfr: interrupted while starting");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        FlightRecorder.addPeriodicEvent(DroppedEvent.class, droppedHook);
    }

    /** Traces this JVM with the options of an agent string ({@link Options#parse}). */
    public static BpfJfr start(String options) {
        return attach(ProcessHandle.current().pid(), Options.parse(options));
    }

    /** Traces process {@code pid} (Java or not); its events go into this JVM's recordings. */
    public static BpfJfr attach(long pid, Options options) {
        return new BpfJfr(pid, options);
    }

    /** The process traced. */
    public long pid() {
        return pid;
    }

    /** Events the ring buffer had no room for, so far. */
    public long dropped() {
        return skel.bss().dropped() + skel.bss().offcpuLost();
    }

    /** Events committed to JFR so far (the records no recording wanted are not counted). */
    public synchronized long committed() {
        return committed;
    }

    private void run(CountDownLatch ready) {
        try {
            // this thread's own system calls and sleeps stay out of the events
            if (pid == ProcessHandle.current().pid()) skel.bss().skipTid(selfTid());
        } finally {
            ready.countDown();
        }
        while (running) {
            reader.poll(100);
        }
        reader.consume();
    }

    /**
     * Commits what the kernel sent up to now, from the calling thread (a recording about to be
     * dumped calls this to lose nothing); the reader's polls and this are serialized.
     */
    public void flush() {
        reader.consume();
    }

    private static int selfTid() {
        try {
            // /proc/thread-self -> PID/task/TID
            return Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private synchronized void onRecord(MemorySegment d, long off, int length) {
        int kind = d.get(JAVA_INT_UNALIGNED, off + OFF_KIND);
        int tid = d.get(JAVA_INT_UNALIGNED, off + OFF_TID);
        long start = d.get(JAVA_LONG_UNALIGNED, off + OFF_START), duration = d.get(JAVA_LONG_UNALIGNED, off + OFF_DURATION);
        KernelEvent e;
        switch (kind) {
            case KIND_OFFCPU -> {
                OffCpuEvent o = new OffCpuEvent();
                if (!fill(o, d, off, tid, start, duration)) return;
                o.state = state(d.get(JAVA_LONG_UNALIGNED, off + OFF_ARG));
                int nr = d.get(JAVA_INT_UNALIGNED, off + OFF_SYSCALL);
                o.syscall = nr < 0 ? null : SyscallNames.name(nr);
                o.kernelStack = stack(d.get(JAVA_INT_UNALIGNED, off + OFF_STACK));
                e = o;
            }
            case KIND_FILE_OPEN -> {
                FileOpenEvent o = new FileOpenEvent();
                if (!fill(o, d, off, tid, start, duration)) return;
                o.path = cString(d, off + OFF_PATH, Math.min(PATH_MAX, length - OFF_PATH));
                o.flags = "0" + Long.toOctalString(d.get(JAVA_LONG_UNALIGNED, off + OFF_ARG));
                o.result = d.get(JAVA_LONG_UNALIGNED, off + OFF_RET);
                e = o;
            }
            case KIND_SYSCALL -> {
                SyscallEvent o = new SyscallEvent();
                if (!fill(o, d, off, tid, start, duration)) return;
                long nr = d.get(JAVA_LONG_UNALIGNED, off + OFF_ARG);
                o.number = nr;
                o.name = SyscallNames.name((int) nr);
                o.returnValue = d.get(JAVA_LONG_UNALIGNED, off + OFF_RET);
                e = o;
            }
            case KIND_TCP_CONNECT -> {
                TcpConnectEvent o = new TcpConnectEvent();
                if (!fill(o, d, off, tid, start, duration)) return;
                o.sourceAddress = address(d, off + OFF_SADDR, d.get(JAVA_SHORT_UNALIGNED, off + OFF_FAMILY));
                o.destinationAddress = address(d, off + OFF_DADDR, d.get(JAVA_SHORT_UNALIGNED, off + OFF_FAMILY));
                o.sourcePort = Short.toUnsignedInt(d.get(JAVA_SHORT_UNALIGNED, off + OFF_SPORT));
                o.destinationPort = Short.toUnsignedInt(d.get(JAVA_SHORT_UNALIGNED, off + OFF_DPORT));
                e = o;
            }
            case KIND_TCP_CLOSE -> {
                TcpCloseEvent o = new TcpCloseEvent();
                if (!fill(o, d, off, tid, start, duration)) return;
                o.sourceAddress = address(d, off + OFF_SADDR, d.get(JAVA_SHORT_UNALIGNED, off + OFF_FAMILY));
                o.destinationAddress = address(d, off + OFF_DADDR, d.get(JAVA_SHORT_UNALIGNED, off + OFF_FAMILY));
                o.sourcePort = Short.toUnsignedInt(d.get(JAVA_SHORT_UNALIGNED, off + OFF_SPORT));
                o.destinationPort = Short.toUnsignedInt(d.get(JAVA_SHORT_UNALIGNED, off + OFF_DPORT));
                o.bytesReceived = d.get(JAVA_LONG_UNALIGNED, off + OFF_RET);
                o.bytesAcked = d.get(JAVA_LONG_UNALIGNED, off + OFF_ARG);
                e = o;
            }
            case KIND_RUNQ -> {
                RunQueueLatencyEvent o = new RunQueueLatencyEvent();
                if (!fill(o, d, off, tid, start, duration)) return;
                o.preempted = d.get(JAVA_LONG_UNALIGNED, off + OFF_ARG) != 0;
                e = o;
            }
            case KIND_PAGE_FAULT -> {
                PageFaultEvent o = new PageFaultEvent();
                if (!fill(o, d, off, tid, start, duration)) return;
                o.address = d.get(JAVA_LONG_UNALIGNED, off + OFF_ARG);
                o.instruction = d.get(JAVA_LONG_UNALIGNED, off + OFF_RET);
                e = o;
            }
            default -> {
                return;
            }
        }
        e.commit();
        committed++;
    }

    /** Sets what every event has; false if no recording wants it (not enabled, under its threshold). */
    private boolean fill(KernelEvent e, MemorySegment d, long off, int tid, long start, long duration) {
        if (!e.isEnabled()) return false;
        e.kernelDuration = duration;
        e.kernelStart = (start + monoToEpoch) / 1_000_000L;
        // the implicit start and duration: now, 0 (the kernel's are the fields above)
        e.begin();
        if (!e.shouldCommit()) return false;
        e.end();
        e.osThreadId = tid;
        e.threadName = cString(d, off + OFF_COMM, COMM_LEN);
        e.javaThread = threads.thread(tid, e.threadName);
        return true;
    }

    /** The kernel's task state as ps writes it. */
    static String state(long s) {
        if (s == 0) return "R";
        if ((s & 0x402) == 0x402) return "I";
        if ((s & 1) != 0) return "S";
        if ((s & 2) != 0) return "D";
        if ((s & 4) != 0) return "T";
        if ((s & 8) != 0) return "t";
        if ((s & 0x20) != 0) return "Z";
        if ((s & 0x10) != 0) return "X";
        return "0x" + Long.toHexString(s);
    }

    private String stack(int id) {
        if (id < 0) return null;
        return stackText.computeIfAbsent(id, i -> {
            long[] addrs = stacks.stack(i);
            if (addrs == null) return null;
            StringBuilder sb = new StringBuilder();
            boolean top = true;
            for (long a : addrs) {
                if (a == 0) break;
                Frame f = symbols.kernel(a);
                // the frames of the BPF program itself and of its tracepoint's call
                if (top && f != null && tracing(f.name())) continue;
                top = false;
                if (!sb.isEmpty()) sb.append('\n');
                sb.append(f == null ? "0x" + Long.toHexString(a) : f.withOffset());
            }
            return sb.toString();
        });
    }

    /** An IPv4 (the first 4 bytes) or IPv6 address as InetAddress writes it. */
    static String address(MemorySegment d, long off, short family) {
        byte[] b = new byte[family == AF_INET6 ? 16 : 4];
        MemorySegment.copy(d, java.lang.foreign.ValueLayout.JAVA_BYTE, off, b, 0, b.length);
        try {
            return java.net.InetAddress.getByAddress(b).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean tracing(String frame) {
        return frame.startsWith("bpf_prog_") || frame.startsWith("bpf_trace_run") || frame.startsWith("__traceiter_")
                || frame.startsWith("__bpf_trace_");
    }

    private static String cString(MemorySegment d, long off, int max) {
        int n = 0;
        while (n < max && d.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off + n) != 0) n++;
        byte[] b = new byte[n];
        MemorySegment.copy(d, java.lang.foreign.ValueLayout.JAVA_BYTE, off, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        FlightRecorder.removePeriodicEvent(droppedHook);
        running = false;
        try {
            if (thread.isAlive() && thread != Thread.currentThread()) thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (faults != null) faults.close();
        reader.close();
        skel.close();
    }
}
