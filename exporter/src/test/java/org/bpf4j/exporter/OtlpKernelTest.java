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

    @BeforeAll
    static void start() throws Exception {
        KernelTests.requireKernel();
        ConfigTest.write(dir, "counts", ConfigTest.COUNTER);
        ConfigTest.write(dir, "hist", ConfigTest.HISTOGRAM);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/metrics", x -> {
            try (x) {
                contentType = x.getRequestHeaders().getFirst("Content-Type");
                decodeRequest(x.getRequestBody().readAllBytes());
                x.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                x.sendResponseHeaders(200, 0);
            }
        });
        receiver.start();
        ExporterKernelTest.port = ExporterKernelTest.freePort();
        var o = new ExporterCommand.Options(dir, List.of("counts", "hist"), "127.0.0.1", ExporterKernelTest.port, null,
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
