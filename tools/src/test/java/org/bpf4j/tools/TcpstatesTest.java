package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static java.net.StandardProtocolFamily.INET;
import static java.net.StandardProtocolFamily.INET6;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.IntUnaryOperator;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code bpf4j tcpstates} on the real kernel: every state change of N loopback connections of this test. */
class TcpstatesTest {
    static final String HEADER = "SKADDR           PID     COMM       LADDR           LPORT RADDR           RPORT OLDSTATE    -> NEWSTATE    MS\n";

    static final List<String> CLIENT = List.of("SYN_SENT -> ESTABLISHED", "ESTABLISHED -> FIN_WAIT1", "FIN_WAIT1 -> FIN_WAIT2",
            "FIN_WAIT2 -> CLOSE");
    static final List<String> SERVER = List.of("LISTEN -> SYN_RECV", "SYN_RECV -> ESTABLISHED", "ESTABLISHED -> CLOSE_WAIT",
            "CLOSE_WAIT -> LAST_ACK", "LAST_ACK -> CLOSE");

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /**
     * {@code n} connections to {@code server}, one after the other: the client sends
     * {@code bytes(i)} bytes and closes, the server reads to the end and closes. Returns the
     * clients' ports.
     */
    static List<Integer> connections(ServerSocketChannel server, int n, IntUnaryOperator bytes) throws Exception {
        List<Integer> ports = new ArrayList<>();
        InetSocketAddress to = (InetSocketAddress) server.getLocalAddress();
        for (int i = 0; i < n; i++) {
            SocketChannel c = SocketChannel.open(to.getAddress() instanceof Inet6Address ? INET6 : INET);
            c.connect(to);
            ports.add(((InetSocketAddress) c.getLocalAddress()).getPort());
            try (SocketChannel a = server.accept()) {
                ByteBuffer out = ByteBuffer.allocate(bytes.applyAsInt(i));
                while (out.hasRemaining()) c.write(out);
                c.close();
                ByteBuffer in = ByteBuffer.allocate(65536);
                long got = 0;
                for (int r; (r = a.read(in.clear())) > 0; ) got += r;
                assertEquals(bytes.applyAsInt(i), got);
            }
        }
        return ports;
    }

    static ServerSocketChannel server(String address, int port) throws Exception {
        InetAddress a = InetAddress.getByName(address);
        ServerSocketChannel s = ServerSocketChannel.open(a instanceof Inet6Address ? INET6 : INET);
        s.bind(new InetSocketAddress(a, port));
        return s;
    }

    static int port(ServerSocketChannel s) throws Exception {
        return ((InetSocketAddress) s.getLocalAddress()).getPort();
    }

    /** The columns after COMM (which may hold spaces): LADDR LPORT RADDR RPORT OLDSTATE -> NEWSTATE MS, or null. */
    static String[] after(String line) {
        if (line.length() < 37 || line.startsWith("SKADDR")) return null;
        String[] f = line.substring(36).trim().split(" +");
        return f.length == 8 ? f : null;
    }

    /** The transitions ({@code OLD -> NEW}) of lines whose LPORT and RPORT columns are these. */
    static List<String> transitions(String out, int lport, int rport) {
        List<String> l = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = after(line);
            if (f != null && f[1].equals(Integer.toString(lport)) && f[3].equals(Integer.toString(rport))) {
                l.add(f[4] + " -> " + f[6]);
            }
        }
        return l;
    }

    @Test
    void reportsEveryStateChangeOfEachConnection() throws Exception {
        try (ServerSocketChannel server = server("127.0.0.1", 0)) {
            int port = port(server);
            SyscountTest.Running ts = new SyscountTest.Running("tcpstates");
            ts.awaitOutput(HEADER, 30_000);
            List<Integer> clients = connections(server, 3, i -> 1000 * (i + 1));
            server.close();
            long deadline = System.currentTimeMillis() + 30_000;
            while (transitions(ts.output(), port, 0).isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(20);
            Thread.sleep(300);
            assertEquals(0, ExecsnoopTest.stop(ts), ts.errBuf.toString());
            String out = ts.output();
            assertTrue(out.startsWith(HEADER), out);
            for (int c : clients) {
                assertEquals(CLIENT, transitions(out, c, port), out);
                assertEquals(SERVER, transitions(out, port, c), out);
            }
            assertEquals(List.of("CLOSE -> SYN_SENT", "CLOSE -> SYN_SENT", "CLOSE -> SYN_SENT"), transitions(out, 0, port), out);
            assertEquals(List.of("LISTEN -> CLOSE"), transitions(out, port, 0), out);
            for (String line : out.split("\n")) {
                String[] f = after(line);
                if (f != null && (f[1].equals(Integer.toString(port)) || f[3].equals(Integer.toString(port)))) {
                    assertTrue(line.matches("[0-9a-f]{16} \\d+ +.{10} 127\\.0\\.0\\.1 +\\d+ +(127\\.0\\.0\\.1|0\\.0\\.0\\.0) +\\d+ +"
                            + "[A-Z_0-9]+ +-> [A-Z_0-9]+ +\\d+\\.\\d{3}"), line);
                    assertEquals(String.format("%-16s %-7s %-10s %-15s %-5s %-15s %-5s %-11s -> %-11s %s", line.substring(0, 16),
                            line.substring(17, 24).trim(), line.substring(25, 35), f[0], f[1], f[2], f[3], f[4], f[6], f[7]), line);
                }
            }
        }
    }

    /** {@code -6 -L PORT --json}: an IPv6 server's side of its connections only. */
    @Test
    void ipv6LocalPortAsJson() throws Exception {
        try (ServerSocketChannel server = server("::1", 0); ServerSocketChannel v4 = server("127.0.0.1", port(server))) {
            int port = port(server);
            SyscountTest.Running ts = new SyscountTest.Running("tcpstates", "-6", "-L", Integer.toString(port), "--json");
            // no header with --json: attached once a probe connection shows
            List<Integer> clients = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 60_000;
            while (!ts.output().contains("\"newstate\":\"SYN_RECV\"")) {
                clients.addAll(connections(server, 1, i -> 1));
                Thread.sleep(100);
                assertTrue(ts.thread.isAlive() && System.currentTimeMillis() < deadline, "attached: " + ts.output() + ts.errBuf);
            }
            clients.clear();
            int before = ts.output().split("\n").length;
            clients.addAll(connections(server, 2, i -> 10));
            connections(v4, 2, i -> 10); // IPv4: left out
            while (ts.output().split("\n").length < before + 10 && System.currentTimeMillis() < deadline) Thread.sleep(20);
            Thread.sleep(300);
            assertEquals(0, ExecsnoopTest.stop(ts), ts.errBuf.toString());
            List<String> lines = List.of(ts.output().split("\n"));
            for (String l : lines) {
                assertTrue(l.matches("\\{\"skaddr\":\"[0-9a-f]+\",\"pid\":\\d+,\"comm\":\".*\",\"ip\":6,\"laddr\":\"::1\",\"lport\":" + port
                        + ",\"raddr\":\"::1\",\"rport\":\\d+,\"oldstate\":\"[A-Z_0-9]+\",\"newstate\":\"[A-Z_0-9]+\",\"ms\":\\d+\\.\\d{3}}"), l);
            }
            for (int c : clients) {
                List<String> mine = new ArrayList<>();
                for (String l : lines) {
                    if (l.contains("\"rport\":" + c + ",")) {
                        mine.add(l.replaceAll(".*\"oldstate\":\"([A-Z_0-9]+)\",\"newstate\":\"([A-Z_0-9]+)\".*", "$1 -> $2"));
                    }
                }
                assertEquals(SERVER, mine, ts.output());
            }
            assertEquals(lines.size(), before + 10, ts.output());
        }
    }
}
