package org.bpf4j;

import java.util.EnumSet;
import java.util.Set;

/** Map creation flags ({@code map_flags} of {@code BPF_MAP_CREATE}, the kernel's {@code BPF_F_*}). */
public enum MapFlag {
    /** {@code BPF_F_NO_PREALLOC}: hash maps allocate their elements on demand. */
    NO_PREALLOC(1),
    /** {@code BPF_F_NO_COMMON_LRU}: an LRU hash keeps one LRU list per CPU. */
    NO_COMMON_LRU(1 << 1),
    /** {@code BPF_F_NUMA_NODE}: allocate on the spec's {@link MapSpec#numaNode()}. */
    NUMA_NODE(1 << 2),
    /** {@code BPF_F_RDONLY}: user space may only read the map. */
    RDONLY(1 << 3),
    /** {@code BPF_F_WRONLY}: user space may only write the map. */
    WRONLY(1 << 4),
    /** {@code BPF_F_STACK_BUILD_ID}: a stack trace map stores build ids and offsets. */
    STACK_BUILD_ID(1 << 5),
    /** {@code BPF_F_ZERO_SEED}: a hash map's hash seed is zero (for tests). */
    ZERO_SEED(1 << 6),
    /** {@code BPF_F_RDONLY_PROG}: programs may only read the map (bpf4j sets it for {@code .rodata}). */
    RDONLY_PROG(1 << 7),
    /** {@code BPF_F_WRONLY_PROG}: programs may only write the map. */
    WRONLY_PROG(1 << 8),
    /** {@code BPF_F_CLONE}: socket storage is cloned to child sockets. */
    CLONE(1 << 9),
    /** {@code BPF_F_MMAPABLE}: an array map user space can memory-map (bpf4j sets it for global data). */
    MMAPABLE(1 << 10),
    /** {@code BPF_F_PRESERVE_ELEMS}: a perf event array keeps its entries when its creator's fd closes. */
    PRESERVE_ELEMS(1 << 11),
    /** {@code BPF_F_INNER_MAP}: inner maps of this map-in-map may have different max_entries. */
    INNER_MAP(1 << 12);

    private final int bit;

    MapFlag(int bit) {
        this.bit = bit;
    }

    /**
     * The kernel's bit for this flag.
     *
     * @return the {@code BPF_F_*} value
     */
    public int bit() {
        return bit;
    }

    /**
     * The flags set in a {@code map_flags} word.
     *
     * @param bits the word
     * @return the flags bpf4j knows among them (bits it does not know are left out)
     */
    public static EnumSet<MapFlag> of(int bits) {
        EnumSet<MapFlag> s = EnumSet.noneOf(MapFlag.class);
        for (MapFlag f : values()) {
            if ((bits & f.bit) != 0) s.add(f);
        }
        return s;
    }

    /**
     * The {@code map_flags} word of a set of flags.
     *
     * @param flags the flags
     * @return the bits, or-ed together
     */
    public static int bits(Set<MapFlag> flags) {
        int b = 0;
        for (MapFlag f : flags) b |= f.bit;
        return b;
    }
}
