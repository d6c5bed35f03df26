package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bpf4j.sys.Os;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code bpf4j tcplife} on the real kernel: each of N loopback connections of this test, both ends, with their byte counts. */
class TcplifeTest {
    static final String HEADER = "PID     COMM             LADDR           LPORT RADDR           RPORT TX_KB  RX_KB  MS\n";
    static final String THREAD = "bpf4jtcplife";

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    static int sent(int i) {
        return 3000 * (i + 1) + 17;
    }

    static int reply(int i) {
        return 1000 * (i + 1) + 5;
    }

    static void write(SocketChannel ch, int n) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) ch.write(b);
    }

    static long drain(SocketChannel ch) throws Exception {
        ByteBuffer in = ByteBuffer.allocate(65536);
        long got = 0;
        for (int r; (r = ch.read(in.clear())) > 0; ) got += r;
        return got;
    }

    /**
     * In a thread named {@value #THREAD}: {@code n} connections to {@code server}, one after the
     * other; the client sends {@link #sent} bytes and shuts its side down, the server reads them,
     * answers {@link #reply} bytes and closes, the client reads the answer and closes. Returns the
     * clients' ports.
     */
    static List<Integer> connections(ServerSocketChannel server, int n) throws Exception {
        List<Integer> ports = new ArrayList<>();
        Throwable[] failed = {null};
        Thread t = new Thread(() -> {
            try {
                InetSocketAddress to = (InetSocketAddress) server.getLocalAddress();
                for (int i = 0; i < n; i++) {
                    try (SocketChannel c = SocketChannel.open(java.net.StandardProtocolFamily.INET)) {
                        c.connect(to);
                        ports.add(((InetSocketAddress) c.getLocalAddress()).getPort());
                        try (SocketChannel a = server.accept()) {
                            write(c, sent(i));
                            c.shutdownOutput();
                            assertEquals(sent(i), drain(a));
                            write(a, reply(i));
                        }
                        assertEquals(reply(i), drain(c));
                    }
                }
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, THREAD);
        t.start();
        t.join();
        if (failed[0] != null) throw new AssertionError(failed[0]);
        return ports;
    }

    /**
     * The KB column for {@code bytes} of data: tcp_sock's bytes_acked and bytes_received count
     * the sequence space, so the FIN's one comes with the data (libbpf-tools' tcplife shows the same).
     */
    static String kb(long bytes) {
        return String.format(Locale.ROOT, "%.2f", (bytes + 1) / 1024.0);
    }

    /** Lines of {@code out} with {@code port} as LPORT or RPORT. */
    static List<String> withPort(String out, int port) {
        List<String> l = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.length() < 80 || line.startsWith("PID")) continue;
            String lport = line.substring(41, 46).trim(), rport = line.substring(63, 68).trim();
            if (lport.equals(Integer.toString(port)) || rport.equals(Integer.toString(port))) l.add(line);
        }
        return l;
    }

    @Test
    void reportsBothEndsOfEachConnectionWithTheirBytes() throws Exception {
        try (ServerSocketChannel server = TcpstatesTest.server("127.0.0.1", 0)) {
            int port = TcpstatesTest.port(server);
            SyscountTest.Running tl = new SyscountTest.Running("tcplife", "-p", Integer.toString(Os.getpid()));
            tl.awaitOutput(HEADER, 30_000);
            List<Integer> clients = connections(server, 3);
            long deadline = System.currentTimeMillis() + 30_000;
            while (withPort(tl.output(), port).size() < 6 && System.currentTimeMillis() < deadline) Thread.sleep(20);
            Thread.sleep(300);
            assertEquals(0, ExecsnoopTest.stop(tl), tl.errBuf.toString());
            assertTrue(tl.output().startsWith(HEADER), tl.output());
            List<String> lines = withPort(tl.output(), port), want = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int c = clients.get(i);
                // the client's end closes last (FIN_WAIT2 -> CLOSE after the server's FIN), the server's then (LAST_ACK -> CLOSE)
                want.add(String.format("%-7d %-16s %-15s %-5d %-15s %-5d %-6s %-6s", Os.getpid(), THREAD.substring(0, 12),
                        "127.0.0.1", c, "127.0.0.1", port, kb(sent(i)), kb(reply(i))));
                want.add(String.format("%-7d %-16s %-15s %-5d %-15s %-5d %-6s %-6s", Os.getpid(), THREAD.substring(0, 12),
                        "127.0.0.1", port, "127.0.0.1", c, kb(reply(i)), kb(sent(i))));
            }
            List<String> got = new ArrayList<>();
            for (String l : lines) {
                assertTrue(l.matches(".* \\d+\\.\\d\\d"), l);
                got.add(l.substring(0, l.lastIndexOf(' ')));
            }
            assertEquals(want.stream().sorted().toList(), got.stream().sorted().toList(), tl.output());
        }
    }

    /** {@code -L PORT --json}: the server's ends only, with exact byte counts. */
    @Test
    void localPortAsJson() throws Exception {
        try (ServerSocketChannel server = TcpstatesTest.server("127.0.0.1", 0)) {
            int port = TcpstatesTest.port(server);
            SyscountTest.Running tl = new SyscountTest.Running("tcplife", "-L", Integer.toString(port), "--json");
            // no header with --json: attached once a probe connection shows
            long deadline = System.currentTimeMillis() + 60_000;
            while (!tl.output().contains("\"lport\":" + port + ",")) {
                connections(server, 1);
                Thread.sleep(100);
                assertTrue(tl.thread.isAlive() && System.currentTimeMillis() < deadline, "attached: " + tl.output() + tl.errBuf);
            }
            int before = tl.output().split("\n").length;
            List<Integer> clients = connections(server, 3);
            while (tl.output().split("\n").length < before + 3 && System.currentTimeMillis() < deadline) Thread.sleep(20);
            Thread.sleep(300);
            assertEquals(0, ExecsnoopTest.stop(tl), tl.errBuf.toString());
            List<String> lines = List.of(tl.output().split("\n"));
            assertEquals(before + 3, lines.size(), tl.output());
            for (int i = 0; i < 3; i++) {
                assertTrue(lines.get(before + i).matches("\\{\"pid\":" + Os.getpid() + ",\"comm\":\"" + THREAD.substring(0, 12)
                        + "\",\"ip\":4,\"laddr\":\"127.0.0.1\",\"lport\":" + port + ",\"raddr\":\"127.0.0.1\",\"rport\":" + clients.get(i)
                        + ",\"tx_bytes\":" + (reply(i) + 1) + ",\"rx_bytes\":" + (sent(i) + 1) + ",\"ms\":\\d+\\.\\d\\d}"), lines.get(before + i));
            }
        }
    }
}
