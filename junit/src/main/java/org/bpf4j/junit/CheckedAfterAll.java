package org.bpf4j.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What this test method creates belongs to its class's fixture, not to the method: a test that
 * makes a class-wide server reload its programs, say. {@link LeakCheckExtension} then checks it
 * after the class's {@code @AfterAll} instead of after the method, and reports there what is left.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface CheckedAfterAll {
    /** {@return why the method's resources outlive it, for the reader} */
    String value();
}
