package org.bpf4j.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bpf4j.BpfObject;
import org.bpf4j.LoadOptions;
import org.bpf4j.ObjectSpec;
import org.bpf4j.link.ProbeMode;
import org.bpf4j.link.UprobeLink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The extension on real leaks: test classes of its own (nested, so that surefire does not run them
 * directly) leak an object's file descriptors and a tracefs uprobe event, run through the JUnit
 * platform's launcher; the extension must fail exactly those tests, naming what leaked and the
 * test method that made it, and pass the test that closes what it opens.
 */
@RequiresKernelFeature
class LeakCheckExtensionTest {
    static final Path FIXTURES = Path.of(System.getProperty("user.dir")).resolve("../core/src/test/resources/fixtures").normalize();
    /** What the leaky tests left, closed by the outer test after the check. */
    static final List<AutoCloseable> LEFT = new ArrayList<>();

    @ExtendWith(LeakCheckExtension.class)
    static class Leaky {
        @Test
        void leaksAnObject() {
            BpfObject obj = ObjectSpec.read(FIXTURES.resolve("attach.o"))
                    .load(LoadOptions.defaults().withPrograms(Set.of("xdp_count")));
            LEFT.add(obj);
        }

        @Test
        void leaksATracefsEvent() {
            BpfObject obj = ObjectSpec.read(FIXTURES.resolve("attach.o"))
                    .load(LoadOptions.defaults().withPrograms(Set.of("on_square_return")));
            UprobeLink link = obj.program("on_square_return").attachUprobe(UprobeLink.Options.of(
                    FIXTURES.resolve("uprobe_target").toString(), "b4j_square_plus").retprobe(true).mode(ProbeMode.TRACEFS));
            LEFT.add(obj); // closes the link too, and removes its event
            assertTrue(link.tracefsEvent() != null);
        }

        @Test
        void closesWhatItOpens() {
            try (BpfObject obj = ObjectSpec.read(FIXTURES.resolve("attach.o"))
                    .load(LoadOptions.defaults().withPrograms(Set.of("xdp_count")))) {
                assertFalse(obj.programs().isEmpty());
            }
        }
    }

    /** A test's end: its status, or null when it was skipped, and its message or skip reason. */
    record Outcome(String test, TestExecutionResult.Status status, String message) {}

    static List<Outcome> run(Class<?> c) {
        List<Outcome> out = new ArrayList<>();
        LauncherDiscoveryRequest req = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(c)).build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(req, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest()) return;
                out.add(new Outcome(id.getDisplayName(), result.getStatus(),
                        result.getThrowable().map(Throwable::getMessage).orElse("")));
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                if (id.isTest()) out.add(new Outcome(id.getDisplayName(), null, reason));
            }
        });
        return out;
    }

    @Test
    void failsTheTestsThatLeakNamingWhatAndWhere() throws Exception {
        Path uprobeEvents = Path.of("/sys/kernel/tracing/uprobe_events");
        List<Outcome> outcomes;
        try {
            outcomes = run(Leaky.class);
        } finally {
            for (AutoCloseable c : LEFT) c.close();
            LEFT.clear();
        }
        assertEquals(3, outcomes.size(), outcomes.toString());
        for (Outcome o : outcomes) {
            switch (o.test()) {
                case "closesWhatItOpens()" -> assertEquals(TestExecutionResult.Status.SUCCESSFUL, o.status(), o.message());
                case "leaksAnObject()" -> {
                    assertEquals(TestExecutionResult.Status.FAILED, o.status());
                    assertTrue(o.message().startsWith("leaksAnObject left "), o.message());
                    assertTrue(o.message().contains("(anon_inode:bpf-map)"), o.message());
                    assertTrue(o.message().contains("(anon_inode:bpf-prog)"), o.message());
                    assertTrue(o.message().contains("at org.bpf4j.junit.LeakCheckExtensionTest$Leaky.leaksAnObject(LeakCheckExtensionTest.java:"),
                            o.message());
                }
                case "leaksATracefsEvent()" -> {
                    assertEquals(TestExecutionResult.Status.FAILED, o.status());
                    assertTrue(o.message().contains("- tracefs event uprobe_events: uretprobes/bpf4j_" + ProcessHandle.current().pid() + "s"),
                            o.message());
                    assertTrue(o.message().contains("at org.bpf4j.junit.LeakCheckExtensionTest$Leaky.leaksATracefsEvent(LeakCheckExtensionTest.java:"),
                            o.message());
                }
                default -> throw new AssertionError("unexpected test " + o);
            }
        }
        assertFalse(Files.readString(uprobeEvents).contains("bpf4j_" + ProcessHandle.current().pid() + "s"),
                "closed: the event is gone");
    }

    @ExtendWith(LeakCheckExtension.class)
    static class Fixture {
        static BpfObject shared;

        @Test
        @CheckedAfterAll("the class closes it")
        void opensForTheClass() {
            shared = ObjectSpec.read(FIXTURES.resolve("attach.o")).load(LoadOptions.defaults().withPrograms(Set.of("xdp_count")));
        }

        @org.junit.jupiter.api.AfterAll
        static void close() {
            if (closeAfterAll) shared.close();
            else LEFT.add(shared);
        }
    }

    static volatile boolean closeAfterAll;

    /** Runs {@code c}: its tests' outcomes into {@code tests}; returns what failed its class (the class-level check), or null. */
    static String classFailure(Class<?> c, List<Outcome> tests) {
        String[] failure = new String[1];
        LauncherDiscoveryRequest req = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(c)).build();
        LauncherFactory.create().execute(req, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) {
                    tests.add(new Outcome(id.getDisplayName(), result.getStatus(), result.getThrowable().map(Throwable::getMessage).orElse("")));
                } else if (id.getDisplayName().endsWith(c.getSimpleName())) {
                    failure[0] = result.getThrowable().map(Throwable::getMessage).orElse(null);
                }
            }
        });
        return failure[0];
    }

    @Test
    void aMethodMarkedCheckedAfterAllAnswersWithItsClass() throws Exception {
        List<Outcome> tests = new ArrayList<>();
        closeAfterAll = true;
        assertEquals(null, classFailure(Fixture.class, tests), "closed by @AfterAll: no leak");
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, tests.get(0).status(), tests.toString());
        tests.clear();
        closeAfterAll = false;
        String failure;
        try {
            failure = classFailure(Fixture.class, tests);
        } finally {
            for (AutoCloseable c : LEFT) c.close();
            LEFT.clear();
        }
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, tests.get(0).status(), "the method is not checked alone");
        assertTrue(failure != null && failure.startsWith("Fixture (its @BeforeAll and @AfterAll) left "), String.valueOf(failure));
        assertTrue(failure.contains("at org.bpf4j.junit.LeakCheckExtensionTest$Fixture.opensForTheClass("), failure);
    }

    static class Unprivileged {
        @Test
        @RequiresKernelFeature(programs = org.bpf4j.ProgramType.XDP, attach = org.bpf4j.features.Features.Attach.KPROBE)
        void needsKprobes() {}
    }

    @Test
    void aMissingFeatureSkipsWithTheReasonOrFailsInCi() {
        List<Outcome> outcomes = run(Unprivileged.class);
        assertEquals(1, outcomes.size(), outcomes.toString());
        boolean kprobes = org.bpf4j.features.Features.attach(org.bpf4j.features.Features.Attach.KPROBE).supported();
        if (kprobes) {
            assertEquals(TestExecutionResult.Status.SUCCESSFUL, outcomes.get(0).status());
        } else if (KernelFeatureCondition.required()) {
            // CI on this project's kernel (no CONFIG_KPROBES): the skip becomes a failure
            assertEquals(TestExecutionResult.Status.FAILED, outcomes.get(0).status());
            assertTrue(outcomes.get(0).message().startsWith("BPF4J_REQUIRE_KERNEL=1 but KPROBE attachment is not supported by this kernel: "),
                    outcomes.get(0).message());
        } else {
            assertEquals(null, outcomes.get(0).status(), "skipped");
            assertTrue(outcomes.get(0).message().startsWith("KPROBE attachment is not supported by this kernel: "),
                    outcomes.get(0).message());
        }
    }
}
