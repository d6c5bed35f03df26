package org.bpf4j.features;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bpf4j.MapType;
import org.bpf4j.ProgramType;
import org.bpf4j.btf.BtfSanitizer;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("matrix")
class FeaturesTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    @Test
    void btfFeaturesOfAKernelSince6_1() {
        // every kind libbpf probes exists since 6.0; the probes must say so (a wrong blob would say no)
        for (BtfSanitizer.Missing m : BtfSanitizer.Missing.values()) {
            if (m == BtfSanitizer.Missing.QMARK_DATASEC) continue;
            assertTrue(Features.btf(m), m.name());
        }
    }

    @Test
    void mapAndProgramTypes() {
        assertTrue(Features.mapType(MapType.HASH));
        assertTrue(Features.mapType(MapType.RINGBUF));
        assertTrue(Features.mapType(MapType.PERCPU_HASH));
        assertFalse(Features.mapType(99), "no kernel has map type 99");
        assertTrue(Features.programType(ProgramType.TRACEPOINT));
        assertTrue(Features.programType(ProgramType.XDP));
        assertTrue(Features.programType(ProgramType.SOCKET_FILTER));
    }
}
