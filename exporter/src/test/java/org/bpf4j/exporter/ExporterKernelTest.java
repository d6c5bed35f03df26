package org.bpf4j.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.SysNr;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter on the real kernel: the tests' object (src/test/bpf/exporter_test.bpf.c) under two
 * good configs and three bad ones, served on loopback and scraped over HTTP, and by a real
 * Prometheus server.
 */
class ExporterKernelTest {
    @TempDir
    static Path dir;

    static final long PID = ProcessHandle.current().pid();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static CountDownLatch stop;
    static Thread server;
    static int port;
    static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        KernelTests.requireKernel();
        ConfigTest.write(dir, "counts", ConfigTest.COUNTER);
        ConfigTest.write(dir, "hist", ConfigTest.HISTOGRAM);
        ConfigTest.write(dir, "broken", "metrics:\n  counters: [\n");
        ConfigTest.write(dir, "nomap", ConfigTest.COUNTER.replace("exporter_test_getpid_calls_total", "no_such_map_total"));
        ConfigTest.write(dir, "baddecoder", ConfigTest.COUNTER.replace("name: uint", "name: nope"));
        port = freePort();
        var o = new ExporterCommand.Options(dir, List.of("counts", "hist", "broken", "nomap", "baddecoder"), "127.0.0.1", port,
                null, "ebpf_exporter_");
        stop = new CountDownLatch(1);
        PrintStream log = new PrintStream(LOG, true, StandardCharsets.UTF_8);
        server = Thread.ofPlatform().name("exporter").start(() -> ExporterCommand.serve(o, log, log, stop));
        for (int i = 0; i < 200; i++) {
            try {
                get("/metrics");
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the exporter did not start: " + LOG);
    }

    @AfterAll
    static void end() throws InterruptedException {
        if (stop == null) return;
        stop.countDown();
        server.join(30_000);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String get(String path) throws IOException, InterruptedException {
        return fetch("http://127.0.0.1:" + port + path);
    }

    static String fetch(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new AssertionError(url + ": HTTP " + r.statusCode() + ": " + r.body());
        return r.body();
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The samples of metric {@code name} in a text exposition: labels, value. */
    static List<Map.Entry<Map<String, String>, Double>> samples(String text, String name) {
        List<Map.Entry<Map<String, String>, Double>> out = new ArrayList<>();
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            if (!m.group(1).equals(name)) continue;
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) labels.put(l.group(1), l.group(2));
            }
            out.add(Map.entry(labels, Double.parseDouble(m.group(4))));
        }
        return out;
    }

    static double value(String text, String name, String label, String value) {
        for (var s : samples(text, name)) if (value.equals(s.getKey().get(label))) return s.getValue();
        return 0;
    }

    static double getpids() throws IOException, InterruptedException {
        return value(get("/metrics"), "ebpf_exporter_exporter_test_getpid_calls_total", "pid", Long.toString(PID));
    }

    static void callGetpid(int n) {
        for (int i = 0; i < n; i++) Native.call(SysNr.GETPID, 0);
    }

    @Test
    void counterGrowsByTheExactNumberOfCalls() throws Exception {
        double before = getpids();
        callGetpid(1234);
        assertEquals(before + 1234, getpids());
        String text = get("/metrics");
        assertTrue(text.contains("# TYPE ebpf_exporter_exporter_test_getpid_calls_total counter"), text);
        assertTrue(text.contains("# HELP ebpf_exporter_exporter_test_getpid_calls_total getpid calls per process"), text);
    }

    @Test
    void histogramBucketsAreTheKernelsCumulative() throws Exception {
        // 3 values in bucket 24 (<= 2^24), 2 in bucket 26 (2^25+1 <= 2^26), 1 in bucket 27
        long[] fds = {1L << 24, 1L << 24, 1L << 24, (1L << 25) + 1, (1L << 25) + 1, 1L << 27};
        long sum = 0;
        for (long fd : fds) {
            Native.call(SysNr.CLOSE, fd);
            sum += fd;
        }
        String text = get("/metrics");
        String pid = Long.toString(PID);
        Map<Double, Double> buckets = new LinkedHashMap<>();
        for (var s : samples(text, "ebpf_exporter_exporter_test_close_fd_bucket")) {
            if (pid.equals(s.getKey().get("pid"))) buckets.put(Double.parseDouble(s.getKey().get("le").replace("+Inf", "Infinity")), s.getValue());
        }
        Map<Double, Double> expected = new LinkedHashMap<>();
        for (int i = 20; i <= 30; i++) expected.put(Math.pow(2, i), i < 24 ? 0.0 : i < 26 ? 3.0 : i < 27 ? 5.0 : 6.0);
        expected.put(Double.POSITIVE_INFINITY, 6.0);
        assertEquals(expected, buckets, text);
        assertEquals(6.0, value(text, "ebpf_exporter_exporter_test_close_fd_count", "pid", pid));
        assertEquals((double) sum, value(text, "ebpf_exporter_exporter_test_close_fd_sum", "pid", pid));
    }

    @Test
    void openMetricsOnRequestAndGzip() throws Exception {
        HttpResponse<String> om = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, om.statusCode());
        assertTrue(om.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"), om.headers().toString());
        assertTrue(om.body().endsWith("# EOF\n"), om.body());
        assertTrue(om.body().contains("ebpf_exporter_exporter_test_getpid_calls_total{pid=\"" + PID + "\"}"), om.body());
        HttpResponse<byte[]> gz = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElse(""));
        String text = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body())).readAllBytes(),
                StandardCharsets.UTF_8);
        assertTrue(text.contains("# TYPE ebpf_exporter_exporter_test_getpid_calls_total counter"), text);
        // client_java's own handler, unshared
        assertTrue(get("/metrics/direct").contains("# TYPE ebpf_exporter_exporter_test_getpid_calls_total counter"));
    }

    @Test
    void badConfigsAreReportedAndTheOthersRun() throws Exception {
        String text = get("/metrics");
        assertEquals(1.0, value(text, "ebpf_exporter_enabled_configs", "name", "counts"));
        assertEquals(1.0, value(text, "ebpf_exporter_enabled_configs", "name", "hist"));
        for (String bad : List.of("broken", "nomap", "baddecoder")) {
            assertTrue(samples(text, "ebpf_exporter_enabled_configs").stream()
                    .anyMatch(s -> bad.equals(s.getKey().get("name")) && s.getValue() == 0.0), text);
        }
        String page = get("/");
        assertTrue(page.contains(dir.resolve("broken.yaml") + ":3:1: config broken: malformed YAML"), page);
        assertTrue(page.contains(dir.resolve("nomap.yaml") + ": config nomap, metric no_such_map_total, key metrics.counters[0].name:"
                + " no map no_such_map_total in " + dir.resolve("nomap.bpf.o")), page);
        assertTrue(page.contains(dir.resolve("baddecoder.yaml") + ": config baddecoder, metric exporter_test_getpid_calls_total,"
                + " key metrics.counters[0].labels[0].decoders[0].name: unknown decoder \"nope\""), page);
        assertTrue(page.contains("count_getpid (tracepoint/syscalls/sys_enter_getpid, id "), page);
        assertTrue(page.contains("): attached"), page);
        // the JVM's own metrics, from client_java's collectors
        assertTrue(text.contains("jvm_memory_used_bytes{"), text);
    }

    @Test
    void prometheusScrapesTheExactCounter(@TempDir Path tmp) throws Exception {
        KernelTests.require(Cmd.available("prometheus"), "no prometheus binary (apt-get install prometheus)");
        int promPort = freePort();
        Files.writeString(tmp.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: bpf4j
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(port));
        double before = getpids();
        callGetpid(777);
        double expected = getpids();
        assertEquals(before + 777, expected);
        Process p = new ProcessBuilder("prometheus", "--config.file=" + tmp.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + tmp.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
        try {
            String query = URLEncoder.encode("ebpf_exporter_exporter_test_getpid_calls_total{pid=\"" + PID + "\"}",
                    StandardCharsets.UTF_8);
            String body = "";
            Pattern result = Pattern.compile("\"value\":\\[[0-9.]+,\"([0-9.e+]+)\"\\]");
            for (int i = 0; i < 120; i++) {
                Thread.sleep(500);
                try {
                    body = fetch("http://127.0.0.1:" + promPort + "/api/v1/query?query=" + query);
                } catch (IOException e) {
                    continue;
                }
                Matcher m = result.matcher(body);
                if (m.find() && Double.parseDouble(m.group(1)) == expected) break;
            }
            Matcher m = result.matcher(body);
            assertTrue(m.find(), "no result from Prometheus: " + body + "\n" + Files.readString(tmp.resolve("prometheus.log")));
            assertEquals(expected, Double.parseDouble(m.group(1)), body);
        } finally {
            p.destroy();
            p.waitFor();
        }
    }
}
