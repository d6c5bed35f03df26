package org.bpf4j.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A TCP connection the target opened: from connect(2) (SYN_SENT) to ESTABLISHED. */
@Name("bpf4j.TcpConnect")
@Label("TCP Connect")
@Category({"Kernel", "Network"})
@Description("A TCP connection the target opened; the kernel duration is the connect latency")
final class TcpConnectEvent extends KernelEvent {
    @Label("Source Address")
    String sourceAddress;

    @Label("Source Port")
    int sourcePort;

    @Label("Destination Address")
    String destinationAddress;

    @Label("Destination Port")
    int destinationPort;
}
