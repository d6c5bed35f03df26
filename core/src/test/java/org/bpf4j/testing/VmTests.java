package org.bpf4j.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests that need a kernel this host lacks (kprobes, BPF trampolines, module BTF, CO-RE
 * against the booted kernel's own BTF): they carry {@code @Tag("vm")} and run only inside the
 * kernel-matrix VM ({@code scripts/kernel-matrix}, through {@code scripts/vmtest}, which sets
 * {@code BPF4J_IN_VM=1}). Maven's surefire excludes the tag (pom.xml, excludedGroups), so on the
 * host they neither run nor count as skipped: under {@code BPF4J_REQUIRE_KERNEL=1} "0 skipped"
 * means every test ran. Run by name on the host they skip; the host's own tests check that the
 * same attach fails with a message naming what is missing.
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
