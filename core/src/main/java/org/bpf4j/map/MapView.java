package org.bpf4j.map;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.bpf4j.BpfMap;

/**
 * A typed view of a map through a key and a value codec: get, put, remove, iteration, clear and
 * batch drain. Thread-safe; each call uses its own native buffers.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class MapView<K, V> {
    private final BpfMap map;
    private final Codec<K> key;
    private final Codec<V> value;

    /**
     * A view of {@code map}; {@link BpfMap#view} is the usual way to make one.
     *
     * @param map the map; it stays owned by its owner, and the view works while it is open
     * @param key the key codec, of the map's key size
     * @param value the value codec, of the map's value size
     * @throws IllegalArgumentException if a codec's size does not match the map's
     */
    public MapView(BpfMap map, Codec<K> key, Codec<V> value) {
        if (key.size() != map.keySize()) {
            throw new IllegalArgumentException("map '" + map.name() + "' has " + map.keySize()
                    + "-byte keys, the key codec " + key.size() + " bytes");
        }
        if (value.size() != map.valueSlotSize()) {
            throw new IllegalArgumentException("map '" + map.name() + "' has " + map.valueSlotSize()
                    + "-byte values, the value codec " + value.size() + " bytes"
                    + (map.valueSlotSize() != map.valueSize() ? " (per-CPU map: use perCpuView)" : ""));
        }
        this.map = map;
        this.key = key;
        this.value = value;
    }

    /** {@return the map this view reads and writes} */
    public BpfMap map() {
        return map;
    }

    /**
     * The value under {@code k}, or null.
     *
     * @param k the key
     * @return the value, or null if absent
     */
    public V get(K k) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ks = arena.allocate(Math.max(key.size(), 1), 8);
            key.encode(k, ks, 0);
            MemorySegment vs = arena.allocate(Math.max(value.size(), 1), 8);
            return map.lookup(ks, vs) ? value.decode(vs, 0) : null;
        }
    }

    /**
     * Stores {@code v} under {@code k} ({@code BPF_ANY}).
     *
     * @param k the key
     * @param v the value
     */
    public void put(K k, V v) {
        put(k, v, 0);
    }

    /**
     * Stores with {@code BPF_ANY} (0), {@code BPF_NOEXIST} (1) or {@code BPF_EXIST} (2).
     *
     * @param k the key
     * @param v the value
     * @param flags the update flags
     */
    public void put(K k, V v, long flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ks = arena.allocate(Math.max(key.size(), 1), 8);
            key.encode(k, ks, 0);
            MemorySegment vs = arena.allocate(Math.max(value.size(), 1), 8);
            value.encode(v, vs, 0);
            map.update(ks, vs, flags);
        }
    }

    /**
     * Removes {@code k}; false if it was absent.
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
     * Every key (a snapshot).
     *
     * @return a new list of the keys
     */
    public List<K> keys() {
        List<K> out = new ArrayList<>();
        map.forEachBatch(256, (ks, vs, n) -> {
            for (int i = 0; i < n; i++) out.add(key.decode(ks, (long) i * key.size()));
        });
        return out;
    }

    /**
     * Visits every entry (batched where the kernel can).
     *
     * @param action called for each entry, on the calling thread
     */
    public void forEach(BiConsumer<? super K, ? super V> action) {
        map.forEachBatch(256, (ks, vs, n) -> {
            for (int i = 0; i < n; i++) {
                action.accept(key.decode(ks, (long) i * key.size()), value.decode(vs, (long) i * value.size()));
            }
        });
    }

    /**
     * A snapshot of every entry, in the kernel's iteration order.
     *
     * @return a new insertion-ordered map
     */
    public Map<K, V> toMap() {
        Map<K, V> out = new LinkedHashMap<>();
        forEach(out::put);
        return out;
    }

    /**
     * Reads and deletes every entry ({@code BPF_MAP_LOOKUP_AND_DELETE_BATCH}, or lookup then
     * delete key by key on kernels without it): the way interval tools read and reset counters.
     *
     * @return a new insertion-ordered map of what was read
     */
    public Map<K, V> drain() {
        Map<K, V> out = new LinkedHashMap<>();
        map.forEachBatchAndDelete(256, (ks, vs, n) -> {
            for (int i = 0; i < n; i++) {
                out.put(key.decode(ks, (long) i * key.size()), value.decode(vs, (long) i * value.size()));
            }
        });
        return out;
    }

    /**
     * Deletes every entry; returns how many there were.
     *
     * @return the number of entries deleted
     */
    public long clear() {
        return map.clear();
    }
}
