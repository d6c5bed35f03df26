package org.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;
import org.bpf4j.map.Codecs;
import org.bpf4j.sys.Os;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;

/** static_maps.o: a tail-call chain through a statically filled program array and a statically filled array of maps. */
class StaticMapsTest {
    static ObjectSpec spec() {
        return ObjectSpec.read(KernelTests.fixture("static_maps.o"));
    }

    @Test
    void initialValuesAreRead() {
        ObjectSpec spec = spec();
        assertEquals(Arrays.asList(null, "tail1", "tail2"), spec.map("jmp").initialValues());
        assertEquals(Arrays.asList("inner_a", "inner_b"), spec.map("outer").initialValues());
        assertEquals(Arrays.asList(), spec.map("inner_a").initialValues());
    }

    @Test
    void tailCallChainAndMapInMapRunWithExactCounts() {
        KernelTests.requireKernel();
        ObjectSpec spec = spec();
        spec.rodata().set("target_tgid", Os.getpid());
        int n = 500;
        try (BpfObject obj = spec.load()) {
            assertTrue(obj.warnings().isEmpty(), obj.warnings().toString());
            try (BpfLink link = obj.program("entry").attach()) {
                LoaderTest.getppid(n);
            }
            GlobalData bss = obj.bss();
            assertEquals(n, bss.getLong("entries"));
            assertEquals(n, bss.getLong("misses"), "slot 3 is empty: the first tail call falls through");
            assertEquals(n, bss.getLong("tails1"), "slot 1 holds tail1");
            assertEquals(n, bss.getLong("tails2"), "tail1 tail-calls slot 2, tail2");
            assertEquals(n, obj.map("inner_a").view(Codecs.U32, Codecs.U64).get(0), "outer[0] is inner_a");
            assertEquals(2L * n, obj.map("inner_b").view(Codecs.U32, Codecs.U64).get(0), "outer[1] is inner_b");
        }
    }

    @Test
    void aSlotWhoseProgramIsNotLoadedStaysEmpty() {
        KernelTests.requireKernel();
        try (BpfObject obj = spec().load(LoadOptions.defaults().withPrograms(Set.of("entry", "tail2")))) {
            assertEquals(java.util.List.of("program array 'jmp' slot 1 stays empty: program 'tail1' is not loaded"),
                    obj.warnings());
        }
    }
}
