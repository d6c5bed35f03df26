package org.bpf4j;

import java.util.Arrays;

/**
 * A map as an object file declares it: plain data, no file descriptor. Change it freely before
 * {@link ObjectSpec#load}, for instance to resize a ring buffer with {@link #maxEntries(int)}.
 */
public final class MapSpec {
    /** What declared the map. */
    public enum Kind {
        /** A map of the {@code .maps} section (or built in code with {@link #of}). */
        USER,
        /** Writable global data: {@code .data} or {@code .data.*}. */
        DATA,
        /** Read-only global data, frozen after loading: {@code .rodata} or {@code .rodata.*}. */
        RODATA,
        /** Zero-initialized global data: {@code .bss}. */
        BSS,
        /** The {@code __kconfig} externs' values, filled by the loader and frozen: {@code .kconfig}. */
        KCONFIG
    }

    private final String name;
    private final Kind kind;
    private final String section;
    private int type;
    private int keySize;
    private int valueSize;
    private int maxEntries;
    private int flags;
    private int numaNode;
    /** {@link MapFlag#RDONLY_PROG} and {@link MapFlag#MMAPABLE} as constants: the loader's path loads no enum. */
    static final int F_RDONLY_PROG = 0x80, F_MMAPABLE = 0x400;

    private int pinning;
    private long mapExtra;
    private int btfKeyTypeId;
    private int btfValueTypeId;
    private MapSpec innerMap;
    private byte[] contents;
    private String[] initialValues;

    MapSpec(String name, Kind kind, String section) {
        this.name = name;
        this.kind = kind;
        this.section = section;
    }

    /**
     * A map built in code rather than read from an object (no BTF, no section).
     *
     * @param name       the map's name
     * @param type       the map type
     * @param keySize    the key size in bytes (0 for types without keys, such as ring buffers)
     * @param valueSize  the value size in bytes
     * @param maxEntries the number of entries (the size in bytes for ring buffers)
     * @return the spec, of kind {@link Kind#USER}
     */
    public static MapSpec of(String name, MapType type, int keySize, int valueSize, int maxEntries) {
        MapSpec s = new MapSpec(name, Kind.USER, null);
        s.type = type.code();
        s.keySize = keySize;
        s.valueSize = valueSize;
        s.maxEntries = maxEntries;
        return s;
    }

    /**
     * The map's name: the variable name for maps in {@code .maps}, the section name for global
     * data ({@code .rodata}, {@code .bss}, ...).
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * What declared the map: {@code .maps} or a global data section.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The ELF section that declared the map.
     *
     * @return the section name, or null for a map built with {@link #of}
     */
    public String section() {
        return section;
    }

    /**
     * The map type.
     *
     * @return the type, or null if bpf4j does not know the number (see {@link #typeCode()})
     */
    public MapType type() {
        return MapType.of(type);
    }

    /**
     * The map type number ({@code enum bpf_map_type}), also for types bpf4j does not know.
     *
     * @return the number, as given to {@code BPF_MAP_CREATE}
     */
    public int typeCode() {
        return type;
    }

    /**
     * The key size.
     *
     * @return bytes (0 for map types without keys)
     */
    public int keySize() {
        return keySize;
    }

    /**
     * The value size.
     *
     * @return bytes (the whole section for global data)
     */
    public int valueSize() {
        return valueSize;
    }

    /**
     * The maximum number of entries.
     *
     * @return entries; for ring buffers, the buffer's size in bytes; 1 for global data
     */
    public int maxEntries() {
        return maxEntries;
    }

    /**
     * The map creation flags ({@code map_flags}, such as {@link MapFlag#NO_PREALLOC}).
     *
     * @return the flags bpf4j knows (all of them: {@link #flagBits()})
     */
    public java.util.EnumSet<MapFlag> flags() {
        return MapFlag.of(flags);
    }

    /**
     * The map creation flags as the kernel takes them ({@code map_flags}: {@code BPF_F_*} bits).
     *
     * @return the bits
     */
    public int flagBits() {
        return flags;
    }

    /**
     * The NUMA node to allocate the map on ({@code numa_node}; used with {@code BPF_F_NUMA_NODE}).
     *
     * @return the node
     */
    public int numaNode() {
        return numaNode;
    }

    /**
     * How the map is pinned ({@code pinning} in {@code .maps}).
     *
     * @return {@link Pinning#NONE} or {@link Pinning#BY_NAME}
     */
    public Pinning pinning() {
        return Pinning.of(pinning);
    }

    boolean pinnedByName() {
        return pinning == 1; // LIBBPF_PIN_BY_NAME
    }

    void pinningCode(int p) {
        this.pinning = p;
    }

    /**
     * The type-specific {@code map_extra} (a bloom filter's number of hash functions, an arena's
     * address).
     *
     * @return the value
     */
    public long mapExtra() {
        return mapExtra;
    }

    /**
     * The key's type in the object's BTF.
     *
     * @return the BTF type id, or 0
     */
    public int btfKeyTypeId() {
        return btfKeyTypeId;
    }

    /**
     * The value's type in the object's BTF (the DATASEC for global data).
     *
     * @return the BTF type id, or 0
     */
    public int btfValueTypeId() {
        return btfValueTypeId;
    }

    /**
     * The inner map of a map-in-map ({@code __array(values, ...)}).
     *
     * @return the inner map's spec, or null
     */
    public MapSpec innerMap() {
        return innerMap;
    }

    /**
     * The initial contents of a global data map.
     *
     * @return a copy of the section's bytes, or null for other maps
     */
    public byte[] contents() {
        return contents == null ? null : contents.clone();
    }

    /**
     * Whether bpf4j freezes the map after writing its contents ({@code .rodata}).
     *
     * @return true for read-only global data
     */
    public boolean frozen() {
        return kind == Kind.RODATA || kind == Kind.KCONFIG;
    }

    /**
     * Sets the number of entries (the size in bytes of a ring buffer, a power of 2 and a multiple
     * of the page size).
     *
     * @param n the number of entries
     * @return this spec
     * @throws IllegalStateException for a global data map, which has one entry
     */
    public MapSpec maxEntries(int n) {
        if (kind != Kind.USER) throw new IllegalStateException("global data map '" + name + "' has one entry");
        this.maxEntries = n;
        return this;
    }

    void maxEntriesInternal(int n) {
        this.maxEntries = n;
    }

    /**
     * Sets the map creation flags.
     *
     * @param f the flags, replacing those of the object
     * @return this spec
     */
    public MapSpec flags(java.util.Set<MapFlag> f) {
        this.flags = MapFlag.bits(f);
        return this;
    }

    /**
     * Sets the map creation flags as bits ({@code BPF_F_*}), also those bpf4j has no name for.
     *
     * @param f the bits, replacing those of the object
     * @return this spec
     */
    public MapSpec flagBits(int f) {
        this.flags = f;
        return this;
    }

    /**
     * Sets the map type.
     *
     * @param t the type
     * @return this spec
     */
    public MapSpec type(MapType t) {
        this.type = t.code();
        return this;
    }

    /**
     * Sets the map type number ({@code enum bpf_map_type}), also one bpf4j does not know.
     *
     * @param t the number
     * @return this spec
     */
    public MapSpec typeCode(int t) {
        this.type = t;
        return this;
    }

    /**
     * Sets the key size.
     *
     * @param n bytes
     * @return this spec
     */
    public MapSpec keySize(int n) {
        this.keySize = n;
        return this;
    }

    /**
     * Sets the value size.
     *
     * @param n bytes
     * @return this spec
     */
    public MapSpec valueSize(int n) {
        this.valueSize = n;
        return this;
    }

    /**
     * Sets the NUMA node to allocate the map on.
     *
     * @param n the node
     * @return this spec
     */
    public MapSpec numaNode(int n) {
        this.numaNode = n;
        return this;
    }

    /**
     * Sets how the map is pinned.
     *
     * @param p {@link Pinning#NONE} or {@link Pinning#BY_NAME}
     * @return this spec
     */
    public MapSpec pinning(Pinning p) {
        this.pinning = p.code();
        return this;
    }

    /**
     * Sets the type-specific {@code map_extra}.
     *
     * @param e the value
     * @return this spec
     */
    public MapSpec mapExtra(long e) {
        this.mapExtra = e;
        return this;
    }

    MapSpec btfTypes(int keyId, int valueId) {
        this.btfKeyTypeId = keyId;
        this.btfValueTypeId = valueId;
        return this;
    }

    MapSpec innerMap(MapSpec inner) {
        this.innerMap = inner;
        return this;
    }

    /**
     * The initial values of a program array or map-in-map ({@code .values = { [1] = &prog }}):
     * by slot, the name of the program or map that goes there, or null; empty without any.
     *
     * @return the names by slot (null for an empty slot), unmodifiable; empty without initial values
     */
    public java.util.List<String> initialValues() {
        return initialValues == null ? java.util.List.of()
                : java.util.Collections.unmodifiableList(java.util.Arrays.asList(initialValues));
    }

    void initialValue(int slot, String name) {
        if (initialValues == null || initialValues.length <= slot) {
            initialValues = initialValues == null ? new String[slot + 1] : Arrays.copyOf(initialValues, slot + 1);
        }
        initialValues[slot] = name;
    }

    /** Direct access to the contents array (global data), for {@link GlobalData}. */
    byte[] contentsArray() {
        return contents;
    }

    MapSpec contents(byte[] c) {
        this.contents = c;
        return this;
    }

    /**
     * A deep copy (the inner map and the contents too).
     *
     * @return the copy
     */
    public MapSpec copy() {
        MapSpec s = new MapSpec(name, kind, section);
        s.type = type;
        s.keySize = keySize;
        s.valueSize = valueSize;
        s.maxEntries = maxEntries;
        s.flags = flags;
        s.numaNode = numaNode;
        s.pinning = pinning;
        s.mapExtra = mapExtra;
        s.btfKeyTypeId = btfKeyTypeId;
        s.btfValueTypeId = btfValueTypeId;
        s.innerMap = innerMap == null ? null : innerMap.copy();
        s.contents = contents == null ? null : Arrays.copyOf(contents, contents.length);
        s.initialValues = initialValues == null ? null : initialValues.clone();
        return s;
    }

    @Override
    public String toString() {
        return "map '" + name + "' (" + MapType.describe(type) + ", key " + keySize + ", value " + valueSize
                + ", max_entries " + maxEntries + ")";
    }
}
