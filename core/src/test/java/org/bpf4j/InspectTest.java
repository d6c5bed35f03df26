package org.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfInfo;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.link.LinkInfo;
import org.bpf4j.link.Links;
import org.bpf4j.map.Codecs;
import org.bpf4j.testing.Bpffs;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The live objects' kernel info (programs, maps, links, BTF), opening them by id and pinned path,
 * run-time statistics, and maps pinned by name shared between processes. Fixture: inspect.bpf.c.
 */
class InspectTest {
    static final Path OBJ = KernelTests.fixture("inspect.o");

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    static BpfObject load(Path pinRoot) {
        return ObjectSpec.read(OBJ).load(LoadOptions.defaults().withPinRoot(pinRoot));
    }

    @Test
    void infoOfProgramsMapsAndBtfAgreesWithWhatWasLoaded() {
        try (Bpffs fs = Bpffs.mount(); BpfObject obj = load(fs.dir)) {
            BpfProgram prog = obj.program("inspect_syscall");
            ProgramInfo pi = prog.info();
            assertEquals(ProgramType.SYSCALL, pi.programType());
            assertEquals("syscall", pi.typeName());
            assertEquals("inspect_syscall", pi.name());
            assertTrue(pi.tag().matches("[0-9a-f]{16}"), pi.tag());
            assertTrue(pi.gplCompatible());
            assertEquals(0, pi.uid());
            assertTrue(pi.xlatedSize() > 0 && pi.xlatedSize() % 8 == 0, "xlated " + pi.xlatedSize());
            assertTrue(BpfProgram.ids().contains(pi.id()));
            MapInfo counts = obj.map("shared_counts").info();
            assertEquals(List.of(counts.id()), pi.mapIds());
            assertEquals("array", counts.typeName());
            assertEquals("shared_counts", counts.name());
            assertEquals(4, counts.keySize());
            assertEquals(8, counts.valueSize());
            assertEquals(4, counts.maxEntries());
            assertFalse(counts.frozen());
            assertTrue(counts.memlock() > 0);
            assertTrue(BpfMap.ids().contains(counts.id()));

            MapInfo pairs = obj.map("pairs").info();
            assertEquals(MapType.HASH, pairs.mapType());
            assertEquals(12, pairs.keySize());
            assertEquals(pi.btfId(), pairs.btfId(), "one BTF object for the whole object file");
            Btf btf = BtfInfo.load(pairs.btfId());
            assertEquals("pair_key", btf.name(pairs.btfKeyTypeId()));
            assertEquals("pair_value", btf.name(pairs.btfValueTypeId()));
            assertTrue(btf.find("color", BtfKind.ENUM) > 0);
            BtfInfo bi = BtfInfo.of(pairs.btfId());
            assertFalse(bi.kernel());
            assertTrue(BtfInfo.ids().contains(bi.id()));
            assertTrue(BtfInfo.of(BtfInfo.ids().get(0)).kernel(), "the first BTF object is vmlinux");

            // opened again by id: the same kernel objects, owned by the caller
            try (BpfProgram again = BpfProgram.open(pi.id()); BpfMap m = BpfMap.open(pairs.id())) {
                assertEquals(pi.tag(), again.info().tag());
                assertEquals("inspect_syscall", again.name());
                assertEquals(ProgramType.SYSCALL, again.type());
                assertEquals(pairs, m.info());
                assertEquals(null, m.spec());
            }
        }
    }

    @Test
    void statisticsCountExactlyTheRunsWhileEnabled() {
        try (Bpffs fs = Bpffs.mount(); BpfObject obj = load(fs.dir); Arena arena = Arena.ofConfined()) {
            BpfProgram prog = obj.program("inspect_syscall");
            try (BpfProgram.StatsSession stats = BpfProgram.enableStats()) {
                for (int i = 0; i < 7; i++) prog.testRun(arena.allocate(8), null, 0);
                ProgramStats s = prog.stats();
                assertEquals(7, s.runCount());
                assertTrue(s.runTimeNs() > 0, "run time " + s.runTimeNs());
            }
            assertEquals(7L, obj.map("shared_counts").view(Codecs.U32, Codecs.U64).get(0));
        }
    }

    @Test
    void linkInfoOpenByIdPinAndDetach() throws Exception {
        try (Bpffs fs = Bpffs.mount(); BpfObject obj = load(fs.dir)) {
            BpfProgram prog = obj.program("inspect_raw_tp");
            BpfLink link = prog.attach();
            LinkInfo li = link.info();
            assertEquals(LinkInfo.RAW_TRACEPOINT, li.type());
            assertEquals("raw_tracepoint", li.typeName());
            assertEquals(prog.info().id(), li.progId());
            assertEquals("sys_enter", li.tpName());
            assertTrue(Links.ids().contains(li.id()));
            Path pin = fs.dir.resolve("link");
            link.pin(pin);
            try (BpfLink byPin = Links.openPinned(pin); BpfLink byId = Links.open(li.id())) {
                assertEquals(li, byPin.info());
                BpfException e = assertThrows(BpfException.class, byId::detach);
                assertTrue(e.getMessage().endsWith(": the kernel cannot detach raw_tracepoint links on demand "
                        + "(BPF_LINK_DETACH: EOPNOTSUPP); remove its pins and close its holders instead"), e.getMessage());
            }
            link.close();
            // the pin keeps the link (and its program attached) after the creator's fd is closed
            try (BpfLink byPin = Links.openPinned(pin)) {
                assertEquals(li, byPin.info());
            }
            Files.delete(pin);
            try (BpfProgram pinnedProg = openPinnedProgram(prog, fs.dir.resolve("prog"))) {
                assertEquals(prog.info().id(), pinnedProg.info().id());
                BpfException e = assertThrows(BpfException.class, pinnedProg::attach);
                assertTrue(e.getMessage().contains("opened from the kernel"), e.getMessage());
            }
        }
    }

    private static BpfProgram openPinnedProgram(BpfProgram prog, Path path) {
        prog.pin(path);
        return BpfProgram.openPinned(path);
    }

    @Test
    void mapPinnedByNameIsReusedByASecondProcessAndSurvivesTheFirst() throws Exception {
        try (Bpffs fs = Bpffs.mount()) {
            String java = ProcessHandle.current().info().command().orElse("java");
            String out = Cmd.check(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    PinnedMapChild.class.getName(), OBJ.toString(), fs.dir.toString(), "4242");
            int childMapId = Integer.parseInt(out.strip());
            Path pin = fs.dir.resolve("shared_counts");
            assertTrue(Files.exists(pin), "the first process pinned shared_counts");
            // the first process has exited: only the pin holds the map
            try (BpfMap pinned = BpfMap.openPinned(pin)) {
                assertEquals(childMapId, pinned.info().id());
            }
            try (BpfObject obj = load(fs.dir)) {
                BpfMap m = obj.map("shared_counts");
                assertEquals(childMapId, m.info().id(), "reused, not created again");
                assertEquals(4242L, m.view(Codecs.U32, Codecs.U64).get(1));
                try (Arena arena = Arena.ofConfined()) {
                    obj.program("inspect_syscall").testRun(arena.allocate(8), null, 0);
                }
                assertEquals(1L, m.view(Codecs.U32, Codecs.U64).get(0), "the second process's program writes the pinned map");
            }
            try (BpfMap pinned = BpfMap.openPinned(pin)) {
                assertEquals(1L, pinned.view(Codecs.U32, Codecs.U64).get(0), "the map outlives the second process too");
            }
        }
    }

    @Test
    void incompatiblePinnedMapIsRefusedNamingBothDefinitions() {
        try (Bpffs fs = Bpffs.mount()) {
            try (BpfObject first = load(fs.dir)) {
                assertTrue(Files.exists(fs.dir.resolve("shared_counts")));
            }
            ObjectSpec spec = ObjectSpec.read(OBJ);
            spec.maps().get("shared_counts").maxEntries(8);
            KernelTests.Snapshot before = KernelTests.Snapshot.take();
            BpfException e = assertThrows(BpfException.class,
                    () -> spec.load(LoadOptions.defaults().withPinRoot(fs.dir)));
            assertTrue(e.getMessage().startsWith("map 'shared_counts': the map pinned at " + fs.dir.resolve("shared_counts")
                    + " is incompatible with its definition; pinned: array key 4 value 8 max_entries 4 flags 0x0 (id "),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("declared: array key 4 value 8 max_entries 8 flags 0x0; "
                    + "remove the pin or change the definition"), e.getMessage());
            before.assertNothingLeftBehind("a refused pinned map", Set.of("pairs", "shared_counts", "inspect_raw_tp",
                    "inspect_syscall"));
        }
    }
}
