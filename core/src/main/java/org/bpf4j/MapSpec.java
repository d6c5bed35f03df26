package org.bpf4j;

import java.util.Arrays;

/**
 * A map as an object file declares it: plain data, no file descriptor. Change it freely before
 * {@link ObjectSpec#load}, for instance to resize a ring buffer with {@link #maxEntries(int)}.
 */
public final class MapSpec {
    /** What declared the map. */
    public enum Kind { USER, DATA, RODATA, BSS, KCONFIG }

    /** {@code LIBBPF_PIN_*} values of the {@code pinning} field. */
    public static final int PIN_NONE = 0, PIN_BY_NAME = 1;

    /** {@code BPF_F_*} map creation flags bpf4j sets itself. */
    public static final int F_NO_PREALLOC = 1, F_RDONLY_PROG = 0x80, F_MMAPABLE = 0x400;

    private final String name;
    private final Kind kind;
    private final String section;
    private int type;
    private int keySize;
    private int valueSize;
    private int maxEntries;
    private int flags;
    private int numaNode;
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

    /** A map built in code rather than read from an object. */
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
     */
    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** The ELF section that declared the map, or null. */
    public String section() {
        return section;
    }

    /** The map type number ({@code enum bpf_map_type}); see {@link #mapType()}. */
    public int type() {
        return type;
    }

    /** The map type, or null if bpf4j does not know the number. */
    public MapType mapType() {
        return MapType.of(type);
    }

    public int keySize() {
        return keySize;
    }

    public int valueSize() {
        return valueSize;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public int flags() {
        return flags;
    }

    public int numaNode() {
        return numaNode;
    }

    public int pinning() {
        return pinning;
    }

    public long mapExtra() {
        return mapExtra;
    }

    /** BTF type id of the key in the object's BTF, or 0. */
    public int btfKeyTypeId() {
        return btfKeyTypeId;
    }

    /** BTF type id of the value in the object's BTF (the DATASEC for global data), or 0. */
    public int btfValueTypeId() {
        return btfValueTypeId;
    }

    /** The inner map of a map-in-map, or null. */
    public MapSpec innerMap() {
        return innerMap;
    }

    /** Initial contents of a global data map (a copy), or null. */
    public byte[] contents() {
        return contents == null ? null : contents.clone();
    }

    /** Whether bpf4j freezes the map after writing its contents ({@code .rodata}). */
    public boolean frozen() {
        return kind == Kind.RODATA || kind == Kind.KCONFIG;
    }

    public MapSpec maxEntries(int n) {
        if (kind != Kind.USER) throw new IllegalStateException("global data map '" + name + "' has one entry");
        this.maxEntries = n;
        return this;
    }

    void maxEntriesInternal(int n) {
        this.maxEntries = n;
    }

    public MapSpec flags(int f) {
        this.flags = f;
        return this;
    }

    public MapSpec type(int t) {
        this.type = t;
        return this;
    }

    public MapSpec keySize(int n) {
        this.keySize = n;
        return this;
    }

    public MapSpec valueSize(int n) {
        this.valueSize = n;
        return this;
    }

    public MapSpec numaNode(int n) {
        this.numaNode = n;
        return this;
    }

    public MapSpec pinning(int p) {
        this.pinning = p;
        return this;
    }

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

    /** A deep copy. */
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
