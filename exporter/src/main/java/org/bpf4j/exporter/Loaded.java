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
    record Sample(List<String> labels, long value) {}

    /** A program and whether it is attached (or why not). */
    record Program(String name, String section, int id, String tag, boolean attached, String error) {}

    final Config config;
    private final BpfObject object;
    private final List<BpfLink> links = new ArrayList<>();
    final List<Program> programs = new ArrayList<>();
    private final Decoders decoders;
    private final Map<String, Map<String, List<String>>> labelCache = new ConcurrentHashMap<>();

    private Loaded(Config config, BpfObject object, Decoders decoders) {
        this.config = config;
        this.object = object;
        this.decoders = decoders;
    }

    /** Loads the config's object, checks its metric maps, attaches its programs. */
    static Loaded load(Config config, LoadOptions options, Decoders decoders) {
        if (!java.nio.file.Files.isRegularFile(config.object())) {
            throw new BpfException(config.yaml() + ": config " + config.name() + ": no object file " + config.object());
        }
        ObjectSpec spec = ObjectSpec.read(config.object());
        // before loading: the maps the metrics read, from the object's own definitions
        check(config, spec, "metrics.counters", config.counters());
        check(config, spec, "metrics.histograms", config.histograms());
        BpfObject object = spec.load(options);
        Loaded l = new Loaded(config, object, decoders);
        try {
            for (BpfProgram p : object.programs().values()) l.attach(p);
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
        return l;
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
        }
    }

    /**
     * The samples of a metric's map, decoded; entries of the same labels summed (as ebpf_exporter,
     * for ids that decode to the same name). A regexp that does not match drops the entry.
     */
    List<Sample> samples(Config.Metric m) {
        BpfMap map = object.map(m.name());
        List<Config.Label> labels = m.labels();
        boolean perCpu = map.type() != null && map.type().perCpu();
        boolean cpuLabel = perCpu && !labels.isEmpty() && labels.getLast().name().equals("cpu");
        int ks = map.keySize(), slot = map.valueSlotSize();
        int cpus = perCpu ? slot / 8 : 1;
        Map<String, List<String>> cache = labelCache.computeIfAbsent(m.name(), k -> new ConcurrentHashMap<>());
        Map<List<String>, long[]> sums = new LinkedHashMap<>();
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
                        add(sums, cache, withCpu, labels, v.get(JAVA_LONG_UNALIGNED, cpu * 8L));
                    }
                } else {
                    long total = 0;
                    for (int cpu = 0; cpu < cpus; cpu++) total += v.get(JAVA_LONG_UNALIGNED, cpu * 8L);
                    add(sums, cache, labels.isEmpty() ? new byte[0] : key, labels, total);
                }
            }
        });
        List<Sample> out = new ArrayList<>(sums.size());
        for (var e : sums.entrySet()) out.add(new Sample(e.getKey(), e.getValue()[0]));
        return out;
    }

    private void add(Map<List<String>, long[]> sums, Map<String, List<String>> cache, byte[] key,
            List<Config.Label> labels, long value) {
        String ck = new String(key, java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> decoded = cache.get(ck);
        if (decoded == null) {
            decoded = decode(key, labels);
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
