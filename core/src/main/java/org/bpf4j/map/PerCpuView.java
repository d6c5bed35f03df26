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
 *
 * @param <K> the key type
 * @param <V> the value type of one CPU
 */
public final class PerCpuView<K, V> {
    private final BpfMap map;
    private final Codec<K> key;
    private final Codec<V> value;
    private final int cpus;
    private final int stride;

    /**
     * A view of {@code map}; {@link BpfMap#perCpuView} is the usual way to make one.
     *
     * @param map the per-CPU map; the view works while it is open
     * @param key the key codec, of the map's key size
     * @param value the codec of one CPU's value, of the map's value size
     * @throws IllegalArgumentException if a codec's size does not match or the map is not per-CPU
     */
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

    /**
     * The per-CPU values under {@code k}, or null.
     *
     * @param k the key
     * @return every CPU's value, or null if absent
     */
    public PerCpu<V> get(K k) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ks = arena.allocate(Math.max(key.size(), 1), 8);
            key.encode(k, ks, 0);
            MemorySegment vs = arena.allocate(map.valueSlotSize(), 8);
            return map.lookup(ks, vs) ? decode(vs, 0) : null;
        }
    }

    /**
     * Stores one value per CPU ({@code values.size()} must be the number of possible CPUs).
     *
     * @param k the key
     * @param values the values, indexed by CPU number
     * @throws IllegalArgumentException if there are not as many values as possible CPUs
     */
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

    /**
     * Removes {@code k} on every CPU.
     *
     * @param k the key
     * @return true if an entry was deleted
     */
    public boolean remove(K k) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ks = arena.allocate(Math.max(key.size(), 1), 8);
            key.encode(k, ks, 0);
            return map.delete(ks);
        }
    }

    /**
     * A snapshot of every entry.
     *
     * @return a new insertion-ordered map
     */
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
