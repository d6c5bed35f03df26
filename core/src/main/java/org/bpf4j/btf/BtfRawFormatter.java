package org.bpf4j.btf;

import static org.bpf4j.btf.BtfKind.Code.*;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Prints BTF the way {@code bpftool btf dump file X format raw} does (bpftool 7.x), character for
 * character: one line per type, "[id] KIND 'name'" followed by the kind's fields, and one indented
 * line per member, enumerator, parameter or DATASEC variable. For split BTF only the split part's
 * own types are printed, as bpftool does.
 */
public final class BtfRawFormatter {
    private static final int FLUSH_AT = 1 << 16;

    private BtfRawFormatter() {
    }

    /**
     * Appends the raw dump of every type to {@code out}.
     *
     * @param btf the types to dump
     * @param out where the text goes, one line a type
     * @throws UncheckedIOException if {@code out} throws
     */
    public static void format(Btf btf, Appendable out) {
        StringBuilder sb = out instanceof StringBuilder s ? s : new StringBuilder(FLUSH_AT + 4096);
        try {
            for (int id = btf.firstId(), n = btf.typeCount(); id < n; id++) {
                formatType(btf, id, sb);
                sb.append('\n');
                if (sb != out && sb.length() >= FLUSH_AT) {
                    out.append(sb);
                    sb.setLength(0);
                }
            }
            if (sb != out && !sb.isEmpty()) out.append(sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The raw dump of every type as one string, one line a type.
     *
     * @param btf the types to dump
     * @return the text
     */
    public static String format(Btf btf) {
        StringBuilder sb = new StringBuilder();
        format(btf, sb);
        return sb.toString();
    }

    /**
     * Appends the dump of one type (without the final newline).
     *
     * @param btf the BTF that holds the type
     * @param id the type id
     * @param sb where to append
     */
    public static void formatType(Btf btf, int id, StringBuilder sb) {
        int kind = btf.kindCode(id);
        sb.append('[').append(id).append("] ").append(kindName(kind)).append(" '");
        name(btf, btf.nameOffset(id), sb).append('\'');
        int vlen = btf.vlen(id);
        switch (kind) {
            case INT -> {
                int v = btf.word(id, 0);
                sb.append(" size=").append(u32(btf.sizeOrType(id)))
                        .append(" bits_offset=").append((v >>> 16) & 0xff)
                        .append(" nr_bits=").append(v & 0xff)
                        .append(" encoding=").append(intEncoding((v >>> 24) & 0x0f));
            }
            case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG ->
                    sb.append(" type_id=").append(u32(btf.sizeOrType(id)));
            case ARRAY -> sb.append(" type_id=").append(u32(btf.arrayType(id)))
                    .append(" index_type_id=").append(u32(btf.arrayIndexType(id)))
                    .append(" nr_elems=").append(u32(btf.arrayNelems(id)));
            case STRUCT, UNION -> {
                boolean kflag = btf.kindFlag(id);
                sb.append(" size=").append(u32(btf.sizeOrType(id))).append(" vlen=").append(vlen);
                for (int i = 0; i < vlen; i++) {
                    sb.append("\n\t'");
                    name(btf, btf.memberNameOffset(id, i), sb).append("' type_id=").append(u32(btf.memberType(id, i)));
                    int off = btf.word(id, 3 * i + 2);
                    if (kflag) {
                        sb.append(" bits_offset=").append(off & 0xffffff);
                        int bits = off >>> 24;
                        if (bits != 0) sb.append(" bitfield_size=").append(bits);
                    } else {
                        sb.append(" bits_offset=").append(u32(off));
                    }
                }
            }
            case ENUM -> {
                boolean signed = btf.kindFlag(id);
                sb.append(" encoding=").append(signed ? "SIGNED" : "UNSIGNED")
                        .append(" size=").append(u32(btf.sizeOrType(id))).append(" vlen=").append(vlen);
                for (int i = 0; i < vlen; i++) {
                    sb.append("\n\t'");
                    name(btf, btf.word(id, 2 * i), sb).append("' val=");
                    int v = btf.word(id, 2 * i + 1);
                    if (signed) sb.append(v);
                    else sb.append(u32(v));
                }
            }
            case ENUM64 -> {
                boolean signed = btf.kindFlag(id);
                sb.append(" encoding=").append(signed ? "SIGNED" : "UNSIGNED")
                        .append(" size=").append(u32(btf.sizeOrType(id))).append(" vlen=").append(vlen);
                for (int i = 0; i < vlen; i++) {
                    sb.append("\n\t'");
                    name(btf, btf.word(id, 3 * i), sb).append("' val=");
                    long v = u32(btf.word(id, 3 * i + 1)) | (long) btf.word(id, 3 * i + 2) << 32;
                    if (signed) sb.append(v).append("LL");
                    else sb.append(Long.toUnsignedString(v)).append("ULL");
                }
            }
            case FWD -> sb.append(" fwd_kind=").append(btf.kindFlag(id) ? "union" : "struct");
            case FUNC -> sb.append(" type_id=").append(u32(btf.sizeOrType(id))).append(" linkage=").append(linkage(vlen));
            case FUNC_PROTO -> {
                sb.append(" ret_type_id=").append(u32(btf.sizeOrType(id))).append(" vlen=").append(vlen);
                for (int i = 0; i < vlen; i++) {
                    sb.append("\n\t'");
                    name(btf, btf.paramNameOffset(id, i), sb).append("' type_id=").append(u32(btf.paramType(id, i)));
                }
            }
            case VAR -> sb.append(" type_id=").append(u32(btf.sizeOrType(id))).append(", linkage=")
                    .append(linkage(btf.varLinkage(id)));
            case DATASEC -> {
                sb.append(" size=").append(u32(btf.sizeOrType(id))).append(" vlen=").append(vlen);
                int count = btf.typeCount();
                for (int i = 0; i < vlen; i++) {
                    int t = btf.datasecVarType(id, i);
                    sb.append("\n\ttype_id=").append(u32(t))
                            .append(" offset=").append(u32(btf.datasecVarOffset(id, i)))
                            .append(" size=").append(u32(btf.datasecVarSize(id, i)));
                    if (t >= 0 && t < count) {
                        sb.append(" (").append(kindName(btf.kindCode(t))).append(" '");
                        name(btf, btf.nameOffset(t), sb).append("')");
                    }
                }
            }
            case FLOAT -> sb.append(" size=").append(u32(btf.sizeOrType(id)));
            case DECL_TAG -> sb.append(" type_id=").append(u32(btf.sizeOrType(id)))
                    .append(" component_idx=").append(btf.declTagComponentIdx(id));
            default -> {
            }
        }
    }

    private static StringBuilder name(Btf btf, int offset, StringBuilder sb) {
        if (offset == 0) return sb.append("(anon)");
        try {
            return sb.append(btf.string(offset));
        } catch (IllegalArgumentException e) {
            return sb.append("(invalid)");
        }
    }

    private static long u32(int v) {
        return v & 0xffffffffL;
    }

    private static final String[] KIND_NAMES = {
        "UNKNOWN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD", "TYPEDEF", "VOLATILE", "CONST",
        "RESTRICT", "FUNC", "FUNC_PROTO", "VAR", "DATASEC", "FLOAT", "DECL_TAG", "TYPE_TAG", "ENUM64",
    };

    private static String kindName(int kind) {
        return kind >= 0 && kind < KIND_NAMES.length ? KIND_NAMES[kind] : "UNKNOWN";
    }

    private static String intEncoding(int e) {
        return switch (e) {
            case 0 -> "(none)";
            case 1 -> "SIGNED";
            case 2 -> "CHAR";
            case 4 -> "BOOL";
            default -> "UNKN";
        };
    }

    private static String linkage(int l) {
        return switch (l) {
            case 0 -> "static";
            case 1 -> "global";
            case 2 -> "extern";
            default -> "(unknown)";
        };
    }
}
