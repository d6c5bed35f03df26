package org.bpf4j.btf;

/** The kind of a CO-RE relocation ({@code enum bpf_core_relo_kind}), with the names libbpf prints. */
public enum CoreReloKind {
    FIELD_BYTE_OFFSET(0, "byte_off"),
    FIELD_BYTE_SIZE(1, "byte_sz"),
    FIELD_EXISTS(2, "field_exists"),
    FIELD_SIGNED(3, "signed"),
    FIELD_LSHIFT_U64(4, "lshift_u64"),
    FIELD_RSHIFT_U64(5, "rshift_u64"),
    TYPE_ID_LOCAL(6, "local_type_id"),
    TYPE_ID_TARGET(7, "target_type_id"),
    TYPE_EXISTS(8, "type_exists"),
    TYPE_SIZE(9, "type_size"),
    ENUMVAL_EXISTS(10, "enumval_exists"),
    ENUMVAL_VALUE(11, "enumval_value"),
    TYPE_MATCHES(12, "type_matches");

    private static final CoreReloKind[] BY_CODE = values();

    private final int code;
    private final String libbpfName;

    CoreReloKind(int code, String libbpfName) {
        this.code = code;
        this.libbpfName = libbpfName;
    }

    /** The {@code BPF_CORE_*} value stored in .BTF.ext. */
    public int code() {
        return code;
    }

    /** The name libbpf (and llvm-objdump) print, such as "byte_off". */
    public String libbpfName() {
        return libbpfName;
    }

    /** True for the six field-based kinds. */
    public boolean isFieldBased() {
        return code <= FIELD_RSHIFT_U64.code;
    }

    /** True for the type-based kinds (type ids, existence, size, matches). */
    public boolean isTypeBased() {
        return (code >= TYPE_ID_LOCAL.code && code <= TYPE_SIZE.code) || this == TYPE_MATCHES;
    }

    /** True for the two enumerator-based kinds. */
    public boolean isEnumValueBased() {
        return this == ENUMVAL_EXISTS || this == ENUMVAL_VALUE;
    }

    /**
     * The kind with this code.
     *
     * @throws IllegalArgumentException for an unknown code
     */
    public static CoreReloKind of(int code) {
        if (code < 0 || code >= BY_CODE.length) throw new IllegalArgumentException("unknown CO-RE relocation kind " + code);
        return BY_CODE[code];
    }
}
