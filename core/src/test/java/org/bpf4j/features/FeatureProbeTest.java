package org.bpf4j.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bpf4j.MapType;
import org.bpf4j.ProgramType;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.btf.BtfType;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.SysNr;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Feature probes against what the kernel shows elsewhere: program types, map types and helpers
 * against {@code bpftool feature probe full}, attach kinds against the kernel version and sysfs.
 */
class FeatureProbeTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    static int[] kernelVersion() throws Exception {
        String rel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        String[] p = rel.split("[.-]");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }

    static boolean atLeast(int[] v, String since) {
        String[] s = since.split("\\.");
        int major = Integer.parseInt(s[0]), minor = Integer.parseInt(s[1]);
        return v[0] > major || v[0] == major && v[1] >= minor;
    }

    /** Kinds whose presence follows from the kernel version alone (on kernels built with BPF, NET, cgroups). */
    @Test
    void attachKindsFollowTheKernelVersionAndSysfs() throws Exception {
        int[] v = kernelVersion();
        for (Features.Attach k : List.of(Features.Attach.RAW_TRACEPOINT, Features.Attach.TP_BTF, Features.Attach.ITER,
                Features.Attach.PERF_EVENT, Features.Attach.PERF_LINK, Features.Attach.XDP_LINK, Features.Attach.TCX,
                Features.Attach.CGROUP_LINK, Features.Attach.SOCKET_FILTER)) {
            assertEquals(atLeast(v, k.since()), Features.attach(k).supported(), k + " since " + k.since() + ": "
                    + Features.attach(k));
        }
        boolean kprobes = Files.exists(Path.of("/sys/bus/event_source/devices/kprobe/type"))
                || Files.exists(Path.of("/sys/kernel/tracing/kprobe_events"))
                || Files.exists(Path.of("/sys/kernel/debug/tracing/kprobe_events"));
        assertEquals(kprobes, Features.attach(Features.Attach.KPROBE).supported());
        assertEquals(Files.exists(Path.of("/sys/bus/event_source/devices/uprobe/type")) || Files.exists(Path.of(
                "/sys/kernel/tracing/uprobe_events")), Features.attach(Features.Attach.UPROBE).supported());
        // fentry, fexit and fmod_ret stand or fall together: one trampoline mechanism
        boolean fentry = Features.attach(Features.Attach.FENTRY).supported();
        assertEquals(fentry, Features.attach(Features.Attach.FEXIT).supported());
        assertEquals(fentry, Features.attach(Features.Attach.FMOD_RET).supported());
        if (!kprobes) {
            assertTrue(Features.attach(Features.Attach.KPROBE).detail().contains("CONFIG_KPROBES"));
        }
    }

    @Test
    void probesLeaveNothingBehind() {
        var before = KernelTests.Snapshot.take();
        for (Features.Attach k : Features.Attach.values()) Features.probeAttach(k);
        for (ProgramType t : ProgramType.values()) Features.probeProgTypeDetail(t);
        for (MapType t : MapType.values()) Features.probeMapType(t.code());
        Features.probeHelper(ProgramType.KPROBE, 1);
        Features.probeHelper(ProgramType.SOCKET_FILTER, 14);
        // file descriptors only: other processes' bpf4j probes (maps named "probe") may come and go meanwhile,
        // and a probe can hold a kernel object only through an fd of this process
        before.assertNothingLeftBehind("feature probes", List.of());
    }

    @Test
    void helperNamesComeFromTheKernelBtf() {
        Map<Integer, String> names = Features.helperNames();
        assertEquals("bpf_map_lookup_elem", names.get(1));
        assertEquals("bpf_get_current_pid_tgid", names.get(14));
        Btf btf = Btf.kernel();
        BtfType.Enum e = (BtfType.Enum) btf.type(btf.find("bpf_func_id", BtfKind.ENUM));
        assertEquals(e.value("__BPF_FUNC_MAX_ID").value() - 1, (long) ((java.util.TreeMap<Integer, String>) new java.util.TreeMap<>(names)).lastKey());
    }

    record Bpftool(Map<String, Boolean> progTypes, Map<String, Boolean> mapTypes, Map<String, Set<String>> helpers) {}

    static Bpftool bpftool() {
        KernelTests.require(Cmd.available("bpftool"), "no bpftool on PATH (the oracle)");
        String out = Cmd.check("bpftool", "feature", "probe", "full");
        Map<String, Boolean> prog = new HashMap<>(), map = new HashMap<>();
        Map<String, Set<String>> helpers = new HashMap<>();
        String section = null;
        for (String l : out.split("\n")) {
            if (l.startsWith("eBPF program_type ")) {
                String[] w = l.split(" ");
                prog.put(w[2], !l.contains("NOT"));
            } else if (l.startsWith("eBPF map_type ")) {
                String[] w = l.split(" ");
                map.put(w[2], !l.contains("NOT"));
            } else if (l.startsWith("eBPF helpers supported for program type ")) {
                section = l.substring("eBPF helpers supported for program type ".length(), l.length() - 1);
                helpers.put(section, new TreeSet<>());
            } else if (section != null && l.startsWith("\t- ")) {
                helpers.get(section).add(l.substring(3));
            } else if (section != null && l.startsWith("\t")) {
                helpers.remove(section); // "Program type not supported", "Could not determine ..."
                section = null;
            } else if (!l.startsWith("\t")) {
                section = null;
            }
        }
        return new Bpftool(prog, map, helpers);
    }

    /**
     * Program and map types as bpftool says, for every type it knows; tracing excepted: bpftool
     * 7.1 probes it with an fentry program, which some kernels refuse while tp_btf works.
     */
    @Test
    void typesMatchBpftool() {
        Bpftool b = bpftool();
        int n = 0;
        for (ProgramType t : ProgramType.values()) {
            String name = t.name().toLowerCase();
            if (!b.progTypes().containsKey(name) || t == ProgramType.TRACING) continue;
            assertEquals(b.progTypes().get(name), Features.programType(t), "program type " + name);
            n++;
        }
        for (MapType t : MapType.values()) {
            String name = t.name().toLowerCase();
            if (!b.mapTypes().containsKey(name)) continue;
            assertEquals(b.mapTypes().get(name), Features.mapType(t), "map type " + name);
            n++;
        }
        assertTrue(n > 50, "compared " + n);
    }

    /**
     * Helpers per program type against bpftool 7.1 (libbpf 1.1): every helper we find is one
     * bpftool finds; where bpftool finds more, the kernel's verifier says "program of this type
     * cannot use helper" for it, a rejection libbpf 1.1 did not recognise (libbpf 1.2 does).
     */
    @Test
    void helpersMatchBpftool() {
        Bpftool b = bpftool();
        Map<Integer, String> names = Features.helperNames();
        Set<String> known = new LinkedHashSet<>();
        for (Set<String> s : b.helpers().values()) known.addAll(s);
        int compared = 0, explained = 0;
        for (ProgramType t : ProgramType.values()) {
            String name = t.name().toLowerCase();
            Set<String> theirs = b.helpers().get(name);
            if (theirs == null || t == ProgramType.TRACING || !Features.helpersProbeable(t)) continue;
            for (Map.Entry<Integer, String> h : names.entrySet()) {
                if (!known.contains(h.getValue())) continue; // a helper newer than bpftool 7.1, or found for no type
                boolean ours = Features.helper(t, h.getKey());
                if (ours) {
                    assertTrue(theirs.contains(h.getValue()), name + ": " + h.getValue() + " found by bpf4j, not by bpftool");
                } else if (theirs.contains(h.getValue())) {
                    String log = helperLog(t, h.getKey());
                    assertTrue(log.contains("program of this type cannot use helper " + h.getValue()),
                            name + ": bpftool finds " + h.getValue() + "; the verifier said: " + log);
                    explained++;
                }
                compared++;
            }
        }
        assertTrue(compared > 3000, "compared " + compared + " (" + explained + " differences explained)");
    }

    /** The verifier log of a program of type {@code t} that only calls helper {@code id}, loaded here directly. */
    static String helperLog(ProgramType t, int id) {
        int expected = switch (t) {
            case CGROUP_SOCK_ADDR -> org.bpf4j.AttachType.CGROUP_INET4_CONNECT.code();
            case CGROUP_SOCKOPT -> org.bpf4j.AttachType.CGROUP_GETSOCKOPT.code();
            case SK_LOOKUP -> org.bpf4j.AttachType.SK_LOOKUP.code();
            case NETFILTER -> org.bpf4j.AttachType.NETFILTER.code();
            default -> 0;
        };
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(16, 8);
            insns.set(ValueLayout.JAVA_LONG, 0, 0x85L | ((long) id << 32));
            insns.set(ValueLayout.JAVA_LONG, 8, 0x95L);
            MemorySegment log = arena.allocate(4096);
            Bpf.ProgLoad p = new Bpf.ProgLoad(t.code(), insns, 2, "GPL", null, expected, t == ProgramType.SYSCALL ? 16 : 0, 0,
                    0, null, 0, 0, null, 0, 0, 0, 0, 0, 0, null);
            long r = Bpf.progLoadRaw(p, arena.allocateFrom("GPL"), log, 1, null);
            if (r >= 0) Native.call(SysNr.CLOSE, r);
            return log.getString(0);
        }
    }

    @Test
    void requireNamesTheMissingKind() {
        for (Features.Attach k : Features.Attach.values()) {
            if (Features.attach(k).supported()) continue;
            var e = org.junit.jupiter.api.Assertions.assertThrows(org.bpf4j.FeatureNotSupportedException.class,
                    () -> Features.require(k));
            assertTrue(e.getMessage().startsWith(k.label() + " are not supported by this kernel: "), e.getMessage());
            assertFalse(Features.attach(k).detail().isEmpty(), k.name());
        }
    }
}
