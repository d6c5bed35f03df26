package org.bpf4j.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.bpf4j.MapType;
import org.bpf4j.ProgramType;
import org.bpf4j.features.Features;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class or method only where the kernel has what it names, probed by
 * {@link Features} as bpf4j probes it; otherwise the test is skipped with the reason (the missing
 * feature and what the probe found). With the environment variable {@code BPF4J_REQUIRE_KERNEL=1}
 * (CI on a kernel that must have everything) a missing feature fails the test instead.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(KernelFeatureCondition.class)
public @interface RequiresKernelFeature {
    /** Root, or CAP_BPF and CAP_PERFMON, and {@code /sys/kernel/btf/vmlinux}: true by default. */
    boolean privileges() default true;

    /** Program types the kernel must load. */
    ProgramType[] programs() default {};

    /** Map types the kernel must create. */
    MapType[] maps() default {};

    /** Ways of attaching the kernel must support. */
    Features.Attach[] attach() default {};
}
