package org.bpf4j.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/**
 * The kernel events the ring buffer had no room for, since the start (never dropped silently);
 * written at the end of each chunk, after the reader committed what the kernel had sent, so that
 * a recording that stops or dumps holds every event up to then.
 */
@Name("bpf4j.Dropped")
@Label("Dropped Kernel Events")
@Category({"Kernel"})
@Description("Kernel events lost because the ring buffer was full")
@Period("endChunk")
@StackTrace(false)
final class DroppedEvent extends jdk.jfr.Event {
    @Label("Dropped")
    long dropped;
}
