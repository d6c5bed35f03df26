package org.bpf4j.exporter;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.bpf4j.BpfException;
import org.bpf4j.BpfMap;
import org.bpf4j.perf.PerfBufReader;

/**
 * A counter fed by a perf event array ({@code perf_event_array: true}), with ebpf_exporter's
 * semantics: each event's leading bytes (the labels' sizes and paddings) are decoded into labels
 * and count one; every {@code flush_interval} (one hour when unset) the counts start again from
 * nothing; the events the kernel dropped count in {@code dropped_perf_event_map_events_NAME}.
 */
final class PerfCounter implements AutoCloseable {
    static final Duration DEFAULT_FLUSH = Duration.ofHours(1);

    private final Config config;
    private final Config.Metric metric;
    private final Decoders decoders;
    private final PerfBufReader reader;
    private final Duration flush;
    private volatile Map<List<String>, LongAdder> counts = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final LongAdder decodeErrors = new LongAdder();
    private final Thread poller;
    private volatile boolean stop;
    private volatile long nextFlush;

    private PerfCounter(Config config, Config.Metric metric, BpfMap map, Decoders decoders) {
        this.config = config;
        this.metric = metric;
        this.decoders = decoders;
        Duration f = metric.flushInterval();
        this.flush = f == null || f.isZero() || f.isNegative() ? DEFAULT_FLUSH : f;
        this.reader = PerfBufReader.builder(map).pagesPerCpu(16).onLost((cpu, n) -> dropped.addAndGet(n)).open(this::onSample);
        this.nextFlush = System.nanoTime() + flush.toNanos();
        this.poller = Thread.ofPlatform().daemon().name("exporter-perf-" + metric.name()).unstarted(this::run);
    }

    static PerfCounter start(Config config, Config.Metric metric, BpfMap map, Decoders decoders) {
        PerfCounter p = new PerfCounter(config, metric, map, decoders);
        p.poller.start();
        return p;
    }

    private void run() {
        while (!stop) {
            try {
                reader.poll(100);
            } catch (BpfException e) {
                if (stop) return;
                decodeErrors.increment();
            }
            long now = System.nanoTime();
            if (now - nextFlush >= 0) {
                counts = new ConcurrentHashMap<>();
                nextFlush = now + flush.toNanos();
            }
        }
    }

    private void onSample(int cpu, MemorySegment data, long offset, int length) {
        int size = Math.min(metric.keySize(), length);
        byte[] raw = data.asSlice(offset, size).toArray(ValueLayout.JAVA_BYTE);
        List<String> labels = new ArrayList<>(metric.labels().size());
        int off = 0;
        try {
            for (Config.Label l : metric.labels()) {
                int end = Math.min(off + l.size(), raw.length);
                labels.add(decoders.label(java.util.Arrays.copyOfRange(raw, Math.min(off, end), end), l));
                off += l.size() + l.padding();
            }
        } catch (Decoders.Skip s) {
            return;
        } catch (RuntimeException e) {
            decodeErrors.increment();
            return;
        }
        counts.computeIfAbsent(List.copyOf(labels), k -> new LongAdder()).increment();
    }

    /** The current counts, as samples. */
    List<Loaded.Sample> samples() {
        List<Loaded.Sample> out = new ArrayList<>();
        for (var e : counts.entrySet()) out.add(new Loaded.Sample(e.getKey(), e.getValue().sum()));
        return out;
    }

    /** The events the kernel dropped (the buffer was full). */
    long dropped() {
        return dropped.get();
    }

    Config config() {
        return config;
    }

    @Override
    public void close() {
        stop = true;
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.close();
    }
}
