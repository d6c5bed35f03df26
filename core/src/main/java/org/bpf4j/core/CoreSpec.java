package org.bpf4j.core;

import java.util.Arrays;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.btf.CoreReloKind;

/**
 * A CO-RE access specification, low and high level, as libbpf's {@code struct bpf_core_spec}:
 * the raw access string ({@code 0:1:2}) on one side, the "turning points" (named fields and array
 * indexes) on the other, and the resulting bit offset.
 */
final class CoreSpec {
    static final int MAX_LEN = 64;

    /** One high-level access: a named member ({@code name != null}) or an array index. */
    record Accessor(int typeId, int idx, String name) {}

    final Btf btf;
    final int rootTypeId;
    final CoreReloKind kind;
    final int[] raw = new int[MAX_LEN];
    int rawLen;
    final Accessor[] spec = new Accessor[MAX_LEN];
    int len;
    long bitOffset;

    CoreSpec(Btf btf, int rootTypeId, CoreReloKind kind) {
        this.btf = btf;
        this.rootTypeId = rootTypeId;
        this.kind = kind;
    }

    CoreSpec copy() {
        CoreSpec c = new CoreSpec(btf, rootTypeId, kind);
        System.arraycopy(raw, 0, c.raw, 0, rawLen);
        c.rawLen = rawLen;
        System.arraycopy(spec, 0, c.spec, 0, len);
        c.len = len;
        c.bitOffset = bitOffset;
        return c;
    }

    String rawString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rawLen; i++) {
            if (i > 0) sb.append(':');
            sb.append(raw[i]);
        }
        return sb.toString();
    }

    /** libbpf's debug form: {@code [id] STRUCT task_struct.pid (0:5 @ offset 1234)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        BtfKind k = btf.kind(rootTypeId);
        String n = btf.name(rootTypeId);
        sb.append('[').append(rootTypeId).append("] ").append(k).append(' ')
                .append(n == null || n.isEmpty() ? "<anon>" : n);
        if (CoreRelocator.isTypeBased(kind)) return sb.toString();
        if (CoreRelocator.isEnumvalBased(kind)) {
            if (len > 0) sb.append("::").append(spec[0].name());
            return sb.toString();
        }
        for (int i = 0; i < len; i++) {
            if (spec[i].name() != null) sb.append('.').append(spec[i].name());
            else if (i > 0 || spec[i].idx() > 0) sb.append('[').append(spec[i].idx()).append(']');
        }
        sb.append(" (").append(rawString());
        if (bitOffset % 8 != 0) sb.append(" @ offset ").append(bitOffset / 8).append('.').append(bitOffset % 8).append(')');
        else sb.append(" @ offset ").append(bitOffset / 8).append(')');
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoreSpec s && s.rootTypeId == rootTypeId && s.bitOffset == bitOffset
                && Arrays.equals(raw, 0, rawLen, s.raw, 0, s.rawLen);
    }

    @Override
    public int hashCode() {
        return rootTypeId * 31 + Long.hashCode(bitOffset);
    }
}
