package org.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bpf4j.ObjectSpec;
import org.bpf4j.btf.Btf;
import org.bpf4j.testing.CoreOracle;
import org.bpf4j.testing.VmTests;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * In the kernel-matrix VM, booted on one of Debian's 6.1 kernels: CO-RE against that running
 * kernel's own /sys/kernel/btf/vmlinux gives, for every corpus object, exactly libbpf's answers
 * checked in for that kernel release (computed from the BTF extracted from its package).
 */
@Tag("vm")
class CoreInVmTest {
    @Test
    void runningKernelGivesLibbpfsCheckedInAnswers() throws Exception {
        VmTests.requireVm();
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        List<Path> corpus = CoreOracle.corpus();
        Assumptions.assumeTrue(Files.exists(CoreOracle.fixtures().resolve(CoreOracle.name(corpus.get(0)) + "." + release
                + ".relocs")), "no checked-in libbpf answers for kernel " + release + " (a newer Debian package?)");
        int lines = 0;
        for (Path object : corpus) {
            List<String> expected = CoreOracle.expected(object, release);
            List<String> got = CoreOracle.lines(ObjectSpec.read(object).resolveCore(Btf.kernel()));
            assertEquals(String.join("\n", expected), String.join("\n", got), CoreOracle.name(object) + " on " + release);
            lines += got.size();
        }
        assertTrue(lines > 200, lines + " relocations compared");
    }
}
