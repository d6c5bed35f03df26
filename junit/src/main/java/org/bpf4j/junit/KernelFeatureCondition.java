package org.bpf4j.junit;

import java.lang.reflect.AnnotatedElement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bpf4j.MapType;
import org.bpf4j.ProgramType;
import org.bpf4j.features.Environment;
import org.bpf4j.features.Features;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;

/** The condition behind {@link RequiresKernelFeature}. */
public final class KernelFeatureCondition implements ExecutionCondition {
    /** The environment variable that turns a missing feature from a skip into a failure. */
    public static final String REQUIRE = "BPF4J_REQUIRE_KERNEL";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<AnnotatedElement> element = context.getElement();
        Optional<RequiresKernelFeature> req = element.flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresKernelFeature.class));
        if (req.isEmpty()) return ConditionEvaluationResult.enabled("no @RequiresKernelFeature");
        List<String> missing = missing(req.get());
        if (missing.isEmpty()) return ConditionEvaluationResult.enabled("the kernel has what the test needs");
        String reason = String.join("; ", missing);
        if (required()) throw new AssertionFailedError(REQUIRE + "=1 but " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }

    static boolean required() {
        return "1".equals(System.getenv(REQUIRE));
    }

    /** What the kernel or this process lacks of {@code req}, one phrase each; empty when nothing. */
    static List<String> missing(RequiresKernelFeature req) {
        List<String> out = new ArrayList<>();
        if (req.privileges()) {
            List<String> caps = Environment.missingCapabilities();
            if (!caps.isEmpty()) out.add("missing " + String.join(", ", caps));
            if (!Files.exists(Path.of("/sys/kernel/btf/vmlinux"))) out.add("no /sys/kernel/btf/vmlinux");
            if (!out.isEmpty()) return out; // the probes below would fail for the same reason
        }
        for (ProgramType t : req.programs()) {
            if (!Features.programType(t)) out.add("program type " + t + " is not supported by this kernel");
        }
        for (MapType t : req.maps()) {
            if (!Features.mapType(t)) out.add("map type " + t + " is not supported by this kernel");
        }
        for (Features.Attach a : req.attach()) {
            Features.Probe p = Features.attach(a);
            if (!p.supported()) out.add(a + " attachment is not supported by this kernel: " + p.detail());
        }
        return out;
    }
}
