package org.bpf4j.map;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bpf4j.BpfMap;
import org.bpf4j.sys.Cpus;

/**
 * A typed view of a per-CPU map: a value is one {@code V} per possible CPU, each slot padded to 8
 * bytes as the kernel lays them out.
 */
public final class PerCpuView<K, V> {
    private final BpfMap map;
    private final Codec<K> key;
    private final Codec<V> value;
    private final int cpus;
    private final int stride;

    public PerCpuView(BpfMap map, Codec<K> key, Codec<V> value) {
        if (key.size() != map.keySize() || value.size() != map.valueSize()) {
            throw new IllegalArgumentException("map '" + map.name() + "': codecs of " + key.size() + "/"
                    + value.size() + " bytes for a map of " + map.keySize() + "/" + map.valueSize());
        }
        if (map.valueSlotSize() == map.valueSize() && Cpus.possible() > 1) {
            throw new IllegalArgumentException("map '" + map.name() + "' is not a per-CPU map");
        }
        this.map = map;
        this.key = key;
        this.value = value;
        this.cpus = Cpus.possible();
        this.stride = (value.size() + 7) & ~7;
    }

    private PerCpu<V> decode(MemorySegment s, long base) {
        List<V> vals = new ArrayList<>(cpus);
        for (int c = 0; c < cpus; c++) vals.add(value.decode(s, base + (long) c * stride));
        return new PerCpu<>(List.copyOf(vals));
    }

    /** The per-CPU values under {@code k}, or null. */
    public PerCpu<V> get(K k) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ks = arena.allocate(Math.max(key.size(), 1), 8);
            key.encode(k, ks, 0);
            MemorySegment vs = arena.allocate(map.valueSlotSize(), 8);
            return map.lookup(ks, vs) ? decode(vs, 0) : null;
        }
    }

    /** Stores one value per CPU ({@code values.size()} must be the number of possible CPUs). */
    public void put(K k, List<V> values) {
        if (values.size() != cpus) throw new IllegalArgumentException("need " + cpus + " values, one per possible CPU");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ks = arena.allocate(Math.max(key.size(), 1), 8);
            key.encode(k, ks, 0);
            MemorySegment vs = arena.allocate(map.valueSlotSize(), 8);
            for (int c = 0; c < cpus; c++) value.encode(values.get(c), vs, (long) c * stride);
            map.update(ks, vs, 0);
        }
    }

    public boolean remove(K k) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ks = arena.allocate(Math.max(key.size(), 1), 8);
            key.encode(k, ks, 0);
            return map.delete(ks);
        }
    }

    /** A snapshot of every entry. */
    public Map<K, PerCpu<V>> toMap() {
        Map<K, PerCpu<V>> out = new LinkedHashMap<>();
        map.forEachBatch(64, (ks, vs, n) -> {
            for (int i = 0; i < n; i++) {
                out.put(key.decode(ks, (long) i * key.size()), decode(vs, (long) i * map.valueSlotSize()));
            }
        });
        return out;
    }
}
