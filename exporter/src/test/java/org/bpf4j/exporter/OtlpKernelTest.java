package org.bpf4j.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.SysNr;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --otlp.endpoint}: the exporter pushes its metrics every 300 ms to a small OTLP/HTTP
 * receiver here, which decodes the protobuf requests itself (ExportMetricsServiceRequest); the
 * values it gets are the ones /metrics serves.
 */
class OtlpKernelTest {
    @TempDir
    static Path dir;

    static final String PID = Long.toString(ProcessHandle.current().pid());
    static CountDownLatch stop;
    static Thread server;
    static HttpServer receiver;
    static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    /** The last pushed point of each (metric, pid attribute): a value, or for histograms [count, sum, per-bucket counts...]. */
    static final Map<String, double[]> LAST = new ConcurrentHashMap<>();
    static final Map<String, List<Double>> BOUNDS = new ConcurrentHashMap<>();
    static volatile String contentType = "";
    /** The spans received: trace id, span id, parent span id, name, start, end, attributes, service.name. */
    record Span(String trace, String id, String parent, String name, long start, long end, Map<String, String> attrs, String service) {}

    static final List<Span> SPANS_SEEN = java.util.Collections.synchronizedList(new ArrayList<>());

    static final String SPANS = """
            tracing:
              spans:
                - name: fallback
                  ringbuf: exporter_test_spans
                  service: bpf4j-test
                  labels:
                    - name: trace_id
                      size: 16
                      decoders:
                        - name: hex
                    - name: parent_span_id
                      size: 8
                      decoders:
                        - name: hex
                    - name: span_id
                      size: 8
                      decoders:
                        - name: hex
                    - name: span_monotonic_timestamp_ns
                      size: 8
                      decoders:
                        - name: uint
                    - name: span_duration_ns
                      size: 8
                      decoders:
                        - name: uint
                    - name: span_name
                      size: 16
                      decoders:
                        - name: string
                    - name: pid
                      size: 4
                      padding: 4
                      decoders:
                        - name: uint
            """;

    @BeforeAll
    static void start() throws Exception {
        KernelTests.requireKernel();
        ConfigTest.write(dir, "counts", ConfigTest.COUNTER);
        ConfigTest.write(dir, "hist", ConfigTest.HISTOGRAM);
        ConfigTest.write(dir, "spans", SPANS, "exporter_spans");
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/metrics", x -> {
            try (x) {
                contentType = x.getRequestHeaders().getFirst("Content-Type");
                decodeRequest(x.getRequestBody().readAllBytes());
                x.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                x.sendResponseHeaders(200, 0);
            }
        });
        receiver.createContext("/v1/traces", x -> {
            try (x) {
                decodeTraces(x.getRequestBody().readAllBytes());
                x.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                x.sendResponseHeaders(200, 0);
            }
        });
        receiver.start();
        ExporterKernelTest.port = ExporterKernelTest.freePort();
        var o = new ExporterCommand.Options(dir, List.of("counts", "hist", "spans"), "127.0.0.1", ExporterKernelTest.port, null,
                "ebpf_exporter_", "http://127.0.0.1:" + receiver.getAddress().getPort(), Duration.ofMillis(300));
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

    @AfterAll
    static void end() throws InterruptedException {
        if (stop != null) {
            stop.countDown();
            server.join(30_000);
        }
        if (receiver != null) receiver.stop(0);
    }

    @Test
    void pushedCounterIsTheScrapedOne() throws Exception {
        for (int i = 0; i < 999; i++) Native.call(SysNr.GETPID, 0);
        double scraped = ExporterKernelTest.getpids();
        String key = "ebpf_exporter_exporter_test_getpid_calls/" + PID;
        for (int i = 0; i < 100 && (LAST.get(key) == null || LAST.get(key)[0] != scraped); i++) Thread.sleep(100);
        assertTrue(LAST.containsKey(key), "nothing pushed for " + key + ": " + LAST.keySet() + "\n" + LOG);
        assertEquals(scraped, LAST.get(key)[0]);
        assertEquals("application/x-protobuf", contentType);
    }

    @Test
    void pushedHistogramHasTheKernelsBuckets() throws Exception {
        long[] fds = {1L << 24, 1L << 24, 1L << 24, (1L << 25) + 1, (1L << 25) + 1, 1L << 27};
        String key = "ebpf_exporter_exporter_test_close_fd/" + PID;
        double[] before = LAST.getOrDefault(key, null);
        long sum = 0;
        for (long fd : fds) {
            Native.call(SysNr.CLOSE, fd);
            sum += fd;
        }
        double count0 = before == null ? 0 : before[0], sum0 = before == null ? 0 : before[1];
        for (int i = 0; i < 100 && (LAST.get(key) == null || LAST.get(key)[0] < count0 + 6); i++) Thread.sleep(100);
        double[] h = LAST.get(key);
        assertTrue(h != null, LAST.keySet().toString());
        assertEquals(count0 + 6, h[0]);
        assertEquals(sum0 + sum, h[1]);
        List<Double> bounds = BOUNDS.get(key);
        List<Double> expected = new ArrayList<>();
        for (int i = 20; i <= 30; i++) expected.add(Math.pow(2, i));
        assertEquals(expected, bounds);
        // per-bucket counts (OTLP's are not cumulative): the test's fds in buckets 24, 26 and 27, overflow last
        Map<Double, Double> buckets = new TreeMap<>();
        for (int i = 0; i < bounds.size(); i++) buckets.put(bounds.get(i), h[2 + i]);
        assertEquals(h.length, 2 + bounds.size() + 1);
        double b24 = buckets.get(Math.pow(2, 24)), b26 = buckets.get(Math.pow(2, 26)), b27 = buckets.get(Math.pow(2, 27));
        double[] b0 = before;
        assertEquals((b0 == null ? 0 : b0[2 + 4]) + 3, b24);
        assertEquals((b0 == null ? 0 : b0[2 + 6]) + 2, b26);
        assertEquals((b0 == null ? 0 : b0[2 + 7]) + 1, b27);
    }

    @Test
    void spansFromTheRingBufferArriveAsOtlpTraces() throws Exception {
        long pid = ProcessHandle.current().pid();
        byte[] lo = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(pid).array();
        String trace = "1122334455667788" + java.util.HexFormat.of().formatHex(lo);
        long t0 = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < 50; i++) Native.call(SysNr.GETPPID, 0);
        long t1 = System.currentTimeMillis() * 1_000_000L + 1_000_000L;
        List<Span> mine = List.of();
        for (int i = 0; i < 100 && mine.size() < 50; i++) {
            Thread.sleep(100);
            synchronized (SPANS_SEEN) {
                mine = SPANS_SEEN.stream().filter(sp -> sp.trace().equals(trace)).toList();
            }
        }
        Thread.sleep(500);
        synchronized (SPANS_SEEN) {
            mine = SPANS_SEEN.stream().filter(sp -> sp.trace().equals(trace)).toList();
        }
        assertEquals(50, mine.size(), LOG.toString());
        assertEquals(50, mine.stream().map(Span::id).distinct().count());
        for (Span sp : mine) {
            assertEquals("getppid", sp.name());
            assertEquals("", sp.parent());
            assertEquals(12345, sp.end() - sp.start());
            assertTrue(sp.start() >= t0 - 50_000_000L && sp.start() <= t1, sp.start() + " not in [" + t0 + ", " + t1 + "]");
            assertEquals(Map.of("pid", PID, "ebpf_exporter.config", "spans"), sp.attrs());
            assertEquals("bpf4j-test", sp.service());
        }
    }

    static Map<String, String> attrs(List<byte[]> kvs) {
        Map<String, String> out = new TreeMap<>();
        for (byte[] kv : kvs) {
            String k = null, v = null;
            for (Object[] f : fields(kv)) {
                if ((int) f[0] == 1) k = new String((byte[]) f[2], StandardCharsets.UTF_8);
                if ((int) f[0] == 2) {
                    for (Object[] a : fields((byte[]) f[2])) if ((int) a[0] == 1) v = new String((byte[]) a[2], StandardCharsets.UTF_8);
                }
            }
            out.put(k, v);
        }
        return out;
    }

    static void decodeTraces(byte[] body) {
        var hex = java.util.HexFormat.of();
        for (Object[] rs : fields(body)) {
            if ((int) rs[0] != 1) continue;
            String service = null;
            List<byte[]> spans = new ArrayList<>();
            for (Object[] f : fields((byte[]) rs[2])) {
                if ((int) f[0] == 1) {
                    List<byte[]> kvs = new ArrayList<>();
                    for (Object[] r : fields((byte[]) f[2])) if ((int) r[0] == 1) kvs.add((byte[]) r[2]);
                    service = attrs(kvs).get("service.name");
                }
                if ((int) f[0] == 2) {
                    for (Object[] ss : fields((byte[]) f[2])) if ((int) ss[0] == 2) spans.add((byte[]) ss[2]);
                }
            }
            for (byte[] sp : spans) {
                String trace = "", id = "", parent = "", name = "";
                long start = 0, end = 0;
                List<byte[]> kvs = new ArrayList<>();
                for (Object[] f : fields(sp)) {
                    switch ((int) f[0]) {
                        case 1 -> trace = hex.formatHex((byte[]) f[2]);
                        case 2 -> id = hex.formatHex((byte[]) f[2]);
                        case 4 -> parent = hex.formatHex((byte[]) f[2]);
                        case 5 -> name = new String((byte[]) f[2], StandardCharsets.UTF_8);
                        case 7 -> start = (long) f[2];
                        case 8 -> end = (long) f[2];
                        case 9 -> kvs.add((byte[]) f[2]);
                        default -> { }
                    }
                }
                SPANS_SEEN.add(new Span(trace, id, parent, name, start, end, attrs(kvs), service));
            }
        }
    }

    // --- a protobuf reader of the few messages an ExportMetricsServiceRequest holds ---

    /** A protobuf message's fields: (number, wire type, value: Long for varint/fixed, byte[] for length-delimited). */
    static List<Object[]> fields(byte[] b) {
        List<Object[]> out = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            long tag = varint(in);
            int num = (int) (tag >>> 3), wt = (int) (tag & 7);
            Object v = switch (wt) {
                case 0 -> varint(in);
                case 1 -> in.getLong();
                case 2 -> {
                    byte[] d = new byte[(int) varint(in)];
                    in.get(d);
                    yield d;
                }
                case 5 -> (long) in.getInt();
                default -> throw new IllegalArgumentException("wire type " + wt);
            };
            out.add(new Object[] {num, wt, v});
        }
        return out;
    }

    static long varint(ByteBuffer in) {
        long v = 0;
        for (int shift = 0;; shift += 7) {
            byte x = in.get();
            v |= (long) (x & 0x7f) << shift;
            if (x >= 0) return v;
        }
    }

    static void decodeRequest(byte[] body) {
        for (Object[] rm : fields(body)) {
            if ((int) rm[0] != 1) continue;
            for (Object[] sm : fields((byte[]) rm[2])) {
                if ((int) sm[0] != 2) continue;
                for (Object[] m : fields((byte[]) sm[2])) {
                    if ((int) m[0] == 2) metric((byte[]) m[2]);
                }
            }
        }
    }

    static void metric(byte[] b) {
        String name = "";
        for (Object[] f : fields(b)) {
            int n = (int) f[0];
            if (n == 1) name = new String((byte[]) f[2], StandardCharsets.UTF_8);
            if (n == 5 || n == 7) {
                for (Object[] p : fields((byte[]) f[2])) if ((int) p[0] == 1) numberPoint(name, (byte[]) p[2]);
            }
            if (n == 9) {
                for (Object[] p : fields((byte[]) f[2])) if ((int) p[0] == 1) histogramPoint(name, (byte[]) p[2]);
            }
        }
    }

    static String pid(byte[] kv) {
        String k = null, v = null;
        for (Object[] f : fields(kv)) {
            if ((int) f[0] == 1) k = new String((byte[]) f[2], StandardCharsets.UTF_8);
            if ((int) f[0] == 2) {
                for (Object[] a : fields((byte[]) f[2])) if ((int) a[0] == 1) v = new String((byte[]) a[2], StandardCharsets.UTF_8);
            }
        }
        return "pid".equals(k) ? v : null;
    }

    static void numberPoint(String name, byte[] b) {
        String pid = "";
        double value = Double.NaN;
        for (Object[] f : fields(b)) {
            int n = (int) f[0];
            if (n == 7 && pid((byte[]) f[2]) != null) pid = pid((byte[]) f[2]);
            if (n == 4) value = Double.longBitsToDouble((long) f[2]);
            if (n == 6) value = (long) f[2];
        }
        LAST.put(name + "/" + pid, new double[] {value});
    }

    static void histogramPoint(String name, byte[] b) {
        String pid = "";
        double count = 0, sum = 0;
        List<Double> counts = new ArrayList<>(), bounds = new ArrayList<>();
        for (Object[] f : fields(b)) {
            int n = (int) f[0];
            if (n == 9 && pid((byte[]) f[2]) != null) pid = pid((byte[]) f[2]);
            if (n == 4) count = (long) f[2];
            if (n == 5) sum = Double.longBitsToDouble((long) f[2]);
            if (n == 6 || n == 7) {
                ByteBuffer in = ByteBuffer.wrap((byte[]) f[2]).order(ByteOrder.LITTLE_ENDIAN);
                while (in.hasRemaining()) {
                    long x = in.getLong();
                    if (n == 6) counts.add((double) x);
                    else bounds.add(Double.longBitsToDouble(x));
                }
            }
        }
        double[] out = new double[2 + counts.size()];
        out[0] = count;
        out[1] = sum;
        for (int i = 0; i < counts.size(); i++) out[2 + i] = counts.get(i);
        BOUNDS.put(name + "/" + pid, bounds);
        LAST.put(name + "/" + pid, out);
    }
}
