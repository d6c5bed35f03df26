package org.bpf4j.btf;

/** The kind of a BTF type, with the numeric code BTF uses ({@code BTF_KIND_*} in linux/btf.h). */
public enum BtfKind {
    UNKN(0), INT(1), PTR(2), ARRAY(3), STRUCT(4), UNION(5), ENUM(6), FWD(7), TYPEDEF(8), VOLATILE(9),
    CONST(10), RESTRICT(11), FUNC(12), FUNC_PROTO(13), VAR(14), DATASEC(15), FLOAT(16), DECL_TAG(17),
    TYPE_TAG(18), ENUM64(19);

    /** The highest kind code this version understands. */
    public static final int MAX_CODE = 19;

    private static final BtfKind[] BY_CODE = values();

    private final int code;

    BtfKind(int code) {
        this.code = code;
    }

    /** The {@code BTF_KIND_*} value. */
    public int code() {
        return code;
    }

    /**
     * The kind with this code.
     *
     * @throws IllegalArgumentException if the code is not a known kind
     */
    public static BtfKind of(int code) {
        if (code < 0 || code >= BY_CODE.length) throw new IllegalArgumentException("unknown BTF kind " + code);
        return BY_CODE[code];
    }

    /** The name bpftool prints for this kind ("UNKNOWN" for {@link #UNKN}). */
    public String bpftoolName() {
        return this == UNKN ? "UNKNOWN" : name();
    }

    /** True for CONST, VOLATILE, RESTRICT and TYPE_TAG, which {@link Btf#skipModifiers} skips. */
    public boolean isModifier() {
        return this == CONST || this == VOLATILE || this == RESTRICT || this == TYPE_TAG;
    }

    /** True for STRUCT and UNION. */
    public boolean isComposite() {
        return this == STRUCT || this == UNION;
    }
}
