package org.bpf4j;

/** BPF map types ({@code enum bpf_map_type}), with the kernel version that introduced each. */
public enum MapType {
    /** {@code BPF_MAP_TYPE_UNSPEC} (0): no type. */
    UNSPEC(0, null),
    /** {@code BPF_MAP_TYPE_HASH} (1), Linux 3.19. */
    HASH(1, "3.19"),
    /** {@code BPF_MAP_TYPE_ARRAY} (2), Linux 3.19. */
    ARRAY(2, "3.19"),
    /** {@code BPF_MAP_TYPE_PROG_ARRAY} (3), Linux 4.2. */
    PROG_ARRAY(3, "4.2"),
    /** {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY} (4), Linux 4.3. */
    PERF_EVENT_ARRAY(4, "4.3"),
    /** {@code BPF_MAP_TYPE_PERCPU_HASH} (5), Linux 4.6. */
    PERCPU_HASH(5, "4.6"),
    /** {@code BPF_MAP_TYPE_PERCPU_ARRAY} (6), Linux 4.6. */
    PERCPU_ARRAY(6, "4.6"),
    /** {@code BPF_MAP_TYPE_STACK_TRACE} (7), Linux 4.6. */
    STACK_TRACE(7, "4.6"),
    /** {@code BPF_MAP_TYPE_CGROUP_ARRAY} (8), Linux 4.8. */
    CGROUP_ARRAY(8, "4.8"),
    /** {@code BPF_MAP_TYPE_LRU_HASH} (9), Linux 4.10. */
    LRU_HASH(9, "4.10"),
    /** {@code BPF_MAP_TYPE_LRU_PERCPU_HASH} (10), Linux 4.10. */
    LRU_PERCPU_HASH(10, "4.10"),
    /** {@code BPF_MAP_TYPE_LPM_TRIE} (11), Linux 4.11. */
    LPM_TRIE(11, "4.11"),
    /** {@code BPF_MAP_TYPE_ARRAY_OF_MAPS} (12), Linux 4.12. */
    ARRAY_OF_MAPS(12, "4.12"),
    /** {@code BPF_MAP_TYPE_HASH_OF_MAPS} (13), Linux 4.12. */
    HASH_OF_MAPS(13, "4.12"),
    /** {@code BPF_MAP_TYPE_DEVMAP} (14), Linux 4.14. */
    DEVMAP(14, "4.14"),
    /** {@code BPF_MAP_TYPE_SOCKMAP} (15), Linux 4.14. */
    SOCKMAP(15, "4.14"),
    /** {@code BPF_MAP_TYPE_CPUMAP} (16), Linux 4.15. */
    CPUMAP(16, "4.15"),
    /** {@code BPF_MAP_TYPE_XSKMAP} (17), Linux 4.18. */
    XSKMAP(17, "4.18"),
    /** {@code BPF_MAP_TYPE_SOCKHASH} (18), Linux 4.18. */
    SOCKHASH(18, "4.18"),
    /** {@code BPF_MAP_TYPE_CGROUP_STORAGE} (19), Linux 4.19. */
    CGROUP_STORAGE(19, "4.19"),
    /** {@code BPF_MAP_TYPE_REUSEPORT_SOCKARRAY} (20), Linux 4.19. */
    REUSEPORT_SOCKARRAY(20, "4.19"),
    /** {@code BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE} (21), Linux 4.20. */
    PERCPU_CGROUP_STORAGE(21, "4.20"),
    /** {@code BPF_MAP_TYPE_QUEUE} (22), Linux 4.20. */
    QUEUE(22, "4.20"),
    /** {@code BPF_MAP_TYPE_STACK} (23), Linux 4.20. */
    STACK(23, "4.20"),
    /** {@code BPF_MAP_TYPE_SK_STORAGE} (24), Linux 5.2. */
    SK_STORAGE(24, "5.2"),
    /** {@code BPF_MAP_TYPE_DEVMAP_HASH} (25), Linux 5.4. */
    DEVMAP_HASH(25, "5.4"),
    /** {@code BPF_MAP_TYPE_STRUCT_OPS} (26), Linux 5.6. */
    STRUCT_OPS(26, "5.6"),
    /** {@code BPF_MAP_TYPE_RINGBUF} (27), Linux 5.8. */
    RINGBUF(27, "5.8"),
    /** {@code BPF_MAP_TYPE_INODE_STORAGE} (28), Linux 5.10. */
    INODE_STORAGE(28, "5.10"),
    /** {@code BPF_MAP_TYPE_TASK_STORAGE} (29), Linux 5.11. */
    TASK_STORAGE(29, "5.11"),
    /** {@code BPF_MAP_TYPE_BLOOM_FILTER} (30), Linux 5.16. */
    BLOOM_FILTER(30, "5.16"),
    /** {@code BPF_MAP_TYPE_USER_RINGBUF} (31), Linux 6.1. */
    USER_RINGBUF(31, "6.1"),
    /** {@code BPF_MAP_TYPE_CGRP_STORAGE} (32), Linux 6.2. */
    CGRP_STORAGE(32, "6.2"),
    /** {@code BPF_MAP_TYPE_ARENA} (33), Linux 6.9. */
    ARENA(33, "6.9");

    private static final MapType[] BY_CODE = values();
    private final int code;
    private final String since;

    MapType(int code, String since) {
        this.code = code;
        this.since = since;
    }

    /**
     * The kernel's number for this map type.
     *
     * @return the number, as in {@code enum bpf_map_type}
     */
    public int code() {
        return code;
    }

    /**
     * The first kernel version with this map type.
     *
     * @return a version such as {@code "5.8"}, or null for {@code UNSPEC}
     */
    public String since() {
        return since;
    }

    /**
     * Whether maps of this type hold one value per possible CPU.
     *
     * @return true for the per-CPU hash, array, LRU hash and cgroup storage
     */
    public boolean perCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY || this == LRU_PERCPU_HASH
                || this == PERCPU_CGROUP_STORAGE;
    }

    /**
     * The type of a kernel number.
     *
     * @param code the number
     * @return the type, or null for a number bpf4j does not know
     */
    public static MapType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /**
     * A name for messages.
     *
     * @param code a map type number
     * @return the enum name, or {@code type N} for numbers bpf4j does not know
     */
    public static String describe(int code) {
        MapType t = of(code);
        return t != null ? t.name() : "type " + code;
    }
}
