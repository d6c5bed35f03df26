package org.bpf4j.core;

/**
 * The outcome of one CO-RE relocation, as libbpf's {@code struct bpf_core_relo_res}: the value the
 * compiler put in the instruction ({@link #origValue}), the value for the target kernel
 * ({@link #newValue}), or {@link #poison} when the target lacks the field, type or enum value.
 * The descriptions ({@link #localSpec}, {@link #targetSpec}, {@link #access}) are formatted on
 * first request: resolving costs no string building.
 */
public final class CoreResult {
    private final boolean poison;
    private final long origValue, newValue;
    private final boolean validate;
    private final int origSize, newSize, origTypeId, newTypeId;
    private final boolean failMemSizeAdjust;
    private final int candidates;
    private final CoreSpec local, target;
    private String localSpec, targetSpec, access;

    CoreResult(boolean poison, long origValue, long newValue, boolean validate, int origSize, int newSize,
               int origTypeId, int newTypeId, boolean failMemSizeAdjust, CoreSpec local, CoreSpec target, int candidates) {
        this.poison = poison;
        this.origValue = origValue;
        this.newValue = newValue;
        this.validate = validate;
        this.origSize = origSize;
        this.newSize = newSize;
        this.origTypeId = origTypeId;
        this.newTypeId = newTypeId;
        this.failMemSizeAdjust = failMemSizeAdjust;
        this.local = local;
        this.target = target;
        this.candidates = candidates;
    }

    /**
     * A result with ready-made descriptions (for patching instructions by hand, and tests).
     *
     * @param poison whether the instruction is poisoned
     * @param origValue the value the instruction must hold
     * @param newValue the value to patch in
     * @param validate whether {@code origValue} is checked
     * @param origSize the local field's access size in bytes, 0 for none
     * @param newSize the target field's access size in bytes
     * @param origTypeId the local field's resolved type id
     * @param newTypeId the target field's resolved type id
     * @param failMemSizeAdjust whether a load of this field is poisoned for changing size
     * @param localSpec the local access as libbpf renders it
     * @param targetSpec the matched target access, or null
     * @param access the local access in C terms
     * @param candidates the number of candidate target types, or -1
     */
    public CoreResult(boolean poison, long origValue, long newValue, boolean validate, int origSize, int newSize,
                      int origTypeId, int newTypeId, boolean failMemSizeAdjust, String localSpec, String targetSpec,
                      String access, int candidates) {
        this(poison, origValue, newValue, validate, origSize, newSize, origTypeId, newTypeId, failMemSizeAdjust, null,
                null, candidates);
        this.localSpec = localSpec;
        this.targetSpec = targetSpec;
        this.access = access;
    }

    /**
     * No candidate matched and the kind has no neutral answer: the instruction is poisoned.
     *
     * @return true if poisoned
     */
    public boolean poison() {
        return poison;
    }

    /**
     * The value the instruction must hold (checked when {@link #validate}).
     *
     * @return the original value
     */
    public long origValue() {
        return origValue;
    }

    /**
     * The value to patch in.
     *
     * @return the new value
     */
    public long newValue() {
        return newValue;
    }

    /**
     * Whether the instruction's current value is checked against {@link #origValue}.
     *
     * @return true if the value is checked
     */
    public boolean validate() {
        return validate;
    }

    /**
     * For byte_off: the memory access size the local field implies (0: none).
     *
     * @return the size in bytes, or 0
     */
    public int origSize() {
        return origSize;
    }

    /**
     * For byte_off: the memory access size the target's field implies.
     *
     * @return the size in bytes
     */
    public int newSize() {
        return newSize;
    }

    /**
     * For byte_off: the local field's type (resolved).
     *
     * @return the BTF type id in the local BTF
     */
    public int origTypeId() {
        return origTypeId;
    }

    /**
     * For byte_off: the target field's type (resolved).
     *
     * @return the BTF type id in the target BTF
     */
    public int newTypeId() {
        return newTypeId;
    }

    /**
     * A load or store of this field would change size in a way that reads it incorrectly (signed
     * or non-integer): patching poisons such a load.
     *
     * @return true if such a load is poisoned
     */
    public boolean failMemSizeAdjust() {
        return failMemSizeAdjust;
    }

    /**
     * How many target types had the local type's essential name (after earlier relocations pruned
     * them); -1 when not searched (local_type_id).
     *
     * @return the number of candidates, or -1
     */
    public int candidates() {
        return candidates;
    }

    /**
     * libbpf's rendering of the local access: {@code [5] struct task_struct.pid (0:11 @ offset 24)}.
     *
     * @return the rendering
     */
    public String localSpec() {
        if (localSpec == null && local != null) localSpec = local.toString();
        return localSpec;
    }

    /**
     * The matched target access in the same form, or null.
     *
     * @return the rendering, or null
     */
    public String targetSpec() {
        if (targetSpec == null && target != null) targetSpec = target.toString();
        return targetSpec;
    }

    /**
     * The local access in C terms: {@code task_struct.comm[2]}, {@code bpf_map_type::BPF_MAP_TYPE_ARENA}.
     *
     * @return the access
     */
    public String access() {
        if (access == null && local != null) access = local.cForm();
        return access;
    }

    @Override
    public String toString() {
        return poison ? "poison (" + localSpec() + ")" : Long.toUnsignedString(newValue) + " (" + localSpec() + " -> "
                + targetSpec() + ")";
    }
}
