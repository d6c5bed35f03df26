package org.bpf4j.exporter;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.atomic.LongAdder;
import org.bpf4j.BpfException;
import org.bpf4j.BpfMap;
import org.bpf4j.ringbuf.RingBufReader;

/**
 * {@code tracing.spans}: the records of a span's ring buffer, decoded by its labels into
 * OpenTelemetry spans as ebpf_exporter makes them: trace_id, parent_span_id, span_id (each
 * hex-decoded; a zero span or parent id is none: a new span id, no parent),
 * span_monotonic_timestamp_ns (the kernel's CLOCK_MONOTONIC, bpf_ktime_get_ns) and
 * span_duration_ns give the span, span_name its name (else the config's name, else the ring
 * buffer's), the other labels are attributes, plus {@code ebpf_exporter.config}; the service
 * name is the span's {@code service}.
 */
final class SpanReader implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String configName;
    private final Config.Span span;
    private final Decoders decoders;
    private final Consumer<SpanData> sink;
    private final RingBufReader reader;
    private final Resource resource;
    private final Thread thread;
    final LongAdder errors = new LongAdder();
    private volatile boolean stop;

    private SpanReader(String configName, Config.Span span, BpfMap ringbuf, Decoders decoders, Consumer<SpanData> sink) {
        this.configName = configName;
        this.span = span;
        this.decoders = decoders;
        this.sink = sink;
        this.resource = Resource.getDefault().toBuilder().put("service.name", span.service().isEmpty() ? "ebpf_exporter" : span.service())
                .build();
        this.reader = RingBufReader.of(ringbuf, this::onRecord);
        this.thread = Thread.ofPlatform().daemon().name("exporter-spans-" + span.ringbuf()).unstarted(this::run);
    }

    static SpanReader start(String configName, Config.Span span, BpfMap ringbuf, Decoders decoders, Consumer<SpanData> sink) {
        SpanReader r = new SpanReader(configName, span, ringbuf, decoders, sink);
        r.thread.start();
        return r;
    }

    private void run() {
        while (!stop) {
            try {
                reader.poll(100);
            } catch (BpfException | IllegalArgumentException e) {
                if (stop) return;
                errors.increment();
            }
        }
    }

    private void onRecord(MemorySegment data, long offset, int length) {
        int size = Math.min(span.recordSize(), length);
        byte[] raw = data.asSlice(offset, size).toArray(ValueLayout.JAVA_BYTE);
        List<String> labels = new ArrayList<>();
        int off = 0;
        try {
            for (Config.Label l : span.labels()) {
                int end = Math.min(off + l.size(), raw.length);
                labels.add(decoders.label(java.util.Arrays.copyOfRange(raw, Math.min(off, end), end), l));
                off += l.size() + l.padding();
            }
        } catch (Decoders.Skip s) {
            return;
        }
        SpanData d = toSpan(labels);
        if (d == null) {
            errors.increment();
            return;
        }
        sink.accept(d);
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    SpanData toSpan(List<String> labels) {
        String name = !span.name().isEmpty() ? span.name() : span.ringbuf();
        String traceId = null, spanId = null, parentId = null;
        long ts = -1, duration = 0;
        AttributesBuilder attrs = Attributes.builder();
        String nil = "0000000000000000";
        try {
            for (int i = 0; i < labels.size(); i++) {
                String v = labels.get(i);
                switch (span.labels().get(i).name()) {
                    case "trace_id" -> traceId = v;
                    case "span_id" -> spanId = v.equals(nil) ? null : v;
                    case "parent_span_id" -> parentId = v.equals(nil) ? null : v;
                    case "span_monotonic_timestamp_ns" -> ts = Long.parseUnsignedLong(v);
                    case "span_duration_ns" -> duration = Long.parseUnsignedLong(v);
                    case "span_name" -> name = v;
                    default -> attrs.put(span.labels().get(i).name(), v);
                }
            }
        } catch (NumberFormatException e) {
            return null;
        }
        if (traceId != null && !TraceId.isValid(traceId)) return null;
        if (spanId != null && !SpanId.isValid(spanId)) return null;
        if (parentId != null && !SpanId.isValid(parentId)) return null;
        if (traceId == null) traceId = randomHex(16);
        if (spanId == null) spanId = randomHex(8);
        attrs.put("ebpf_exporter.config", configName);
        Instant now = Instant.now();
        long wall = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        long start = ts < 0 ? wall : wall + (ts - System.nanoTime());
        SpanContext ctx = SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
        SpanContext parent = parentId == null ? SpanContext.getInvalid()
                : SpanContext.create(traceId, parentId, TraceFlags.getSampled(), TraceState.getDefault());
        return new Data(name, ctx, parent, start, start + duration, attrs.build(), resource);
    }

    /** A finished span. */
    record Data(String name, SpanContext spanContext, SpanContext parentSpanContext, long start, long end, Attributes attributes,
            Resource resource) implements SpanData {
        static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("org.bpf4j.exporter");

        @Override
        public String getName() {
            return name;
        }

        @Override
        public SpanKind getKind() {
            return SpanKind.INTERNAL;
        }

        @Override
        public SpanContext getSpanContext() {
            return spanContext;
        }

        @Override
        public SpanContext getParentSpanContext() {
            return parentSpanContext;
        }

        @Override
        public StatusData getStatus() {
            return StatusData.unset();
        }

        @Override
        public long getStartEpochNanos() {
            return start;
        }

        @Override
        public Attributes getAttributes() {
            return attributes;
        }

        @Override
        public List<EventData> getEvents() {
            return List.of();
        }

        @Override
        public List<LinkData> getLinks() {
            return List.of();
        }

        @Override
        public long getEndEpochNanos() {
            return end;
        }

        @Override
        public boolean hasEnded() {
            return true;
        }

        @Override
        public int getTotalRecordedEvents() {
            return 0;
        }

        @Override
        public int getTotalRecordedLinks() {
            return 0;
        }

        @Override
        public int getTotalAttributeCount() {
            return attributes.size();
        }

        @Override
        @SuppressWarnings("deprecation")
        public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
            return InstrumentationLibraryInfo.create(SCOPE.getName(), null);
        }

        @Override
        public InstrumentationScopeInfo getInstrumentationScopeInfo() {
            return SCOPE;
        }

        @Override
        public Resource getResource() {
            return resource;
        }
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.close();
    }
}
