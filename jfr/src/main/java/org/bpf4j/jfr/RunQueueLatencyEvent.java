package org.bpf4j.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** Time a thread of the target waited on a run queue: from its wake-up (or preemption) to running. */
@Name("bpf4j.RunQueueLatency")
@Label("Run Queue Latency")
@Category({"Kernel", "Scheduler"})
@Description("Time a runnable thread waited for a CPU, from its wake-up or preemption to sched_switch in")
final class RunQueueLatencyEvent extends KernelEvent {
    @Label("Preempted")
    @Description("Whether it waited after a preemption (else after a wake-up)")
    boolean preempted;
}
