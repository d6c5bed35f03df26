package org.bpf4j.exporter;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bpf4j.BpfException;
import org.bpf4j.LoadOptions;

/**
 * The configs of an exporter and their metrics: each config is loaded on its own (one that fails
 * is reported, the others run), and every scrape reads their maps into Prometheus snapshots:
 * counters as they are, histograms from the kernel's buckets, cumulative, without re-bucketing.
 */
public final class Exporter implements MultiCollector, AutoCloseable {
    /** A config's state: loaded, or the error that stopped it. */
    record State(String name, Loaded loaded, String error) {}

    private final Path dir;
    private final List<String> names;
    private final LoadOptions options;
    private final String prefix;
    private final PrintStream log;
    private final Decoders decoders = new Decoders();
    private volatile Map<String, State> states = Map.of();
    private volatile java.util.function.Consumer<io.opentelemetry.sdk.trace.data.SpanData> spans = s -> {};

    /** Where the configs' spans (tracing.spans) go; until set, they are read and dropped. */
    void spans(java.util.function.Consumer<io.opentelemetry.sdk.trace.data.SpanData> sink) {
        spans = sink;
    }

    public Exporter(Path dir, List<String> names, LoadOptions options, String prefix, PrintStream log) {
        this.dir = dir;
        this.names = List.copyOf(names);
        this.options = options;
        this.prefix = prefix;
        this.log = log;
    }

    /**
     * (Re)loads every config. A config that loads replaces its previous instance; one that fails
     * keeps its previous instance running (if any) and reports the error.
     */
    public synchronized void load() {
        Map<String, State> next = new LinkedHashMap<>();
        for (String name : names) {
            State old = states.get(name);
            try {
                Config c = Config.read(dir, name);
                Loaded l = Loaded.load(c, options, decoders, s -> spans.accept(s));
                next.put(name, new State(name, l, null));
                if (old != null && old.loaded() != null) {
                    old.loaded().close();
                    // what the previous instance held exclusively (XDP on an interface) is free now
                    if (l.hasFailed()) l.reattachFailed();
                }
                for (Loaded.Program p : l.programs) {
                    if (!p.attached()) log.println("config " + name + ": program " + p.name() + " not attached: " + p.error());
                }
            } catch (BpfException e) {
                log.println(e.getMessage());
                next.put(name, new State(name, old == null ? null : old.loaded(), e.getMessage()));
            }
        }
        states = next;
    }

    /** The configs' states, in the order of {@code --config.names}. */
    public List<State> states() {
        return List.copyOf(states.values());
    }

    private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<MetricSnapshots>> inflight =
            new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * The configs' metrics. Scrapes that arrive while a collection runs share it (single flight):
     * with many scrapers, each map is read once per collection instead of once per scraper, and
     * every scrape still gets values read after it arrived or while it waited.
     */
    @Override
    public MetricSnapshots collect() {
        var mine = new java.util.concurrent.CompletableFuture<MetricSnapshots>();
        var running = inflight.compareAndExchange(null, mine);
        if (running != null) return running.join();
        try {
            mine.complete(collectNow());
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inflight.set(null);
        }
        return mine.join();
    }

    private MetricSnapshots collectNow() {
        List<MetricSnapshot> out = new ArrayList<>();
        GaugeSnapshot.Builder enabled = GaugeSnapshot.builder().name(prefix + "enabled_configs")
                .help("The set of enabled configs (1: loaded, 0: failed to load)");
        GaugeSnapshot.Builder info = GaugeSnapshot.builder().name(prefix + "ebpf_program_info")
                .help("Info about ebpf programs");
        GaugeSnapshot.Builder attached = GaugeSnapshot.builder().name(prefix + "ebpf_program_attached")
                .help("Whether a program is attached");
        Map<String, MetricSnapshot> metrics = new TreeMap<>();
        for (State s : states.values()) {
            enabled.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("name", s.name()))
                    .value(s.loaded() != null && s.error() == null ? 1 : 0).build());
            Loaded l = s.loaded();
            if (l == null) continue;
            for (Loaded.Program p : l.programs) {
                String id = Integer.toString(p.id());
                info.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(Labels.of("config", s.name(), "id", id, "program", p.name(), "tag", p.tag())).value(1).build());
                attached.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("id", id))
                        .value(p.attached() ? 1 : 0).build());
            }
            for (Config.Metric m : l.config.counters()) {
                if (m.perfEventArray()) {
                    PerfCounter pc = l.perfCounters.get(m.name());
                    metrics.put(m.name(), counter(prefix, m, pc.samples()));
                    // ebpf_exporter's drop counter: its own namespace, not the prefix
                    var drop = new Config.Metric(m.name(), "Dropped perf map events", List.of(), false, null, 0, 0, 0,
                            List.of(), null);
                    metrics.put("\0dropped " + m.name(), counter("dropped_perf_event_map_events_", drop,
                            List.of(new Loaded.Sample(List.of(), pc.dropped()))));
                    continue;
                }
                metrics.put(m.name(), counter(prefix, m, l.samples(m, names(m.labels(), m.labels().size()))));
            }
            for (Config.Metric m : l.config.histograms()) {
                MetricSnapshot h = histogram(l.config, m, l.samples(m));
                if (h != null) metrics.put(m.name(), h);
            }
        }
        out.add(enabled.build());
        out.add(info.build());
        out.add(attached.build());
        out.addAll(metrics.values());
        return new MetricSnapshots(out);
    }

    private static String[] names(List<Config.Label> labels, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) out[i] = labels.get(i).name();
        return out;
    }

    /** A counter: client_java names counters without their {@code _total}; a name without one stays as it is, untyped. */
    private static MetricSnapshot counter(String prefix, Config.Metric m, List<Loaded.Sample> samples) {
        String[] labelNames = names(m.labels(), m.labels().size());
        if (m.name().endsWith("_total")) {
            var b = CounterSnapshot.builder().name(prefix + m.name().substring(0, m.name().length() - 6)).help(m.help());
            for (Loaded.Sample s : samples) {
                Labels labels = s.prom() != null ? s.prom() : Labels.of(labelNames, s.labels().toArray(String[]::new));
                b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(unsigned(s.value())).build());
            }
            return b.build();
        }
        var b = UnknownSnapshot.builder().name(prefix + m.name()).help(m.help());
        for (Loaded.Sample s : samples) {
            Labels labels = s.prom() != null ? s.prom() : Labels.of(labelNames, s.labels().toArray(String[]::new));
            b.dataPoint(UnknownSnapshot.UnknownDataPointSnapshot.builder().labels(labels).value(unsigned(s.value())).build());
        }
        return b.build();
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2 + (v & 1);
    }

    /**
     * A histogram: the last label is the kernel's bucket index (or key, for fixed buckets); every
     * bucket of the config is present (missing ones count 0), and the key after the last bucket,
     * when the map has it, is the sum in the unit of the buckets.
     */
    private MetricSnapshot histogram(Config c, Config.Metric m, List<Loaded.Sample> samples) {
        int n = m.labels().size() - 1;
        String[] labelNames = names(m.labels(), n);
        Map<List<String>, Map<Double, Long>> sets = new LinkedHashMap<>();
        for (Loaded.Sample s : samples) {
            double bucket;
            try {
                bucket = Long.parseUnsignedLong(s.labels().get(n));
            } catch (NumberFormatException e) {
                log.println(c.yaml() + ": config " + c.name() + ", metric " + m.name() + ": bucket label "
                        + m.labels().get(n).name() + " is \"" + s.labels().get(n) + "\", not a number (a uint decoder?)");
                return null;
            }
            sets.computeIfAbsent(s.labels().subList(0, n), k -> new TreeMap<>()).merge(bucket, s.value(), Long::sum);
        }
        List<Double> keys = new ArrayList<>();
        if (m.bucketType() == Config.BucketType.FIXED) {
            keys.addAll(m.bucketKeys());
        } else {
            for (int i = m.bucketMin(); i <= m.bucketMax(); i++) keys.add((double) i);
        }
        double sumKey = keys.getLast() + 1, mult = m.multiplier();
        var b = HistogramSnapshot.builder().name(prefix + m.name()).help(m.help());
        for (var set : sets.entrySet()) {
            double[] bounds = new double[keys.size() + 1];
            long[] counts = new long[keys.size() + 1];
            long total = 0;
            for (int i = 0; i < keys.size(); i++) {
                bounds[i] = upper(m, keys.get(i));
                counts[i] = set.getValue().getOrDefault(keys.get(i), 0L);
                total += counts[i];
            }
            bounds[keys.size()] = Double.POSITIVE_INFINITY;
            var dp = HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .labels(Labels.of(labelNames, set.getKey().toArray(String[]::new)))
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts));
            dp.sum(unsigned(set.getValue().getOrDefault(sumKey, 0L)) * mult);
            if (total < 0) throw new BpfException("histogram " + m.name() + " overflows");
            b.dataPoint(dp.build());
        }
        return b.build();
    }

    /** The upper bound of bucket {@code i}, in the config's unit (bucket_multiplier). */
    static double upper(Config.Metric m, double i) {
        double mult = m.multiplier();
        return switch (m.bucketType()) {
            case EXP2 -> Math.pow(2, i) * mult;
            case EXP2ZERO -> i == 0 ? 0 : Math.pow(2, i - 1) * mult;
            case LINEAR, FIXED -> i * mult;
        };
    }

    /** The {@code /} page: the configs, their programs and attach state, and their errors. */
    public String page() {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html><head><title>bpf4j exporter</title></head><body>\n"
                + "<h1>bpf4j exporter</h1>\n<p><a href=\"/metrics\">Metrics</a></p>\n<h2>Configs</h2>\n<table border=\"1\">\n"
                + "<tr><th>config</th><th>state</th><th>programs</th><th>error</th></tr>\n");
        for (State s : states.values()) {
            sb.append("<tr><td>").append(esc(s.name())).append("</td><td>")
                    .append(s.error() == null ? "loaded" : s.loaded() != null ? "reload failed (previous still running)" : "failed")
                    .append("</td><td>");
            if (s.loaded() != null) {
                for (Loaded.Program p : s.loaded().programs) {
                    sb.append(esc(p.name())).append(" (").append(esc(p.section())).append(", id ").append(p.id()).append("): ")
                            .append(p.attached() ? "attached" + (p.detail().isEmpty() ? "" : " " + esc(p.detail()))
                                    : "not attached: " + esc(p.error())).append("<br>");
                }
            }
            sb.append("</td><td>").append(s.error() == null ? "" : esc(s.error())).append("</td></tr>\n");
        }
        return sb.append("</table>\n</body></html>\n").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Detaches and unloads every config. */
    @Override
    public synchronized void close() {
        for (State s : states.values()) if (s.loaded() != null) s.loaded().close();
        states = Map.of();
    }
}
