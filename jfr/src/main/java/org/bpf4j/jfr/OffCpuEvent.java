package org.bpf4j.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A span a thread of the target spent off the CPU, from sched_switch out to sched_switch in. */
@Name("bpf4j.OffCpu")
@Label("Off-CPU")
@Category({"Kernel", "Scheduler"})
@Description("Time a thread spent off the CPU: blocked, sleeping or preempted, with the kernel stack where it left")
final class OffCpuEvent extends KernelEvent {
    @Label("State")
    @Description("The task state it left the CPU in: R (preempted), S (sleeping), D (uninterruptible), ...")
    String state;

    @Label("System Call")
    @Description("The system call it was in, if any (known when the Syscall event is traced too)")
    String syscall;

    @Label("Kernel Stack")
    String kernelStack;
}
