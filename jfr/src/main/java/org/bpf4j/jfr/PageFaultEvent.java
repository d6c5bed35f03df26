package org.bpf4j.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A major page fault of the target (one that read the page from disk), with the faulting address. */
@Name("bpf4j.PageFault")
@Label("Major Page Fault")
@Category({"Kernel", "Memory"})
@Description("A major page fault: the page was read in from its file or swap")
final class PageFaultEvent extends KernelEvent {
    @Label("Address")
    @Description("The address that faulted")
    @jdk.jfr.Unsigned
    long address;

    @Label("Instruction")
    @Description("The instruction pointer at the fault")
    @jdk.jfr.Unsigned
    long instruction;
}
