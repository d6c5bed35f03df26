package org.bpf4j;

/** BPF map types ({@code enum bpf_map_type}), with the kernel version that introduced each. */
public enum MapType {
    UNSPEC(0, null), HASH(1, "3.19"), ARRAY(2, "3.19"), PROG_ARRAY(3, "4.2"), PERF_EVENT_ARRAY(4, "4.3"),
    PERCPU_HASH(5, "4.6"), PERCPU_ARRAY(6, "4.6"), STACK_TRACE(7, "4.6"), CGROUP_ARRAY(8, "4.8"),
    LRU_HASH(9, "4.10"), LRU_PERCPU_HASH(10, "4.10"), LPM_TRIE(11, "4.11"), ARRAY_OF_MAPS(12, "4.12"),
    HASH_OF_MAPS(13, "4.12"), DEVMAP(14, "4.14"), SOCKMAP(15, "4.14"), CPUMAP(16, "4.15"), XSKMAP(17, "4.18"),
    SOCKHASH(18, "4.18"), CGROUP_STORAGE(19, "4.19"), REUSEPORT_SOCKARRAY(20, "4.19"),
    PERCPU_CGROUP_STORAGE(21, "4.20"), QUEUE(22, "4.20"), STACK(23, "4.20"), SK_STORAGE(24, "5.2"),
    DEVMAP_HASH(25, "5.4"), STRUCT_OPS(26, "5.6"), RINGBUF(27, "5.8"), INODE_STORAGE(28, "5.10"),
    TASK_STORAGE(29, "5.11"), BLOOM_FILTER(30, "5.16"), USER_RINGBUF(31, "6.1"), CGRP_STORAGE(32, "6.2"),
    ARENA(33, "6.9");

    private static final MapType[] BY_CODE = values();
    private final int code;
    private final String since;

    MapType(int code, String since) {
        this.code = code;
        this.since = since;
    }

    public int code() {
        return code;
    }

    /** The first kernel version with this map type. */
    public String since() {
        return since;
    }

    /** Per-CPU maps hold one value per possible CPU. */
    public boolean perCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY || this == LRU_PERCPU_HASH
                || this == PERCPU_CGROUP_STORAGE;
    }

    public static MapType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** A name for messages: the enum name, or {@code type N} for numbers bpf4j does not know. */
    public static String describe(int code) {
        MapType t = of(code);
        return t != null ? t.name() : "type " + code;
    }
}
