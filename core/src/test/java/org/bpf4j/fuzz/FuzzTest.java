package org.bpf4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every fuzz target for a bounded time in the test suite: its regression inputs, then mutants of
 * its seeds, 12 s each by default (about 60 s for the five). {@code -Dbpf4j.fuzz.seconds=S},
 * {@code -Dbpf4j.fuzz.inputs=N}, {@code -Dbpf4j.fuzz.seed=X} and {@code -Dbpf4j.fuzz.target=ID}
 * change that; {@code scripts/fuzz TARGET SECONDS} sets them. Each summary goes to stdout and to
 * {@code target/fuzz-TARGET.txt}.
 */
class FuzzTest {
    @ParameterizedTest
    @EnumSource(FuzzTarget.class)
    void noUntypedOutcomeNoHangBoundedAllocation(FuzzTarget target) throws InterruptedException, IOException {
        String only = System.getProperty("bpf4j.fuzz.target", "");
        assumeTrue(only.isEmpty() || only.equals(target.id()), "only " + only + " asked for");
        long seconds = Long.getLong("bpf4j.fuzz.seconds", 12);
        long inputs = Long.getLong("bpf4j.fuzz.inputs", Long.MAX_VALUE);
        long seed = Long.getLong("bpf4j.fuzz.seed", 14);
        Fuzzer.Result r = new Fuzzer(target, seed, Path.of("target", "fuzz-findings")).run(seconds * 1000, inputs);
        StringBuilder report = new StringBuilder(r.summary()).append('\n');
        for (Fuzzer.Finding f : r.findings()) {
            report.append("  ").append(f.kind()).append(' ').append(f.signature()).append(" -> ").append(f.saved()).append('\n');
        }
        System.out.print(report);
        Files.writeString(Path.of("target", "fuzz-" + target.id() + ".txt"), report, StandardCharsets.UTF_8);
        assertFalse(r.hung(), report::toString);
        assertTrue(r.findings().isEmpty(), report::toString);
        assertTrue(r.inputs() > r.regressions(), "no mutant ran: " + report);
    }
}
