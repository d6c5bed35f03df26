package org.bpf4j.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A TCP connection the target opened, at its close (TCP_CLOSE): its lifetime and bytes. */
@Name("bpf4j.TcpClose")
@Label("TCP Close")
@Category({"Kernel", "Network"})
@Description("A TCP connection the target opened, closed; the kernel duration is its lifetime from connect(2)")
final class TcpCloseEvent extends KernelEvent {
    @Label("Source Address")
    String sourceAddress;

    @Label("Source Port")
    int sourcePort;

    @Label("Destination Address")
    String destinationAddress;

    @Label("Destination Port")
    int destinationPort;

    @Label("Bytes Received")
    @Description("As the kernel counts it (tcpi_bytes_received): by sequence number, the peer's FIN is one")
    @DataAmount
    long bytesReceived;

    @Label("Bytes Acked")
    @Description("Bytes sent that the peer acknowledged, as the kernel counts it (tcpi_bytes_acked): our SYN and FIN are one each")
    @DataAmount
    long bytesAcked;
}
