package org.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.bpf4j.testing.NetNs;
import org.bpf4j.testing.Unprivileged;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A networking program with the capabilities the README lists for it: uid nobody with exactly
 * CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN (setpriv: every set, no others) loads an XDP program,
 * attaches it to a veth the test made, and counts exactly the datagrams the test sends. Without
 * CAP_NET_ADMIN the one line names it; without CAP_PERFMON the verifier refuses the packet pointer
 * arithmetic, and the message names CAP_PERFMON.
 */
class NetAdminLeastPrivilegeTest {
    static final int NOBODY = Unprivileged.NOBODY;
    static final int N = 50;
    /** core's main classes, XdpCountMain and attach.o, copied where uid nobody can read them. */
    static Path dir;
    static String classPath;

    @BeforeAll
    static void setUp() throws IOException {
        KernelTests.requireKernel();
        KernelTests.require(Cmd.available("setpriv"), "no setpriv (Debian: apt-get install util-linux)");
        dir = Files.createTempDirectory("bpf4j-net-admin-");
        Path main = null;
        Path tests = null;
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p) && p.endsWith(Path.of("target", "classes"))) main = p;
            if (Files.isDirectory(p) && p.endsWith(Path.of("target", "test-classes"))) tests = p;
        }
        assertTrue(main != null && tests != null, "core's classes on the class path: " + System.getProperty("java.class.path"));
        Unprivileged.copyTree(main, dir.resolve("classes"));
        Path cls = Path.of("org", "bpf4j", "link", "XdpCountMain.class");
        Files.createDirectories(dir.resolve("test").resolve(cls).getParent());
        Files.copy(tests.resolve(cls), dir.resolve("test").resolve(cls));
        Files.copy(KernelTests.fixture("attach.o"), dir.resolve("attach.o"));
        classPath = dir.resolve("classes") + ":" + dir.resolve("test");
        Unprivileged.makeReadable(dir);
    }

    @AfterAll
    static void tearDown() throws IOException {
        Unprivileged.deleteTree(dir);
    }

    /** XdpCountMain as uid nobody with exactly {@code caps} (setpriv's names: "bpf", "net_admin"). */
    static Process xdpCount(List<String> caps, String ifname, int port) throws IOException {
        List<String> cmd = Unprivileged.java(caps, classPath, XdpCountMain.class.getName(),
                dir.resolve("attach.o").toString(), ifname, Integer.toString(port));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    }

    /** The process runs as nobody with exactly CAP_BPF (39), CAP_PERFMON (38) and CAP_NET_ADMIN (12) effective. */
    static void assertCredentials(Process p) throws IOException {
        String status = Files.readString(Path.of("/proc", Long.toString(p.pid()), "status"));
        Matcher eff = Pattern.compile("(?m)^CapEff:\\s+([0-9a-f]+)$").matcher(status);
        assertTrue(eff.find(), status);
        assertEquals(Long.toHexString((1L << 39) | (1L << 38) | (1L << 12)), Long.toHexString(Long.parseUnsignedLong(eff.group(1), 16)), "CapEff");
        assertTrue(Pattern.compile("(?m)^Uid:\\s+" + NOBODY + "\\s+" + NOBODY + "\\s").matcher(status).find(), status);
    }

    @Test
    void xdpWithTheReadmesCapabilitiesCountsExactlyTheDatagramsSent() throws Exception {
        try (NetNs net = NetNs.create(); DatagramSocket rx = new DatagramSocket(null)) {
            rx.bind(new InetSocketAddress(net.hostIp, 0));
            Process p = xdpCount(List.of("bpf", "perfmon", "net_admin"), net.hostIf, rx.getLocalPort());
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
                String first = out.readLine();
                assertTrue(first != null && first.startsWith("attached ") && first.contains(net.hostIf), "attached: " + first);
                assertCredentials(p);
                net.sendUdp(net.hostIp, rx.getLocalPort(), N);
                assertEquals(N, NetworkTest.receive(rx, N, 2000), "all datagrams pass");
                in.write("count\n");
                in.flush();
                assertEquals("udp_seen " + N, out.readLine());
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ended");
                assertEquals(0, p.exitValue());
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void withoutCapNetAdminTheMessageNamesIt() throws Exception {
        try (NetNs net = NetNs.create()) {
            Process p = xdpCount(List.of("bpf", "perfmon"), net.hostIf, 9);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ended");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, p.exitValue(), out);
            assertEquals("BPF_PROG_LOAD: EPERM (1) Operation not permitted: program 'xdp_count'"
                    + " (run as root or grant CAP_BPF and CAP_NET_ADMIN)\n", out);
        }
    }

    @Test
    void withoutCapPerfmonTheVerifierMessageNamesIt() throws Exception {
        try (NetNs net = NetNs.create()) {
            Process p = xdpCount(List.of("bpf", "net_admin"), net.hostIf, 9);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ended");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, p.exitValue(), out);
            List<String> lines = out.lines().toList();
            assertEquals("program 'xdp_count' (section xdp) rejected by the verifier: BPF_PROG_LOAD: EACCES (13)", lines.get(0), out);
            assertTrue(lines.get(1).endsWith("prohibited for !root"), out);
            assertEquals("  the verifier allows this only with CAP_PERFMON: run as root or grant CAP_PERFMON", lines.get(2), out);
        }
    }
}
