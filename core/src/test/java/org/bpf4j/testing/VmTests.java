package org.bpf4j.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests that need a kernel this host lacks (kprobes, BPF trampolines): they carry
 * {@code @Tag("vm")} and run only inside the kernel-matrix VM ({@code scripts/vmtest}), which sets
 * {@code BPF4J_IN_VM=1}. Elsewhere they are skipped, also under {@code BPF4J_REQUIRE_KERNEL=1}:
 * the host's own tests check that the same attach fails with a message naming what is missing.
 */
public final class VmTests {
    private VmTests() {}

    public static boolean inVm() {
        return "1".equals(System.getenv("BPF4J_IN_VM"));
    }

    /** Skips unless inside the kernel-matrix VM; there, also requires the kernel (root, BTF). */
    public static void requireVm() {
        Assumptions.assumeTrue(inVm(), "runs only in the kernel-matrix VM (BPF4J_IN_VM=1, scripts/vmtest)");
        KernelTests.requireKernel();
    }
}
