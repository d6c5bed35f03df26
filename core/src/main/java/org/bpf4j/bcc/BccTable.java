package org.bpf4j.bcc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bpf4j.BpfException;
import org.bpf4j.BpfMap;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfValues;
import org.bpf4j.map.Codec;
import org.bpf4j.map.MapView;
import org.bpf4j.map.PerCpuView;
import org.bpf4j.sys.Cpus;

/**
 * A map of a BCC program, as {@code b["counts"]} is in BCC: {@link #items()} gives its entries
 * typed from the object's BTF (see {@link BtfValues}), {@link #view} a Java-typed view. A per-CPU
 * map's value is the list of every possible CPU's value.
 */
public final class BccTable {
    private final BpfMap map;
    private final Btf btf;

    BccTable(BpfMap map, Btf btf) {
        this.map = map;
        this.btf = btf;
    }

    /**
     * The map.
     *
     * @return the map, owned by the program
     */
    public BpfMap map() {
        return map;
    }

    /**
     * The map's name.
     *
     * @return the name
     */
    public String name() {
        return map.name();
    }

    /**
     * A typed view with Java codecs, e.g. {@code view(Codecs.U32, Codecs.U64)}.
     *
     * @param <K> the key type
     * @param <V> the value type
     * @param key the key codec
     * @param value the value codec
     * @return the view
     */
    public <K, V> MapView<K, V> view(Codec<K> key, Codec<V> value) {
        return map.view(key, value);
    }

    /**
     * A typed view of a per-CPU map.
     *
     * @param <K> the key type
     * @param <V> the value type of one CPU
     * @param key the key codec
     * @param value the codec of one CPU's value
     * @return the view
     */
    public <K, V> PerCpuView<K, V> perCpuView(Codec<K> key, Codec<V> value) {
        return map.perCpuView(key, value);
    }

    /**
     * Whether the map has BTF types for its key and value.
     *
     * @return true if {@link #items()} decodes typed values
     */
    public boolean typed() {
        return btf != null && map.spec().btfKeyTypeId() != 0 && map.spec().btfValueTypeId() != 0;
    }

    /**
     * Every entry, key and value decoded from the BTF (raw hex when the map has no BTF types), in
     * the kernel's key order; like BCC's {@code items()}.
     *
     * @return a new list of the entries
     */
    public List<Map.Entry<Object, Object>> items() {
        if (!listable(map)) {
            throw new BpfException("map '" + map.name() + "' is a " + map.type() + " map: its entries cannot be listed");
        }
        List<Map.Entry<Object, Object>> out = new ArrayList<>();
        boolean perCpu = isPerCpu();
        int cpus = perCpu ? Cpus.possible() : 1;
        int stride = perCpu ? (map.valueSize() + 7) & ~7 : map.valueSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ks = arena.allocate(Math.max(map.keySize(), 1), 8);
            MemorySegment vs = arena.allocate(Math.max((long) stride * cpus, 8), 8);
            for (byte[] k : map.keys()) {
                MemorySegment.copy(MemorySegment.ofArray(k), 0, ks, 0, k.length);
                if (!map.lookup(ks, vs)) continue; // deleted meanwhile
                Object key = decode(map.spec().btfKeyTypeId(), ks, 0, map.keySize());
                Object value;
                if (perCpu) {
                    List<Object> vals = new ArrayList<>(cpus);
                    for (int c = 0; c < cpus; c++) vals.add(decode(map.spec().btfValueTypeId(), vs, (long) c * stride, map.valueSize()));
                    value = vals;
                } else {
                    value = decode(map.spec().btfValueTypeId(), vs, 0, map.valueSize());
                }
                out.add(new AbstractMap.SimpleImmutableEntry<>(key, value));
            }
        }
        return out;
    }

    /** Whether {@link #items()} can list the map's entries. */
    static boolean listable(BpfMap m) {
        return switch (m.type()) {
            case HASH, ARRAY, PERCPU_HASH, PERCPU_ARRAY, LRU_HASH, LRU_PERCPU_HASH, LPM_TRIE -> true;
            default -> false;
        };
    }

    private boolean isPerCpu() {
        return switch (map.type()) {
            case PERCPU_HASH, PERCPU_ARRAY, LRU_PERCPU_HASH -> true;
            default -> false;
        };
    }

    private Object decode(int typeId, MemorySegment s, long offset, int size) {
        if (btf != null && typeId != 0) {
            try {
                return BtfValues.decode(btf, typeId, s, offset);
            } catch (BpfException | IndexOutOfBoundsException e) {
                // fall back to the bytes
            }
        }
        return BtfValues.hex(s, offset, size);
    }

    @Override
    public String toString() {
        return "BccTable[" + map.name() + "]";
    }
}
