package org.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bpf4j.map.Codecs;
import org.bpf4j.map.PerCpu;
import org.bpf4j.sys.Cpus;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.Os;
import org.bpf4j.sys.SysNr;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Loading, attaching and reading back obj_full.o on the running kernel, with exact counts. */
@Tag("matrix")
class LoaderTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /** Makes {@code n} getppid() system calls from this thread. */
    static void getppid(int n) {
        for (int i = 0; i < n; i++) Native.call(SysNr.GETPPID, 0);
    }

    @Test
    void loadAttachCountExactly() {
        ObjectSpec spec = ObjectSpecTest.full();
        int tgid = Os.getpid();
        spec.rodata().set("target_tgid", tgid);
        spec.rodata().set("loop_count", 5);
        int n = 1000;
        try (BpfObject obj = spec.load()) {
            assertEquals(Set.of("on_getppid", "on_raw_sys_enter", "on_sched_switch", "xdp_pass", "sock_len"),
                    obj.programs().keySet(), "not_autoloaded stays out");
            assertTrue(obj.warnings().isEmpty(), obj.warnings().toString());
            try (BpfLink link = obj.program("on_getppid").attach()) {
                assertEquals("tracepoint syscalls/sys_enter_getppid", link.target());
                getppid(n);
            }
            getppid(10); // detached: not counted

            assertEquals(n, obj.bss().getLong("bss_counter"), ".bss through its memory mapping");
            assertEquals(tgid, obj.bss().getLong("seen_tgid"), "tgid read through a CO-RE relocation");
            assertEquals(5 + n, obj.data().getInt("data_counter"), "global subprogram add_one on .data");
            assertEquals(7 + n, obj.globals(".data.custom").getInt("custom_counter"));
            assertEquals(tgid, obj.rodata().getInt("target_tgid"));
            assertThrows(IllegalStateException.class, () -> obj.rodata().set("target_tgid", 1), ".rodata is frozen");

            Map<Integer, Long> counts = obj.map("counts").view(Codecs.U32, Codecs.U64).toMap();
            assertEquals(Map.of(42, (long) n), counts, "static subprogram twice(loop_count) + 32 keys the count");

            byte[] stats = obj.map("stats").lookup(new byte[4]);
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(stats).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertEquals(n, bb.getLong(0), "stats.calls");
            assertEquals(5L * n, bb.getLong(8), "stats.loops: bpf_loop callback ran loop_count times per call");

            PerCpu<Long> per = obj.map("percpu").perCpuView(Codecs.U32, Codecs.U64).get(0);
            assertNotNull(per);
            assertEquals(Cpus.possible(), per.values().size());
            assertEquals(n, per.sum(Long::longValue), "per-CPU values add up to the calls");

            assertEquals(Cpus.possible(), obj.map("events").maxEntries(), "perf event array sized to the CPUs");
        }
    }

    @Test
    void autoAttachAndCloseDetaches() {
        ObjectSpec spec = ObjectSpecTest.full();
        spec.rodata().set("target_tgid", Os.getpid());
        try (BpfObject obj = spec.load(LoadOptions.defaults().withPrograms(Set.of("on_getppid", "on_raw_sys_enter",
                "on_sched_switch")))) {
            List<BpfLink> links = obj.attachAll();
            assertEquals(3, links.size(), links.toString());
            getppid(7);
            for (BpfLink l : links) l.close();
            getppid(3);
            assertEquals(7, obj.bss().getLong("bss_counter"));
            assertFalse(links.get(0).isOpen());
        }
    }

    @Test
    void mapViewsPutGetRemoveIterateClear() {
        try (BpfObject obj = ObjectSpecTest.full().load(LoadOptions.defaults().withPrograms(Set.of("xdp_pass")))) {
            var counts = obj.map("counts").view(Codecs.U32, Codecs.U64);
            for (int i = 0; i < 100; i++) counts.put(i, (long) i * i);
            assertEquals(81L, counts.get(9));
            assertNull(counts.get(1000));
            assertTrue(counts.remove(9));
            assertFalse(counts.remove(9));
            assertEquals(99, counts.keys().size());
            Map<Integer, Long> all = counts.toMap();
            assertEquals(99, all.size());
            assertEquals(98L * 98, all.get(98));
            assertEquals(99, counts.clear());
            assertTrue(counts.toMap().isEmpty());
            for (int i = 0; i < 256; i++) counts.put(i, 1L);
            SyscallException full = assertThrows(SyscallException.class, () -> counts.put(256, 1L));
            assertEquals(org.bpf4j.sys.Errno.E2BIG, full.errno(), "max_entries 256");
            assertEquals(256, counts.drain().size(), "lookup-and-delete batch drains everything");
            assertTrue(counts.keys().isEmpty());
            // BPF_MAP_UPDATE_BATCH and BPF_MAP_DELETE_BATCH
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                var keys = arena.allocate(4L * 100, 4);
                var values = arena.allocate(8L * 100, 8);
                for (int i = 0; i < 100; i++) {
                    keys.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, i, 1000 + i);
                    values.setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, i, 7L * i);
                }
                assertEquals(100, obj.map("counts").updateBatch(keys, values, 100, 0));
                assertEquals(7L * 42, counts.get(1042));
                assertEquals(100, counts.keys().size());
                assertEquals(60, obj.map("counts").deleteBatch(keys, 60));
                assertEquals(40, counts.keys().size());
                assertNull(counts.get(1000));
                assertEquals(7L * 99, counts.get(1099));
                counts.clear();
            }
            // BPF_NOEXIST / BPF_EXIST
            counts.put(1, 1L, 1);
            SyscallException e = assertThrows(SyscallException.class, () -> counts.put(1, 2L, 1));
            assertEquals("BPF_MAP_UPDATE_ELEM", e.operation());
            assertTrue(e.getMessage().startsWith("BPF_MAP_UPDATE_ELEM: EEXIST (17)"), e.getMessage());
            assertTrue(e.getMessage().contains("map 'counts'"), e.getMessage());
        }
    }

    @Test
    void batchFallsBackToIterationWhereTheKernelHasNoBatch() {
        // a ring buffer has no lookup batch: forEachBatch must not fail on an array of maps either
        try (BpfObject obj = ObjectSpecTest.full().load(LoadOptions.defaults().withPrograms(Set.of("xdp_pass")))) {
            BpfMap stats = obj.map("stats"); // ARRAY supports batch lookup, PERCPU_HASH too
            long[] n = {0};
            stats.forEachBatch(2, (k, v, c) -> n[0] += c);
            assertEquals(4, n[0], "array maps always hold max_entries entries");
        }
    }

    @Test
    void loadFailureOfOneProgramLeavesNothingBehind() {
        ObjectSpec spec = ObjectSpec.read(KernelTests.fixture("obj_verifier.o"));
        assertThrows(VerifierException.class, spec::load); // warm up class loading
        KernelTests.Snapshot before = KernelTests.Snapshot.take();
        VerifierException e = assertThrows(VerifierException.class, spec::load);
        before.assertNothingLeftBehind("a verifier rejection", List.of("no_null_check", "values"));
        assertEquals("no_null_check", e.program());
        assertTrue(e.getMessage().contains("program 'no_null_check' (section tp/syscalls/sys_enter_getppid)"
                + " rejected by the verifier: BPF_PROG_LOAD: EACCES (13)"), e.getMessage());
        assertTrue(e.verdict().contains("invalid mem access 'map_value_or_null'"), e.verdict());
        assertNotNull(e.sourceLine());
        assertTrue(e.sourceLine().startsWith("obj_verifier.bpf.c:"), e.sourceLine());
        assertTrue(e.sourceLine().contains("return *v + 1;"), e.sourceLine());
        assertTrue(e.log().contains("processed"), "the full log: " + e.log());
        assertTrue(e.getMessage().contains("--- verifier log ---"), e.getMessage());
    }

    @Test
    void missingMapTypeIsAFeatureErrorAndLeavesNothingBehind() {
        ObjectSpec spec = ObjectSpec.read(KernelTests.fixture("obj_badmaptype.o"));
        assertThrows(FeatureNotSupportedException.class, spec::load);
        KernelTests.Snapshot before = KernelTests.Snapshot.take();
        FeatureNotSupportedException e = assertThrows(FeatureNotSupportedException.class, spec::load);
        before.assertNothingLeftBehind("an unsupported map type", List.of("uses_maps", "good", "future"));
        assertTrue(e.getMessage().startsWith("map type type 99 is not supported by this kernel"), e.getMessage());
        assertTrue(e.getMessage().contains("map 'future'"), e.getMessage());
    }

    @Test
    void objectWithoutLicenseNamesTheMissingSection() {
        ObjectSpec spec = ObjectSpec.read(KernelTests.fixture("obj_nolicense.o"));
        assertThrows(VerifierException.class, spec::load);
        KernelTests.Snapshot before = KernelTests.Snapshot.take();
        VerifierException e = assertThrows(VerifierException.class, spec::load);
        before.assertNothingLeftBehind("an object without license", List.of("uses_gpl_helper"));
        assertTrue(e.getMessage().contains("GPL"), e.getMessage());
        assertTrue(e.getMessage().contains("the object has no license section"), e.getMessage());
    }

    @Test
    void tracepointThatDoesNotExist() {
        try (BpfObject obj = ObjectSpecTest.full().load(LoadOptions.defaults().withPrograms(Set.of("on_getppid")))) {
            BpfException e = assertThrows(BpfException.class,
                    () -> obj.program("on_getppid").attachTracepoint("syscalls", "sys_enter_nonexistent"));
            assertTrue(e.getMessage().contains("tracepoint syscalls/sys_enter_nonexistent does not exist"), e.getMessage());
        }
    }
}
