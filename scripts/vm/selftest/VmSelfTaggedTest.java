import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * vmtest self-test for the --junit mode: exactly one test carries the tag the self-test selects; one
 * other, tagged vmtest-selftest-aborted, fails an assumption (counted as aborted; a failure with --strict).
 */
class VmSelfTaggedTest {
    @Test
    @Tag("vmtest-selftest")
    void runsInsideTheGuest() {
        assertEquals("1", System.getenv("BPF4J_IN_VM"));
        assertTrue(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "/sys/kernel/btf/vmlinux");
    }

    @Test
    @Tag("vmtest-selftest-aborted")
    void abortsOnAFailedAssumption() {
        Assumptions.assumeTrue(false, "aborted on purpose");
    }

    @Test
    void untaggedTestIsFilteredOut() {
        fail("--include-tag vmtest-selftest must not select this test");
    }
}
