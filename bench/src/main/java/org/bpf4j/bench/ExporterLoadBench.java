package org.bpf4j.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.bpf4j.BpfMap;

/**
 * exporter-load: {@code bpf4j exporter} (another process, started by bench/exporter-load) serving
 * CONFIGS configs of SERIES counter series each, scraped by SCRAPERS concurrent clients (each one
 * scrape every INTERVAL ms) for SECONDS, while a writer sets every series to its round number r
 * every 100 ms through the maps. Each scrape must show every series (or it is an error) and no
 * series below what the same scraper saw before (or it is a lost update); after the writer stops,
 * a final scrape must show every series at the last round. Prints the scrape latency (p50, p99,
 * max), the exporter's CPU (its utime + stime over the run, as a share of one CPU) and its RSS.
 *
 * <pre>bpf4j-bench exporter-load PID PORT [CONFIGS [SERIES [SCRAPERS [SECONDS [INTERVAL_MS]]]]]</pre>
 */
public final class ExporterLoadBench {
    private ExporterLoadBench() {}

    public static void run(String[] args) throws Exception {
        long pid = Long.parseLong(args[0]);
        int port = Integer.parseInt(args[1]);
        int configs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int series = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        int scrapers = args.length > 4 ? Integer.parseInt(args[4]) : 50;
        int seconds = args.length > 5 ? Integer.parseInt(args[5]) : 60;
        int intervalMs = args.length > 6 ? Integer.parseInt(args[6]) : 1000;
        URI uri = URI.create("http://127.0.0.1:" + port + "/metrics");

        // the exporter's maps, by their kernel names
        BpfMap[] maps = new BpfMap[configs];
        for (int id : BpfMap.ids()) {
            BpfMap m;
            try {
                m = BpfMap.open(id);
            } catch (RuntimeException e) {
                continue;
            }
            boolean kept = false;
            for (int i = 0; i < configs; i++) {
                if (m.name().equals("bench_l" + i + "_total")) {
                    if (maps[i] != null) throw new IllegalStateException("two maps named " + m.name() + ": another exporter runs");
                    maps[i] = m;
                    kept = true;
                }
            }
            if (!kept) m.close();
        }
        for (int i = 0; i < configs; i++) {
            if (maps[i] == null) throw new IllegalStateException("no map bench_l" + i + "_total: is the exporter running?");
        }
        AtomicLong round = new AtomicLong();
        write(maps, series, 0);
        long[] cpu0 = cpu(pid);
        long t0 = System.nanoTime(), deadline = t0 + seconds * 1_000_000_000L;

        Thread writer = Thread.ofPlatform().name("writer").start(() -> {
            while (System.nanoTime() < deadline) {
                write(maps, series, round.incrementAndGet());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        LongAdder errors = new LongAdder(), lost = new LongAdder(), scrapes = new LongAdder();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().build();
        for (int s = 0; s < scrapers; s++) {
            long[] lat = new long[seconds * 1000 / Math.max(1, intervalMs) * 2 + 16];
            latencies.add(lat);
            int first = s;
            threads.add(Thread.ofPlatform().name("scraper-" + s).start(() -> {
                long[] seen = new long[configs * series];
                int n = 0;
                // spread the scrapers over the interval
                sleepMs((long) intervalMs * first / scrapers);
                while (System.nanoTime() < deadline && n < lat.length) {
                    long a = System.nanoTime();
                    String body;
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) throw new IOException("HTTP " + r.statusCode());
                        body = r.body();
                    } catch (IOException | InterruptedException e) {
                        errors.increment();
                        continue;
                    }
                    long b = System.nanoTime();
                    lat[n++] = b - a;
                    scrapes.increment();
                    long[] now = parse(body, configs, series);
                    if (now == null) {
                        errors.increment();
                    } else {
                        for (int k = 0; k < now.length; k++) {
                            if (now[k] < seen[k]) lost.increment();
                            seen[k] = now[k];
                        }
                    }
                    sleepMs(intervalMs - (System.nanoTime() - a) / 1_000_000);
                }
                if (n < lat.length) lat[n] = -1;
            }));
        }
        for (Thread t : threads) t.join();
        writer.join();
        long elapsed = System.nanoTime() - t0;
        long[] cpu1 = cpu(pid);
        // the final state: every series at the last round
        long last = round.get();
        long[] fin = parse(http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body(), configs, series);
        long finalLost = 0;
        if (fin == null) {
            errors.increment();
        } else {
            for (long v : fin) if (v != last) finalLost++;
        }
        long[] all = latencies.stream().flatMapToLong(l -> Arrays.stream(l).takeWhile(x -> x > 0)).sorted().toArray();
        double ticks = 100.0; // USER_HZ
        double cpuShare = ((cpu1[0] + cpu1[1]) - (cpu0[0] + cpu0[1])) / ticks / (elapsed / 1e9);
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        System.out.printf("exporter-load: %d configs x %d series = %d series, %d scrapers every %d ms for %d s%n", configs, series,
                configs * series, scrapers, intervalMs, seconds);
        System.out.printf("scrapes %d, errors %d, lost updates %d (during) + %d (final, %d rounds)%n", scrapes.sum(), errors.sum(),
                lost.sum(), finalLost, last);
        System.out.printf("scrape latency ms: p50 %.1f p90 %.1f p99 %.1f max %.1f%n", pct(all, 50), pct(all, 90), pct(all, 99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6);
        System.out.printf("exporter CPU %.1f%% of one CPU (utime+stime), %s, %s%n", cpuShare * 100, field(status, "VmRSS"),
                field(status, "VmHWM"));
        System.out.printf("RESULT\texporter-load\tbpf4j\tseries=%d\tscrapers=%d\tinterval_ms=%d\tseconds=%d\tscrapes=%d\terrors=%d"
                + "\tlost=%d\tp50_ms=%.1f\tp99_ms=%.1f\tmax_ms=%.1f\tcpu_pct=%.1f\trss_kb=%s\thwm_kb=%s%n",
                configs * series, scrapers, intervalMs, seconds, scrapes.sum(), errors.sum(), lost.sum() + finalLost, pct(all, 50),
                pct(all, 99), all.length == 0 ? 0 : all[all.length - 1] / 1e6, cpuShare * 100, kb(status, "VmRSS"), kb(status, "VmHWM"));
    }

    private static void sleepMs(long ms) {
        if (ms <= 0) return;
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static String field(String status, String name) {
        for (String line : status.split("\n")) if (line.startsWith(name + ":")) return name + " " + line.substring(name.length() + 1).trim();
        return name + " ?";
    }

    private static String kb(String status, String name) {
        return field(status, name).replaceAll("[^0-9]", "");
    }

    /** utime and stime of a process, in clock ticks. */
    private static long[] cpu(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    private static void write(BpfMap[] maps, int series, long value) {
        byte[] k = new byte[4], v = new byte[8];
        ByteBuffer kb = ByteBuffer.wrap(k).order(ByteOrder.nativeOrder()), vb = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder());
        vb.putLong(0, value);
        for (BpfMap m : maps) {
            for (int s = 0; s < series; s++) {
                kb.putInt(0, s);
                m.update(k, v, 0);
            }
        }
    }

    /** The bench series of an exposition, config-major; null unless every series is there once. */
    static long[] parse(String body, int configs, int series) {
        long[] out = new long[configs * series];
        boolean[] got = new boolean[out.length];
        int count = 0;
        String prefix = "ebpf_exporter_bench_l";
        int at = 0;
        while ((at = body.indexOf(prefix, at)) >= 0) {
            int start = at, eol = body.indexOf('\n', at);
            if (eol < 0) eol = body.length();
            String line = body.substring(start, eol);
            at = eol;
            if (start > 0 && body.charAt(start - 1) != '\n') continue; // in a # HELP or # TYPE line
            int u = line.indexOf("_total{series=\"");
            if (u < 0) continue;
            int cfg = Integer.parseInt(line, prefix.length(), u, 10);
            int q = line.indexOf('"', u + 15);
            int s = Integer.parseInt(line, u + 15, q, 10);
            double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            int idx = cfg * series + s;
            if (cfg >= configs || s >= series || got[idx]) return null;
            got[idx] = true;
            out[idx] = (long) v;
            count++;
        }
        return count == out.length ? out : null;
    }
}
