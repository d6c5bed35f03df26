package org.bpf4j.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.SettingDefinition;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import jdk.jfr.Timestamp;

/**
 * What every bpf4j kernel event holds: the thread the kernel saw, and the kernel's own times.
 *
 * <p>JFR's public API takes an event's implicit {@code startTime} and {@code duration} from the
 * JVM's clock between {@code begin()} and {@code commit()}, and a kernel event has already
 * happened when it reaches Java. So the kernel's times are fields of their own: {@code kernelStart}
 * ({@code @Timestamp}, milliseconds since the epoch, converted from CLOCK_MONOTONIC) and
 * {@code kernelDuration} ({@code @Timespan}, nanoseconds). The implicit start is the time the event
 * was committed (some milliseconds later) and its duration is 0. Since JFR's own {@code threshold}
 * compares that implicit duration, it is left at 0 ms; the setting {@code kernelThreshold} filters on
 * the kernel's duration instead ({@code bpf4j.Syscall#kernelThreshold=20 ms}).
 *
 * <p>The thread: {@code javaThread} is the {@code java.lang.Thread} of the kernel's tid when this
 * JVM is the target and the name tells which one it is; {@code osThreadId} and
 * {@code threadName} (the kernel's comm at the time of the event) are always set. The event's own thread
 * is the reader's, so it carries no stack trace.
 */
@Category({"Kernel"})
@StackTrace(false)
abstract class KernelEvent extends Event {
    @Label("Java Thread")
    @Description("The Java thread of the kernel's thread id, where it is known")
    Thread javaThread;

    @Label("OS Thread Id")
    long osThreadId;

    @Label("Thread Name")
    @Description("The kernel's name of the thread (its comm, at most 15 characters)")
    String threadName;

    @Label("Kernel Start")
    @Description("When it started, by the kernel's clock")
    @Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
    long kernelStart;

    @Label("Kernel Duration")
    @Timespan(Timespan.NANOSECONDS)
    long kernelDuration;

    @Name("kernelThreshold")
    @Label("Kernel Threshold")
    @SettingDefinition
    protected boolean kernelThreshold(KernelThreshold threshold) {
        return kernelDuration >= threshold.nanos();
    }
}
