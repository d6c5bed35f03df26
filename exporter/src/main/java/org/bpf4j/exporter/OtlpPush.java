package org.bpf4j.exporter;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricProducer;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableDoublePointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableGaugeData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSumData;
import io.opentelemetry.sdk.resources.Resource;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code --otlp.endpoint}: the exporter's metrics (the same snapshots /metrics serves, without the
 * JVM's) pushed over OTLP/HTTP by the OpenTelemetry SDK every interval: counters as cumulative
 * monotonic sums, gauges and untyped values as gauges, histograms as explicit-bucket histograms
 * with the kernel's buckets (per-bucket counts, as OTLP has them) and their sum.
 */
final class OtlpPush implements AutoCloseable {
    private final SdkMeterProvider provider;
    private final io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter spanExporter;
    private final java.util.concurrent.LinkedBlockingQueue<io.opentelemetry.sdk.trace.data.SpanData> queue =
            new java.util.concurrent.LinkedBlockingQueue<>(100_000);
    private final Thread spanThread;
    private volatile boolean stop;

    /** The SDK's log (java.util.logging): one line per record on stderr, no stack traces (a collector that is down is not a bug). */
    private static final java.util.logging.Logger SDK_LOG = java.util.logging.Logger.getLogger("io.opentelemetry");

    static void oneLineLogs(java.io.PrintStream err) {
        SDK_LOG.setUseParentHandlers(false);
        for (var h : SDK_LOG.getHandlers()) SDK_LOG.removeHandler(h);
        SDK_LOG.addHandler(new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() < java.util.logging.Level.WARNING.intValue()) return;
                Throwable t = r.getThrown();
                String cause = "";
                for (Throwable c = t; c != null; c = c.getCause()) if (c.getMessage() != null) cause = c.getMessage();
                if (cause.isEmpty() && t != null) cause = t.getClass().getSimpleName();
                err.println("bpf4j exporter: otlp: " + java.text.MessageFormat.format(String.valueOf(r.getMessage()),
                        r.getParameters() == null ? new Object[0] : r.getParameters()) + (cause.isEmpty() ? "" : ": " + cause));
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {}
        });
    }

    OtlpPush(String endpoint, Duration interval, Exporter exporter) {
        String url = endpoint.endsWith("/v1/metrics") ? endpoint : endpoint.replaceAll("/+$", "") + "/v1/metrics";
        var otlp = OtlpHttpMetricExporter.builder().setEndpoint(url).build();
        long start = System.currentTimeMillis() * 1_000_000L;
        MetricProducer producer = resource -> convert(exporter, resource, start);
        provider = SdkMeterProvider.builder()
                .setResource(Resource.getDefault().toBuilder().put("service.name", "bpf4j-exporter").build())
                .registerMetricProducer(producer)
                .registerMetricReader(PeriodicMetricReader.builder(otlp).setInterval(interval).build())
                .build();
        // tracing.spans: batches of what the ring buffers bring, every 200 ms, to /v1/traces
        String base = url.substring(0, url.length() - "/v1/metrics".length());
        spanExporter = io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces").build();
        spanThread = Thread.ofPlatform().daemon().name("exporter-otlp-spans").start(this::sendSpans);
        exporter.spans(s -> queue.offer(s));
    }

    private void sendSpans() {
        List<io.opentelemetry.sdk.trace.data.SpanData> batch = new ArrayList<>();
        while (true) {
            try {
                var first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, 4095);
                }
            } catch (InterruptedException e) {
                queue.drainTo(batch);
            }
            if (!batch.isEmpty()) {
                spanExporter.export(List.copyOf(batch)).join(10, TimeUnit.SECONDS);
                batch.clear();
            }
            if (stop && queue.isEmpty()) return;
        }
    }

    static Collection<MetricData> convert(Exporter exporter, Resource resource, long start) {
        InstrumentationScopeInfo scope = InstrumentationScopeInfo.create("org.bpf4j.exporter");
        long now = System.currentTimeMillis() * 1_000_000L;
        List<MetricData> out = new ArrayList<>();
        for (MetricSnapshot s : exporter.collect()) {
            String name = s.getMetadata().getPrometheusName(), help = s.getMetadata().getHelp();
            switch (s) {
                case CounterSnapshot c -> {
                    List<DoublePointData> points = new ArrayList<>();
                    for (var d : c.getDataPoints()) points.add(ImmutableDoublePointData.create(start, now, attributes(d.getLabels()), d.getValue()));
                    out.add(ImmutableMetricData.createDoubleSum(resource, scope, name, help, "",
                            ImmutableSumData.create(true, AggregationTemporality.CUMULATIVE, points)));
                }
                case GaugeSnapshot g -> {
                    List<DoublePointData> points = new ArrayList<>();
                    for (var d : g.getDataPoints()) points.add(ImmutableDoublePointData.create(start, now, attributes(d.getLabels()), d.getValue()));
                    out.add(ImmutableMetricData.createDoubleGauge(resource, scope, name, help, "", ImmutableGaugeData.create(points)));
                }
                case UnknownSnapshot u -> {
                    List<DoublePointData> points = new ArrayList<>();
                    for (var d : u.getDataPoints()) points.add(ImmutableDoublePointData.create(start, now, attributes(d.getLabels()), d.getValue()));
                    out.add(ImmutableMetricData.createDoubleGauge(resource, scope, name, help, "", ImmutableGaugeData.create(points)));
                }
                case HistogramSnapshot h -> {
                    List<HistogramPointData> points = new ArrayList<>();
                    for (var d : h.getDataPoints()) {
                        var b = d.getClassicBuckets();
                        List<Double> bounds = new ArrayList<>();
                        List<Long> counts = new ArrayList<>();
                        for (int i = 0; i < b.size(); i++) {
                            if (!Double.isInfinite(b.getUpperBound(i))) bounds.add(b.getUpperBound(i));
                            counts.add(b.getCount(i));
                        }
                        points.add(ImmutableHistogramPointData.create(start, now, attributes(d.getLabels()),
                                d.hasSum() ? d.getSum() : 0, false, 0, false, 0, bounds, counts));
                    }
                    out.add(ImmutableMetricData.createDoubleHistogram(resource, scope, name, help, "",
                            ImmutableHistogramData.create(AggregationTemporality.CUMULATIVE, points)));
                }
                default -> {
                    // the exporter makes no other kinds
                }
            }
        }
        return out;
    }

    private static Attributes attributes(Labels labels) {
        AttributesBuilder b = Attributes.builder();
        for (int i = 0; i < labels.size(); i++) b.put(labels.getName(i), labels.getValue(i));
        return b.build();
    }

    /** Pushes what is left and stops. */
    @Override
    public void close() {
        stop = true;
        try {
            spanThread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spanExporter.shutdown().join(5, TimeUnit.SECONDS);
        provider.forceFlush().join(5, TimeUnit.SECONDS);
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }
}
