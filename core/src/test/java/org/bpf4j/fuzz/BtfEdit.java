package org.bpf4j.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * Where each type record of a raw BTF blob lies, walked here without the parser under test, so
 * that a test can damage one field of one type. Stops at the first record it cannot size.
 */
final class BtfEdit {
    static final int HEADER = 24;
    static final int STRUCT = 4, UNION = 5;

    /** One type record: its id, kind, vlen, kind flag and the blob offset of its 12-byte header. */
    record Rec(int id, int kind, int vlen, boolean kflag, int offset) {
        /** Blob offset of the size (or type) word. */
        int sizeAt() {
            return offset + 8;
        }

        /** Blob offset of member {@code i}'s offset word (structs and unions). */
        int memberOffsetAt(int i) {
            return offset + 12 + 12 * i + 8;
        }
    }

    private BtfEdit() {
    }

    static int typesStart(byte[] btf) {
        return ElfEdit.u32(btf, 4) + ElfEdit.u32(btf, 8);
    }

    static int typesEnd(byte[] btf) {
        return typesStart(btf) + ElfEdit.u32(btf, 12);
    }

    static int stringsStart(byte[] btf) {
        return ElfEdit.u32(btf, 4) + ElfEdit.u32(btf, 16);
    }

    /** Extra bytes after the 12-byte header, by kind; -1 for unknown kinds. */
    static int extra(int kind, int vlen) {
        return switch (kind) {
            case 1, 14, 17 -> 4;                  // INT, VAR, DECL_TAG
            case 3 -> 12;                         // ARRAY
            case 4, 5, 15, 19 -> 12 * vlen;       // STRUCT, UNION, DATASEC, ENUM64
            case 6, 13 -> 8 * vlen;               // ENUM, FUNC_PROTO
            case 2, 7, 8, 9, 10, 11, 12, 16, 18 -> 0;
            default -> -1;
        };
    }

    static List<Rec> records(byte[] btf) {
        List<Rec> out = new ArrayList<>();
        if (btf.length < HEADER) return out;
        int p = typesStart(btf), end = Math.min(typesEnd(btf), btf.length);
        for (int id = 1; p >= 0 && p + 12 <= end; id++) {
            int info = ElfEdit.u32(btf, p + 4);
            int kind = (info >>> 24) & 0x1f, vlen = info & 0xffff;
            int x = extra(kind, vlen);
            if (x < 0) break;
            out.add(new Rec(id, kind, vlen, info < 0, p));
            p += 12 + x;
        }
        return out;
    }

    /** The struct with the most members. */
    static Rec largestStruct(byte[] btf) {
        Rec best = null;
        for (Rec r : records(btf)) {
            if (r.kind() == STRUCT && (best == null || r.vlen() > best.vlen())) best = r;
        }
        if (best == null) throw new IllegalArgumentException("no struct in the BTF");
        return best;
    }
}
