package org.bpf4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CmdTest {
    /**
     * A child writing megabytes to stderr before anything to stdout: a reader that drains stdout to
     * its end first would leave the child blocked on a full stderr pipe (64 KiB) for ever.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void chattyStderrDoesNotBlockTheChild() {
        Cmd.Result r = Cmd.run("sh", "-c", "head -c 4000000 /dev/zero | tr '\\0' e >&2; "
                + "head -c 3000000 /dev/zero | tr '\\0' o; exit 3");
        assertEquals(3, r.status());
        assertEquals(4_000_000, r.err().length());
        assertEquals(3_000_000, r.out().length());
        assertTrue(r.err().chars().allMatch(c -> c == 'e') && r.out().chars().allMatch(c -> c == 'o'));
    }
}
