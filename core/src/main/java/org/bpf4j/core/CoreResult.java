package org.bpf4j.core;

/**
 * The outcome of one CO-RE relocation, as libbpf's {@code struct bpf_core_relo_res}: the value the
 * compiler put in the instruction ({@code origValue}), the value for the target kernel
 * ({@code newValue}), or {@code poison} when the target lacks the field, type or enum value.
 *
 * @param poison            no candidate matched and the kind has no neutral answer
 * @param origValue         the value the instruction must hold (checked when {@code validate})
 * @param newValue          the value to patch in
 * @param validate          whether the instruction's current value is checked against {@code origValue}
 * @param origSize          for byte_off: the memory access size the local field implies (0: none)
 * @param newSize           for byte_off: the size the target's field implies
 * @param origTypeId        for byte_off: the local field's type (resolved)
 * @param newTypeId         for byte_off: the target field's type (resolved)
 * @param failMemSizeAdjust a load or store of this field would change size in a way that reads it
 *                          incorrectly (signed or non-integer): the patch poisons such a load
 * @param localSpec         libbpf's rendering of the local access, for messages
 * @param targetSpec        the matched target access, or null
 * @param access            the local access in C terms ({@code task_struct.comm[2]})
 * @param candidates        how many target types had the local type's essential name (after
 *                          earlier relocations pruned them); -1 when not searched (local_type_id)
 */
public record CoreResult(boolean poison, long origValue, long newValue, boolean validate, int origSize, int newSize,
                         int origTypeId, int newTypeId, boolean failMemSizeAdjust, String localSpec,
                         String targetSpec, String access, int candidates) {
}
