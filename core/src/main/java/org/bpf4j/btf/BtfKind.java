package org.bpf4j.btf;

/** The kind of a BTF type, with the numeric code BTF uses ({@code BTF_KIND_*} in linux/btf.h). */
public enum BtfKind {
    /** {@code BTF_KIND_UNKN} (0). */
    UNKN(0),
    /** {@code BTF_KIND_INT} (1). */
    INT(1),
    /** {@code BTF_KIND_PTR} (2). */
    PTR(2),
    /** {@code BTF_KIND_ARRAY} (3). */
    ARRAY(3),
    /** {@code BTF_KIND_STRUCT} (4). */
    STRUCT(4),
    /** {@code BTF_KIND_UNION} (5). */
    UNION(5),
    /** {@code BTF_KIND_ENUM} (6). */
    ENUM(6),
    /** {@code BTF_KIND_FWD} (7). */
    FWD(7),
    /** {@code BTF_KIND_TYPEDEF} (8). */
    TYPEDEF(8),
    /** {@code BTF_KIND_VOLATILE} (9). */
    VOLATILE(9),
    /** {@code BTF_KIND_CONST} (10). */
    CONST(10),
    /** {@code BTF_KIND_RESTRICT} (11). */
    RESTRICT(11),
    /** {@code BTF_KIND_FUNC} (12). */
    FUNC(12),
    /** {@code BTF_KIND_FUNC_PROTO} (13). */
    FUNC_PROTO(13),
    /** {@code BTF_KIND_VAR} (14). */
    VAR(14),
    /** {@code BTF_KIND_DATASEC} (15). */
    DATASEC(15),
    /** {@code BTF_KIND_FLOAT} (16). */
    FLOAT(16),
    /** {@code BTF_KIND_DECL_TAG} (17). */
    DECL_TAG(17),
    /** {@code BTF_KIND_TYPE_TAG} (18). */
    TYPE_TAG(18),
    /** {@code BTF_KIND_ENUM64} (19). */
    ENUM64(19);

    /** The highest kind code this version understands. */
    public static final int MAX_CODE = 19;

    private static final BtfKind[] BY_CODE = values();

    private final int code;

    BtfKind(int code) {
        this.code = code;
    }

    /**
     * The {@code BTF_KIND_*} value.
     *
     * @return the code in a type's {@code info} bits 24-28
     */
    public int code() {
        return code;
    }

    /**
     * The kind with this code.
     *
     * @param code a {@code BTF_KIND_*} value
     * @return the kind
     * @throws IllegalArgumentException if the code is not a known kind
     */
    public static BtfKind of(int code) {
        if (code < 0 || code >= BY_CODE.length) throw new IllegalArgumentException("unknown BTF kind " + code);
        return BY_CODE[code];
    }

    /**
     * The name bpftool prints for this kind.
     *
     * @return the enum name, "UNKNOWN" for {@link #UNKN}
     */
    public String bpftoolName() {
        return this == UNKN ? "UNKNOWN" : name();
    }

    /**
     * Whether this is a modifier kind, which {@link Btf#skipModifiers} skips.
     *
     * @return true for CONST, VOLATILE, RESTRICT and TYPE_TAG
     */
    public boolean isModifier() {
        return this == CONST || this == VOLATILE || this == RESTRICT || this == TYPE_TAG;
    }

    /**
     * Whether this is a struct or union kind.
     *
     * @return true for STRUCT and UNION
     */
    public boolean isComposite() {
        return this == STRUCT || this == UNION;
    }
}
