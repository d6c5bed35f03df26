package org.bpf4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;

/** The object reader on fixtures built from core/src/test/bpf/obj_*.bpf.c: no root needed. */
class ObjectSpecTest {
    static ObjectSpec full() {
        return ObjectSpec.read(KernelTests.fixture("obj_full.o"));
    }

    @Test
    void programsBySectionName() {
        ObjectSpec spec = full();
        assertEquals(List.of("on_getppid", "on_raw_sys_enter", "on_sched_switch", "xdp_pass", "sock_len", "not_autoloaded"),
                List.copyOf(spec.programs().keySet()));
        ProgramSpec tp = spec.program("on_getppid");
        assertEquals(ProgramType.TRACEPOINT, tp.type());
        assertEquals("tp/syscalls/sys_enter_getppid", tp.section());
        assertEquals("syscalls/sys_enter_getppid", tp.attachTarget());
        assertTrue(tp.autoload());
        assertEquals(ProgramType.RAW_TRACEPOINT, spec.program("on_raw_sys_enter").type());
        assertEquals("sys_enter", spec.program("on_raw_sys_enter").attachTarget());
        ProgramSpec btf = spec.program("on_sched_switch");
        assertEquals(ProgramType.TRACING, btf.type());
        assertEquals(AttachType.TRACE_RAW_TP, btf.attachType());
        assertEquals(ProgramType.XDP, spec.program("xdp_pass").type());
        assertEquals(AttachType.XDP, spec.program("xdp_pass").attachType());
        assertEquals(ProgramType.SOCKET_FILTER, spec.program("sock_len").type());
        ProgramSpec optional = spec.program("not_autoloaded");
        assertFalse(optional.autoload(), "SEC(\"?...\") programs are not loaded by default");
        assertEquals("syscalls/sys_enter_getpid", optional.attachTarget());
        assertEquals("Dual BSD/GPL", spec.license());
        assertEquals("obj_full", spec.name());
    }

    @Test
    void btfDefinedMaps() {
        ObjectSpec spec = full();
        MapSpec counts = spec.map("counts");
        assertEquals(MapType.HASH, counts.type());
        assertEquals(4, counts.keySize());
        assertEquals(8, counts.valueSize());
        assertEquals(256, counts.maxEntries());
        assertTrue(counts.btfKeyTypeId() > 0 && counts.btfValueTypeId() > 0);
        MapSpec stats = spec.map("stats");
        assertEquals(MapType.ARRAY, stats.type());
        assertEquals(16, stats.valueSize(), "struct value { u64 calls; u64 loops; }");
        assertEquals(MapType.PERCPU_HASH, spec.map("percpu").type());
        MapSpec rb = spec.map("rb");
        assertEquals(MapType.RINGBUF, rb.type());
        assertEquals(16384, rb.maxEntries());
        assertEquals(0, rb.keySize());
        MapSpec events = spec.map("events");
        assertEquals(MapType.PERF_EVENT_ARRAY, events.type());
        assertEquals(4, events.keySize());
        assertEquals(4, events.valueSize());
        assertEquals(0, events.maxEntries(), "0 means one slot per CPU, filled in at load time");
    }

    @Test
    void globalDataSectionsAreArrayMapsWithVariables() {
        ObjectSpec spec = full();
        assertEquals(List.of("counts", "stats", "percpu", "rb", "events", ".rodata", ".data", ".data.custom", ".bss"),
                List.copyOf(spec.maps().keySet()));
        MapSpec rodata = spec.map(".rodata");
        assertEquals(MapSpec.Kind.RODATA, rodata.kind());
        assertEquals(MapType.ARRAY, rodata.type());
        assertEquals(1, rodata.maxEntries());
        assertTrue(rodata.frozen());
        assertEquals(EnumSet.of(MapFlag.RDONLY_PROG, MapFlag.MMAPABLE), rodata.flags());
        GlobalData ro = spec.rodata();
        assertEquals(0, ro.getInt("target_tgid"));
        assertEquals(3, ro.getUnsigned("loop_count"));
        ro.set("target_tgid", 1234);
        assertEquals(1234, spec.rodata().getInt("target_tgid"));
        assertEquals(1234, java.nio.ByteBuffer.wrap(spec.map(".rodata").contents())
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(ro.variable("target_tgid").offset()));
        assertEquals(5, spec.data().getInt("data_counter"));
        assertEquals(0, spec.bss().getLong("bss_counter"));
        assertEquals(8, spec.bss().variable("bss_counter").size());
        assertEquals(7, spec.globals(".data.custom").getInt("custom_counter"));
        assertEquals(MapSpec.Kind.BSS, spec.map(".bss").kind());
    }

    @Test
    void lookupsByAWrongNameNameWhatExists() {
        ObjectSpec spec = full();
        NoSuchObjectException e = assertThrows(NoSuchObjectException.class, () -> spec.program("nosuch"));
        assertEquals(spec.file() + ": no program 'nosuch' (programs: " + String.join(", ", spec.programs().keySet())
                + ")", e.getMessage());
        assertEquals("nosuch", e.name());
        assertEquals(List.copyOf(spec.programs().keySet()), e.known());
        e = assertThrows(NoSuchObjectException.class, () -> spec.map("nosuch"));
        assertEquals(spec.file() + ": no map 'nosuch' (maps: " + String.join(", ", spec.maps().keySet()) + ")",
                e.getMessage());
        e = assertThrows(NoSuchObjectException.class, () -> spec.globals(".data.nosuch"));
        assertEquals(List.copyOf(spec.globals().keySet()), e.known());
        assertTrue(e.getMessage().startsWith(spec.file() + ": no global data section '.data.nosuch'"), e.getMessage());
    }

    @Test
    void globalDataRejectsWhatDoesNotFit() {
        GlobalData ro = full().rodata();
        NoSuchObjectException e = assertThrows(NoSuchObjectException.class, () -> ro.set("target_pid", 1));
        assertTrue(e.getMessage().contains("no variable 'target_pid' in .rodata"), e.getMessage());
        assertTrue(e.getMessage().contains("target_tgid"), "lists the known variables: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ro.set("loop_count", 1L << 32));
        ro.set("loop_count", 0xffffffffL);
        assertEquals(0xffffffffL, ro.getUnsigned("loop_count"));
    }

    @Test
    void relocationsAndSubprograms() {
        ObjectSpec spec = full();
        List<String> subs = spec.subprograms().stream().map(f -> f.name).toList();
        assertTrue(subs.containsAll(List.of("add_one", "twice", "loop_cb")), subs.toString());
        Function main = spec.program("on_getppid").function();
        long calls = main.relocs.stream().filter(r -> r.type() == Function.Reloc.Type.CALL).count();
        long funcAddr = main.relocs.stream().filter(r -> r.type() == Function.Reloc.Type.FUNC_ADDR).count();
        long mapFd = main.relocs.stream().filter(r -> r.type() == Function.Reloc.Type.MAP_FD).count();
        long mapValue = main.relocs.stream().filter(r -> r.type() == Function.Reloc.Type.MAP_VALUE).count();
        assertEquals(3, calls, "add_one twice, twice once: " + main.relocs);
        assertEquals(1, funcAddr, "loop_cb passed to bpf_loop");
        assertTrue(mapFd >= 3, "counts, stats, percpu: " + main.relocs);
        assertTrue(mapValue >= 4, "globals: " + main.relocs);
        assertFalse(spec.coreSites().isEmpty(), "BPF_CORE_READ(task, tgid) is a CO-RE relocation");
        assertEquals("task_struct", spec.btf().name(spec.coreSites().get(0).relo().typeId()));
        assertFalse(main.funcInfos.isEmpty());
        assertFalse(main.lineInfos.isEmpty());
    }

    @Test
    void sectionTypesFromLibbpfsTableOrThePrefixOrNone() {
        ObjectSpec spec = ObjectSpec.read(KernelTests.fixture("obj_sections.o"));
        assertEquals(ProgramType.TRACEPOINT, spec.program("known").type());
        assertEquals(ProgramType.XDP, spec.program("guessed_xdp").type(), "xdp/... is an XDP program");
        assertEquals(AttachType.XDP, spec.program("guessed_xdp").attachType());
        assertEquals(ProgramType.PERF_EVENT, spec.program("guessed_perf").type());
        assertEquals(ProgramType.KPROBE, spec.program("on_usdt").type());
        assertEquals(ProgramType.UNSPEC, spec.program("misspelled").type(), "the object still opens");
    }

    @Test
    void unknownSectionNameIsOneClearErrorForThatProgram() {
        ObjectSpec spec = ObjectSpec.read(KernelTests.fixture("obj_badsec.o"));
        ObjectFileException e = assertThrows(ObjectFileException.class, spec::load, "checked before any system call");
        assertTrue(e.getMessage().contains("obj_badsec.o"), e.getMessage());
        assertTrue(e.getMessage().contains("tracepont/syscalls/sys_enter_getppid"), e.getMessage());
        assertTrue(e.getMessage().contains("program 'misspelled'"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown section name"), e.getMessage());
    }

    @Test
    void legacyMapsSectionIsRejected() {
        ObjectFileException e = assertThrows(ObjectFileException.class,
                () -> ObjectSpec.read(KernelTests.fixture("obj_legacy.o")));
        assertEquals("maps", e.section());
        assertTrue(e.getMessage().contains("legacy map definitions"), e.getMessage());
    }

    @Test
    void objectWithoutLicenseReadsWithNullLicense() {
        assertNull(ObjectSpec.read(KernelTests.fixture("obj_nolicense.o")).license());
    }

    @Test
    void truncatedElfIsOneClearError() throws IOException {
        byte[] all = Files.readAllBytes(KernelTests.fixture("obj_full.o"));
        for (int len : new int[] {0, 10, 63, 64, 200, all.length / 2, all.length - 1}) {
            byte[] cut = Arrays.copyOf(all, len);
            ObjectFileException e = assertThrows(ObjectFileException.class, () -> ObjectSpec.parse(cut, "cut.o"),
                    "truncated to " + len + " bytes");
            assertTrue(e.getMessage().startsWith("cut.o"), e.getMessage());
        }
    }

    @Test
    void notABpfObject() {
        ObjectFileException e = assertThrows(ObjectFileException.class,
                () -> ObjectSpec.read(KernelTests.fixture("elf_host.so")));
        assertTrue(e.getMessage().contains("not a BPF object"), e.getMessage());
    }

    @Test
    void sectionDefsFollowLibbpfMatching() {
        assertEquals(ProgramType.TRACEPOINT, SectionDef.find("tracepoint/sched/sched_switch").type());
        assertEquals(ProgramType.TRACEPOINT, SectionDef.find("tp").type());
        assertNull(SectionDef.find("tpx/foo"), "'+' definitions need an exact name or a '/' after the prefix");
        assertEquals(ProgramType.KPROBE, SectionDef.find("ksyscall/openat").type());
        assertEquals(SectionDef.AutoAttach.KSYSCALL, SectionDef.find("ksyscall/openat").autoAttach());
        assertEquals(AttachType.CGROUP_INET_INGRESS, SectionDef.find("cgroup_skb/ingress").attachType());
        assertNull(SectionDef.find("cgroup_skb/sideways"));
        assertEquals(ProgramType.SCHED_CLS, SectionDef.find("classifier").type());
        assertEquals(ProgramType.SYSCALL, SectionDef.find("syscall").type());
        assertEquals(ProgramType.PERF_EVENT, SectionDef.find("perf_event").type());
        assertEquals(ProgramType.KPROBE, SectionDef.find("uretprobe//usr/lib/libc.so.6:malloc").type());
        assertArrayEquals(new String[] {"sched", "sched_switch"},
                SectionDef.find("tp/sched/sched_switch").target("tp/sched/sched_switch").split("/"));
    }
}
