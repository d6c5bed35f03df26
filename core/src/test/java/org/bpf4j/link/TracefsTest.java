package org.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Finding tracefs in a {@code /proc/self/mounts} text (no kernel needed). */
class TracefsTest {
    static final String SYSFS = "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n";

    @Test
    void prefersSysKernelTracingThenDebugfsThenAnyOther() {
        String other = "tracefs /mnt/my\\040trace tracefs rw,relatime 0 0\n";
        String debug = "tracefs /sys/kernel/debug/tracing tracefs rw,nosuid,nodev,noexec,relatime 0 0\n";
        String standard = "tracefs /sys/kernel/tracing tracefs rw,nosuid,nodev,noexec,relatime 0 0\n";
        assertEquals(Path.of("/sys/kernel/tracing"), Tracefs.mounted(SYSFS + other + debug + standard));
        assertEquals(Path.of("/sys/kernel/debug/tracing"), Tracefs.mounted(other + debug + SYSFS));
        assertEquals(Path.of("/mnt/my trace"), Tracefs.mounted(SYSFS + other));
    }

    @Test
    void noTracefsMount() {
        assertNull(Tracefs.mounted(SYSFS + "debugfs /sys/kernel/debug debugfs rw 0 0\n"));
        assertNull(Tracefs.mounted(""));
    }
}
