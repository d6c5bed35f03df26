package org.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bpf4j.BpfLink;
import org.bpf4j.AttachType;
import org.bpf4j.BpfException;
import org.bpf4j.BpfObject;
import org.bpf4j.LoadOptions;
import org.bpf4j.ObjectSpec;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * cgroup programs through links on a cgroup v2 directory the test creates (under the cgroup2
 * mount found in /proc/self/mounts) and removes: cgroup_skb egress and ingress count the UDP
 * datagrams of a process moved into it, cgroup/sock_create its sockets, cgroup/connect4 refuses
 * its connections to one port. Datagrams this JVM sends (outside the cgroup) do not count.
 */
class CgroupTest {
    static final Set<String> PROGRAMS = Set.of("cg_egress", "cg_ingress", "cg_sock_create", "cg_connect4");
    static final List<String> NAMES = List.of("cg_egress", "cg_ingress", "cg_sock_create", "cg_connect4", "attach.bss",
            "attach.rodata", "args", "rets", "samples");

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    /** A fresh cgroup v2 directory, removed by close once its processes are gone. */
    record TestCgroup(Path dir) implements AutoCloseable {
        static TestCgroup create() throws Exception {
            Path root = CgroupLink.cgroup2Root();
            KernelTests.require(root != null, "cgroup v2 is not mounted");
            Path dir = root.resolve("bpf4j-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            Files.createDirectory(dir);
            return new TestCgroup(dir);
        }

        @Override
        public void close() throws Exception {
            for (int i = 0; i < 100; i++) { // an exited process leaves its cgroup a moment after it is reaped
                try {
                    Files.delete(dir);
                    return;
                } catch (java.nio.file.FileSystemException e) {
                    Thread.sleep(20);
                }
            }
            Files.delete(dir);
        }
    }

    static final String PY = """
            import socket, sys
            port, n, m, blocked, allowed = map(int, sys.argv[1:6])
            r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            r.bind(('127.0.0.1', 0))
            print(r.getsockname()[1], flush=True)
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for i in range(n):
                s.sendto(b'x', ('127.0.0.1', port))
            r.settimeout(10)
            for i in range(m):
                r.recv(64)
            c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                c.connect(('127.0.0.1', blocked))
                print('connected', flush=True)
            except PermissionError:
                print('refused', flush=True)
            c.connect(('127.0.0.1', allowed))
            print('allowed', flush=True)
            """;

    @Test
    void cgroupProgramsSeeOnlyTheProcessMovedIntoTheCgroup() throws Exception {
        KernelTests.require(Cmd.available("python3"), "no python3 on PATH");
        int n = 30, m = 20, outside = 15;
        try (TestCgroup cg = TestCgroup.create();
             DatagramSocket rx = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket blocker = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            int port = rx.getLocalPort();
            ObjectSpec spec = ObjectSpec.read(KernelTests.fixture("attach.o"));
            spec.rodata().set("target_port", port);
            try (BpfObject obj = spec.load(LoadOptions.defaults().withPrograms(PROGRAMS))) {
                obj.bss().set("blocked_port", blocker.getLocalPort());
                List<BpfLink> links = new ArrayList<>();
                for (String p : PROGRAMS) links.add(obj.program(p).attachCgroup(cg.dir()));
                assertTrue(links.get(0).target().startsWith("cgroup " + cg.dir()), links.get(0).target());

                // this JVM is not in the cgroup: its datagrams to the port do not count
                try (DatagramSocket tx = new DatagramSocket()) {
                    for (int i = 0; i < outside; i++) tx.send(new DatagramPacket(new byte[1], 1, rx.getLocalSocketAddress()));
                }
                Process p = new ProcessBuilder("sh", "-c", "echo $$ > " + cg.dir().resolve("cgroup.procs")
                        + " && exec python3 -c \"$0\" \"$@\"", PY, Integer.toString(port), Integer.toString(n),
                        Integer.toString(m), Integer.toString(blocker.getLocalPort()), Integer.toString(port))
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                int pyPort = Integer.parseInt(out.readLine().trim());
                try (DatagramSocket tx = new DatagramSocket()) {
                    for (int i = 0; i < m; i++) tx.send(new DatagramPacket(new byte[1], 1, new InetSocketAddress("127.0.0.1", pyPort)));
                }
                assertEquals("refused", out.readLine(), "cgroup/connect4 refused the blocked port");
                assertEquals("allowed", out.readLine());
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue());
                rx.setSoTimeout(2000);
                for (int i = 0; i < n + outside; i++) rx.receive(new DatagramPacket(new byte[8], 8));

                assertEquals(n, obj.bss().getLong("egress_packets"), "egress: the process's datagrams to the port");
                assertEquals(0, obj.bss().getLong("ingress_packets"), "ingress: none of them is to the process's port");
                assertEquals(3, obj.bss().getLong("socks_created"), "the three sockets the process made");
                assertEquals(2, obj.bss().getLong("connects"), "two connects, one refused");
                for (BpfLink l : links) l.close();
            }
        }
    }

    @Test
    void ingressCountsWhatTheProcessReceives() throws Exception {
        KernelTests.require(Cmd.available("python3"), "no python3 on PATH");
        int m = 25;
        try (TestCgroup cg = TestCgroup.create()) {
            Process p = new ProcessBuilder("sh", "-c", "echo $$ > " + cg.dir().resolve("cgroup.procs") + " && exec python3 -c \"$0\"",
                    """
                    import socket
                    r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    r.bind(('127.0.0.1', 0))
                    print(r.getsockname()[1], flush=True)
                    input()
                    r.settimeout(10)
                    for i in range(%d):
                        r.recv(64)
                    print('done', flush=True)
                    """.formatted(m)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            int pyPort = Integer.parseInt(out.readLine().trim());
            ObjectSpec spec = ObjectSpec.read(KernelTests.fixture("attach.o"));
            spec.rodata().set("target_port", pyPort);
            try (BpfObject obj = spec.load(LoadOptions.defaults().withPrograms(Set.of("cg_ingress")));
                 BpfLink link = obj.program("cg_ingress").attachCgroup(cg.dir(), AttachType.CGROUP_INET_INGRESS)) {
                try (DatagramSocket tx = new DatagramSocket()) {
                    for (int i = 0; i < m; i++) tx.send(new DatagramPacket(new byte[1], 1, new InetSocketAddress("127.0.0.1", pyPort)));
                }
                p.getOutputStream().write('\n');
                p.getOutputStream().flush();
                assertEquals("done", out.readLine());
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
                assertEquals(m, obj.bss().getLong("ingress_packets"));
            } finally {
                p.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void notACgroupV2Directory() throws Exception {
        Path tmp = Files.createTempDirectory("bpf4j-not-a-cgroup");
        try (BpfObject obj = ObjectSpec.read(KernelTests.fixture("attach.o"))
                .load(LoadOptions.defaults().withPrograms(Set.of("cg_egress", "xdp_count")))) {
            var before = KernelTests.Snapshot.take();
            var e = assertThrows(BpfException.class, () -> obj.program("cg_egress").attachCgroup(tmp));
            assertTrue(e.getMessage().contains("not a cgroup v2 directory") && e.getMessage().contains(tmp.toString()),
                    e.getMessage());
            assertTrue(e.getMessage().contains(String.valueOf(CgroupLink.cgroup2Root())), e.getMessage());
            var e2 = assertThrows(BpfException.class, () -> obj.program("xdp_count").attachCgroup(tmp));
            assertTrue(e2.getMessage().contains("not a cgroup program"), e2.getMessage());
            before.assertNothingLeftBehind("failed cgroup attaches", NAMES);
        } finally {
            Files.delete(tmp);
        }
    }
}
