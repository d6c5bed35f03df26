package org.bpf4j.btf;

/** The kind of a CO-RE relocation ({@code enum bpf_core_relo_kind}), with the names libbpf prints. */
public enum CoreReloKind {
    /** {@code BPF_CORE_FIELD_BYTE_OFFSET} (0, libbpf's {@code byte_off}): a field's byte offset. */
    FIELD_BYTE_OFFSET(0, "byte_off"),
    /** {@code BPF_CORE_FIELD_BYTE_SIZE} (1, libbpf's {@code byte_sz}): a field's size in bytes. */
    FIELD_BYTE_SIZE(1, "byte_sz"),
    /** {@code BPF_CORE_FIELD_EXISTS} (2, libbpf's {@code field_exists}): whether a field exists (1 or 0). */
    FIELD_EXISTS(2, "field_exists"),
    /** {@code BPF_CORE_FIELD_SIGNED} (3, libbpf's {@code signed}): whether a field is signed. */
    FIELD_SIGNED(3, "signed"),
    /** {@code BPF_CORE_FIELD_LSHIFT_U64} (4, libbpf's {@code lshift_u64}): the left shift that extracts a bitfield from a 64-bit load. */
    FIELD_LSHIFT_U64(4, "lshift_u64"),
    /** {@code BPF_CORE_FIELD_RSHIFT_U64} (5, libbpf's {@code rshift_u64}): the right shift that extracts a bitfield from a 64-bit load. */
    FIELD_RSHIFT_U64(5, "rshift_u64"),
    /** {@code BPF_CORE_TYPE_ID_LOCAL} (6, libbpf's {@code local_type_id}): a type's id in the program's own BTF. */
    TYPE_ID_LOCAL(6, "local_type_id"),
    /** {@code BPF_CORE_TYPE_ID_TARGET} (7, libbpf's {@code target_type_id}): a type's id in the target (kernel) BTF. */
    TYPE_ID_TARGET(7, "target_type_id"),
    /** {@code BPF_CORE_TYPE_EXISTS} (8, libbpf's {@code type_exists}): whether a type exists in the target BTF. */
    TYPE_EXISTS(8, "type_exists"),
    /** {@code BPF_CORE_TYPE_SIZE} (9, libbpf's {@code type_size}): a type's size in bytes. */
    TYPE_SIZE(9, "type_size"),
    /** {@code BPF_CORE_ENUMVAL_EXISTS} (10, libbpf's {@code enumval_exists}): whether an enumerator exists. */
    ENUMVAL_EXISTS(10, "enumval_exists"),
    /** {@code BPF_CORE_ENUMVAL_VALUE} (11, libbpf's {@code enumval_value}): an enumerator's value. */
    ENUMVAL_VALUE(11, "enumval_value"),
    /** {@code BPF_CORE_TYPE_MATCHES} (12, libbpf's {@code type_matches}): whether a type matches the target's (bpf_core_type_matches). */
    TYPE_MATCHES(12, "type_matches");

    private static final CoreReloKind[] BY_CODE = values();

    private final int code;
    private final String libbpfName;

    CoreReloKind(int code, String libbpfName) {
        this.code = code;
        this.libbpfName = libbpfName;
    }

    /**
     * The {@code BPF_CORE_*} value stored in .BTF.ext.
     *
     * @return the code
     */
    public int code() {
        return code;
    }

    /**
     * The name libbpf (and llvm-objdump) print.
     *
     * @return a name such as "byte_off"
     */
    public String libbpfName() {
        return libbpfName;
    }

    /**
     * Whether this kind relocates a field access.
     *
     * @return true for the six field-based kinds
     */
    public boolean isFieldBased() {
        return code <= FIELD_RSHIFT_U64.code;
    }

    /**
     * Whether this kind is about a whole type.
     *
     * @return true for the type-based kinds (type ids, existence, size, matches)
     */
    public boolean isTypeBased() {
        return (code >= TYPE_ID_LOCAL.code && code <= TYPE_SIZE.code) || this == TYPE_MATCHES;
    }

    /**
     * Whether this kind is about an enumerator.
     *
     * @return true for the two enumerator-based kinds
     */
    public boolean isEnumValueBased() {
        return this == ENUMVAL_EXISTS || this == ENUMVAL_VALUE;
    }

    /**
     * The kind with this code.
     *
     * @param code a {@code BPF_CORE_*} value
     * @return the kind
     * @throws IllegalArgumentException for an unknown code
     */
    public static CoreReloKind of(int code) {
        if (code < 0 || code >= BY_CODE.length) throw new IllegalArgumentException("unknown CO-RE relocation kind " + code);
        return BY_CODE[code];
    }
}
