package org.bpf4j.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.bpf4j.sys.Cpus;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.SysNr;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ebpf_exporter's features beyond map counters, on the real kernel: counters from a perf event
 * array (with and without flush_interval), kaddrs, cgroup_id_map, and the custom sections
 * perf_event/... (every CPU) and xdp/IFACE (on a veth pair the test makes).
 */
class ExporterFeaturesKernelTest {
    @TempDir
    static Path dir;

    static final long PID = ProcessHandle.current().pid();
    static final String VETH = "bpf4jx0", PEER = "bpf4jx1";
    static final Path CGROUP = CgroupIdMapSync.root().resolve("bpf4j-exporter-test-" + PID);
    static CountDownLatch stop;
    static Thread server;
    static boolean veth;
    static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    static final String PERF_COUNTER = """
                - name: exporter_test_getppid_events_total
                  help: getppid calls per process, from perf events
                  perf_event_array: true
                  %s
                  labels:
                    - name: pid
                      size: 4
                      decoders:
                        - name: uint
            """;

    static final String EXTRA = """
            metrics:
              counters:
            %s
                - name: exporter_test_kaddr_total
                  help: getppid calls per process under the address the exporter passed
                  labels:
                    - name: function
                      size: 8
                      decoders:
                        - name: ksym
                    - name: pid
                      size: 4
                      padding: 4
                      decoders:
                        - name: uint
                - name: exporter_test_cgroup_match_total
                  help: getppid calls in cgroups of the cgroup id map
                  labels:
                    - name: cgroup
                      size: 8
                      decoders:
                        - name: uint
                        - name: cgroup
                - name: exporter_test_cgroup_nomatch_total
                  help: getppid calls in other cgroups
                  labels:
                    - name: cgroup
                      size: 8
                      decoders:
                        - name: uint
                        - name: cgroup
            kaddrs:
              - schedule
            cgroup_id_map:
              name: exporter_test_cgroup_id_map
              type: hash
              regexps:
                - /bpf4j-exporter-test-%d$
            """;

    static final String SECTIONS = """
            metrics:
              counters:
                - name: exporter_test_cpu_samples_total
                  help: CPU clock samples per CPU
                  labels:
                    - name: cpu
                      size: 4
                      decoders:
                        - name: uint
                - name: exporter_test_xdp_udp_packets_total
                  help: UDP packets to port 9999 per device
                  labels:
                    - name: device
                      size: 4
                      decoders:
                        - name: ifname
            """;

    @BeforeAll
    static void start() throws Exception {
        KernelTests.requireKernel();
        Cmd.run("ip", "link", "del", VETH);
        var r = Cmd.run("ip", "link", "add", VETH, "type", "veth", "peer", "name", PEER);
        KernelTests.require(r.status() == 0, "cannot make a veth pair: " + r.err());
        veth = true;
        run("ip", "link", "set", VETH, "up");
        run("ip", "link", "set", PEER, "up");
        run("ip", "addr", "add", "10.199.0.2/24", "dev", PEER);
        String mac = Files.readString(Path.of("/sys/class/net/" + VETH + "/address")).trim();
        // packets to 10.199.0.1 leave by the peer and arrive on VETH, where the XDP program runs
        run("ip", "neigh", "replace", "10.199.0.1", "lladdr", mac, "dev", PEER, "nud", "permanent");

        ConfigTest.write(dir, "extra", EXTRA.formatted(PERF_COUNTER.formatted(""), PID), "exporter_extra");
        ConfigTest.write(dir, "flush", "metrics:\n  counters:\n" + PERF_COUNTER.formatted("flush_interval: 2s")
                .replace("getppid_events_total", "getppid_flushed_total"), "exporter_extra");
        ConfigTest.write(dir, "sections", SECTIONS, "exporter_sections");
        ConfigTest.write(dir, "badkaddr", EXTRA.formatted(PERF_COUNTER.formatted(""), PID).replace("- schedule", "- no_such_symbol_x"),
                "exporter_extra");
        ConfigTest.write(dir, "badperf", "metrics:\n  counters:\n" + PERF_COUNTER.formatted("")
                .replace("exporter_test_getppid_events_total", "exporter_test_kaddr_total"), "exporter_extra");
        ConfigTest.write(dir, "badcgroup", EXTRA.formatted(PERF_COUNTER.formatted(""), PID)
                .replace("name: exporter_test_cgroup_id_map", "name: exporter_test_getppid_events_total"), "exporter_extra");
        ConfigTest.write(dir, "badflush", "metrics:\n  counters:\n" + PERF_COUNTER.formatted("flush_interval: soon"), "exporter_extra");
        ExporterKernelTest.port = ExporterKernelTest.freePort();
        var o = new ExporterCommand.Options(dir, List.of("extra", "flush", "sections", "badkaddr", "badperf", "badcgroup", "badflush"),
                "127.0.0.1", ExporterKernelTest.port, null, "ebpf_exporter_");
        stop = new CountDownLatch(1);
        PrintStream log = new PrintStream(LOG, true, StandardCharsets.UTF_8);
        server = Thread.ofPlatform().name("exporter").start(() -> ExporterCommand.serve(o, log, log, stop));
        for (int i = 0; i < 200; i++) {
            try {
                ExporterKernelTest.get("/metrics");
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the exporter did not start: " + LOG);
    }

    static void run(String... args) {
        var r = Cmd.run(args);
        if (r.status() != 0) throw new AssertionError(String.join(" ", args) + ": " + r.err());
    }

    @AfterAll
    static void end() throws Exception {
        if (stop != null) {
            stop.countDown();
            server.join(30_000);
        }
        if (veth) Cmd.run("ip", "link", "del", VETH);
        if (Files.isDirectory(CGROUP)) {
            Files.writeString(CgroupIdMapSync.root().resolve("cgroup.procs"), Long.toString(PID));
            Files.delete(CGROUP);
        }
    }

    static String metrics() throws Exception {
        return ExporterKernelTest.get("/metrics");
    }

    static double value(String name, String label, String value) throws Exception {
        return ExporterKernelTest.value(metrics(), name, label, value);
    }

    static void getppid(int n) {
        for (int i = 0; i < n; i++) Native.call(SysNr.GETPPID, 0);
    }

    static final String PERF = "ebpf_exporter_exporter_test_getppid_events_total";
    static final String FLUSHED = "ebpf_exporter_exporter_test_getppid_flushed_total";
    static final String PID_S = Long.toString(PID);

    /** The counter of this process once it reaches {@code want} (the reader polls every 100 ms), or what it has after 3 s. */
    static double await(String name, double want) throws Exception {
        double v = value(name, "pid", PID_S);
        for (int i = 0; i < 30 && v < want; i++) {
            Thread.sleep(100);
            v = value(name, "pid", PID_S);
        }
        return v;
    }

    static boolean present(String name) throws Exception {
        return ExporterKernelTest.samples(metrics(), name).stream().anyMatch(s -> PID_S.equals(s.getKey().get("pid")));
    }

    @Test
    void perfEventArrayCountsEachEvent() throws Exception {
        double before = value(PERF, "pid", PID_S);
        getppid(2000);
        assertEquals(before + 2000, await(PERF, before + 2000), LOG.toString());
        Thread.sleep(300);
        assertEquals(before + 2000, value(PERF, "pid", PID_S));
        String text = metrics();
        assertTrue(text.contains("# TYPE " + PERF + " counter"), text);
        var dropped = ExporterKernelTest.samples(text, "dropped_perf_event_map_events_exporter_test_getppid_events_total");
        assertEquals(List.of(Map.entry(Map.of(), 0.0)), dropped, text);
    }

    @Test
    void perfEventArrayCountersStartAgainEveryFlushInterval() throws Exception {
        // flush_interval 2s: right after a flush, 100 calls show as 100; 2 s on they are gone
        boolean exact = false;
        for (int attempt = 0; attempt < 5 && !exact; attempt++) {
            for (int i = 0; i < 40 && present(FLUSHED); i++) Thread.sleep(100);
            assertFalse(present(FLUSHED), "never flushed: " + metrics());
            getppid(100);
            double v = await(FLUSHED, 100);
            assertTrue(v <= 100, "counted " + v + " of 100 calls");
            exact = v == 100;
        }
        assertTrue(exact, "100 calls never showed as 100 between two flushes");
        Thread.sleep(2500);
        assertFalse(present(FLUSHED), metrics());
        assertTrue(ExporterKernelTest.get("/").contains(dir.resolve("badflush.yaml") + ": config badflush, metric"
                + " exporter_test_getppid_events_total, key metrics.counters[0].flush_interval: bad duration \"soon\""),
                ExporterKernelTest.get("/"));
        assertTrue(ExporterKernelTest.get("/").contains(dir.resolve("badperf.yaml") + ": config badperf, metric"
                + " exporter_test_kaddr_total, key metrics.counters[0].perf_event_array: map exporter_test_kaddr_total is a HASH,"
                + " not a perf event array"), ExporterKernelTest.get("/"));
    }

    /** This process's calls under function="schedule". */
    static double kaddrCalls() throws Exception {
        for (var x : ExporterKernelTest.samples(metrics(), "ebpf_exporter_exporter_test_kaddr_total")) {
            if (x.getKey().equals(Map.of("function", "schedule", "pid", PID_S))) return x.getValue();
        }
        return 0;
    }

    @Test
    void kaddrsPassTheSymbolsAddress() throws Exception {
        double before = kaddrCalls();
        getppid(321);
        assertEquals(before + 321, kaddrCalls());
        assertTrue(ExporterKernelTest.get("/").contains(dir.resolve("badkaddr.yaml")
                + ": config badkaddr, key kaddrs[0]: no kernel symbol no_such_symbol_x in /proc/kallsyms"), LOG.toString());
    }

    @Test
    void cgroupIdMapFollowsTheCgroupsThatMatch() throws Exception {
        Path root = CgroupIdMapSync.root();
        Files.createDirectory(CGROUP);
        String path = CGROUP.toString();
        try {
            // the whole JVM moves into the new cgroup: the exporter finds it on its next walk (every second)
            Files.writeString(CGROUP.resolve("cgroup.procs"), Long.toString(PID));
            boolean seen = false;
            for (int i = 0; i < 60 && !seen; i++) {
                getppid(1);
                seen = value("ebpf_exporter_exporter_test_cgroup_match_total", "cgroup", path) > 0;
                if (!seen) Thread.sleep(100);
            }
            assertTrue(seen, "the cgroup never entered the map: " + metrics());
            double match = value("ebpf_exporter_exporter_test_cgroup_match_total", "cgroup", path);
            double nomatch = value("ebpf_exporter_exporter_test_cgroup_nomatch_total", "cgroup", path);
            getppid(500);
            assertEquals(match + 500, value("ebpf_exporter_exporter_test_cgroup_match_total", "cgroup", path));
            assertEquals(nomatch, value("ebpf_exporter_exporter_test_cgroup_nomatch_total", "cgroup", path));
            // a cgroup the regexp does not match: its calls are not in the map
            Path other = Path.of(path + "-other");
            Files.createDirectory(other);
            try {
                Files.writeString(other.resolve("cgroup.procs"), Long.toString(PID));
                Thread.sleep(1500); // a walk of the exporter's, which must leave it out
                String o = other.toString();
                double otherNomatch = value("ebpf_exporter_exporter_test_cgroup_nomatch_total", "cgroup", o);
                getppid(200);
                assertEquals(otherNomatch + 200, value("ebpf_exporter_exporter_test_cgroup_nomatch_total", "cgroup", o));
                assertEquals(0.0, value("ebpf_exporter_exporter_test_cgroup_match_total", "cgroup", o));
            } finally {
                Files.writeString(root.resolve("cgroup.procs"), Long.toString(PID));
                Files.delete(other);
            }
        } finally {
            Files.writeString(root.resolve("cgroup.procs"), Long.toString(PID));
        }
        Files.delete(CGROUP);
        assertTrue(ExporterKernelTest.get("/").contains(dir.resolve("badcgroup.yaml") + ": config badcgroup, key cgroup_id_map.name:"
                + " the key of map exporter_test_getppid_events_total is 4 bytes, not 8 as type hash needs"), ExporterKernelTest.get("/"));
    }

    @Test
    void perfEventSectionRunsOnEveryCpu() throws Exception {
        List<Integer> cpus = Cpus.online();
        String page = ExporterKernelTest.get("/");
        assertTrue(page.contains("cpu_sample (perf_event/type=1,config=0,frequency=200, id "), page);
        assertTrue(page.contains("): attached on CPUs " + cpus), page);
        // every CPU's clock is sampled, busy or idle
        Map<String, Double> seen = new java.util.TreeMap<>();
        for (int i = 0; i < 50 && seen.size() < cpus.size(); i++) {
            Thread.sleep(100);
            seen.clear();
            for (var s : ExporterKernelTest.samples(metrics(), "ebpf_exporter_exporter_test_cpu_samples_total")) {
                if (s.getValue() > 0) seen.put(s.getKey().get("cpu"), s.getValue());
            }
        }
        assertEquals(cpus.stream().map(String::valueOf).sorted().toList(), List.copyOf(seen.keySet()), seen.toString());
    }

    @Test
    @org.bpf4j.junit.CheckedAfterAll("the SIGHUP reload's objects belong to the class's exporter, closed after all")
    void xdpSectionCountsThePacketsOnItsDevice() throws Exception {
        String page = ExporterKernelTest.get("/");
        assertTrue(page.contains("xdp_udp (xdp/" + VETH + ", id "), page);
        assertTrue(page.contains("): attached on " + VETH), page);
        String name = "ebpf_exporter_exporter_test_xdp_udp_packets_total";
        double before = value(name, "device", VETH);
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] b = "bpf4j".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 37; i++) s.send(new DatagramPacket(b, b.length, InetAddress.getByName("10.199.0.1"), 9999));
        }
        double after = before;
        for (int i = 0; i < 20 && after < before + 37; i++) {
            Thread.sleep(50);
            after = value(name, "device", VETH);
        }
        assertEquals(before + 37, after);
        assertFalse(ExporterKernelTest.samples(metrics(), name).stream().anyMatch(x -> !VETH.equals(x.getKey().get("device"))));

        // SIGHUP: the new instance gets the interface once the old one has let it go
        var id = java.util.regex.Pattern.compile("xdp_udp \\(xdp/" + VETH + ", id (\\d+)\\): attached on " + VETH);
        var m = id.matcher(page);
        assertTrue(m.find(), page);
        String oldId = m.group(1);
        assertEquals(0, Cmd.run("kill", "-HUP", Long.toString(PID)).status());
        String now = page;
        for (int i = 0; i < 100; i++) {
            Thread.sleep(100);
            now = ExporterKernelTest.get("/");
            var n = id.matcher(now);
            if (n.find() && !n.group(1).equals(oldId)) break;
        }
        var n = id.matcher(now);
        assertTrue(n.find() && !n.group(1).equals(oldId), "not attached again after SIGHUP: " + now + "\n" + LOG);
        assertFalse(LOG.toString().contains("program xdp_udp not attached"), LOG.toString());
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] b = "bpf4j".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 5; i++) s.send(new DatagramPacket(b, b.length, InetAddress.getByName("10.199.0.1"), 9999));
        }
        double fresh = 0;
        for (int i = 0; i < 20 && fresh < 5; i++) {
            Thread.sleep(50);
            fresh = value(name, "device", VETH);
        }
        assertEquals(5.0, fresh); // the new instance's map
    }
}
