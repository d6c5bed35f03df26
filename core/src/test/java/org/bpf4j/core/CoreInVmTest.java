package org.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bpf4j.ObjectSpec;
import org.bpf4j.btf.Btf;
import org.bpf4j.testing.CoreOracle;
import org.bpf4j.testing.KernelTests;
import org.bpf4j.testing.VmTests;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * In the kernel-matrix VM, booted on one of Debian's 6.1 or 6.12 kernels (whichever build the matrix
 * boots): CO-RE against that running kernel's own /sys/kernel/btf/vmlinux gives, for every corpus
 * object, exactly libbpf's answers. scripts/kernel-matrix computes them on the host before booting,
 * with the oracle on the BTF extracted from the same package, into
 * {@code $BPF4J_CORE_ANSWERS/<kernel-release>/NAME.relocs}.
 */
@Tag("vm")
class CoreInVmTest {
    @Test
    void runningKernelGivesLibbpfsAnswers() throws IOException {
        VmTests.requireVm();
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        String dir = System.getenv("BPF4J_CORE_ANSWERS");
        Path answers = dir == null || dir.isEmpty() ? null : Path.of(dir, release);
        KernelTests.require(answers != null && Files.isDirectory(answers), "no libbpf answers for kernel " + release
                + " in BPF4J_CORE_ANSWERS (" + dir + "; scripts/kernel-matrix computes them before booting)");
        int lines = 0;
        for (Path object : CoreOracle.corpus()) {
            List<String> expected = Files.readAllLines(answers.resolve(CoreOracle.name(object) + ".relocs"));
            List<String> got = CoreOracle.lines(ObjectSpec.read(object).resolveCore(Btf.kernel()));
            assertEquals(String.join("\n", expected), String.join("\n", got), CoreOracle.name(object) + " on " + release);
            lines += got.size();
        }
        assertTrue(lines > 200, lines + " relocations compared");
    }
}
