package org.bpf4j.btf;

/** The kind of a BTF type, with the numeric code BTF uses ({@code BTF_KIND_*} in linux/btf.h). */
public enum BtfKind {
    /** {@code BTF_KIND_UNKN} (0). */
    UNKN(Code.UNKN),
    /** {@code BTF_KIND_INT} (1). */
    INT(Code.INT),
    /** {@code BTF_KIND_PTR} (2). */
    PTR(Code.PTR),
    /** {@code BTF_KIND_ARRAY} (3). */
    ARRAY(Code.ARRAY),
    /** {@code BTF_KIND_STRUCT} (4). */
    STRUCT(Code.STRUCT),
    /** {@code BTF_KIND_UNION} (5). */
    UNION(Code.UNION),
    /** {@code BTF_KIND_ENUM} (6). */
    ENUM(Code.ENUM),
    /** {@code BTF_KIND_FWD} (7). */
    FWD(Code.FWD),
    /** {@code BTF_KIND_TYPEDEF} (8). */
    TYPEDEF(Code.TYPEDEF),
    /** {@code BTF_KIND_VOLATILE} (9). */
    VOLATILE(Code.VOLATILE),
    /** {@code BTF_KIND_CONST} (10). */
    CONST(Code.CONST),
    /** {@code BTF_KIND_RESTRICT} (11). */
    RESTRICT(Code.RESTRICT),
    /** {@code BTF_KIND_FUNC} (12). */
    FUNC(Code.FUNC),
    /** {@code BTF_KIND_FUNC_PROTO} (13). */
    FUNC_PROTO(Code.FUNC_PROTO),
    /** {@code BTF_KIND_VAR} (14). */
    VAR(Code.VAR),
    /** {@code BTF_KIND_DATASEC} (15). */
    DATASEC(Code.DATASEC),
    /** {@code BTF_KIND_FLOAT} (16). */
    FLOAT(Code.FLOAT),
    /** {@code BTF_KIND_DECL_TAG} (17). */
    DECL_TAG(Code.DECL_TAG),
    /** {@code BTF_KIND_TYPE_TAG} (18). */
    TYPE_TAG(Code.TYPE_TAG),
    /** {@code BTF_KIND_ENUM64} (19). */
    ENUM64(Code.ENUM64);

    /** The highest kind code this version understands. */
    public static final int MAX_CODE = Code.ENUM64;

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

    /**
     * The {@code BTF_KIND_*} codes as compile-time constants, for the code that reads raw records and
     * switches on {@link Btf#kindCode}: javac inlines them, so using them loads no class (unlike a
     * switch on the enum). The only place a kind number is written.
     */
    public static final class Code {
        /** {@code BTF_KIND_UNKN}. */
        public static final int UNKN = 0;
        /** {@code BTF_KIND_INT}. */
        public static final int INT = 1;
        /** {@code BTF_KIND_PTR}. */
        public static final int PTR = 2;
        /** {@code BTF_KIND_ARRAY}. */
        public static final int ARRAY = 3;
        /** {@code BTF_KIND_STRUCT}. */
        public static final int STRUCT = 4;
        /** {@code BTF_KIND_UNION}. */
        public static final int UNION = 5;
        /** {@code BTF_KIND_ENUM}. */
        public static final int ENUM = 6;
        /** {@code BTF_KIND_FWD}. */
        public static final int FWD = 7;
        /** {@code BTF_KIND_TYPEDEF}. */
        public static final int TYPEDEF = 8;
        /** {@code BTF_KIND_VOLATILE}. */
        public static final int VOLATILE = 9;
        /** {@code BTF_KIND_CONST}. */
        public static final int CONST = 10;
        /** {@code BTF_KIND_RESTRICT}. */
        public static final int RESTRICT = 11;
        /** {@code BTF_KIND_FUNC}. */
        public static final int FUNC = 12;
        /** {@code BTF_KIND_FUNC_PROTO}. */
        public static final int FUNC_PROTO = 13;
        /** {@code BTF_KIND_VAR}. */
        public static final int VAR = 14;
        /** {@code BTF_KIND_DATASEC}. */
        public static final int DATASEC = 15;
        /** {@code BTF_KIND_FLOAT}. */
        public static final int FLOAT = 16;
        /** {@code BTF_KIND_DECL_TAG}. */
        public static final int DECL_TAG = 17;
        /** {@code BTF_KIND_TYPE_TAG}. */
        public static final int TYPE_TAG = 18;
        /** {@code BTF_KIND_ENUM64}. */
        public static final int ENUM64 = 19;

        private Code() {}
    }
}
