package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code bpf4j features}: bpftool's format, its sections, and the attach kinds. */
class FeaturesCommandTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    static List<String> lines(String s, String prefix) {
        List<String> out = new ArrayList<>();
        for (String l : s.split("\n")) if (l.startsWith(prefix)) out.add(l);
        return out;
    }

    /** Program and map type lines are bpftool's, line for line, for every type bpftool 7.1 knows (tracing aside). */
    @Test
    void typeLinesAreBpftools() {
        KernelTests.require(Cmd.available("bpftool"), "no bpftool on PATH (the oracle)");
        ProgLoadTest.Result r = ProgLoadTest.run("features", "--section", "program_types", "--section", "map_types");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("Scanning eBPF program types...\n"), r.out());
        assertTrue(r.out().contains("\n\nScanning eBPF map types...\n"), r.out());
        String theirs = Cmd.check("bpftool", "feature", "probe", "full");
        List<String> ours = new ArrayList<>();
        for (String l : r.out().split("\n")) ours.add(l.replaceAll(" \\(loads are refused \\(EPERM\\)\\)$", ""));
        int n = 0;
        for (String l : lines(theirs, "eBPF program_type ")) {
            if (l.startsWith("eBPF program_type tracing ")) continue;
            assertTrue(ours.contains(l), "missing: " + l + "\n" + r.out());
            n++;
        }
        for (String l : lines(theirs, "eBPF map_type ")) {
            assertTrue(ours.contains(l), "missing: " + l);
            n++;
        }
        assertTrue(n > 50, "compared " + n);
    }

    @Test
    void wholeReportInBpftoolsOrderWithAttachKinds() {
        long t0 = System.nanoTime();
        ProgLoadTest.Result r = ProgLoadTest.run("features");
        double ms = (System.nanoTime() - t0) / 1e6;
        assertEquals(0, r.status(), r.err());
        List<String> headers = lines(r.out(), "Scanning ");
        assertEquals(List.of("Scanning system configuration...", "Scanning system call availability...",
                "Scanning eBPF program types...", "Scanning eBPF map types...", "Scanning eBPF helper functions...",
                "Scanning attach kinds..."), headers);
        assertTrue(r.out().contains("\nbpf() syscall is available\n"));
        assertTrue(r.out().contains("eBPF helpers supported for program type kprobe:\n\t- bpf_map_lookup_elem\n"), r.out());
        assertTrue(!r.out().contains("\t- bpf_trace_printk\n"), "noisy helpers only with --full");
        List<String> kinds = lines(r.out(), "Attach kind ");
        assertEquals(org.bpf4j.features.Features.Attach.values().length, kinds.size());
        boolean kprobes = Files.exists(Path.of("/sys/bus/event_source/devices/kprobe/type"));
        String kprobe = kinds.get(0);
        assertTrue(kprobe.startsWith("Attach kind kprobe (kprobe, kretprobe, ksyscall) is "), kprobe);
        if (!kprobes && !Files.exists(Path.of("/sys/kernel/tracing/kprobe_events"))) {
            assertTrue(kprobe.contains("is NOT available: ") && kprobe.contains("CONFIG_KPROBES"), kprobe);
        }
        System.out.printf("bpf4j features: %d lines in %.0f ms%n", r.out().split("\n").length, ms);
    }

    @Test
    void badArguments() {
        ProgLoadTest.Result r = ProgLoadTest.run("features", "--section", "nope");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown section 'nope'"), r.err());
        ProgLoadTest.Result h = ProgLoadTest.run("features", "--help");
        assertEquals(0, h.status());
        assertTrue(h.out().startsWith("Usage: bpf4j features"), h.out());
    }
}
