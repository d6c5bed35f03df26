package org.bpf4j.btf;

import java.nio.charset.StandardCharsets;

import org.bpf4j.btf.BtfTestSupport.Blob;

/**
 * A hand-made split BTF over the btf_kinds fixture: types that refer to base types, names from both
 * the base's strings and its own, a forward reference inside the split part, and a name shared with
 * a base type of another kind.
 */
final class SplitBtf {
    /** Local names, in the split string section in this order (no leading empty string, as libbpf allows). */
    static final String[] STRINGS = {"split_s", "self", "split_fn", "arg", "flav___split"};

    private SplitBtf() {
    }

    static byte[] make(Btf base) {
        int n = base.typeCount();
        int intId = base.find("int", BtfKind.INT);
        int everything = base.find("everything", BtfKind.STRUCT);
        int nested = base.find("nested", BtfKind.STRUCT);
        int baseX = base.memberNameOffset(nested, 0); // "x"
        int baseFwdT = base.nameOffset(base.find("fwd_t", BtfKind.TYPEDEF));
        int baseNeg = base.nameOffset(base.find("neg", BtfKind.ENUM));
        int[] s = new int[STRINGS.length];
        StringBuilder strings = new StringBuilder();
        for (int i = 0; i < STRINGS.length; i++) {
            s[i] = base.stringsLength() + strings.length();
            strings.append(STRINGS[i]).append('\0');
        }
        Blob t = new Blob();
        t.type(0, BtfKind.PTR.code(), 0, false, everything);                // n
        t.type(s[0], BtfKind.STRUCT.code(), 2, false, 16);                  // n+1 split_s
        t.u32(baseX).u32(intId).u32(0);
        t.u32(s[1]).u32(n + 2).u32(64);
        t.type(0, BtfKind.PTR.code(), 0, false, n + 1);                     // n+2
        t.type(baseFwdT, BtfKind.TYPEDEF.code(), 0, false, n + 1);          // n+3 typedef fwd_t (base string)
        t.type(0, BtfKind.FUNC_PROTO.code(), 2, false, n + 3);              // n+4
        t.u32(s[3]).u32(n);
        t.u32(0).u32(0);
        t.type(s[2], BtfKind.FUNC.code(), 1, false, n + 4);                 // n+5 split_fn, global
        t.type(s[4], BtfKind.STRUCT.code(), 1, false, 4);                   // n+6 flav___split
        t.u32(baseX).u32(intId).u32(0);
        t.type(baseNeg, BtfKind.ENUM64.code(), 1, true, 8);                 // n+7 enum64 "neg" (base string)
        t.u32(baseX).u32(0xfffffffeL).u32(0xffffffffL);
        return Blob.btf(t.toByteArray(), strings.toString().getBytes(StandardCharsets.US_ASCII));
    }
}
