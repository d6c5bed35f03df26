package org.bpf4j.core;

/**
 * The outcome of one CO-RE relocation, as libbpf's {@code struct bpf_core_relo_res}: the value the
 * compiler put in the instruction ({@code origValue}), the value for the target kernel
 * ({@code newValue}), or {@code poison} when the target lacks the field, type or enum value.
 *
 * @param localSpec  libbpf's rendering of the local access, for messages
 * @param targetSpec the matched target access, or null
 */
public record CoreResult(boolean poison, long origValue, long newValue, boolean validate, int origSize, int newSize,
                         int origTypeId, int newTypeId, boolean failMemSizeAdjust, String localSpec,
                         String targetSpec) {
}
