package org.bpf4j.junit;

import java.util.List;
import org.bpf4j.LeakTracker;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

/**
 * Fails a test that leaves behind a file descriptor bpf4j opened (and so the program, map, link,
 * BTF object or perf event it holds) or a tracefs kprobe/uprobe event bpf4j created, naming each
 * one and the stack where it was made. A test method is checked for what it created itself; a
 * class, after {@code @AfterAll}, for what its {@code @BeforeAll} created and what its methods marked
 * {@link CheckedAfterAll} created. Register it with
 * {@code @ExtendWith(LeakCheckExtension.class)}, or for every test through JUnit's extension
 * auto-detection ({@code junit.jupiter.extensions.autodetection.enabled=true}): this jar lists it
 * in {@code META-INF/services}.
 */
public final class LeakCheckExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LeakCheckExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        LeakTracker.enable();
        context.getStore(NS).put("mark", LeakTracker.mark());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        LeakTracker.enable();
        context.getStore(NS).put("mark", LeakTracker.mark());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        // a method whose resources belong to the class's fixture is checked with the class
        if (context.getRequiredTestMethod().isAnnotationPresent(CheckedAfterAll.class)) return;
        check(context, context.getRequiredTestMethod().getName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check(context, context.getRequiredTestClass().getSimpleName() + " (its @BeforeAll and @AfterAll)");
    }

    private static void check(ExtensionContext context, String where) {
        LeakTracker.Mark mark = context.getStore(NS).get("mark", LeakTracker.Mark.class);
        if (mark == null) return;
        List<LeakTracker.Leak> leaks = LeakTracker.openSince(mark);
        // only what this scope created: a nested scope (a method) reports its own
        if (leaks.isEmpty()) return;
        StringBuilder sb = new StringBuilder(where).append(" left ").append(leaks.size())
                .append(leaks.size() == 1 ? " resource" : " resources").append(" behind:");
        for (LeakTracker.Leak l : leaks) sb.append("\n- ").append(l.describe());
        for (LeakTracker.Leak l : leaks) LeakTracker.forget(l);
        throw new AssertionFailedError(sb.toString());
    }
}
