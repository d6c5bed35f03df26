package org.bpf4j;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.map.Codec;
import org.bpf4j.map.MapView;
import org.bpf4j.map.PerCpuView;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.BpfCmd;
import org.bpf4j.sys.Cpus;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Fd;
import org.bpf4j.sys.Os;

/**
 * A live BPF map: owns its file descriptor. Raw operations take native {@link MemorySegment}s (or
 * byte arrays) of the key and value sizes; {@link #view} gives a typed view over codecs.
 *
 * <p>Per-CPU maps ({@link MapType#perCpu()}) carry one value per possible CPU, each padded to 8
 * bytes: {@link #valueSlotSize()} is the size of a whole per-CPU value.
 */
public final class BpfMap implements AutoCloseable {
    /** Batch lookups fall back to key iteration when the kernel answers one of these. */
    private static boolean batchUnsupported(long r) {
        return r == -Errno.EINVAL || r == -Errno.ENOTSUPP || r == -Errno.EOPNOTSUPP || r == -Errno.ENOSYS;
    }

    private final String name;
    private final Fd fd;
    private final int type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;
    private final int flags;
    private final int valueSlotSize;
    private final MapSpec spec;
    private volatile MemorySegment mmapped;
    private volatile Boolean batchSupported;
    private volatile boolean frozen;

    BpfMap(String name, Fd fd, int type, int keySize, int valueSize, int maxEntries, int flags, MapSpec spec) {
        this.spec = spec;
        this.name = name;
        this.fd = fd;
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.flags = flags;
        MapType mt = MapType.of(type);
        this.valueSlotSize = mt != null && mt.perCpu() ? ((valueSize + 7) & ~7) * Cpus.possible() : valueSize;
    }

    /**
     * Opens the map with id {@code id} (see {@link #ids()}); the caller owns it. It has no spec.
     *
     * @param id the kernel's map id
     * @return the opened map; the caller closes it
     */
    public static BpfMap open(int id) {
        return opened(Bpf.getFdById(BpfCmd.MAP_GET_FD_BY_ID, id));
    }

    /**
     * Opens the map pinned at {@code path} on a bpf file system; the caller owns it. It has no spec.
     *
     * @param path the pinned file, e.g. under {@code /sys/fs/bpf}
     * @return the opened map; the caller closes it
     */
    public static BpfMap openPinned(java.nio.file.Path path) {
        return opened(Bpf.objGet(path.toString(), "map"));
    }

    private static BpfMap opened(Fd fd) {
        MapInfo info;
        try {
            info = MapInfo.of(fd.value());
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
        BpfMap m = new BpfMap(info.name(), fd, info.type(), info.keySize(), info.valueSize(), info.maxEntries(),
                info.flags(), null);
        m.frozen = info.frozen();
        return m;
    }

    /**
     * The ids of every map in the kernel, in increasing order.
     *
     * @return the map ids; empty if there are none
     */
    public static List<Integer> ids() {
        return Bpf.ids(BpfCmd.MAP_GET_NEXT_ID);
    }

    /**
     * What the kernel says about this map: id, sizes, flags, BTF ids, memlock, frozen.
     *
     * @return a fresh query of the kernel's {@code bpf_map_info}
     */
    public MapInfo info() {
        return MapInfo.of(fd.value());
    }

    /**
     * Creates a standalone map from a spec (not part of an object).
     *
     * @param spec the map to create; it is copied, later changes do not affect the map
     * @return the new map; the caller closes it
     */
    public static BpfMap create(MapSpec spec) {
        Fd fd = Bpf.mapCreate(new Bpf.MapCreate(spec.typeCode(), spec.keySize(), spec.valueSize(), spec.maxEntries(),
                spec.flagBits(), spec.name()));
        return new BpfMap(spec.name(), fd, spec.typeCode(), spec.keySize(), spec.valueSize(), spec.maxEntries(),
                spec.flagBits(), spec.copy());
    }

    /**
     * The spec the map was created from; null for a map opened by id or pinned path.
     *
     * @return the spec, or null
     */
    public MapSpec spec() {
        return spec;
    }

    /** {@return the map's name (at most 15 characters in the kernel)} */
    public String name() {
        return name;
    }

    /**
     * The map type; null for a number bpf4j does not know ({@link #typeCode()}).
     *
     * @return the type, or null if unknown
     */
    public MapType type() {
        return MapType.of(type);
    }

    /**
     * The map type number ({@code enum bpf_map_type}).
     *
     * @return the {@code bpf_map_type} value
     */
    public int typeCode() {
        return type;
    }

    /** {@return the key size in bytes} */
    public int keySize() {
        return keySize;
    }

    /**
     * The size of one value as declared (per CPU, for per-CPU maps).
     *
     * @return the value size in bytes
     */
    public int valueSize() {
        return valueSize;
    }

    /**
     * The size of the buffer a lookup fills: {@link #valueSize()}, or all CPUs' values for per-CPU maps.
     *
     * @return the value buffer size in bytes
     */
    public int valueSlotSize() {
        return valueSlotSize;
    }

    /** {@return the maximum number of entries, as created} */
    public int maxEntries() {
        return maxEntries;
    }

    /**
     * The map creation flags bpf4j knows; {@link #flagBits()} for all of them.
     *
     * @return the known flags; a new set the caller may change
     */
    public java.util.EnumSet<MapFlag> flags() {
        return MapFlag.of(flags);
    }

    /**
     * The map creation flags as the kernel has them ({@code map_flags}).
     *
     * @return the raw {@code map_flags} bits
     */
    public int flagBits() {
        return flags;
    }

    /**
     * The file descriptor number.
     *
     * @return the fd number, valid until {@link #close()}; it stays owned by this map
     */
    public int fd() {
        return fd.value();
    }

    private String what() {
        return "map '" + name + "'";
    }

    private void checkKey(MemorySegment key) {
        if (key.byteSize() < keySize) {
            throw new IllegalArgumentException(what() + ": key of " + key.byteSize() + " bytes, needs " + keySize);
        }
    }

    private void checkValue(MemorySegment value) {
        if (value.byteSize() < valueSlotSize) {
            throw new IllegalArgumentException(what() + ": value buffer of " + value.byteSize() + " bytes, needs "
                    + valueSlotSize);
        }
    }

    /**
     * Looks {@code key} up into {@code value}; false if absent. Both must be native memory.
     *
     * @param key the key, at least {@link #keySize()} bytes
     * @param value receives the value, at least {@link #valueSlotSize()} bytes
     * @return true if the key was found
     */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        checkKey(key);
        checkValue(value);
        long r = Bpf.mapElemRaw(BpfCmd.MAP_LOOKUP_ELEM, fd.value(), keySize == 0 ? null : key, value, 0);
        if (r == -Errno.ENOENT) return false;
        Errors.check(r, "BPF_MAP_LOOKUP_ELEM", what());
        return true;
    }

    /**
     * Stores {@code value} under {@code key} with {@code BPF_ANY}, {@code BPF_NOEXIST} or {@code BPF_EXIST}.
     *
     * @param key the key, at least {@link #keySize()} bytes
     * @param value the value, at least {@link #valueSlotSize()} bytes
     * @param flags {@code BPF_ANY} (0), {@code BPF_NOEXIST} (1) or {@code BPF_EXIST} (2), optionally with {@code
     *     BPF_F_LOCK}
     */
    public void update(MemorySegment key, MemorySegment value, long flags) {
        checkKey(key);
        checkValue(value);
        long r = Bpf.mapElemRaw(BpfCmd.MAP_UPDATE_ELEM, fd.value(), keySize == 0 ? null : key, value, flags);
        Errors.check(r, "BPF_MAP_UPDATE_ELEM", what());
    }

    /**
     * Stores the cgroup directory at {@code path} under {@code index} of a {@code CGROUP_ARRAY}
     * (what {@code bpf_current_task_under_cgroup} tests against); the kernel takes its own
     * reference, so the directory is open only for the update. The exception names the path.
     *
     * @param index the array index
     * @param path the cgroup directory, e.g. under {@code /sys/fs/cgroup}
     */
    public void putCgroup(int index, String path) {
        if (type() != MapType.CGROUP_ARRAY) throw new IllegalArgumentException(what() + " is not a CGROUP_ARRAY");
        try (Fd cg = Os.openDirectory(path); Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(4), value = arena.allocate(4);
            key.set(JAVA_INT, 0, index);
            value.set(JAVA_INT, 0, cg.value());
            update(key, value, 0);
        }
    }

    /**
     * Deletes {@code key}; false if it was absent.
     *
     * @param key the key, at least {@link #keySize()} bytes
     * @return true if an entry was deleted
     */
    public boolean delete(MemorySegment key) {
        checkKey(key);
        long r = Bpf.mapElemRaw(BpfCmd.MAP_DELETE_ELEM, fd.value(), key, null, 0);
        if (r == -Errno.ENOENT) return false;
        Errors.check(r, "BPF_MAP_DELETE_ELEM", what());
        return true;
    }

    /**
     * Writes the key after {@code key} (the first key if null) to {@code next}; false at the end.
     *
     * @param key the current key, or null for the first key
     * @param next receives the next key, at least {@link #keySize()} bytes
     * @return true if a next key was written, false after the last key
     */
    public boolean nextKey(MemorySegment key, MemorySegment next) {
        long r = Bpf.mapElemRaw(BpfCmd.MAP_GET_NEXT_KEY, fd.value(), key, next, 0);
        if (r == -Errno.ENOENT) return false;
        Errors.check(r, "BPF_MAP_GET_NEXT_KEY", what());
        return true;
    }

    /**
     * Pops into {@code value} from a queue or stack, or looks up and deletes from a hash; false if empty.
     *
     * @param key the key for a hash; ignored (may be null) for a queue or stack
     * @param value receives the value, at least {@link #valueSlotSize()} bytes
     * @return true if a value was taken
     */
    public boolean lookupAndDelete(MemorySegment key, MemorySegment value) {
        long r = Bpf.mapElemRaw(BpfCmd.MAP_LOOKUP_AND_DELETE_ELEM, fd.value(), key, value, 0);
        if (r == -Errno.ENOENT) return false;
        Errors.check(r, "BPF_MAP_LOOKUP_AND_DELETE_ELEM", what());
        return true;
    }

    /**
     * Byte-array lookup: the value (all CPUs' for per-CPU maps), or null if absent.
     *
     * @param key the key; shorter arrays are zero-padded to {@link #keySize()}
     * @return a new array of {@link #valueSlotSize()} bytes, or null
     */
    public byte[] lookup(byte[] key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate(Math.max(keySize, 1), 8);
            MemorySegment.copy(key, 0, k, JAVA_BYTE, 0, Math.min(key.length, keySize));
            MemorySegment v = arena.allocate(Math.max(valueSlotSize, 1), 8);
            if (!lookup(k, v)) return null;
            return v.asSlice(0, valueSlotSize).toArray(JAVA_BYTE);
        }
    }

    /**
     * Byte-array update.
     *
     * @param key the key; shorter arrays are zero-padded to {@link #keySize()}
     * @param value the value; shorter arrays are zero-padded to {@link #valueSlotSize()}
     * @param flags {@code BPF_ANY} (0), {@code BPF_NOEXIST} (1) or {@code BPF_EXIST} (2)
     */
    public void update(byte[] key, byte[] value, long flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate(Math.max(keySize, 1), 8);
            MemorySegment.copy(key, 0, k, JAVA_BYTE, 0, Math.min(key.length, keySize));
            MemorySegment v = arena.allocate(Math.max(valueSlotSize, 1), 8);
            MemorySegment.copy(value, 0, v, JAVA_BYTE, 0, Math.min(value.length, valueSlotSize));
            update(k, v, flags);
        }
    }

    /**
     * Byte-array delete.
     *
     * @param key the key; shorter arrays are zero-padded to {@link #keySize()}
     * @return true if an entry was deleted
     */
    public boolean delete(byte[] key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate(Math.max(keySize, 1), 8);
            MemorySegment.copy(key, 0, k, JAVA_BYTE, 0, Math.min(key.length, keySize));
            return delete(k);
        }
    }

    /**
     * Every key, by {@code BPF_MAP_GET_NEXT_KEY} iteration (a snapshot; racy against BPF updates).
     *
     * @return a new list of new arrays of {@link #keySize()} bytes each
     */
    public List<byte[]> keys() {
        List<byte[]> out = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cur = arena.allocate(Math.max(keySize, 1), 8);
            MemorySegment next = arena.allocate(Math.max(keySize, 1), 8);
            MemorySegment k = null;
            while (nextKey(k, next)) {
                out.add(next.asSlice(0, keySize).toArray(JAVA_BYTE));
                MemorySegment.copy(next, 0, cur, 0, keySize);
                k = cur;
            }
        }
        return out;
    }

    /** Receives a batch of entries: {@code count} keys and values, packed, in native memory. */
    @FunctionalInterface
    public interface BatchConsumer {
        /**
         * Receives one batch.
         *
         * @param keys {@code count} packed keys
         * @param values {@code count} packed values, {@link BpfMap#valueSlotSize()} bytes each
         * @param count the number of entries in the batch
         */
        void accept(MemorySegment keys, MemorySegment values, int count);
    }

    /**
     * Visits every entry in batches of up to {@code batchSize}, with {@code BPF_MAP_LOOKUP_BATCH},
     * falling back to key iteration on kernels or map types without batch operations. Returns the
     * entry count.
     *
     * @param batchSize the most entries per batch; positive
     * @param consumer called once per batch; the memory is valid only during the call
     * @return the number of entries visited
     */
    public long forEachBatch(int batchSize, BatchConsumer consumer) {
        return batches(batchSize, false, consumer);
    }

    /**
     * As {@link #forEachBatch(int, BatchConsumer)}, deleting what it visits
     * ({@code BPF_MAP_LOOKUP_AND_DELETE_BATCH}).
     *
     * @param batchSize the most entries per batch; positive
     * @param consumer called once per batch; the memory is valid only during the call
     * @return the number of entries visited and deleted
     */
    public long forEachBatchAndDelete(int batchSize, BatchConsumer consumer) {
        return batches(batchSize, true, consumer);
    }

    private long batches(int batchSize, boolean delete, BatchConsumer consumer) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive");
        if (!Boolean.FALSE.equals(batchSupported)) {
            long n = batchWalk(batchSize, delete, consumer);
            if (n >= 0) {
                batchSupported = Boolean.TRUE;
                return n;
            }
            batchSupported = Boolean.FALSE;
        }
        return iterWalk(batchSize, delete, consumer);
    }

    /** Batch walk; -1 if the kernel has no batch operation for this map (nothing consumed then). */
    private long batchWalk(int batchSize, boolean delete, BatchConsumer consumer) {
        BpfCmd cmd = delete ? BpfCmd.MAP_LOOKUP_AND_DELETE_BATCH : BpfCmd.MAP_LOOKUP_BATCH;
        int n = batchSize;
        try (Arena arena = Arena.ofConfined()) {
            int tokenSize = Math.max(keySize, 8);
            MemorySegment in = arena.allocate(tokenSize, 8);
            MemorySegment out = arena.allocate(tokenSize, 8);
            MemorySegment keys = arena.allocate((long) Math.max(keySize, 1) * n, 8);
            MemorySegment values = arena.allocate((long) Math.max(valueSlotSize, 1) * n, 8);
            int[] count = new int[1];
            long total = 0;
            boolean first = true;
            while (true) {
                long r = Bpf.mapBatchRaw(cmd, fd.value(), first ? null : in, out, keys, values, n, 0, count);
                if (r < 0 && r != -Errno.ENOENT) {
                    if (first && batchUnsupported(r)) return -1;
                    if (r == -Errno.ENOSPC && count[0] == 0) {
                        // a hash bucket holds more entries than the batch: grow and retry
                        n *= 2;
                        keys = arena.allocate((long) Math.max(keySize, 1) * n, 8);
                        values = arena.allocate((long) Math.max(valueSlotSize, 1) * n, 8);
                        continue;
                    }
                    Errors.check(r, cmd.label(), what());
                }
                if (count[0] > 0) {
                    consumer.accept(keys.asSlice(0, (long) keySize * count[0]),
                            values.asSlice(0, (long) valueSlotSize * count[0]), count[0]);
                    total += count[0];
                }
                if (r == -Errno.ENOENT) return total;
                MemorySegment.copy(out, 0, in, 0, tokenSize);
                first = false;
            }
        }
    }

    private long iterWalk(int batchSize, boolean delete, BatchConsumer consumer) {
        try (Arena arena = Arena.ofConfined()) {
            int ks = Math.max(keySize, 1);
            MemorySegment keys = arena.allocate((long) ks * batchSize, 8);
            MemorySegment values = arena.allocate((long) Math.max(valueSlotSize, 1) * batchSize, 8);
            MemorySegment next = arena.allocate(ks, 8);
            MemorySegment prev = arena.allocate(ks, 8);
            long total = 0;
            boolean havePrev = false;
            boolean more = true;
            while (more) {
                int c = 0;
                while (c < batchSize) {
                    if (!nextKey(havePrev ? prev : null, next)) {
                        more = false;
                        break;
                    }
                    MemorySegment.copy(next, 0, prev, 0, keySize);
                    havePrev = true;
                    MemorySegment kslot = keys.asSlice((long) keySize * c, keySize);
                    MemorySegment vslot = values.asSlice((long) valueSlotSize * c, valueSlotSize);
                    MemorySegment.copy(next, 0, kslot, 0, keySize);
                    if (lookup(kslot, vslot)) c++;
                }
                if (delete) {
                    for (int i = 0; i < c; i++) delete(keys.asSlice((long) keySize * i, keySize));
                    havePrev = false; // deleted keys restart the walk from the first key
                }
                if (c > 0) {
                    consumer.accept(keys.asSlice(0, (long) keySize * c), values.asSlice(0, (long) valueSlotSize * c), c);
                    total += c;
                }
            }
            return total;
        }
    }

    /**
     * Updates many entries at once ({@code BPF_MAP_UPDATE_BATCH}); returns how many were written.
     *
     * @param keys {@code count} packed keys in native memory
     * @param values {@code count} packed values ({@link #valueSlotSize()} bytes each) in native memory
     * @param count the number of entries
     * @param elemFlags {@code BPF_ANY}, {@code BPF_NOEXIST} or {@code BPF_EXIST}, applied to each entry
     * @return the number of entries written
     */
    public int updateBatch(MemorySegment keys, MemorySegment values, int count, long elemFlags) {
        int[] c = new int[1];
        long r = Bpf.mapBatchRaw(BpfCmd.MAP_UPDATE_BATCH, fd.value(), null, null, keys, values, count, elemFlags, c);
        Errors.check(r, "BPF_MAP_UPDATE_BATCH", what());
        return c[0];
    }

    /**
     * Deletes many keys at once ({@code BPF_MAP_DELETE_BATCH}); returns how many were deleted.
     *
     * @param keys {@code count} packed keys in native memory
     * @param count the number of keys
     * @return the number of keys deleted
     */
    public int deleteBatch(MemorySegment keys, int count) {
        int[] c = new int[1];
        long r = Bpf.mapBatchRaw(BpfCmd.MAP_DELETE_BATCH, fd.value(), null, null, keys, null, count, 0, c);
        Errors.check(r, "BPF_MAP_DELETE_BATCH", what());
        return c[0];
    }

    /**
     * Deletes every entry: batch deletion where possible, key by key otherwise.
     *
     * @return the number of entries deleted
     */
    public long clear() {
        MapType mt = type();
        if (mt == MapType.ARRAY || mt == MapType.PERCPU_ARRAY) {
            throw new UnsupportedOperationException(what() + ": array map entries cannot be deleted");
        }
        return forEachBatchAndDelete(1024, (k, v, n) -> { });
    }

    /** Makes the map read-only for user space ({@code BPF_MAP_FREEZE}). */
    public void freeze() {
        Bpf.mapFreeze(fd.value());
        frozen = true;
    }

    /**
     * Pins the map at {@code path} on a bpf file system.
     *
     * @param path the file to create on a bpf file system; its directory must exist
     */
    public void pin(String path) {
        Bpf.objPin(fd.value(), path);
    }

    /**
     * Pins the map at {@code path} on a bpf file system (it then outlives this process).
     *
     * @param path the file to create on a bpf file system; its directory must exist
     */
    public void pin(java.nio.file.Path path) {
        pin(path.toString());
    }

    /**
     * A typed view over key and value codecs.
     *
     * @param <K> the key type
     * @param <V> the value type
     * @param key the key codec, of {@link #keySize()} bytes
     * @param value the value codec, of {@link #valueSize()} bytes
     * @return a view backed by this map; it is closed with the map
     */
    public <K, V> MapView<K, V> view(Codec<K> key, Codec<V> value) {
        return new MapView<>(this, key, value);
    }

    /**
     * A typed view of a per-CPU map: each value is one {@code V} per possible CPU.
     *
     * @param <K> the key type
     * @param <V> the value type
     * @param key the key codec, of {@link #keySize()} bytes
     * @param value the codec of one CPU's value, of {@link #valueSize()} bytes
     * @return a view backed by this map; it is closed with the map
     */
    public <K, V> PerCpuView<K, V> perCpuView(Codec<K> key, Codec<V> value) {
        return new PerCpuView<>(this, key, value);
    }

    /**
     * The map's memory for {@code BPF_F_MMAPABLE} array maps (global data), mapped on first use.
     *
     * @return the mapped memory (read-only once frozen), valid until {@link #close()}
     */
    public MemorySegment memory() {
        MemorySegment m = mmapped;
        if (m == null) {
            synchronized (this) {
                m = mmapped;
                if (m == null) {
                    if ((flags & MapSpec.F_MMAPABLE) == 0) {
                        throw new UnsupportedOperationException(what() + " is not memory-mappable");
                    }
                    long size = ((long) valueSize * maxEntries + 4095) & ~4095L;
                    // frozen maps (and BPF_F_RDONLY ones) can only be mapped read-only
                    boolean ro = frozen || (flags & 0x08) != 0;
                    m = org.bpf4j.sys.Os.mmap(fd.value(), size, org.bpf4j.sys.Os.PROT_READ
                            | (ro ? 0 : org.bpf4j.sys.Os.PROT_WRITE), 0, what());
                    mmapped = m;
                }
            }
        }
        return m;
    }

    @Override
    public void close() {
        MemorySegment m;
        synchronized (this) {
            m = mmapped;
            mmapped = null;
        }
        if (m != null) org.bpf4j.sys.Os.munmap(m);
        fd.close();
    }

    @Override
    public String toString() {
        return "BpfMap(" + name + ", " + MapType.describe(type) + ", fd " + (fd.isOpen() ? fd.value() : -1) + ")";
    }
}
