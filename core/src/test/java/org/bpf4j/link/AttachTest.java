package org.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.bpf4j.BpfLink;
import org.bpf4j.BpfMap;
import org.bpf4j.BpfObject;
import org.bpf4j.LoadOptions;
import org.bpf4j.MapFlag;
import org.bpf4j.MapSpec;
import org.bpf4j.MapType;
import org.bpf4j.ObjectSpec;
import org.bpf4j.map.Codecs;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.Os;
import org.bpf4j.sys.SysNr;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("matrix")
class AttachTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    @Test
    void tracepointThroughThePerfEventIoctlOfOlderKernels() {
        ObjectSpec spec = ObjectSpec.read(KernelTests.fixture("obj_full.o"));
        spec.rodata().set("target_tgid", Os.getpid());
        try (BpfObject obj = spec.load(LoadOptions.defaults().withPrograms(Set.of("on_getppid")))) {
            Attach.forceIoctl = true;
            BpfLink link;
            try {
                link = obj.program("on_getppid").attach();
            } finally {
                Attach.forceIoctl = false;
            }
            assertEquals(-1, ((FdLink) link).linkFd(), "no BPF link: the perf event carries the program");
            for (int i = 0; i < 250; i++) Native.call(SysNr.GETPPID, 0);
            link.close();
            for (int i = 0; i < 50; i++) Native.call(SysNr.GETPPID, 0);
            assertEquals(250, obj.bss().getLong("bss_counter"));
        }
    }

    @Test
    void batchLookupFallsBackToKeyIterationForMapsWithoutIt() {
        // LPM tries have no batch operations: the kernel answers ENOTSUPP
        MapSpec lpm = MapSpec.of("lpm", MapType.LPM_TRIE, 8, 8, 64).flags(EnumSet.of(MapFlag.NO_PREALLOC));
        try (BpfMap map = BpfMap.create(lpm)) {
            var view = map.view(Codecs.U64, Codecs.U64);
            for (long i = 0; i < 40; i++) view.put(32L | (i << 32), i); // {prefixlen 32, data i}
            long[] seen = {0, 0};
            long n = map.forEachBatch(16, (k, v, c) -> {
                seen[0] += c;
                for (int i = 0; i < c; i++) seen[1] += v.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 8L * i);
            });
            assertEquals(40, n);
            assertEquals(40, seen[0]);
            assertEquals(39 * 40 / 2, seen[1]);
            assertEquals(40, view.drain().size(), "lookup and delete by iteration");
            assertTrue(view.toMap().isEmpty());
        }
    }
}
