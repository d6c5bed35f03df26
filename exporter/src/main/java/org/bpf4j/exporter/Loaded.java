package org.bpf4j.exporter;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bpf4j.BpfException;
import org.bpf4j.BpfLink;
import org.bpf4j.BpfMap;
import org.bpf4j.BpfObject;
import org.bpf4j.BpfProgram;
import org.bpf4j.LoadOptions;
import org.bpf4j.ObjectSpec;
import org.bpf4j.SectionDef;

/**
 * A config whose object is loaded and attached: its programs and their attach state, and the
 * reading of its metric maps into decoded samples. Closing it detaches and unloads everything.
 */
final class Loaded implements AutoCloseable {
    /** One map entry: its decoded labels and its value (summed over CPUs for per-CPU maps without a cpu label). */
    record Sample(List<String> labels, long value, io.prometheus.metrics.model.snapshots.Labels prom) {
        Sample(List<String> labels, long value) {
            this(labels, value, null);
        }
    }

    /** A program and whether it is attached (or why not); {@code detail} says where, when it is more than one place. */
    record Program(String name, String section, int id, String tag, boolean attached, String error, String detail) {
        Program(String name, String section, int id, String tag, boolean attached, String error) {
            this(name, section, id, tag, attached, error, "");
        }
    }

    final Config config;
    private final BpfObject object;
    private final List<BpfLink> links = new ArrayList<>();
    final List<Program> programs = new ArrayList<>();
    private final Decoders decoders;
    private final Map<String, Map<String, List<String>>> labelCache = new ConcurrentHashMap<>();
    /** The counters fed by perf event arrays, by metric name. */
    final Map<String, PerfCounter> perfCounters = new LinkedHashMap<>();
    private CgroupIdMapSync cgroupSync;
    private final List<SpanReader> spanReaders = new ArrayList<>();

    private Loaded(Config config, BpfObject object, Decoders decoders) {
        this.config = config;
        this.object = object;
        this.decoders = decoders;
    }

    /** Loads the config's object, checks its metric maps, attaches its programs. */
    static Loaded load(Config config, LoadOptions options, Decoders decoders) {
        return load(config, options, decoders, s -> {});
    }

    /** Loads the config's object, checks its metric maps, attaches its programs; its spans go to {@code spans}. */
    static Loaded load(Config config, LoadOptions options, Decoders decoders,
            java.util.function.Consumer<io.opentelemetry.sdk.trace.data.SpanData> spans) {
        if (!java.nio.file.Files.isRegularFile(config.object())) {
            throw new BpfException(config.yaml() + ": config " + config.name() + ": no object file " + config.object());
        }
        ObjectSpec spec = ObjectSpec.read(config.object());
        // before loading: the maps the metrics read, from the object's own definitions
        check(config, spec, "metrics.counters", config.counters());
        check(config, spec, "metrics.histograms", config.histograms());
        checkPerf(config, spec);
        for (int i = 0; i < config.spans().size(); i++) {
            var sp = config.spans().get(i);
            var ms = spec.maps().get(sp.ringbuf());
            String at = config.yaml() + ": config " + config.name() + ", key tracing.spans[" + i + "].ringbuf: ";
            if (ms == null) throw new BpfException(at + "no map " + sp.ringbuf() + " in " + config.object());
            if (ms.type() != org.bpf4j.MapType.RINGBUF) throw new BpfException(at + "map " + sp.ringbuf() + " is a " + ms.type() + ", not a ring buffer");
        }
        passKaddrs(config, spec);
        if (config.cgroupIdMap() != null) CgroupIdMapSync.check(config, spec);
        BpfObject object = spec.load(options);
        Loaded l = new Loaded(config, object, decoders);
        try {
            if (config.cgroupIdMap() != null) l.cgroupSync = CgroupIdMapSync.start(config, object.map(config.cgroupIdMap().name()));
            for (Config.Span sp : config.spans()) {
                l.spanReaders.add(SpanReader.start(config.name(), sp, object.map(sp.ringbuf()), decoders, spans));
            }
            for (Config.Metric m : config.counters()) {
                if (m.perfEventArray()) l.perfCounters.put(m.name(), PerfCounter.start(config, m, object.map(m.name()), decoders));
            }
            for (BpfProgram p : object.programs().values()) l.attach(p);
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
        return l;
    }

    /** A perf_event_array counter reads the perf event array of its name. */
    private static void checkPerf(Config c, ObjectSpec spec) {
        for (int i = 0; i < c.counters().size(); i++) {
            Config.Metric m = c.counters().get(i);
            if (!m.perfEventArray()) continue;
            var ms = spec.maps().get(m.name());
            String where = c.yaml() + ": config " + c.name() + ", metric " + m.name() + ", key metrics.counters[" + i + "]";
            if (ms == null) {
                throw new BpfException(where + ".name: no map " + m.name() + " in " + c.object()
                        + " (a perf_event_array counter reads the perf event array of its name)");
            }
            if (ms.type() != org.bpf4j.MapType.PERF_EVENT_ARRAY) {
                throw new BpfException(where + ".perf_event_array: map " + m.name() + " is a " + ms.type()
                        + ", not a perf event array");
            }
        }
    }

    /**
     * {@code kaddrs}: each symbol's address from /proc/kallsyms into the object's
     * {@code const volatile u64 kaddr_SYMBOL}, before load (as ebpf_exporter; the last of
     * several symbols of one name wins, as there).
     */
    private static void passKaddrs(Config c, ObjectSpec spec) {
        if (c.kaddrs().isEmpty()) return;
        Map<String, Long> want = new LinkedHashMap<>();
        for (String k : c.kaddrs()) want.put(k, null);
        try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/kallsyms"))) {
            lines.forEach(line -> {
                String[] f = line.split(" ");
                if (f.length != 3 || !want.containsKey(f[2])) return;
                want.put(f[2], Long.parseUnsignedLong(f[0], 16));
            });
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new BpfException(c.yaml() + ": config " + c.name() + ", key kaddrs: /proc/kallsyms: " + e.getMessage());
        }
        for (int i = 0; i < c.kaddrs().size(); i++) {
            String sym = c.kaddrs().get(i);
            String at = c.yaml() + ": config " + c.name() + ", key kaddrs[" + i + "]: ";
            Long addr = want.get(sym);
            if (addr == null) throw new BpfException(at + "no kernel symbol " + sym + " in /proc/kallsyms");
            if (addr == 0) throw new BpfException(at + "/proc/kallsyms shows " + sym + " at 0 (kptr_restrict hides addresses; run as root)");
            try {
                spec.rodata().set("kaddr_" + sym, addr);
            } catch (BpfException e) {
                throw new BpfException(at + "no const volatile u64 kaddr_" + sym + " in " + c.object() + ": " + e.getMessage());
            }
        }
    }

    private static void check(Config c, ObjectSpec spec, String key, List<Config.Metric> metrics) {
        for (int i = 0; i < metrics.size(); i++) {
            Config.Metric m = metrics.get(i);
            if (m.perfEventArray()) continue;
            String at = key + "[" + i + "]";
            var ms = spec.maps().get(m.name());
            String where = c.yaml() + ": config " + c.name() + ", metric " + m.name() + ", key ";
            if (ms == null) {
                throw new BpfException(where + at + ".name: no map " + m.name() + " in " + c.object()
                        + " (a metric reads the map of its name)");
            }
            if (ms.valueSize() != 8) {
                throw new BpfException(where + at + ": the value of map " + m.name() + " is " + ms.valueSize()
                        + " bytes, not a u64 (8 bytes)");
            }
            int labels = m.keySize();
            boolean perCpuLabel = ms.type() != null && ms.type().perCpu() && !m.labels().isEmpty()
                    && m.labels().getLast().name().equals("cpu");
            if (perCpuLabel) labels -= m.labels().getLast().size() + m.labels().getLast().padding();
            boolean noLabels = m.labels().isEmpty() && ms.keySize() == 4;
            if (!noLabels && labels != ms.keySize()
                    && !(perCpuLabel && m.labels().size() == 1 && ms.keySize() == 4)) {
                throw new BpfException(where + at + ".labels: the labels' sizes and paddings add up to " + labels
                        + " bytes, but the key of map " + m.name() + " is " + ms.keySize() + " bytes");
            }
        }
    }

    private void attach(BpfProgram p) {
        var info = p.info();
        String section = p.section();
        if (section.startsWith("perf_event/")) {
            try {
                var link = p.attachPerfEvent(perfEvent(section), org.bpf4j.sys.Cpus.online());
                links.add(link);
                programs.add(new Program(p.name(), section, info.id(), info.tag(), true, null,
                        "on CPUs " + link.cpus()));
            } catch (BpfException | IllegalArgumentException e) {
                programs.add(new Program(p.name(), section, info.id(), info.tag(), false, e.getMessage()));
                failed.add(p);
            }
            return;
        }
        if (section.startsWith("xdp/") && !section.equals("xdp/devmap") && !section.equals("xdp/cpumap")) {
            String device = section.substring(4);
            try {
                links.add(p.attachXdp(device, org.bpf4j.link.XdpMode.AUTO));
                programs.add(new Program(p.name(), section, info.id(), info.tag(), true, null, "on " + device));
            } catch (BpfException e) {
                programs.add(new Program(p.name(), section, info.id(), info.tag(), false,
                        "xdp on device " + device + ": " + e.getMessage()));
                failed.add(p);
            }
            return;
        }
        boolean auto = p.spec().autoattach() && p.spec().sectionDef().autoAttach() != SectionDef.AutoAttach.NONE
                && !p.spec().attachTarget().isEmpty();
        if (!auto) {
            programs.add(new Program(p.name(), p.section(), info.id(), info.tag(), false,
                    "section " + p.section() + " names no target to attach to"));
            return;
        }
        try {
            links.add(p.attach());
            programs.add(new Program(p.name(), p.section(), info.id(), info.tag(), true, null));
        } catch (BpfException e) {
            programs.add(new Program(p.name(), p.section(), info.id(), info.tag(), false, e.getMessage()));
            failed.add(p);
        }
    }

    /** The programs whose attach failed (not those without a target). */
    private final List<BpfProgram> failed = new ArrayList<>();

    /**
     * Attaches again the programs whose attach failed: after a reload has closed the previous
     * instance, which held what they attach to exclusively (an interface's XDP hook).
     */
    void reattachFailed() {
        List<BpfProgram> again = List.copyOf(failed);
        failed.clear();
        for (BpfProgram p : again) {
            programs.removeIf(x -> x.name().equals(p.name()) && !x.attached());
            attach(p);
        }
    }

    boolean hasFailed() {
        return !failed.isEmpty();
    }

    /**
     * ebpf_exporter's {@code perf_event/type=T,config=C,frequency=F} (or {@code period=P}): the
     * perf event to open on every online CPU.
     */
    static org.bpf4j.link.PerfEventLink.Event perfEvent(String section) {
        Integer type = null;
        long config = 0, sample = 0;
        boolean freq = false, sampled = false;
        for (String item : section.substring("perf_event/".length()).split(",", -1)) {
            String[] kv = item.split("=", 2);
            if (kv.length != 2) throw new BpfException("section " + section + ": invalid perf_event item \"" + item + "\"");
            long v;
            try {
                v = Long.parseLong(kv[1]);
            } catch (NumberFormatException e) {
                throw new BpfException("section " + section + ": the value of item \"" + item + "\" is not an integer");
            }
            switch (kv[0]) {
                case "type" -> type = (int) v;
                case "config" -> config = v;
                case "frequency", "period" -> {
                    if (sampled) throw new BpfException("section " + section + ": frequency and period exclude each other");
                    sampled = true;
                    freq = kv[0].equals("frequency");
                    sample = v;
                }
                default -> throw new BpfException("section " + section + ": unknown perf_event item \"" + item + "\"");
            }
        }
        if (type == null) throw new BpfException("section " + section + ": no type=");
        if (!sampled || sample <= 0) throw new BpfException("section " + section + ": needs a positive frequency= or period=");
        return new org.bpf4j.link.PerfEventLink.Event(type, config, sample, freq);
    }

    /**
     * The samples of a metric's map, decoded; entries of the same labels summed (as ebpf_exporter,
     * for ids that decode to the same name). A regexp that does not match drops the entry.
     */
    List<Sample> samples(Config.Metric m) {
        return samples(m, null);
    }

    /** The decoded label lists, one instance per distinct list (so that sums can go by identity), per metric. */
    private final Map<String, Map<List<String>, List<String>>> canon = new ConcurrentHashMap<>();
    /** client_java's labels of each canonical list, built once. */
    private final Map<List<String>, io.prometheus.metrics.model.snapshots.Labels> promLabels =
            java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    /** As {@link #samples(Config.Metric)}, with client_java's labels of those names attached (built once per label set). */
    List<Sample> samples(Config.Metric m, String[] promNames) {
        BpfMap map = object.map(m.name());
        List<Config.Label> labels = m.labels();
        boolean perCpu = map.type() != null && map.type().perCpu();
        boolean cpuLabel = perCpu && !labels.isEmpty() && labels.getLast().name().equals("cpu");
        int ks = map.keySize(), slot = map.valueSlotSize();
        int cpus = perCpu ? slot / 8 : 1;
        Map<String, List<String>> cache = labelCache.computeIfAbsent(m.name(), k -> new ConcurrentHashMap<>());
        Map<List<String>, List<String>> canonical = canon.computeIfAbsent(m.name(), k -> new ConcurrentHashMap<>());
        Map<List<String>, long[]> sums = new java.util.IdentityHashMap<>();
        map.forEachBatch(4096, (keys, values, count) -> {
            for (int i = 0; i < count; i++) {
                byte[] key = keys.asSlice((long) i * ks, ks).toArray(JAVA_BYTE);
                MemorySegment v = values.asSlice((long) i * slot, slot);
                if (cpuLabel) {
                    for (int cpu = 0; cpu < cpus; cpu++) {
                        byte[] k = labels.size() == 1 ? new byte[0] : key;
                        byte[] withCpu = new byte[k.length + 2];
                        System.arraycopy(k, 0, withCpu, 0, k.length);
                        java.nio.ByteBuffer.wrap(withCpu, k.length, 2).order(java.nio.ByteOrder.nativeOrder())
                                .putShort((short) cpu);
                        add(sums, cache, canonical, withCpu, labels, v.get(JAVA_LONG_UNALIGNED, cpu * 8L));
                    }
                } else {
                    long total = 0;
                    for (int cpu = 0; cpu < cpus; cpu++) total += v.get(JAVA_LONG_UNALIGNED, cpu * 8L);
                    add(sums, cache, canonical, labels.isEmpty() ? new byte[0] : key, labels, total);
                }
            }
        });
        List<Sample> out = new ArrayList<>(sums.size());
        for (var e : sums.entrySet()) {
            io.prometheus.metrics.model.snapshots.Labels prom = null;
            if (promNames != null) {
                prom = promLabels.computeIfAbsent(e.getKey(),
                        k -> io.prometheus.metrics.model.snapshots.Labels.of(promNames, k.toArray(String[]::new)));
            }
            out.add(new Sample(e.getKey(), e.getValue()[0], prom));
        }
        return out;
    }

    private void add(Map<List<String>, long[]> sums, Map<String, List<String>> cache, Map<List<String>, List<String>> canonical,
            byte[] key, List<Config.Label> labels, long value) {
        String ck = new String(key, java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> decoded = cache.get(ck);
        if (decoded == null) {
            decoded = decode(key, labels);
            if (decoded != SKIP) decoded = canonical.computeIfAbsent(decoded, d -> d);
            cache.put(ck, decoded);
        }
        if (decoded == SKIP) return;
        sums.computeIfAbsent(decoded, k -> new long[1])[0] += value;
    }

    private static final List<String> SKIP = List.of("\0skip");

    private List<String> decode(byte[] key, List<Config.Label> labels) {
        List<String> out = new ArrayList<>(labels.size());
        int off = 0;
        try {
            for (Config.Label l : labels) {
                byte[] part = java.util.Arrays.copyOfRange(key, off, off + l.size());
                out.add(decoders.label(part, l));
                off += l.size() + l.padding();
            }
        } catch (Decoders.Skip s) {
            return SKIP;
        }
        return List.copyOf(out);
    }

    @Override
    public void close() {
        for (PerfCounter p : perfCounters.values()) p.close();
        for (SpanReader r : spanReaders) r.close();
        if (cgroupSync != null) cgroupSync.close();
        for (BpfLink l : links) {
            try {
                l.close();
            } catch (RuntimeException e) {
                // closing the object below detaches what remains
            }
        }
        links.clear();
        object.close();
    }
}
