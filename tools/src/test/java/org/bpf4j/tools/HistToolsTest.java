package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The histogram tools on the real kernel, on workloads of known size, and beside libbpf-tools' binaries. */
class HistToolsTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /** The histograms of a report by their heading line ("" for one without), each as its rows' lines. */
    static Map<String, List<String>> sections(String out) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        String heading = "";
        List<String> rows = null;
        for (String line : out.split("\n")) {
            if (line.contains(" : count    distribution")) {
                rows = new ArrayList<>();
                m.put(heading, rows);
                heading = "";
            } else if (line.matches("\\s*\\d+ -> \\d+\\s+: .*") && rows != null) {
                rows.add(line);
            } else {
                heading = line.isBlank() ? "" : line;
                rows = null;
            }
        }
        return m;
    }

    static long sum(List<String> rows) {
        long n = 0;
        for (String r : rows) n += Long.parseLong(r.split(":")[1].trim().split("\\s+")[0]);
        return n;
    }

    /** A row without its count and stars: {@code         8 -> 15         : }. */
    static String range(String row) {
        return row.substring(0, row.indexOf(':') + 2);
    }

    /** Exactly {@code n} 4 KiB O_DIRECT reads of {@code dev}. */
    static void directReads(Path dev, int n) throws IOException {
        try (FileChannel ch = FileChannel.open(dev, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(8192).alignedSlice(4096).limit(4096);
            for (int i = 0; i < n; i++) {
                buf.clear().limit(4096);
                int r = ch.read(buf, (long) (i % 256) * 4096);
                assertEquals(4096, r, "read " + i);
            }
        }
    }

    /** A 1 MiB loop device on a file in {@code dir}, probed by udev already; {@code losetup -d} it after. */
    static String loopDevice(Path dir) throws IOException {
        Path img = dir.resolve("disk.img");
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), 1024 * 1024 - 1);
        }
        String loop = Cmd.check("losetup", "-f", "--show", img.toString()).trim();
        // udev's probe of a new device reads it: let it finish first
        if (Files.isExecutable(Path.of("/usr/bin/udevadm"))) Cmd.run("udevadm", "settle");
        return loop;
    }

    static void requireLibbpfTool(String name) {
        KernelTests.require(Files.isExecutable(Path.of("/usr/sbin", name)),
                "no /usr/sbin/" + name + " (Debian's libbpf-tools package) to compare with");
    }

    /** Debian's binary started with line-buffered output, once it printed {@code banner}. */
    static BufferedReader startTheirs(List<Process> started, String banner, String... cmd) throws IOException {
        List<String> argv = new ArrayList<>(List.of("stdbuf", "-oL", "/usr/sbin/" + cmd[0]));
        argv.addAll(List.of(cmd).subList(1, cmd.length));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        started.add(p);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals(banner, r.readLine(), String.join(" ", cmd));
        return r;
    }

    /** Stops Debian's binary as Ctrl+C does and returns the rest of its output. */
    static String stopTheirs(Process p, BufferedReader r) throws Exception {
        Cmd.check("kill", "-INT", Long.toString(p.pid()));
        StringBuilder t = new StringBuilder();
        for (String l; (l = r.readLine()) != null; ) t.append(l).append('\n');
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return t.toString();
    }

    @Test
    void biolatencyCountsExactlyTheDirectReadsOfALoopDevice(@TempDir Path dir) throws Exception {
        requireLibbpfTool("biolatency");
        String loop = loopDevice(dir);
        String name = loop.substring(loop.lastIndexOf('/') + 1);
        Process theirs = null;
        try {
            int n = 100;
            // -D -F beside Debian's binary, on the same reads
            SyscountTest.Running ours = new SyscountTest.Running("biolatency", "-D", "-F");
            theirs = new ProcessBuilder("stdbuf", "-oL", "/usr/sbin/biolatency", "-D", "-F").redirectErrorStream(true).start();
            BufferedReader theirOut = new BufferedReader(new InputStreamReader(theirs.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("Tracing block device I/O... Hit Ctrl-C to end.", theirOut.readLine());
            ours.awaitOutput("Tracing block device I/O... Hit Ctrl-C to end.\n", 20_000);
            directReads(Path.of(loop), n);
            ours.thread.interrupt();
            assertEquals(0, ours.join(60_000), ours.errBuf.toString());
            Cmd.check("kill", "-INT", Long.toString(theirs.pid()));
            StringBuilder t = new StringBuilder();
            for (String l; (l = theirOut.readLine()) != null; ) t.append(l).append('\n');
            assertTrue(theirs.waitFor(60, TimeUnit.SECONDS));

            Map<String, List<String>> mine = sections(ours.output()), deb = sections(t.toString());
            String heading = null;
            for (String h : mine.keySet()) if (h.startsWith("disk = " + name + "\tflags = ")) heading = h;
            assertTrue(heading != null && heading.endsWith("Read"), "a histogram under disk " + name + " and a Read flag: "
                    + ours.output());
            assertEquals(1, mine.keySet().stream().filter(h -> h.startsWith("disk = " + name + "\t")).count(), mine.keySet().toString());
            assertEquals(n, sum(mine.get(heading)), ours.output());
            assertTrue(deb.containsKey(heading), "libbpf-tools' biolatency has the same heading: " + t);
            assertEquals(n, sum(deb.get(heading)), t.toString());
            // the same layout, row for row, except for the counts where the two measured a little apart
            List<String> a = mine.get(heading), b = deb.get(heading);
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) assertEquals(range(b.get(i)), range(a.get(i)));
            assertEquals(b.get(0).length(), a.get(0).length());

            // -d DISK: only that disk, one histogram
            SyscountTest.Running one = new SyscountTest.Running("biolatency", "-d", name, "-m");
            one.awaitOutput("Tracing block device I/O... Hit Ctrl-C to end.\n", 20_000);
            directReads(Path.of(loop), n);
            one.thread.interrupt();
            assertEquals(0, one.join(60_000), one.errBuf.toString());
            Map<String, List<String>> only = sections(one.output());
            assertEquals(List.of(""), List.copyOf(only.keySet()), one.output());
            assertTrue(one.output().contains("     msecs               : count    distribution\n"), one.output());
            assertEquals(n, sum(only.get("")), one.output());
        } finally {
            if (theirs != null) theirs.destroyForcibly();
            Cmd.run("losetup", "-d", loop);
        }
    }

    /**
     * bitesize -d and biopattern -d on exactly N sequential 4 KiB direct reads of a loop device,
     * beside Debian's binaries on the same reads: bitesize puts all N in the 4 -> 7 Kbytes slot
     * (under whichever task issued them), biopattern counts N - 1 sequential requests of 4 KiB
     * (the disk's first one only sets where the next would start), both as libbpf-tools do.
     */
    @Test
    void bitesizeAndBiopatternSeeExactlyTheDirectReadsOfALoopDevice(@TempDir Path dir) throws Exception {
        requireLibbpfTool("bitesize");
        requireLibbpfTool("biopattern");
        String loop = loopDevice(dir);
        String name = loop.substring(loop.lastIndexOf('/') + 1);
        List<Process> started = new ArrayList<>();
        try {
            int n = 100;
            SyscountTest.Running size = new SyscountTest.Running("bitesize", "-d", name);
            SyscountTest.Running pattern = new SyscountTest.Running("biopattern", "-d", name);
            BufferedReader theirSize = startTheirs(started, "Tracing block device I/O... Hit Ctrl-C to end.", "bitesize", "-d", name);
            BufferedReader theirPattern = startTheirs(started, "Tracing block device I/O requested seeks... Hit Ctrl-C to end.",
                    "biopattern", "-d", name);
            String header = "DISK     %RND  %SEQ    COUNT     KBYTES";
            assertEquals(header, theirPattern.readLine());
            size.awaitOutput("Tracing block device I/O... Hit Ctrl-C to end.\n", 20_000);
            pattern.awaitOutput("Tracing block device I/O requested seeks... Hit Ctrl-C to end.\n" + header + "\n", 20_000);
            directReads(Path.of(loop), n);
            for (SyscountTest.Running r : List.of(size, pattern)) {
                r.thread.interrupt();
                assertEquals(0, r.join(60_000), r.errBuf.toString());
            }
            String ts = stopTheirs(started.get(0), theirSize), tp = stopTheirs(started.get(1), theirPattern);

            String row = String.format("%-7s %5d %5d %8d %10d", name, 0, 100, n - 1, (n - 1) * 4);
            assertTrue(pattern.output().endsWith(header + "\n" + row + "\n"), pattern.output());
            assertEquals(row + "\n", tp, "Debian's biopattern on the same reads");

            for (String out : List.of(size.output(), ts)) {
                Map<String, List<String>> s = sections(out);
                long total = 0;
                for (Map.Entry<String, List<String>> e : s.entrySet()) {
                    assertTrue(e.getKey().startsWith("Process Name = "), out);
                    List<String> rows = e.getValue();
                    total += sum(rows);
                    // 4 KiB requests: the 4 -> 7 Kbytes slot, the last one printed
                    assertEquals("         4 -> 7          : ", range(rows.getLast()), out);
                    assertEquals(sum(rows), Long.parseLong(rows.getLast().split(":")[1].trim().split("\\s+")[0]), out);
                }
                assertEquals(n, total, out);
                assertTrue(out.contains("     Kbytes              : count    distribution\n"), out);
            }
        } finally {
            for (Process p : started) p.destroyForcibly();
            Cmd.run("losetup", "-d", loop);
        }
    }

    /**
     * runqlen -C with four busy loops pinned to CPU 0 for the whole sampling: every sample of CPU
     * 0 sees at least three tasks waiting beside the running one, and -O -C reports CPU 0 100%
     * occupied.
     */
    @Test
    void runqlenSeesFourBusyTasksOnOneCpu() throws Exception {
        Process spin = new ProcessBuilder("timeout", "60", "taskset", "-c", "0", "bash", "-c",
                "for i in 1 2 3 4; do (while :; do :; done) & done; echo ready; wait").redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(spin.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", r.readLine());
            Thread.sleep(200); // the four loops forked and running
            SyscountTest.Running len = new SyscountTest.Running("runqlen", "-C", "2", "1");
            SyscountTest.Running occ = new SyscountTest.Running("runqlen", "-C", "-O", "2", "1");
            for (SyscountTest.Running t : List.of(len, occ)) assertEquals(0, t.join(60_000), t.errBuf.toString());
            String out = len.output();
            assertTrue(out.startsWith("Sampling run queue length... Hit Ctrl-C to end.\n\ncpu = 0\n"
                    + "     runqlen       : count     distribution\n"), out);
            String cpu0 = out.substring(out.indexOf("cpu = 0\n"), out.indexOf("cpu = 1\n"));
            long samples = 0;
            Matcher m = Pattern.compile("(?m)^        (\\d+) +: (\\d+) +\\|").matcher(cpu0);
            while (m.find()) {
                assertTrue(Integer.parseInt(m.group(1)) >= 3, "a sample of CPU 0 with fewer than 3 waiting: " + out);
                samples += Long.parseLong(m.group(2));
            }
            // 99 Hz for 2 s; the kernel adjusts the period to the frequency as it goes
            assertTrue(samples >= 50, out);
            assertTrue(occ.output().contains("\nrunqocc, CPU 0   100.00%\n"), occ.output());
        } finally {
            spin.descendants().forEach(ProcessHandle::destroyForcibly);
            spin.destroyForcibly();
        }
    }

    /**
     * cpufreq on this machine's sysfs beside Debian's binary: on a virtual machine without cpufreq
     * both say that they cannot read the current frequency and exit 1. Then on CPU frequencies of
     * the test's own (2400 MHz in files like sysfs', as no cpu_frequency event comes on such a
     * machine): every sample, system-wide and per process name, falls in the 2400 MHz slot.
     */
    @Test
    void cpufreqSamplesTheFrequencyEachCpuRuns(@TempDir Path dir) throws Exception {
        requireLibbpfTool("cpufreq");
        if (!Files.exists(Path.of("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq"))) {
            Cmd.Result theirs = Cmd.run("/usr/sbin/cpufreq", "-d", "1");
            SyscountTest.Running ours = new SyscountTest.Running("cpufreq", "-d", "1");
            assertEquals(1, ours.join(60_000));
            assertEquals(1, theirs.status(), theirs.out() + theirs.err());
            assertEquals(theirs.err(), ours.errBuf.toString(StandardCharsets.UTF_8));
            assertEquals("", ours.output());
        }
        int cpus = Integer.parseInt(Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim().replaceAll(".*-", "")) + 1;
        for (int cpu = 0; cpu < cpus; cpu++) {
            Path f = dir.resolve("cpu" + cpu + "/cpufreq/scaling_cur_freq");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "2400000\n");
        }
        Path sysfs = Cpufreq.cpuSysfs;
        Cpufreq.cpuSysfs = dir;
        // a process on a CPU while it samples: on an idle machine every sample is the idle task's,
        // which has no histogram of its own (as in libbpf-tools), and only syswide would show
        java.util.concurrent.atomic.AtomicBoolean spin = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread spinner = new Thread(() -> {
            long x = 0;
            while (spin.get()) x += System.nanoTime() & 1;
            if (x == 42) System.out.print("");
        }, "cpufreq-spin");
        spinner.start();
        try {
            SyscountTest.Running r = new SyscountTest.Running("cpufreq", "-d", "1");
            assertEquals(0, r.join(60_000), r.errBuf.toString());
            String out = r.output();
            assertTrue(out.startsWith("Sampling CPU freq system-wide & by process. Ctrl-C to end.\n\n"), out);
            assertTrue(out.contains("\n     syswide       : count     distribution\n        2400       : "), out);
            Matcher rows = Pattern.compile("(?m)^        (\\d+) +: (\\d+) +\\|").matcher(out);
            int n = 0;
            while (rows.find()) {
                assertEquals("2400", rows.group(1), out);
                n++;
            }
            assertTrue(n >= 2, "the system-wide histogram and at least one process': " + out);
        } finally {
            spin.set(false);
            spinner.join();
            Cpufreq.cpuSysfs = sysfs;
        }
    }

    static Process startSleeper(int n) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                SleepLoop.class.getName(), Integer.toString(n)).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        if (!"ready".equals(r.readLine())) fail("child did not start");
        return p;
    }

    @Test
    void runqlatAndCpudistSeeEveryWakeUpOfOneProcessUnderItsPidAndPidNamespace() throws Exception {
        int n = 200;
        Process child = startSleeper(n);
        try {
            String pid = Long.toString(child.pid());
            SyscountTest.Running runq = new SyscountTest.Running("runqlat", "-P", "-p", pid);
            SyscountTest.Running cpu = new SyscountTest.Running("cpudist", "-P", "-p", pid);
            SyscountTest.Running ns = new SyscountTest.Running("runqlat", "--pidnss", "-p", pid);
            String link = Files.readSymbolicLink(Path.of("/proc", pid, "ns", "pid")).toString(); // pid:[INUM]
            String inum = link.substring(link.indexOf('[') + 1, link.indexOf(']'));
            runq.awaitOutput("Tracing run queue latency... Hit Ctrl-C to end.\n", 20_000);
            cpu.awaitOutput("Tracing on-CPU time... Hit Ctrl-C to end.\n", 20_000);
            ns.awaitOutput("Tracing run queue latency... Hit Ctrl-C to end.\n", 20_000);
            Writer w = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
            w.write("go\n");
            w.flush();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child finished");
            for (SyscountTest.Running r : List.of(runq, cpu, ns)) {
                r.thread.interrupt();
                assertEquals(0, r.join(60_000), r.errBuf.toString());
                Map<String, List<String>> s = sections(r.output());
                // an exiting thread has no namespaces left (nsproxy NULL): libbpf-tools reads 0 there too
                s.keySet().removeIf(h -> r == ns && h.startsWith("pidns = 0 "));
                assertEquals(1, s.size(), "one process: " + r.output());
                String heading = s.keySet().iterator().next();
                // COMM: the name of one of its threads (the JVM names them)
                assertTrue(heading.startsWith((r == ns ? "pidns = " + inum : "pid = " + pid) + " "), r.output());
                long count = sum(s.get(heading));
                // each sleep ends with a wake-up and a switch onto the CPU, and each stretch on the
                // CPU with a switch off it; the JVM's other threads add some
                assertTrue(count >= n, r.output());
            }
        } finally {
            child.destroyForcibly();
        }
    }

    /** Per-IRQ counts of /proc/interrupts (summed over CPUs) by handler name, for IRQs with one handler. */
    static Map<String, Long> procInterrupts() throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(Path.of("/proc/interrupts"));
        int cpus = lines.get(0).trim().split("\\s+").length;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (!f[0].matches("\\d+:") || f.length < cpus + 3 || line.contains(",")) continue;
            long n = 0;
            for (int i = 1; i <= cpus; i++) n += Long.parseLong(f[i]);
            String name = f[f.length - 1];
            if (name.length() < 32) m.merge(name, n, Long::sum);
        }
        return m;
    }

    /** /proc/softirqs (summed over CPUs) by libbpf-tools' vector name. */
    static Map<String, Long> procSoftirqs() throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/softirqs"))) {
            String[] f = line.trim().split("\\s+");
            if (!f[0].endsWith(":")) continue;
            long n = 0;
            for (int i = 1; i < f.length; i++) n += Long.parseLong(f[i]);
            m.put(f[0].substring(0, f[0].length() - 1).toLowerCase(java.util.Locale.ROOT), n);
        }
        return m;
    }

    /**
     * hardirqs -C and softirqs -d count at least what /proc/interrupts and /proc/softirqs count
     * meanwhile, for every interrupt and vector that the test's disk reads and sleeps (or anything
     * else) caused while both were tracing.
     */
    @Test
    void hardirqsAndSoftirqsSeeAtLeastWhatProcCounts() throws Exception {
        Path file = Path.of("target", "hardirqs-test-" + ProcessHandle.current().pid() + ".img");
        Files.write(file, new byte[256 * 4096]);
        try {
            SyscountTest.Running hard = new SyscountTest.Running("hardirqs", "-C");
            SyscountTest.Running soft = new SyscountTest.Running("softirqs", "-d");
            hard.awaitOutput("Tracing hard irq events... Hit Ctrl-C to end.\n", 20_000);
            soft.awaitOutput("Tracing soft irq event time... Hit Ctrl-C to end.\n", 20_000);
            Map<String, Long> irq0 = procInterrupts(), soft0 = procSoftirqs();
            try {
                directReads(file, 200); // disk interrupts, where the file system takes O_DIRECT
            } catch (IOException unsupported) {
                // the timers and the machine's own interrupts still run
            }
            Thread.sleep(300);
            Map<String, Long> irq1 = procInterrupts(), soft1 = procSoftirqs();
            for (SyscountTest.Running r : List.of(hard, soft)) {
                r.thread.interrupt();
                assertEquals(0, r.join(60_000), r.errBuf.toString());
            }
            Map<String, Long> counted = new LinkedHashMap<>();
            Matcher m = Pattern.compile("(?m)^(\\S+) +(\\d+)$").matcher(hard.output());
            while (m.find()) counted.put(m.group(1), Long.parseLong(m.group(2)));
            // The kernel counts an interrupt in /proc/interrupts as it takes it, before the handler
            // (and irq_handler_entry) runs: one in flight on each CPU at each of the two snapshots can
            // fall on either side of the window. Beyond that, hardirqs must see every one.
            long inFlight = 2L * Runtime.getRuntime().availableProcessors();
            int grew = 0;
            for (Map.Entry<String, Long> e : irq1.entrySet()) {
                long delta = e.getValue() - irq0.getOrDefault(e.getKey(), 0L);
                if (delta <= 0) continue;
                grew++;
                assertTrue(counted.getOrDefault(e.getKey(), 0L) >= delta - inFlight,
                        e.getKey() + ": /proc/interrupts counted " + delta + ", hardirqs: " + hard.output());
            }
            assertTrue(grew > 0, "some device interrupt during the test: " + irq0 + " " + irq1);
            Map<String, List<String>> hists = sections(soft.output());
            for (Map.Entry<String, Long> e : soft1.entrySet()) {
                long delta = e.getValue() - soft0.getOrDefault(e.getKey(), 0L);
                if (delta <= 0) continue;
                List<String> rows = hists.get("softirq = " + e.getKey());
                assertTrue(rows != null && sum(rows) >= delta - inFlight,
                        e.getKey() + ": /proc/softirqs counted " + delta + ", softirqs -d: " + soft.output());
            }
            assertTrue(soft1.get("timer") > soft0.get("timer"), "timer softirqs in 300 ms");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * A tool started in the background of a non-interactive shell inherits SIGINT ignored: it
     * still stops on {@code kill -INT} (and on SIGTERM), prints its last report and exits 0.
     */
    @Test
    void stopsOnSignalsInheritedIgnored(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String sig : List.of("INT", "TERM")) {
            Path out = dir.resolve(sig + ".out");
            String script = "'" + java + "' --enable-native-access=ALL-UNNAMED -cp '" + System.getProperty("java.class.path")
                    + "' org.bpf4j.tools.Main runqlat > '" + out + "' 2>&1 &\n"
                    + "p=$!\n"
                    // what the shell gives its background jobs, as a background job reads it itself
                    // (the tool un-ignores SIGINT at once)
                    + "awk '/SigIgn/ {print \"ignored=\" $2}' /proc/self/status &\n"
                    + "wait $!\n"
                    + "for i in $(seq 600); do grep -q 'Hit Ctrl-C' '" + out + "' && break; sleep 0.1; done\n"
                    + "kill -" + sig + " $p\n"
                    + "wait $p\n"
                    + "echo rc=$?\n";
            Process sh = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
            if (!sh.waitFor(120, TimeUnit.SECONDS)) {
                sh.descendants().forEach(ProcessHandle::destroyForcibly);
                sh.destroyForcibly();
                fail(sig + ": the tool did not stop: " + Files.readString(out));
            }
            String said = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String text = Files.readString(out);
            Matcher ign = Pattern.compile("ignored=([0-9a-f]+)").matcher(said);
            assertTrue(ign.find(), said);
            assertTrue((Long.parseLong(ign.group(1), 16) & 2) != 0, "the shell started it with SIGINT ignored: " + said);
            assertTrue(said.contains("rc=0\n"), sig + ": " + said + text);
            assertTrue(text.startsWith("Tracing run queue latency... Hit Ctrl-C to end.\n"), text);
            assertTrue(text.contains("     usecs               : count    distribution\n"), "the last report: " + text);
        }
    }

    /**
     * A signal that comes while the tool still starts up (its handler installed, its programs not yet
     * attached: the banner not out) is not lost: the tool stops as soon as it traces, with its
     * banner, its last report and status 0.
     */
    @Test
    void aSignalDuringStartUpStopsItOnceItTraces(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = dir.resolve("early.out");
        String script = "'" + java + "' --enable-native-access=ALL-UNNAMED -cp '" + System.getProperty("java.class.path")
                + "' org.bpf4j.tools.Main runqlat > '" + out + "' 2>&1 &\n"
                + "p=$!\n"
                // SigCgt bit 2 (SIGINT caught): the handler is in place; the banner may not be out yet
                + "for i in $(seq 2000); do c=$(awk '/SigCgt/ {print $2}' /proc/$p/status); "
                + "[ -n \"$c\" ] && [ $(( 0x$c & 2 )) -ne 0 ] && break; sleep 0.005; done\n"
                + "grep -q 'Hit Ctrl-C' '" + out + "' && echo banner-before || echo banner-after\n"
                + "kill -INT $p\n"
                + "wait $p\n"
                + "echo rc=$?\n";
        Process sh = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        if (!sh.waitFor(120, TimeUnit.SECONDS)) {
            sh.descendants().forEach(ProcessHandle::destroyForcibly);
            sh.destroyForcibly();
            fail("the tool did not stop: " + Files.readString(out));
        }
        String said = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String text = Files.readString(out);
        assertTrue(said.contains("rc=0\n"), said + text);
        assertTrue(text.startsWith("Tracing run queue latency... Hit Ctrl-C to end.\n"), text);
        assertTrue(text.contains("     usecs               : count    distribution\n"), "the last report: " + text);
        // the handler is in place long before the banner (load and attach take 100 ms and more):
        // the signal must have come during start-up, or this test has not tested that
        assertTrue(said.contains("banner-after"), "the signal was sent before the banner: " + said);
    }
}
