package org.bpf4j.btf;

import static org.bpf4j.btf.BtfKind.Code.*;

import java.util.Set;

/**
 * Rewrites an object's BTF for a kernel that lacks some BTF features, following libbpf's
 * {@code bpf_object__sanitize_btf}: each unsupported kind becomes one an older kernel accepts, in
 * place (record lengths never change), so type ids stay valid for func_info and map definitions.
 * The rules, applied per type in this order (the first that applies wins):
 * <ol>
 * <li>no DATASEC: VAR becomes INT 'name' size 1 (8 bits); no DECL_TAG: DECL_TAG likewise;
 * <li>no DATASEC: DATASEC becomes a STRUCT of the same size, named with '.' and '?' replaced by
 *     '_', whose members are the variables (name of the VAR, its type, offset * 8);
 * <li>no '?' in DATASEC names (QMARK_DATASEC): a leading '?' becomes '_';
 * <li>no FUNC: FUNC_PROTO becomes ENUM of size 4 (parameters become enumerators);
 * <li>no FUNC: FUNC becomes TYPEDEF;
 * <li>no global FUNC (FUNC_GLOBAL): FUNC linkage becomes static;
 * <li>no FLOAT: FLOAT becomes an anonymous empty STRUCT of the same size;
 * <li>no TYPE_TAG: TYPE_TAG becomes an anonymous CONST;
 * <li>no ENUM64: ENUM loses its kind flag (signedness);
 * <li>no ENUM64: ENUM64 becomes a UNION whose members all have type "enum64_placeholder" (an INT of
 *     size 1 appended once) at offset 0.
 * </ol>
 */
public final class BtfSanitizer {
    /** A BTF feature the target kernel lacks, with the kernel version that introduced it. */
    public enum Missing {
        /** BTF_KIND_FUNC and FUNC_PROTO (5.0). */
        FUNC,
        /** Global linkage of FUNC (5.6). */
        FUNC_GLOBAL,
        /** BTF_KIND_VAR and DATASEC (5.2). */
        DATASEC,
        /** BTF_KIND_FLOAT (5.13). */
        FLOAT,
        /** BTF_KIND_DECL_TAG (5.16). */
        DECL_TAG,
        /** BTF_KIND_TYPE_TAG (5.17). */
        TYPE_TAG,
        /** BTF_KIND_ENUM64 and signed enums (6.0). */
        ENUM64,
        /** A '?' at the start of a DATASEC name (libbpf's FEAT_BTF_QMARK_DATASEC; newer kernels). */
        QMARK_DATASEC
    }

    private BtfSanitizer() {
    }

    /**
     * The sanitized BTF as a raw blob; {@code btf} itself is not changed.
     *
     * @param btf the object's BTF
     * @param missing the features the target kernel lacks; if empty, nothing is rewritten
     * @return the raw BTF, as the kernel takes it
     */
    public static byte[] sanitize(Btf btf, Set<Missing> missing) {
        BtfBuilder b = BtfBuilder.from(btf);
        apply(b, missing);
        return b.build();
    }

    /**
     * Sanitizes a builder in place (for BTF the loader has already fixed up).
     *
     * @param b the builder to rewrite
     * @param missing the features the target kernel lacks; empty changes nothing
     */
    public static void apply(BtfBuilder b, Set<Missing> missing) {
        if (missing.isEmpty()) return;
        boolean hasDatasec = !missing.contains(Missing.DATASEC);
        boolean hasDeclTag = !missing.contains(Missing.DECL_TAG);
        boolean hasQmark = !missing.contains(Missing.QMARK_DATASEC);
        boolean hasFunc = !missing.contains(Missing.FUNC);
        boolean hasFuncGlobal = !missing.contains(Missing.FUNC_GLOBAL);
        boolean hasFloat = !missing.contains(Missing.FLOAT);
        boolean hasTypeTag = !missing.contains(Missing.TYPE_TAG);
        boolean hasEnum64 = !missing.contains(Missing.ENUM64);
        int placeholder = 0;
        int n = b.typeCount();
        for (int id = 1; id < n; id++) {
            int kind = b.kindCode(id);
            int vlen = b.vlen(id);
            if ((!hasDatasec && kind == VAR) || (!hasDeclTag && kind == DECL_TAG)) {
                b.setInfo(id, BtfKind.INT, 0, false);
                b.setSizeOrType(id, 1);
                b.setWord(id, 0, 8); // BTF_INT_ENC(0, 0, 8)
            } else if (!hasDatasec && kind == DATASEC) {
                String name = b.name(id).replace('.', '_').replace('?', '_');
                b.setName(id, b.addString(name));
                int[][] vars = new int[vlen][];
                for (int i = 0; i < vlen; i++) vars[i] = new int[] {b.word(id, 3 * i), b.word(id, 3 * i + 1)};
                b.setInfo(id, BtfKind.STRUCT, vlen, false);
                for (int i = 0; i < vlen; i++) {
                    int type = vars[i][0];
                    b.setWord(id, 3 * i, b.nameOffset(type));  // member name: the variable's
                    b.setWord(id, 3 * i + 1, type);
                    b.setWord(id, 3 * i + 2, vars[i][1] * 8); // bit offset
                }
            } else if (!hasQmark && kind == DATASEC && b.name(id).startsWith("?")) {
                b.setName(id, b.addString("_" + b.name(id).substring(1)));
            } else if (!hasFunc && kind == FUNC_PROTO) {
                b.setInfo(id, BtfKind.ENUM, vlen, false);
                b.setSizeOrType(id, 4);
            } else if (!hasFunc && kind == FUNC) {
                b.setInfo(id, BtfKind.TYPEDEF, 0, false);
            } else if (!hasFuncGlobal && kind == FUNC) {
                b.setInfo(id, BtfKind.FUNC, 0, false);
            } else if (!hasFloat && kind == FLOAT) {
                b.setName(id, 0);
                b.setInfo(id, BtfKind.STRUCT, 0, false);
            } else if (!hasTypeTag && kind == TYPE_TAG) {
                b.setName(id, 0);
                b.setInfo(id, BtfKind.CONST, 0, false);
            } else if (!hasEnum64 && kind == ENUM) {
                b.setInfo(id, BtfKind.ENUM, vlen, false);
            } else if (!hasEnum64 && kind == ENUM64) {
                if (placeholder == 0) placeholder = b.addInt("enum64_placeholder", 1, 0);
                b.setInfo(id, BtfKind.UNION, vlen, false);
                for (int i = 0; i < vlen; i++) {
                    b.setWord(id, 3 * i + 1, placeholder); // name_off stays: the enumerator's
                    b.setWord(id, 3 * i + 2, 0);
                }
            }
        }
    }
}
