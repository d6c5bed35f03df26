package org.bpf4j.sys;

/** The bpf(2) commands ({@code enum bpf_cmd} in {@code uapi/linux/bpf.h}). */
public enum BpfCmd {
    /** {@code BPF_MAP_CREATE} (0). */
    MAP_CREATE(0),
    /** {@code BPF_MAP_LOOKUP_ELEM} (1). */
    MAP_LOOKUP_ELEM(1),
    /** {@code BPF_MAP_UPDATE_ELEM} (2). */
    MAP_UPDATE_ELEM(2),
    /** {@code BPF_MAP_DELETE_ELEM} (3). */
    MAP_DELETE_ELEM(3),
    /** {@code BPF_MAP_GET_NEXT_KEY} (4). */
    MAP_GET_NEXT_KEY(4),
    /** {@code BPF_PROG_LOAD} (5). */
    PROG_LOAD(5),
    /** {@code BPF_OBJ_PIN} (6). */
    OBJ_PIN(6),
    /** {@code BPF_OBJ_GET} (7). */
    OBJ_GET(7),
    /** {@code BPF_PROG_ATTACH} (8). */
    PROG_ATTACH(8),
    /** {@code BPF_PROG_DETACH} (9). */
    PROG_DETACH(9),
    /** {@code BPF_PROG_TEST_RUN} (10). */
    PROG_TEST_RUN(10),
    /** {@code BPF_PROG_GET_NEXT_ID} (11). */
    PROG_GET_NEXT_ID(11),
    /** {@code BPF_MAP_GET_NEXT_ID} (12). */
    MAP_GET_NEXT_ID(12),
    /** {@code BPF_PROG_GET_FD_BY_ID} (13). */
    PROG_GET_FD_BY_ID(13),
    /** {@code BPF_MAP_GET_FD_BY_ID} (14). */
    MAP_GET_FD_BY_ID(14),
    /** {@code BPF_OBJ_GET_INFO_BY_FD} (15). */
    OBJ_GET_INFO_BY_FD(15),
    /** {@code BPF_PROG_QUERY} (16). */
    PROG_QUERY(16),
    /** {@code BPF_RAW_TRACEPOINT_OPEN} (17). */
    RAW_TRACEPOINT_OPEN(17),
    /** {@code BPF_BTF_LOAD} (18). */
    BTF_LOAD(18),
    /** {@code BPF_BTF_GET_FD_BY_ID} (19). */
    BTF_GET_FD_BY_ID(19),
    /** {@code BPF_TASK_FD_QUERY} (20). */
    TASK_FD_QUERY(20),
    /** {@code BPF_MAP_LOOKUP_AND_DELETE_ELEM} (21). */
    MAP_LOOKUP_AND_DELETE_ELEM(21),
    /** {@code BPF_MAP_FREEZE} (22). */
    MAP_FREEZE(22),
    /** {@code BPF_BTF_GET_NEXT_ID} (23). */
    BTF_GET_NEXT_ID(23),
    /** {@code BPF_MAP_LOOKUP_BATCH} (24). */
    MAP_LOOKUP_BATCH(24),
    /** {@code BPF_MAP_LOOKUP_AND_DELETE_BATCH} (25). */
    MAP_LOOKUP_AND_DELETE_BATCH(25),
    /** {@code BPF_MAP_UPDATE_BATCH} (26). */
    MAP_UPDATE_BATCH(26),
    /** {@code BPF_MAP_DELETE_BATCH} (27). */
    MAP_DELETE_BATCH(27),
    /** {@code BPF_LINK_CREATE} (28). */
    LINK_CREATE(28),
    /** {@code BPF_LINK_UPDATE} (29). */
    LINK_UPDATE(29),
    /** {@code BPF_LINK_GET_FD_BY_ID} (30). */
    LINK_GET_FD_BY_ID(30),
    /** {@code BPF_LINK_GET_NEXT_ID} (31). */
    LINK_GET_NEXT_ID(31),
    /** {@code BPF_ENABLE_STATS} (32). */
    ENABLE_STATS(32),
    /** {@code BPF_ITER_CREATE} (33). */
    ITER_CREATE(33),
    /** {@code BPF_LINK_DETACH} (34). */
    LINK_DETACH(34),
    /** {@code BPF_PROG_BIND_MAP} (35). */
    PROG_BIND_MAP(35);

    private final int code;
    private final String label;

    BpfCmd(int code) {
        this.code = code;
        this.label = "BPF_" + name();
    }

    /**
     * The command's number.
     *
     * @return the first argument of bpf(2)
     */
    public int code() {
        return code;
    }

    /**
     * The name as the kernel headers spell it.
     *
     * @return a name such as {@code BPF_PROG_LOAD}
     */
    public String label() {
        return label;
    }
}
