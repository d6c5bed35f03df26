package org.bpf4j.jfr;

import jdk.jfr.Category;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A system call of the target that took at least the kernel's minimum (option {@code syscall=}). */
@Name("bpf4j.Syscall")
@Label("System Call")
@Category({"Kernel", "System Call"})
final class SyscallEvent extends KernelEvent {
    @Label("Name")
    String name;

    @Label("Number")
    long number;

    @Label("Return Value")
    long returnValue;
}
