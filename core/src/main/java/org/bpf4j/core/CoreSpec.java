package org.bpf4j.core;

import java.util.Arrays;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.btf.CoreReloKind;

/**
 * A CO-RE access specification, low and high level, as libbpf's {@code struct bpf_core_spec}:
 * the raw access string ({@code 0:1:2}) on one side, the "turning points" (named members and
 * array indexes) on the other, and the resulting bit offset.
 */
final class CoreSpec {
    static final int MAX_LEN = 64;

    final Btf btf;
    final int rootTypeId;
    final CoreReloKind kind;
    /** The low-level spec: one index per access string element (and per anonymous member crossed). */
    final int[] raw = new int[MAX_LEN];
    int rawLen;
    /** High-level accessors: the (resolved) type holding the member or array element... */
    final int[] accType = new int[MAX_LEN];
    /** ...the member, element or enumerator index... */
    final int[] accIdx = new int[MAX_LEN];
    /** ...and the member's or enumerator's name, null for an array element. */
    final String[] accName = new String[MAX_LEN];
    int len;
    long bitOffset;

    CoreSpec(Btf btf, int rootTypeId, CoreReloKind kind) {
        this.btf = btf;
        this.rootTypeId = rootTypeId;
        this.kind = kind;
    }

    void push(int typeId, int idx, String name) {
        accType[len] = typeId;
        accIdx[len] = idx;
        accName[len] = name;
        len++;
    }

    /** libbpf's btf_kind_str: "struct", "enum64", ... */
    static String kindName(BtfKind k) {
        return k == BtfKind.UNKN ? "unknown" : k.name().toLowerCase(java.util.Locale.ROOT);
    }

    String rawString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rawLen; i++) {
            if (i > 0) sb.append(':');
            sb.append(raw[i]);
        }
        return sb.toString();
    }

    /**
     * The access in C terms, for messages: {@code task_struct.comm[2]}, {@code
     * bpf_map_type::BPF_MAP_TYPE_ARENA}, or the type's name for type-based kinds.
     */
    String cForm() {
        String n = btf.name(rootTypeId);
        StringBuilder sb = new StringBuilder(n.isEmpty() ? "<anon>" : n);
        if (kind.isTypeBased()) return sb.toString();
        if (kind.isEnumValueBased()) return len > 0 ? sb.append("::").append(accName[0]).toString() : sb.toString();
        for (int i = 0; i < len; i++) {
            if (accName[i] != null) sb.append('.').append(accName[i]);
            else if (i > 0 || accIdx[i] > 0) sb.append('[').append(accIdx[i]).append(']');
        }
        return sb.toString();
    }

    /** libbpf's bpf_core_format_spec, without the kind: {@code [5] struct task_struct.pid (0:11 @ offset 24)}. */
    @Override
    public String toString() {
        String n = btf.name(rootTypeId);
        StringBuilder sb = new StringBuilder();
        sb.append('[').append(rootTypeId).append("] ").append(kindName(btf.kind(rootTypeId))).append(' ')
                .append(n.isEmpty() ? "<anon>" : n);
        if (kind.isTypeBased()) return sb.toString();
        if (kind.isEnumValueBased()) {
            if (len > 0) {
                int e = btf.resolve(rootTypeId);
                long v = btf.enumValue(e, accIdx[0]);
                sb.append("::").append(accName[0]).append(" = ")
                        .append(btf.kindFlag(e) ? Long.toString(v) : Long.toUnsignedString(v));
            }
            return sb.toString();
        }
        for (int i = 0; i < len; i++) {
            if (accName[i] != null) sb.append('.').append(accName[i]);
            else if (i > 0 || accIdx[i] > 0) sb.append('[').append(accIdx[i]).append(']');
        }
        sb.append(" (").append(rawString()).append(" @ offset ").append(bitOffset / 8);
        if (bitOffset % 8 != 0) sb.append('.').append(bitOffset % 8);
        return sb.append(')').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoreSpec s && s.btf == btf && s.rootTypeId == rootTypeId && s.bitOffset == bitOffset
                && Arrays.equals(raw, 0, rawLen, s.raw, 0, s.rawLen);
    }

    @Override
    public int hashCode() {
        return rootTypeId * 31 + Long.hashCode(bitOffset);
    }
}
