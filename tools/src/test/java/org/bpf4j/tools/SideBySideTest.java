package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregation tools beside their libbpf-tools namesakes (Debian's binaries), all at once on
 * one workload (direct reads of a loop device, short sleeps, a few processes): the same banner,
 * the same header and column lines, the same histogram slots under the same headings, and the
 * same layout of each table row both print; only the counts may differ (the two measure apart
 * and start a little apart). Their --help is compared option by option in {@link ArgpTest}, and
 * bitesize's, biopattern's, biolatency's and cpufreq's exact counts beside Debian's in
 * {@link HistToolsTest}. (runqlen 0.26 does not load on kernels from 6.6 on, whose cfs_rq has no
 * nr_running: only its --help is compared.)
 */
class SideBySideTest {
    record Case(String banner, String... argv) {}

    static final List<Case> CASES = List.of(
            new Case("Tracing syscalls, printing top 10... Ctrl+C to quit.", "syscount"),
            new Case("Tracing block device I/O... Hit Ctrl-C to end.", "biolatency", "-D", "-F"),
            new Case("Tracing run queue latency... Hit Ctrl-C to end.", "runqlat"),
            new Case("Tracing on-CPU time... Hit Ctrl-C to end.", "cpudist", "-m"),
            new Case("Tracing hard irq events... Hit Ctrl-C to end.", "hardirqs", "-C"),
            new Case("Tracing soft irq event time... Hit Ctrl-C to end.", "softirqs", "-d"),
            new Case("Tracing block device I/O... Hit Ctrl-C to end.", "bitesize"),
            new Case("Tracing block device I/O requested seeks... Hit Ctrl-C to end.", "biopattern"));

    /** The headings of one entity's histogram or rows: which entities each tool saw may differ. */
    private static final Pattern ENTITY = Pattern.compile("^(Process Name|disk|softirq|hardirq|pid|tid|cpu|flags) = ");

    @Test
    void headersColumnsAndSlotsMatchLibbpfTools(@TempDir Path dir) throws Exception {
        KernelTests.requireKernel();
        for (Case c : CASES) HistToolsTest.requireLibbpfTool(c.argv()[0]);
        String loop = HistToolsTest.loopDevice(dir);
        List<Process> started = new ArrayList<>();
        try {
            List<BufferedReader> theirs = new ArrayList<>();
            List<SyscountTest.Running> ours = new ArrayList<>();
            for (Case c : CASES) theirs.add(HistToolsTest.startTheirs(started, c.banner(), c.argv()));
            for (Case c : CASES) ours.add(new SyscountTest.Running(c.argv()));
            for (int i = 0; i < CASES.size(); i++) ours.get(i).awaitOutput(CASES.get(i).banner() + "\n", 60_000);

            // the workload: block I/O, wake-ups, interrupts, system calls and processes
            HistToolsTest.directReads(Path.of(loop), 200);
            for (int i = 0; i < 50; i++) Thread.sleep(2);
            for (int i = 0; i < 5; i++) Cmd.check("true");
            diskInterrupts(Path.of("target"));
            Thread.sleep(300);

            for (SyscountTest.Running r : ours) r.thread.interrupt();
            for (SyscountTest.Running r : ours) assertEquals(0, r.join(60_000), r.errBuf.toString());
            for (int i = 0; i < CASES.size(); i++) {
                String tool = String.join(" ", CASES.get(i).argv());
                String t = CASES.get(i).banner() + "\n" + HistToolsTest.stopTheirs(started.get(i), theirs.get(i));
                compare(tool, ours.get(i).output(), t);
            }
        } finally {
            for (Process p : started) p.destroyForcibly();
            Cmd.run("losetup", "-d", loop);
        }
    }

    /**
     * Writes and syncs a file 20 times on the disk under {@code dir} (the module's target/, not a
     * tmpfs): each sync's completion is a disk interrupt both hardirqs see while they trace (the
     * loop device's backing file may be on tmpfs, which takes none).
     */
    static void diskInterrupts(Path dir) throws Exception {
        Path f = java.nio.file.Files.createTempFile(java.nio.file.Files.createDirectories(dir), "sidebyside", ".dat");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer block = java.nio.ByteBuffer.allocate(64 * 1024);
            for (int i = 0; i < 20; i++) {
                ch.write(block.clear(), (long) i * block.capacity());
                ch.force(true);
            }
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }

    /** Our output against theirs, line by line except for the counts. */
    static void compare(String tool, String ours, String theirs) {
        String both = tool + "\n--- bpf4j:\n" + ours + "--- libbpf-tools:\n" + theirs;
        assertEquals(theirs.split("\n")[0], ours.split("\n")[0], "banner: " + both);
        assertEquals(fixedLines(theirs), fixedLines(ours), "header and column lines: " + both);
        Map<String, List<String>> a = HistToolsTest.sections(ours), b = HistToolsTest.sections(theirs);
        int common = 0;
        for (Map.Entry<String, List<String>> e : a.entrySet()) {
            List<String> other = b.get(e.getKey());
            if (other == null) continue;
            common++;
            List<String> rows = e.getValue();
            for (int i = 0; i < Math.min(rows.size(), other.size()); i++) {
                assertEquals(HistToolsTest.range(other.get(i)), HistToolsTest.range(rows.get(i)), "slot " + i + ": " + both);
                assertEquals(other.get(i).length(), rows.get(i).length(), "the stars' width, slot " + i + ": " + both);
            }
        }
        assertTrue(a.isEmpty() == b.isEmpty() && (a.isEmpty() || common > 0), "histograms under the same heading: " + both);
        assertTrue(!fixedLines(theirs).isEmpty(), "a header line: " + both);
        Map<String, String> ra = rows(ours), rb = rows(theirs);
        int named = 0;
        for (Map.Entry<String, String> e : ra.entrySet()) {
            String other = rb.get(e.getKey());
            if (other == null) continue;
            named++;
            if (!digitRuns(other).equals(digitRuns(e.getValue()))) continue;
            assertEquals(other.replaceAll("\\d", "9"), e.getValue().replaceAll("\\d", "9"), "a row's layout: " + both);
        }
        assertTrue(ra.isEmpty() == rb.isEmpty() && (ra.isEmpty() || named > 0), "rows of the same names: " + both);
    }

    /** The comparison itself, without a kernel: a changed header, slot or column fails it. */
    @Test
    void comparisonFailsOnADifferentHeaderSlotOrColumn() {
        String theirs = "Tracing soft irq event time... Hit Ctrl-C to end.\n\nSOFTIRQ          TOTAL_usecs\n"
                + "timer                   1323\nsched                     75\n";
        compare("softirqs", theirs.replace("1323", "4711").replace("  75", "  12"), theirs);
        for (String ours : List.of(theirs.replace("TOTAL_usecs", "TOTAL_nsecs"), theirs.replace("timer    ", "timer   "))) {
            org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> compare("softirqs", ours, theirs), ours);
        }
        String hist = "Tracing run queue latency... Hit Ctrl-C to end.\n\n     usecs               : count    distribution\n"
                + "         0 -> 1          : 2        |****************************************|\n"
                + "         2 -> 3          : 1        |********************                    |\n";
        compare("runqlat", hist.replace(": 1        |" + "*".repeat(20) + " ".repeat(20), ": 2        |" + "*".repeat(40)), hist);
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> compare("runqlat", hist.replace("2 -> 3   ", "2 -> 4   "), hist));
    }

    /** The lines without a number that name no entity: banners, column and histogram headers. */
    static Set<String> fixedLines(String out) {
        Set<String> s = new TreeSet<>();
        for (String l : out.split("\n")) {
            if (l.isBlank() || l.matches(".*\\d.*") || ENTITY.matcher(l).find()) continue;
            s.add(l);
        }
        return s;
    }

    /** The table rows (a name, then numbers), by their first word: the last such row of each. */
    static Map<String, String> rows(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String l : out.split("\n")) {
            if (!l.matches("\\S.*\\d.*") || l.contains(" -> ") || l.startsWith("[") || ENTITY.matcher(l).find()) continue;
            m.put(l.split("\\s+")[0], l);
        }
        return m;
    }

    private static List<Integer> digitRuns(String l) {
        List<Integer> n = new ArrayList<>();
        Matcher m = Pattern.compile("\\d+").matcher(l);
        while (m.find()) n.add(m.group().length());
        return n;
    }
}
