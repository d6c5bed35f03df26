package org.bpf4j.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace with a veth pair into it, for network attach tests: the host end
 * ({@link #hostIf}, in this process's namespace, address {@link #hostIp}) and the peer end
 * ({@link #peerIf}, in namespace {@link #ns}, address {@link #peerIp}), a /30 of 10.251.0.0/16
 * chosen from the pid so that parallel test runs do not collide. Traffic stays on the pair.
 * Closing deletes the namespace, which deletes the pair.
 */
public final class NetNs implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    public final String ns, hostIf, peerIf;
    public final InetAddress hostIp, peerIp;

    private NetNs(String ns, String hostIf, String peerIf, InetAddress hostIp, InetAddress peerIp) {
        this.ns = ns;
        this.hostIf = hostIf;
        this.peerIf = peerIf;
        this.hostIp = hostIp;
        this.peerIp = peerIp;
    }

    /** Skips (or fails in CI) without iproute2 and python3, then creates the namespace and pair. */
    public static NetNs create() {
        KernelTests.require(Cmd.available("ip"), "no `ip` (iproute2) on PATH");
        KernelTests.require(Cmd.available("python3"), "no python3 on PATH (the traffic sender)");
        long pid = ProcessHandle.current().pid();
        int n = COUNTER.incrementAndGet();
        String tag = Long.toString(pid % 100000, 36) + Integer.toString(n, 36);
        String ns = "b4j" + tag, hostIf = "b4jh" + tag, peerIf = "b4jp" + tag;
        int slot = (int) ((pid * 7 + n) % (256 * 64));
        byte third = (byte) (slot / 64), fourth = (byte) ((slot % 64) * 4);
        InetAddress host, peer;
        try {
            host = InetAddress.getByAddress(new byte[] {10, (byte) 251, third, (byte) (fourth + 1)});
            peer = InetAddress.getByAddress(new byte[] {10, (byte) 251, third, (byte) (fourth + 2)});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
        NetNs net = new NetNs(ns, hostIf, peerIf, host, peer);
        try {
            Cmd.check("ip", "netns", "add", ns);
            Cmd.check("ip", "link", "add", hostIf, "type", "veth", "peer", "name", peerIf, "netns", ns);
            Cmd.check("ip", "addr", "add", host.getHostAddress() + "/30", "dev", hostIf);
            Cmd.check("ip", "link", "set", hostIf, "up");
            Cmd.check("ip", "-n", ns, "addr", "add", peer.getHostAddress() + "/30", "dev", peerIf);
            Cmd.check("ip", "-n", ns, "link", "set", peerIf, "up");
            Cmd.check("ip", "-n", ns, "link", "set", "lo", "up");
        } catch (RuntimeException | Error e) {
            net.close();
            throw e;
        }
        return net;
    }

    /** Runs {@code cmd} inside the namespace. */
    public Cmd.Result exec(String... cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(cmd));
        return Cmd.run(all.toArray(String[]::new));
    }

    /**
     * Sends {@code n} UDP datagrams from the namespace to {@code dst:port}, after one warm-up
     * datagram to {@code port + 1} that resolves the neighbour's address first.
     */
    public void sendUdp(InetAddress dst, int port, int n) {
        String py = """
                import socket, sys, time
                dst, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.sendto(b'warm-up', (dst, port + 1))
                time.sleep(0.3)
                for i in range(n):
                    s.sendto(b'datagram %d' % i, (dst, port))
                """;
        Cmd.Result r = exec("python3", "-c", py, dst.getHostAddress(), Integer.toString(port), Integer.toString(n));
        if (r.status() != 0) throw new AssertionError("sender failed: " + r.err());
    }

    @Override
    public void close() {
        Cmd.run("ip", "netns", "del", ns);
        Cmd.run("ip", "link", "del", hostIf); // gone with the namespace, unless creation failed half-way
    }
}
