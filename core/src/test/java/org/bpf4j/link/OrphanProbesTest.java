package org.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crash hygiene: a process killed with SIGKILL while it holds a tracefs-mode uprobe leaves its
 * {@code uprobe_events} entry behind (nothing can remove it at that moment); the next bpf4j process
 * that attaches a uprobe removes it, and leaves the entries of live processes alone.
 */
class OrphanProbesTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    static Process child(String mode, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), TracefsUprobeMain.class.getName(),
                KernelTests.fixture("attach.o").toString(), KernelTests.fixture("uprobe_target").toString(), mode));
        cmd.addAll(List.of(more));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    static String awaitAttached(Process p) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        assertTrue(line != null && line.startsWith("attached "), "child attached: " + line);
        return line;
    }

    /** The bpf4j entries of {@code uprobe_events} that belong to {@code pid}. */
    static List<String> entriesOf(long pid) throws Exception {
        Path events = Probes.eventsFile(Probes.Kind.UPROBE);
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(events)) if (l.contains("/bpf4j_" + pid + "s")) out.add(l);
        return out;
    }

    @Test
    void theNextRunRemovesTheEventsOfAKilledProcess() throws Exception {
        Process victim = child("tracefs");
        Process live = child("tracefs");
        try {
            awaitAttached(victim);
            awaitAttached(live);
            List<String> left = entriesOf(victim.pid());
            assertEquals(1, left.size(), "the victim's event, named with its pid and start time: " + left);
            String name = left.get(0).substring(left.get(0).indexOf('/') + 1, left.get(0).indexOf(' '));
            assertEquals("bpf4j_" + victim.pid() + "s" + Probes.startTicks(victim.pid()) + "_1_uprobe_target_",
                    name.substring(0, name.indexOf("_uprobe_target_") + "_uprobe_target_".length()));
            victim.destroyForcibly();
            assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
            assertEquals(left, entriesOf(victim.pid()), "SIGKILL leaves the entry behind");

            // the next bpf4j process that attaches a uprobe (here through the PMU) sweeps
            Process next = child("pmu", "exit");
            awaitAttached(next);
            assertTrue(next.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, next.exitValue());
            assertEquals(List.of(), entriesOf(victim.pid()), "the dead owner's entry is gone");
            assertEquals(1, entriesOf(live.pid()).size(), "a live process's entry stays");
        } finally {
            victim.destroyForcibly();
            live.getOutputStream().write('\n');
            live.getOutputStream().close();
            assertTrue(live.waitFor(30, TimeUnit.SECONDS), "the live child ends");
        }
        assertEquals(List.of(), entriesOf(live.pid()), "a process that ends normally removes its own entry");
    }

    @Test
    void ownersAreToldFromTheirStartTime() {
        long self = ProcessHandle.current().pid();
        long start = Probes.startTicks(self);
        assertTrue(start > 0, "start ticks " + start);
        assertFalse(Probes.orphan("bpf4j_" + self + "s" + start + "_1_x_0x0"), "this process owns it");
        assertTrue(Probes.orphan("bpf4j_" + self + "s" + (start + 1) + "_1_x_0x0"), "an earlier process with this pid");
        assertFalse(Probes.orphan("bpf4j_" + self + "_1_x_0x0"), "the older names: pid alone, alive");
        assertTrue(Probes.orphan("bpf4j_" + Integer.MAX_VALUE + "_1_x_0x0"), "the older names: no such pid");
        assertFalse(Probes.orphan("bpf4j_notapid_x"), "not a name of ours");
    }
}
