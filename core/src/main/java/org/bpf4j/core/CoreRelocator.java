package org.bpf4j.core;

import static org.bpf4j.btf.BtfKind.Code.*;

import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.bpf4j.BpfException;
import org.bpf4j.asm.Instructions;
import org.bpf4j.asm.Opcode;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.CoreRelo;
import org.bpf4j.btf.CoreReloKind;

/**
 * The CO-RE relocation engine: resolves an object's {@code bpf_core_relo} records against a target
 * kernel's BTF and patches the instructions, with the semantics of libbpf's {@code relo_core.c}
 * and the CO-RE part of {@code libbpf.c}: candidates by essential name (the name without a
 * {@code ___flavor} suffix), field matching through anonymous members, array bounds and flexible
 * arrays, ambiguity checks across candidates, poisoning of instructions whose field, type or
 * enum value is missing.
 *
 * <p>One relocator serves one object load, applying relocations in .BTF.ext order: it caches the
 * candidate list of each local type and, like libbpf, narrows it to the candidates that matched
 * each relocation (a later relocation of the same type only sees those).
 *
 * <p>Works on the flyweight {@link Btf} accessors: nothing is materialized, member names of a
 * target are decoded at most once per relocator. Semantics follow libbpf 1.1 (what the
 * differential tests compare with) except where newer libbpf fixed a bug: the memory size check
 * of a load from an array member uses the element's size (libbpf 1.6, d7a4ab15).
 *
 * <p>Why one file of this size: it follows {@code relo_core.c} function by function (candidate
 * search, spec parsing, field/type/enum matching, target value computation, patching), so that a
 * difference from libbpf's answer can be traced to the libbpf function that decides it; the
 * differential tests ({@code scripts/core-oracle}) compare both on every relocation of the
 * fixtures. Splitting it across classes would break that correspondence without making a part
 * usable alone.
 */
public final class CoreRelocator {
    /** libbpf's marker in a poisoned instruction: {@code call 0xbad2310} ("bad relo"). */
    public static final int POISON_IMM = 195896080;

    private static final int INT_SIGNED = 1;

    private final Btf local;
    private final CoreTargets targets;
    /** Candidates per local type id: parallel arrays of BTFs and ids, pruned as libbpf prunes. */
    private final Map<Integer, Cands> cands = new HashMap<>();
    /** Decoded member and enumerator names per target BTF and string offset. */
    private final Map<Btf, Map<Integer, String>> names = new IdentityHashMap<>();

    private static final class Cands {
        Btf[] btf;
        int[] id;
        int len;

        Cands(int capacity) {
            btf = new Btf[Math.max(capacity, 1)];
            id = new int[Math.max(capacity, 1)];
        }

        void add(Btf b, int i) {
            if (len == id.length) {
                btf = Arrays.copyOf(btf, len * 2);
                id = Arrays.copyOf(id, len * 2);
            }
            btf[len] = b;
            id[len++] = i;
        }
    }

    /**
     * Relocates against a kernel BTF and, where it has no candidate, its modules' BTFs.
     *
     * @param local   the object's BTF
     * @param targets the kernel BTF, and the module BTFs searched only for a type the kernel BTF
     *                has no candidate for (as libbpf)
     */
    public CoreRelocator(Btf local, CoreTargets targets) {
        this.local = local;
        this.targets = targets;
    }

    /**
     * Relocates against one BTF only (libbpf with a custom target BTF: no module search).
     *
     * @param local the object's BTF
     * @param target the BTF to relocate against
     */
    public CoreRelocator(Btf local, Btf target) {
        this(local, CoreTargets.of(target));
    }

    /**
     * libbpf's bpf_core_essential_name_len: up to the last {@code ___} that separates a flavor.
     *
     * @param name a type or field name, such as {@code task_struct___old}
     * @return the length of the name without its flavor suffix
     */
    public static int essentialNameLength(String name) {
        return Btf.essentialNameLength(name);
    }

    private static boolean isAnyEnum(int k) {
        return k == ENUM || k == ENUM64;
    }

    private static boolean isComposite(int k) {
        return k == STRUCT || k == UNION;
    }

    /** libbpf's btf_kind_core_compat: same kind, or both enums of any width. */
    private static boolean kindCoreCompat(int a, int b) {
        return a == b || (isAnyEnum(a) && isAnyEnum(b));
    }

    private static boolean sameEssentialName(String a, String b) {
        int al = Btf.essentialNameLength(a), bl = Btf.essentialNameLength(b);
        return al == bl && a.regionMatches(0, b, 0, al);
    }

    private String memberName(Btf btf, int typeId, int i) {
        return cachedString(btf, btf.memberNameOffset(typeId, i));
    }

    private String enumName(Btf btf, int typeId, int i) {
        return cachedString(btf, btf.enumNameOffset(typeId, i));
    }

    private String cachedString(Btf btf, int off) {
        if (off == 0) return "";
        Map<Integer, String> m = names.get(btf);
        if (m == null) names.put(btf, m = new HashMap<>());
        Integer key = off;
        String s = m.get(key);
        if (s == null) m.put(key, s = btf.string(off));
        return s;
    }

    /** Where a relocation is, for messages; formatted only when a message is needed. */
    private record Where(Btf local, String prog, int reloIdx, CoreRelo relo) {
        @Override
        public String toString() {
            return "program '" + prog + "': CO-RE relocation #" + reloIdx + " (" + relo.kind().libbpfName() + " of "
                    + describe(local, relo.typeId()) + ", access " + relo.access() + ")";
        }
    }

    // ------------------------------------------------------------------------------ candidates

    /** libbpf's bpf_core_find_cands: every type of the same essential name and a compatible kind. */
    private Cands findCands(int localId) {
        String name = local.name(localId);
        int kind = local.kindCode(localId);
        String essential = name.substring(0, Btf.essentialNameLength(name));
        Btf vmlinux = targets.vmlinux();
        int[] ids = vmlinux.findByEssentialName(essential, null);
        Cands out = new Cands(ids.length);
        for (int id : ids) {
            if (kindCoreCompat(vmlinux.kindCode(id), kind)) out.add(vmlinux, id);
        }
        if (out.len > 0 || !targets.searchesModules()) return out;
        // no candidate in vmlinux: every module's (their own types only, not the shared base's)
        for (Btf module : targets.modules()) {
            for (int id : module.findByEssentialName(essential, null)) {
                if (id >= module.firstId() && kindCoreCompat(module.kindCode(id), kind)) out.add(module, id);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------ spec parsing

    /** libbpf's bpf_core_parse_spec; IllegalArgumentException where libbpf returns an error. */
    private static CoreSpec parseSpec(Btf btf, CoreRelo relo) {
        String access = relo.access();
        if (access == null || access.isEmpty() || access.charAt(0) == ':') {
            throw new IllegalArgumentException("empty access string");
        }
        CoreReloKind kind = relo.kind();
        CoreSpec spec = new CoreSpec(btf, relo.typeId(), kind);
        if (kind.isTypeBased()) {
            if (!access.equals("0")) throw new IllegalArgumentException("type relocation with access string '" + access + "'");
            return spec;
        }
        // "0:1:2": decimal numbers, each but the first after one ':'; a trailing ':' is tolerated
        int p = 0, n = access.length();
        while (p < n) {
            if (access.charAt(p) == ':') p++;
            int start = p;
            long v = 0;
            while (p < n && access.charAt(p) >= '0' && access.charAt(p) <= '9' && v <= Integer.MAX_VALUE) {
                v = v * 10 + (access.charAt(p++) - '0');
            }
            if (p == start && p < n) throw new IllegalArgumentException("bad access string '" + access + "'");
            if (p == start) break;
            if (v > Integer.MAX_VALUE) throw new IllegalArgumentException("access index out of range in '" + access + "'");
            if (spec.rawLen == CoreSpec.MAX_LEN) throw new IllegalArgumentException("access string '" + access + "' too long");
            spec.raw[spec.rawLen++] = (int) v;
        }
        if (spec.rawLen == 0) throw new IllegalArgumentException("empty access string");
        int id = btf.resolve(relo.typeId());
        int accessIdx = spec.raw[0];
        if (kind.isEnumValueBased()) {
            if (!isAnyEnum(btf.kindCode(id)) || spec.rawLen > 1 || accessIdx >= btf.vlen(id)) {
                throw new IllegalArgumentException("enumerator access '" + access + "' into " + btf.describe(id));
            }
            int off = btf.enumNameOffset(id, accessIdx);
            spec.push(id, accessIdx, off == 0 ? "" : btf.string(off));
            return spec;
        }
        if (!kind.isFieldBased()) throw new IllegalArgumentException("unknown relocation kind " + kind);
        spec.push(id, accessIdx, null);
        spec.bitOffset = accessIdx * btf.sizeOf(id) * 8;
        for (int i = 1; i < spec.rawLen; i++) {
            id = btf.resolve(id);
            accessIdx = spec.raw[i];
            int k = btf.kindCode(id);
            if (isComposite(k)) {
                if (accessIdx >= btf.vlen(id)) {
                    throw new IllegalArgumentException("member index " + accessIdx + " out of range in " + btf.describe(id));
                }
                spec.bitOffset += Integer.toUnsignedLong(btf.memberBitOffset(id, accessIdx));
                if (btf.memberNameOffset(id, accessIdx) != 0) {
                    String name = btf.memberName(id, accessIdx);
                    if (name.isEmpty()) throw new IllegalArgumentException("member with an empty name");
                    spec.push(id, accessIdx, name);
                }
                id = btf.memberType(id, accessIdx);
            } else if (k == ARRAY) {
                int elem = btf.resolve(btf.arrayType(id));
                boolean flex = isFlexArray(btf, spec, spec.len - 1, id);
                if (!flex && Integer.compareUnsigned(accessIdx, btf.arrayNelems(id)) >= 0) {
                    throw new IllegalArgumentException("index " + accessIdx + " beyond " + btf.describe(id));
                }
                spec.push(elem, accessIdx, null);
                id = elem;
                spec.bitOffset += accessIdx * btf.sizeOf(elem) * 8;
            } else {
                throw new IllegalArgumentException("access string '" + access + "' at index " + i + " reaches "
                        + btf.describe(id) + ", neither a struct, union nor array");
            }
        }
        return spec;
    }

    /** libbpf's is_flex_arr: a zero-length array that is the last member of the struct that holds it. */
    private static boolean isFlexArray(Btf btf, CoreSpec spec, int acc, int arrayId) {
        if (acc < 0 || spec.accName[acc] == null || btf.arrayNelems(arrayId) != 0) return false;
        return spec.accIdx[acc] == btf.vlen(spec.accType[acc]) - 1;
    }

    // ------------------------------------------------------------------------------ compatibility

    /** libbpf's bpf_core_fields_are_compat. */
    private static boolean fieldsCompat(Btf lb, int lid, Btf tb, int tid) {
        for (int depth = 0; ; depth++) {
            if (depth > 64) return false;
            lid = lb.resolve(lid);
            tid = tb.resolve(tid);
            int lk = lb.kindCode(lid), tk = tb.kindCode(tid);
            if (isComposite(lk) && isComposite(tk)) return true;
            if (!kindCoreCompat(lk, tk)) return false;
            switch (lk) {
                case PTR, FLOAT -> {
                    return true;
                }
                case FWD, ENUM, ENUM64 -> {
                    String ln = lb.name(lid), tn = tb.name(tid);
                    int ll = Btf.essentialNameLength(ln), tl = Btf.essentialNameLength(tn);
                    return ll == 0 || tl == 0 || (ll == tl && ln.regionMatches(0, tn, 0, ll));
                }
                case INT -> {
                    return lb.intBitOffset(lid) == 0 && tb.intBitOffset(tid) == 0;
                }
                case ARRAY -> {
                    lid = lb.arrayType(lid);
                    tid = tb.arrayType(tid);
                }
                default -> {
                    return false;
                }
            }
        }
    }

    /**
     * libbpf's bpf_core_types_are_compat: whether local type {@code lid} and target type
     * {@code tid} are compatible (the check of typed ksyms and kfunc prototypes).
     *
     * @param lb the local BTF
     * @param lid the local type's id
     * @param tb the target BTF
     * @param tid the target type's id
     * @return true if compatible
     */
    public static boolean typesCompatible(Btf lb, int lid, Btf tb, int tid) {
        return typesAreCompat(lb, lid, tb, tid, 32) > 0;
    }

    /** libbpf's __bpf_core_types_are_compat (type-based relocations but TYPE_MATCHES). */
    static int typesAreCompat(Btf lb, int lid, Btf tb, int tid, int level) {
        if (!kindCoreCompat(lb.kindCode(lid), tb.kindCode(tid))) return 0;
        int depth = 32;
        while (true) {
            if (--depth < 0) return -1;
            lid = lb.resolve(lid);
            tid = tb.resolve(tid);
            int lk = lb.kindCode(lid), tk = tb.kindCode(tid);
            if (!kindCoreCompat(lk, tk)) return 0;
            switch (lk) {
                case UNKN, STRUCT, UNION, ENUM, FWD, ENUM64 -> {
                    return 1;
                }
                case INT -> {
                    return lb.intBitOffset(lid) == 0 && tb.intBitOffset(tid) == 0 ? 1 : 0;
                }
                case PTR -> {
                    lid = lb.sizeOrType(lid);
                    tid = tb.sizeOrType(tid);
                }
                case ARRAY -> {
                    lid = lb.arrayType(lid);
                    tid = tb.arrayType(tid);
                }
                case FUNC_PROTO -> {
                    int n = lb.vlen(lid);
                    if (n != tb.vlen(tid)) return 0;
                    for (int i = 0; i < n; i++) {
                        if (level <= 0) return -1;
                        int r = typesAreCompat(lb, lb.resolve(lb.paramType(lid, i)), tb, tb.resolve(tb.paramType(tid, i)),
                                level - 1);
                        if (r <= 0) return r;
                    }
                    lid = lb.resolve(lb.sizeOrType(lid));
                    tid = tb.resolve(tb.sizeOrType(tid));
                }
                default -> {
                    return 0;
                }
            }
        }
    }

    /** libbpf's bpf_core_names_match. */
    private static boolean namesMatch(String ln, String tn) {
        if (tn.isEmpty()) return ln.isEmpty();
        return sameEssentialName(ln, tn);
    }

    /** libbpf's __bpf_core_types_match (TYPE_MATCHES). */
    static int typesMatch(Btf lb, int lid, Btf tb, int tid, boolean behindPtr, int level) {
        if (level <= 0) return -1;
        int depth = 32;
        while (true) {
            if (--depth < 0) return -1;
            lid = lb.resolve(lid);
            tid = tb.resolve(tid);
            if (!namesMatch(lb.name(lid), tb.name(tid))) return 0;
            int lk = lb.kindCode(lid), tk = tb.kindCode(tid);
            switch (lk) {
                case UNKN -> {
                    return lk == tk ? 1 : 0;
                }
                case FWD -> {
                    boolean lf = lb.kindFlag(lid);
                    if (behindPtr) {
                        if (lk == tk) return lf == tb.kindFlag(tid) ? 1 : 0;
                        return (tk == STRUCT && !lf) || (tk == UNION && lf) ? 1 : 0;
                    }
                    if (lk != tk) return 0;
                    return lf == tb.kindFlag(tid) ? 1 : 0;
                }
                case ENUM, ENUM64 -> {
                    if (!isAnyEnum(tk)) return 0;
                    return enumsMatch(lb, lid, tb, tid) ? 1 : 0;
                }
                case STRUCT, UNION -> {
                    if (behindPtr) {
                        if (lk == tk) return 1;
                        if (tk != FWD) return 0;
                        return (lk == UNION) == tb.kindFlag(tid) ? 1 : 0;
                    }
                    if (lk != tk) return 0;
                    return compositesMatch(lb, lid, tb, tid, behindPtr, level);
                }
                case INT -> {
                    if (lk != tk) return 0;
                    return lb.sizeOrType(lid) == tb.sizeOrType(tid)
                            && (lb.intEncoding(lid) & INT_SIGNED) == (tb.intEncoding(tid) & INT_SIGNED) ? 1 : 0;
                }
                case PTR -> {
                    if (lk != tk) return 0;
                    behindPtr = true;
                    lid = lb.sizeOrType(lid);
                    tid = tb.sizeOrType(tid);
                }
                case ARRAY -> {
                    if (lk != tk) return 0;
                    if (lb.arrayNelems(lid) != tb.arrayNelems(tid)) return 0;
                    lid = lb.arrayType(lid);
                    tid = tb.arrayType(tid);
                }
                case FUNC_PROTO -> {
                    if (lk != tk) return 0;
                    int n = lb.vlen(lid);
                    if (n != tb.vlen(tid)) return 0;
                    for (int i = 0; i < n; i++) {
                        int r = typesMatch(lb, lb.paramType(lid, i), tb, tb.paramType(tid, i), behindPtr, level - 1);
                        if (r <= 0) return r;
                    }
                    lid = lb.sizeOrType(lid);
                    tid = tb.sizeOrType(tid);
                }
                default -> {
                    return 0;
                }
            }
        }
    }

    private static boolean enumsMatch(Btf lb, int lid, Btf tb, int tid) {
        if (lb.sizeOrType(lid) != tb.sizeOrType(tid)) return false;
        int ln = lb.vlen(lid), tn = tb.vlen(tid);
        if (ln > tn) return false;
        for (int i = 0; i < ln; i++) {
            String l = lb.enumName(lid, i);
            boolean matched = false;
            for (int j = 0; j < tn && !matched; j++) matched = namesMatch(l, tb.enumName(tid, j));
            if (!matched) return false;
        }
        return true;
    }

    private static int compositesMatch(Btf lb, int lid, Btf tb, int tid, boolean behindPtr, int level) {
        int ln = lb.vlen(lid), tn = tb.vlen(tid);
        if (ln > tn) return 0;
        for (int i = 0; i < ln; i++) {
            String l = lb.memberName(lid, i);
            boolean matched = false;
            for (int j = 0; j < tn; j++) {
                if (!namesMatch(l, tb.memberName(tid, j))) continue;
                int r = typesMatch(lb, lb.memberType(lid, i), tb, tb.memberType(tid, j), behindPtr, level - 1);
                if (r < 0) return r;
                if (r > 0) {
                    matched = true;
                    break;
                }
            }
            if (!matched) return 0;
        }
        return 1;
    }

    // ------------------------------------------------------------------------------ spec matching

    /**
     * libbpf's bpf_core_match_member: finds the local accessor's member by name in target
     * composite {@code targId}, through anonymous members, extending {@code spec}. Returns 1 and
     * the member's type in {@code next[0]}, 0 if absent or incompatible, -1 if too deep.
     */
    private int matchMember(Btf lb, int localType, int localIdx, String localName, Btf tb, int targId,
                            CoreSpec spec, int[] next) {
        targId = tb.resolve(targId);
        if (!isComposite(tb.kindCode(targId))) return 0;
        int n = tb.vlen(targId);
        for (int i = 0; i < n; i++) {
            if (spec.rawLen == CoreSpec.MAX_LEN) return -1;
            long bitOff = Integer.toUnsignedLong(tb.memberBitOffset(targId, i));
            spec.bitOffset += bitOff;
            spec.raw[spec.rawLen++] = i;
            String tn = memberName(tb, targId, i);
            if (tn.isEmpty()) {
                int found = matchMember(lb, localType, localIdx, localName, tb, tb.memberType(targId, i), spec, next);
                if (found != 0) return found;
            } else if (localName.equals(tn)) {
                int mt = tb.memberType(targId, i);
                next[0] = mt;
                if (!fieldsCompat(lb, lb.memberType(localType, localIdx), tb, mt)) return 0;
                spec.push(targId, i, tn);
                return 1;
            }
            spec.bitOffset -= bitOff;
            spec.rawLen--;
        }
        return 0;
    }

    /** libbpf's bpf_core_spec_match: 1 if the local spec matches target type {@code targId}, 0 if not, -1 on error. */
    private int specMatch(CoreSpec localSpec, CoreSpec ts) {
        Btf tb = ts.btf;
        int targId = ts.rootTypeId;
        CoreReloKind kind = localSpec.kind;
        if (kind.isTypeBased()) {
            if (kind == CoreReloKind.TYPE_MATCHES) return typesMatch(localSpec.btf, localSpec.rootTypeId, tb, targId, false, 32);
            return typesAreCompat(localSpec.btf, localSpec.rootTypeId, tb, targId, 32);
        }
        if (kind.isEnumValueBased()) {
            targId = tb.resolve(targId);
            if (!isAnyEnum(tb.kindCode(targId))) return 0;
            String ln = localSpec.accName[0];
            int n = tb.vlen(targId);
            for (int i = 0; i < n; i++) {
                String tn = enumName(tb, targId, i);
                if (sameEssentialName(ln, tn)) {
                    ts.push(targId, i, tn);
                    ts.raw[ts.rawLen++] = i;
                    return 1;
                }
            }
            return 0;
        }
        int[] next = new int[1];
        for (int i = 0; i < localSpec.len; i++) {
            targId = tb.resolve(targId);
            String name = localSpec.accName[i];
            if (name != null) {
                int matched = matchMember(localSpec.btf, localSpec.accType[i], localSpec.accIdx[i], name, tb, targId, ts, next);
                if (matched <= 0) return matched;
                targId = next[0];
            } else {
                int idx = localSpec.accIdx[i];
                if (i > 0) {
                    if (tb.kindCode(targId) != ARRAY) return 0;
                    boolean flex = isFlexArray(tb, ts, ts.len - 1, targId);
                    if (!flex && Integer.compareUnsigned(idx, tb.arrayNelems(targId)) >= 0) return 0;
                    targId = tb.resolve(tb.arrayType(targId));
                }
                if (ts.rawLen == CoreSpec.MAX_LEN) return -1;
                ts.push(targId, idx, null);
                ts.raw[ts.rawLen++] = idx;
                ts.bitOffset += idx * tb.sizeOf(targId) * 8;
            }
        }
        return 1;
    }

    // ------------------------------------------------------------------------------ values

    /** One side of a field relocation (libbpf's bpf_core_calc_field_relo outputs). */
    private record FieldVal(long val, int size, int typeId, boolean validate) {}

    /** The element type of (nested) arrays, or the type itself; resolved. */
    private static int innermostElement(Btf btf, int id) {
        id = btf.resolve(id);
        for (int depth = 0; btf.kindCode(id) == ARRAY && depth < 64; depth++) id = btf.resolve(btf.arrayType(id));
        return id;
    }

    /** libbpf's bpf_core_calc_field_relo for a matched spec (not field_exists, not a missing target). */
    private static FieldVal calcField(CoreReloKind kind, CoreSpec spec, Where where) {
        Btf btf = spec.btf;
        int last = spec.len - 1;
        if (spec.accName[last] == null) {
            int elem = spec.accType[last];
            if (kind == CoreReloKind.FIELD_BYTE_OFFSET) {
                int e = innermostElement(btf, elem);
                return new FieldVal(spec.bitOffset / 8, (int) btf.sizeOf(e), elem, true);
            }
            if (kind == CoreReloKind.FIELD_BYTE_SIZE) return new FieldVal(btf.sizeOf(elem), 0, 0, true);
            throw new CoreException(where + ": " + kind.libbpfName() + " cannot be applied to an array element access");
        }
        int holder = spec.accType[last], idx = spec.accIdx[last];
        int fieldType = btf.resolve(btf.memberType(holder, idx));
        long bitOff = spec.bitOffset;
        long bitSz = btf.memberBitfieldSize(holder, idx);
        boolean bitfield = bitSz > 0;
        long byteSz, byteOff;
        if (bitfield) {
            byteSz = Integer.toUnsignedLong(btf.sizeOrType(fieldType));
            if (byteSz == 0) throw new CoreException(where + ": bitfield of zero-sized type " + btf.describe(fieldType));
            byteOff = bitOff / 8 / byteSz * byteSz;
            // the smallest load that covers the bitfield
            while (bitOff + bitSz - byteOff * 8 > byteSz * 8) {
                if (byteSz >= 8) throw new CoreException(where + ": bitfield cannot be read with a 64-bit load");
                byteSz *= 2;
                byteOff = bitOff / 8 / byteSz * byteSz;
            }
        } else {
            byteSz = btf.sizeOf(fieldType);
            byteOff = bitOff / 8;
            bitSz = byteSz * 8;
        }
        // for bitfields the compiler's values may legitimately differ: only signedness and the
        // right shift are validated
        boolean validate = !bitfield;
        return switch (kind) {
            case FIELD_BYTE_OFFSET -> bitfield ? new FieldVal(byteOff, 0, 0, false)
                    : new FieldVal(byteOff, (int) btf.sizeOf(innermostElement(btf, fieldType)), fieldType, true);
            case FIELD_BYTE_SIZE -> new FieldVal(byteSz, 0, 0, validate);
            case FIELD_SIGNED -> {
                int k = btf.kindCode(fieldType);
                boolean signed = (isAnyEnum(k) && btf.kindFlag(fieldType))
                        || (k == INT && (btf.intEncoding(fieldType) & INT_SIGNED) != 0);
                yield new FieldVal(signed ? 1 : 0, 0, 0, true);
            }
            case FIELD_LSHIFT_U64 -> new FieldVal(64 - (bitOff + bitSz - byteOff * 8), 0, 0, validate);
            case FIELD_RSHIFT_U64 -> new FieldVal(64 - bitSz, 0, 0, true);
            default -> throw new CoreException(where + ": unsupported field relocation " + kind);
        };
    }

    private static long calcType(CoreReloKind kind, CoreSpec spec) {
        return switch (kind) {
            case TYPE_ID_TARGET -> spec.rootTypeId;
            case TYPE_EXISTS, TYPE_MATCHES -> 1;
            case TYPE_SIZE -> spec.btf.sizeOf(spec.rootTypeId);
            default -> throw new IllegalStateException(kind.toString());
        };
    }

    /** An enumerator's value as libbpf widens it: a 32-bit enum's value sign-extended (btf_enum.val is __s32). */
    private static long enumValue(CoreSpec spec) {
        int e = spec.accType[0];
        long v = spec.btf.enumValue(e, spec.accIdx[0]);
        return spec.btf.kindCode(e) == ENUM64 ? v : (long) (int) v;
    }

    /** libbpf's bpf_core_calc_relo for one candidate ({@code ts}) or for none ({@code ts == null}). */
    private static CoreResult calcRelo(Where where, CoreReloKind kind, CoreSpec ls, CoreSpec ts, int candidates) {
        if (kind.isFieldBased()) {
            if (kind == CoreReloKind.FIELD_EXISTS) {
                return new CoreResult(false, 1, ts != null ? 1 : 0, true, 0, 0, 0, 0, false, ls, ts, candidates);
            }
            FieldVal orig = calcField(kind, ls, where);
            if (ts == null) {
                return new CoreResult(true, orig.val(), 0, orig.validate(), orig.size(), 0, orig.typeId(), 0, false, ls,
                        null, candidates);
            }
            FieldVal nv = calcField(kind, ts, where);
            boolean failMemsz = false;
            if (orig.size() != nv.size()) {
                // only a pointer or an unsigned integer may be loaded with another size
                Btf lb = ls.btf, tb = ts.btf;
                int lk = lb.kindCode(orig.typeId()), tk = tb.kindCode(nv.typeId());
                boolean ok = (lk == PTR && tk == PTR) || (lk == INT && tk == INT
                        && lb.intEncoding(orig.typeId()) != INT_SIGNED && tb.intEncoding(nv.typeId()) != INT_SIGNED);
                failMemsz = !ok;
            }
            return new CoreResult(false, orig.val(), nv.val(), orig.validate(), orig.size(), nv.size(), orig.typeId(),
                    nv.typeId(), failMemsz, ls, ts, candidates);
        }
        if (kind.isTypeBased()) {
            long o = calcType(kind, ls);
            long n = ts == null ? 0 : calcType(kind, ts);
            return new CoreResult(false, o, n, kind != CoreReloKind.TYPE_ID_TARGET, 0, 0, 0, 0, false, ls, ts, candidates);
        }
        if (kind == CoreReloKind.ENUMVAL_EXISTS) {
            return new CoreResult(false, 1, ts != null ? 1 : 0, true, 0, 0, 0, 0, false, ls, ts, candidates);
        }
        long o = enumValue(ls);
        if (ts == null) return new CoreResult(true, o, 0, true, 0, 0, 0, 0, false, ls, null, candidates);
        return new CoreResult(false, o, enumValue(ts), true, 0, 0, 0, 0, false, ls, ts, candidates);
    }

    // ------------------------------------------------------------------------------ resolution

    /**
     * Computes the result of relocation {@code relo} (number {@code reloIdx} of its ELF section,
     * for messages) of program {@code prog}. Throws {@link CoreException} where libbpf fails the
     * load: malformed relocation, anonymous local type, candidates that disagree, a module BTF
     * that cannot be read.
     *
     * @param prog the program's name, for messages
     * @param reloIdx the relocation's index in its section, for messages
     * @param relo the relocation
     * @return the result, to {@link #patch} with
     * @throws CoreException where libbpf fails the load
     */
    public CoreResult resolve(String prog, int reloIdx, CoreRelo relo) {
        int localId = relo.typeId();
        Where where = new Where(local, prog, reloIdx, relo);
        try {
            return resolve(relo, localId, where);
        } catch (CoreException e) {
            throw e;
        } catch (IllegalArgumentException | BpfException | IllegalStateException | IndexOutOfBoundsException e) {
            throw new CoreException(where + ": " + e.getMessage());
        }
    }

    private static String describe(Btf btf, int id) {
        try {
            String n = btf.name(id);
            return "[" + id + "] " + CoreSpec.kindName(btf.kind(id)) + " " + (n.isEmpty() ? "<anon>" : n);
        } catch (RuntimeException e) {
            return "[" + id + "]";
        }
    }

    private CoreResult resolve(CoreRelo relo, int localId, Where where) {
        CoreReloKind kind = relo.kind();
        Cands list = null;
        if (kind != CoreReloKind.TYPE_ID_LOCAL) {
            // libbpf searches candidates first; an anonymous type has none to search by
            list = cands.get(localId);
            if (list == null) {
                if (local.name(localId).isEmpty()) {
                    throw new CoreException(where + ": the local type is anonymous; CO-RE finds target types by name "
                            + "(libbpf: target candidate search failed)");
                }
                list = findCands(localId);
                cands.put(localId, list);
            }
        }
        CoreSpec ls;
        try {
            ls = parseSpec(local, relo);
        } catch (IllegalArgumentException e) {
            throw new CoreException(where + ": cannot parse: " + e.getMessage());
        }
        if (kind == CoreReloKind.TYPE_ID_LOCAL) {
            return new CoreResult(false, localId, localId, false, 0, 0, 0, 0, false, ls, null, -1);
        }
        CoreResult result = null;
        CoreSpec chosen = null;
        int kept = 0, total = list.len;
        for (int i = 0; i < list.len; i++) {
            CoreSpec ts = new CoreSpec(list.btf[i], list.id[i], kind);
            int r = specMatch(ls, ts);
            if (r < 0) throw new CoreException(where + ": error matching candidate " + describe(ts.btf, ts.rootTypeId));
            if (r == 0) continue;
            CoreResult cr = calcRelo(where, kind, ls, ts, total);
            if (result == null) {
                result = cr;
                chosen = ts;
            } else if (chosen.bitOffset != ts.bitOffset) {
                throw new CoreException(where + ": field offset ambiguity: candidates " + chosen + " and " + ts
                        + " place it at different bit offsets (" + chosen.bitOffset + " != " + ts.bitOffset + ")");
            } else if (cr.poison() != result.poison() || cr.newValue() != result.newValue()) {
                throw new CoreException(where + ": relocation decision ambiguity: candidate " + chosen + " gives "
                        + Long.toUnsignedString(result.newValue()) + ", candidate " + ts + " gives "
                        + Long.toUnsignedString(cr.newValue()));
            }
            list.btf[kept] = list.btf[i];
            list.id[kept++] = list.id[i];
        }
        if (kept > 0) {
            list.len = kept; // later relocations of this type only consider the candidates that matched
            return result;
        }
        return calcRelo(where, kind, ls, null, total);
    }

    // ------------------------------------------------------------------------------ patching

    /**
     * Patches instruction {@code insn} of {@code insns} with {@code res}, as libbpf's
     * bpf_core_patch_insn; poisons it ({@code call 0xbad2310}, and its second half for
     * LD_IMM64) when the result says so, or when a load or store would have to change its size
     * for a field it would then read incorrectly. Returns true if the instruction was poisoned.
     *
     * @param res the result of {@link #resolve}
     * @param reloIdx the relocation's index in its section, for messages
     * @param relo the relocation
     * @param insn the index of the instruction to patch
     * @param insns the program's instructions, patched in place
     * @param prog the program's name, for messages
     * @return true if the instruction was poisoned
     * @throws CoreException where libbpf fails ("failed to patch insn"): the instruction does not
     *                       hold the value the compiler recorded, cannot take the new value, or
     *                       is of a class CO-RE cannot relocate
     */
    public static boolean patch(String prog, Instructions insns, int insn, CoreRelo relo, int reloIdx, CoreResult res) {
        PatchWhere where = new PatchWhere(prog, reloIdx, insn);
        if (insn < 0 || insn >= insns.count()) throw new CoreException(where + ": instruction out of range");
        int code = insns.code(insn);
        int cls = Opcode.insnClass(code);
        if (res.poison()) {
            poison(insns, insn);
            return true;
        }
        long orig = res.origValue(), nv = res.newValue();
        switch (cls) {
            case Opcode.ALU, Opcode.ALU64 -> {
                if (Opcode.source(code) != Opcode.K) throw new CoreException(where + ": ALU instruction with a register source");
                if (res.validate() && (long) insns.imm(insn) != orig) {
                    throw new CoreException(where + ": the instruction holds " + Integer.toUnsignedString(insns.imm(insn))
                            + ", the compiler recorded " + Long.toUnsignedString(orig));
                }
                insns.setImm(insn, (int) nv);
            }
            case Opcode.LDX, Opcode.ST, Opcode.STX -> {
                if (res.validate() && (long) insns.off(insn) != orig) {
                    throw new CoreException(where + ": the instruction's offset is " + insns.off(insn)
                            + ", the compiler recorded " + Long.toUnsignedString(orig));
                }
                if (Long.compareUnsigned(nv, Short.MAX_VALUE) > 0) {
                    throw new CoreException(where + ": offset " + Long.toUnsignedString(nv) + " too big for a load or store");
                }
                if (res.failMemSizeAdjust()) {
                    poison(insns, insn);
                    return true;
                }
                insns.setOff(insn, (int) nv);
                if (res.newSize() != res.origSize()) {
                    int bytes = Opcode.sizeBytes(code);
                    if (bytes != res.origSize()) {
                        throw new CoreException(where + ": memory access of " + bytes + " bytes, expected " + res.origSize());
                    }
                    int sz = Opcode.sizeFor(res.newSize());
                    if (sz < 0) throw new CoreException(where + ": invalid new memory access size " + res.newSize());
                    insns.setCode(insn, Opcode.mode(code) | sz | cls);
                }
            }
            case Opcode.LD -> {
                if (!insns.isLdImm64(insn) || insn + 1 >= insns.count() || insns.src(insn) != 0 || insns.off(insn) != 0
                        || insns.code(insn + 1) != 0 || insns.dst(insn + 1) != 0 || insns.src(insn + 1) != 0
                        || insns.off(insn + 1) != 0) {
                    throw new CoreException(where + ": LD_IMM64 of unexpected form");
                }
                long imm = insns.imm64(insn);
                if (res.validate() && imm != orig) {
                    throw new CoreException(where + ": the instruction holds " + Long.toUnsignedString(imm)
                            + ", the compiler recorded " + Long.toUnsignedString(orig));
                }
                insns.setImm64(insn, nv);
            }
            default -> throw new CoreException(where + ": cannot relocate instruction code 0x" + Integer.toHexString(code));
        }
        return false;
    }

    private record PatchWhere(String prog, int reloIdx, int insn) {
        @Override
        public String toString() {
            return "program '" + prog + "': CO-RE relocation #" + reloIdx + " at insn #" + insn;
        }
    }

    private static void poison(Instructions insns, int insn) {
        if (insns.isLdImm64(insn) && insn + 1 < insns.count()) {
            insns.set(insn + 1, Opcode.CALL_INSN, 0, 0, 0, POISON_IMM);
        }
        insns.set(insn, Opcode.CALL_INSN, 0, 0, 0, POISON_IMM);
    }

    /**
     * The local access of a relocation in C terms ({@code task_struct.comm[2]}), or null if its
     * access string does not parse against the local BTF.
     *
     * @param local the object's BTF
     * @param relo the relocation
     * @return the access, or null
     */
    public static String describeAccess(Btf local, CoreRelo relo) {
        try {
            return parseSpec(local, relo).cForm();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The candidates currently cached for a local type (after pruning), for tests: "[id] kind name" each. */
    List<String> candidates(int localId) {
        Cands c = cands.get(localId);
        if (c == null) return null;
        String[] out = new String[c.len];
        for (int i = 0; i < c.len; i++) out[i] = describe(c.btf[i], c.id[i]);
        return List.of(out);
    }
}
