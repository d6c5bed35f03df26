package org.bpf4j.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bpf4j.BpfException;
import org.bpf4j.asm.Instructions;
import org.bpf4j.asm.Opcode;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.btf.BtfType;
import org.bpf4j.btf.CoreRelo;
import org.bpf4j.btf.CoreReloKind;

/**
 * The CO-RE relocation engine: resolves an object's {@code bpf_core_relo} records against a target
 * kernel's BTF and patches the instructions, with the semantics of libbpf's {@code relo_core.c}
 * (the reference): candidates by essential name (the name without a {@code ___flavor} suffix),
 * field matching through anonymous members, array bounds and flexible arrays, ambiguity checks
 * across candidates, poisoning of instructions whose field, type or enum value is missing.
 *
 * <p>One relocator serves one object load: it caches candidate lists per local type and, like
 * libbpf, narrows a type's list to the candidates that matched each relocation.
 */
public final class CoreRelocator {
    /** libbpf's marker in a poisoned instruction: {@code call 0xbad2310} ("bad relo"). */
    public static final int POISON_IMM = 195896080;

    private record Cand(Btf btf, int id) {}

    private final Btf local;
    private final List<Btf> targets;
    private final Map<Integer, List<Cand>> cands = new HashMap<>();

    /**
     * @param local   the object's BTF
     * @param targets the kernel BTF first, then module BTFs searched only when the kernel BTF
     *                has no candidate (as libbpf)
     */
    public CoreRelocator(Btf local, List<Btf> targets) {
        this.local = local;
        this.targets = List.copyOf(targets);
    }

    public CoreRelocator(Btf local, Btf target) {
        this(local, List.of(target));
    }

    static boolean isFieldBased(CoreReloKind k) {
        return k.code() <= CoreReloKind.FIELD_RSHIFT_U64.code();
    }

    static boolean isTypeBased(CoreReloKind k) {
        return k == CoreReloKind.TYPE_ID_LOCAL || k == CoreReloKind.TYPE_ID_TARGET || k == CoreReloKind.TYPE_EXISTS
                || k == CoreReloKind.TYPE_MATCHES || k == CoreReloKind.TYPE_SIZE;
    }

    static boolean isEnumvalBased(CoreReloKind k) {
        return k == CoreReloKind.ENUMVAL_EXISTS || k == CoreReloKind.ENUMVAL_VALUE;
    }

    /** libbpf's essential name length: up to the last {@code ___} that separates a flavor. */
    public static int essentialNameLength(String name) {
        int n = name.length();
        for (int i = n - 5; i >= 0; i--) {
            if (name.charAt(i) != '_' && name.charAt(i + 1) == '_' && name.charAt(i + 2) == '_'
                    && name.charAt(i + 3) == '_' && name.charAt(i + 4) != '_') {
                return i + 1;
            }
        }
        return n;
    }

    private static boolean isAnyEnum(BtfKind k) {
        return k == BtfKind.ENUM || k == BtfKind.ENUM64;
    }

    private static boolean kindCoreCompat(BtfKind a, BtfKind b) {
        return a == b || (isAnyEnum(a) && isAnyEnum(b));
    }

    private static boolean isComposite(BtfKind k) {
        return k == BtfKind.STRUCT || k == BtfKind.UNION;
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    // ------------------------------------------------------------------------------ candidates

    private List<Cand> findCands(int localId) {
        String name = local.name(localId);
        BtfKind kind = local.kind(localId);
        int ess = essentialNameLength(name);
        String essential = name.substring(0, ess);
        List<Cand> out = new ArrayList<>();
        for (int t = 0; t < targets.size(); t++) {
            Btf target = targets.get(t);
            if (t > 0 && !out.isEmpty()) break; // modules only when vmlinux has none
            for (int id : target.findByEssentialName(essential, null)) {
                if (t > 0 && id < target.firstId()) continue;
                if (!kindCoreCompat(target.kind(id), kind)) continue;
                String tn = target.name(id);
                if (empty(tn) || essentialNameLength(tn) != ess || !tn.startsWith(essential)) continue;
                out.add(new Cand(target, id));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------ spec parsing

    private static CoreSpec parseSpec(Btf btf, CoreRelo relo) {
        String access = relo.access();
        if (empty(access) || access.charAt(0) == ':') throw new IllegalArgumentException("empty access string");
        CoreSpec spec = new CoreSpec(btf, relo.typeId(), relo.kind());
        if (isTypeBased(relo.kind())) {
            if (!access.equals("0")) throw new IllegalArgumentException("type relocation with access '" + access + "'");
            return spec;
        }
        for (String part : access.split(":", -1)) {
            if (part.isEmpty()) continue;
            int v;
            try {
                v = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad access string '" + access + "'");
            }
            if (v < 0) throw new IllegalArgumentException("negative access index");
            if (spec.rawLen == CoreSpec.MAX_LEN) throw new IllegalArgumentException("access string too long");
            spec.raw[spec.rawLen++] = v;
        }
        if (spec.rawLen == 0) throw new IllegalArgumentException("empty access string");
        int id = btf.resolve(relo.typeId());
        int accessIdx = spec.raw[0];
        if (isEnumvalBased(relo.kind())) {
            BtfType t = btf.type(id);
            if (!(t instanceof BtfType.Enum e) || spec.rawLen > 1 || accessIdx >= e.values().size()) {
                throw new IllegalArgumentException("enum value access '" + access + "' into " + btf.kind(id));
            }
            spec.spec[0] = new CoreSpec.Accessor(id, accessIdx, e.values().get(accessIdx).name());
            spec.len = 1;
            return spec;
        }
        spec.spec[0] = new CoreSpec.Accessor(id, accessIdx, null);
        spec.len = 1;
        if (!isFieldBased(relo.kind())) throw new IllegalArgumentException("unknown relocation kind");
        long sz = btf.sizeOf(id);
        spec.bitOffset = accessIdx * sz * 8;
        for (int i = 1; i < spec.rawLen; i++) {
            id = btf.resolve(id);
            accessIdx = spec.raw[i];
            BtfType t = btf.type(id);
            if (t instanceof BtfType.Composite c) {
                if (accessIdx >= c.members().size()) throw new IllegalArgumentException("member index out of range");
                BtfType.Member m = c.members().get(accessIdx);
                spec.bitOffset += m.bitOffset();
                if (!empty(m.name())) {
                    spec.spec[spec.len++] = new CoreSpec.Accessor(id, accessIdx, m.name());
                }
                id = m.type();
            } else if (t instanceof BtfType.Array a) {
                int elem = btf.resolve(a.elemType());
                boolean flex = isFlexArray(btf, spec.spec[spec.len - 1], a);
                if (!flex && accessIdx >= a.elementCount()) throw new IllegalArgumentException("array index out of range");
                spec.spec[spec.len++] = new CoreSpec.Accessor(elem, accessIdx, null);
                id = elem;
                spec.bitOffset += accessIdx * btf.sizeOf(elem) * 8;
            } else {
                throw new IllegalArgumentException("access " + access + " at index " + i + " reaches a "
                        + btf.kind(id) + " [" + id + "]");
            }
        }
        return spec;
    }

    private static boolean isFlexArray(Btf btf, CoreSpec.Accessor acc, BtfType.Array arr) {
        if (acc.name() == null || arr.nelems() > 0) return false;
        return acc.idx() == btf.vlen(acc.typeId()) - 1;
    }

    // ------------------------------------------------------------------------------ compatibility

    private static boolean fieldsCompat(Btf lb, int lid, Btf tb, int tid) {
        while (true) {
            lid = lb.resolve(lid);
            tid = tb.resolve(tid);
            BtfKind lk = lb.kind(lid), tk = tb.kind(tid);
            if (isComposite(lk) && isComposite(tk)) return true;
            if (!kindCoreCompat(lk, tk)) return false;
            switch (lk) {
                case PTR, FLOAT -> {
                    return true;
                }
                case FWD, ENUM, ENUM64 -> {
                    String ln = lb.name(lid), tn = tb.name(tid);
                    int ll = essentialNameLength(ln), tl = essentialNameLength(tn);
                    return ll == 0 || tl == 0 || (ll == tl && ln.regionMatches(0, tn, 0, ll));
                }
                case INT -> {
                    return ((BtfType.Int) lb.type(lid)).bitOffset() == 0 && ((BtfType.Int) tb.type(tid)).bitOffset() == 0;
                }
                case ARRAY -> {
                    lid = ((BtfType.Array) lb.type(lid)).elemType();
                    tid = ((BtfType.Array) tb.type(tid)).elemType();
                }
                default -> {
                    return false;
                }
            }
        }
    }

    /** libbpf's bpf_core_types_are_compat (type-based relocations). */
    static int typesAreCompat(Btf lb, int lid, Btf tb, int tid, int level) {
        if (!kindCoreCompat(lb.kind(lid), tb.kind(tid))) return 0;
        int depth = 32;
        while (true) {
            if (--depth < 0) return -1;
            lid = lb.resolve(lid);
            tid = tb.resolve(tid);
            BtfKind lk = lb.kind(lid), tk = tb.kind(tid);
            if (!kindCoreCompat(lk, tk)) return 0;
            switch (lk) {
                case UNKN, STRUCT, UNION, ENUM, FWD, ENUM64 -> {
                    return 1;
                }
                case INT -> {
                    return ((BtfType.Int) lb.type(lid)).bitOffset() == 0
                            && ((BtfType.Int) tb.type(tid)).bitOffset() == 0 ? 1 : 0;
                }
                case PTR -> {
                    lid = lb.sizeOrType(lid);
                    tid = tb.sizeOrType(tid);
                }
                case ARRAY -> {
                    lid = ((BtfType.Array) lb.type(lid)).elemType();
                    tid = ((BtfType.Array) tb.type(tid)).elemType();
                }
                case FUNC_PROTO -> {
                    BtfType.FuncProto lp = (BtfType.FuncProto) lb.type(lid);
                    BtfType.FuncProto tp = (BtfType.FuncProto) tb.type(tid);
                    if (lp.params().size() != tp.params().size()) return 0;
                    for (int i = 0; i < lp.params().size(); i++) {
                        if (level <= 0) return -1;
                        int r = typesAreCompat(lb, lb.resolve(lp.params().get(i).type()), tb,
                                tb.resolve(tp.params().get(i).type()), level - 1);
                        if (r <= 0) return r;
                    }
                    lid = lb.resolve(lp.returnType());
                    tid = tb.resolve(tp.returnType());
                }
                default -> {
                    return 0;
                }
            }
        }
    }

    private static boolean namesMatch(String ln, String tn) {
        if (empty(tn)) return empty(ln);
        if (ln == null) ln = "";
        int tl = essentialNameLength(tn), ll = essentialNameLength(ln);
        return tl == ll && ln.regionMatches(0, tn, 0, ll);
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
            BtfKind lk = lb.kind(lid), tk = tb.kind(tid);
            switch (lk) {
                case UNKN -> {
                    return lk == tk ? 1 : 0;
                }
                case FWD -> {
                    boolean lf = lb.kindFlag(lid);
                    if (behindPtr) {
                        if (lk == tk) return lf == tb.kindFlag(tid) ? 1 : 0;
                        return (tk == BtfKind.STRUCT && !lf) || (tk == BtfKind.UNION && lf) ? 1 : 0;
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
                        if (tk != BtfKind.FWD) return 0;
                        return (lk == BtfKind.UNION) == tb.kindFlag(tid) ? 1 : 0;
                    }
                    if (lk != tk) return 0;
                    return compositesMatch(lb, lid, tb, tid, behindPtr, level);
                }
                case INT -> {
                    if (lk != tk) return 0;
                    BtfType.Int li = (BtfType.Int) lb.type(lid), ti = (BtfType.Int) tb.type(tid);
                    return li.size() == ti.size()
                            && (li.encoding() & BtfType.Int.SIGNED) == (ti.encoding() & BtfType.Int.SIGNED) ? 1 : 0;
                }
                case PTR -> {
                    if (lk != tk) return 0;
                    behindPtr = true;
                    lid = lb.sizeOrType(lid);
                    tid = tb.sizeOrType(tid);
                }
                case ARRAY -> {
                    if (lk != tk) return 0;
                    BtfType.Array la = (BtfType.Array) lb.type(lid), ta = (BtfType.Array) tb.type(tid);
                    if (la.nelems() != ta.nelems()) return 0;
                    lid = la.elemType();
                    tid = ta.elemType();
                }
                case FUNC_PROTO -> {
                    if (lk != tk) return 0;
                    BtfType.FuncProto lp = (BtfType.FuncProto) lb.type(lid);
                    BtfType.FuncProto tp = (BtfType.FuncProto) tb.type(tid);
                    if (lp.params().size() != tp.params().size()) return 0;
                    for (int i = 0; i < lp.params().size(); i++) {
                        int r = typesMatch(lb, lp.params().get(i).type(), tb, tp.params().get(i).type(), behindPtr,
                                level - 1);
                        if (r <= 0) return r;
                    }
                    lid = lp.returnType();
                    tid = tp.returnType();
                }
                default -> {
                    return 0;
                }
            }
        }
    }

    private static boolean enumsMatch(Btf lb, int lid, Btf tb, int tid) {
        BtfType.Enum le = (BtfType.Enum) lb.type(lid), te = (BtfType.Enum) tb.type(tid);
        if (le.size() != te.size()) return false;
        if (le.values().size() > te.values().size()) return false;
        for (BtfType.EnumValue lv : le.values()) {
            boolean matched = false;
            for (BtfType.EnumValue tv : te.values()) {
                if (namesMatch(lv.name(), tv.name())) {
                    matched = true;
                    break;
                }
            }
            if (!matched) return false;
        }
        return true;
    }

    private static int compositesMatch(Btf lb, int lid, Btf tb, int tid, boolean behindPtr, int level) {
        List<BtfType.Member> lm = ((BtfType.Composite) lb.type(lid)).members();
        List<BtfType.Member> tm = ((BtfType.Composite) tb.type(tid)).members();
        if (lm.size() > tm.size()) return 0;
        for (BtfType.Member l : lm) {
            boolean matched = false;
            for (BtfType.Member t : tm) {
                if (!namesMatch(l.name(), t.name())) continue;
                int r = typesMatch(lb, l.type(), tb, t.type(), behindPtr, level - 1);
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

    /** Finds {@code local}'s named member in target composite {@code targId}, through anonymous members. */
    private static int matchMember(Btf lb, CoreSpec.Accessor localAcc, Btf tb, int targId, CoreSpec spec, int[] nextTargId) {
        targId = tb.resolve(targId);
        if (!isComposite(tb.kind(targId))) return 0;
        BtfType.Member localMember = ((BtfType.Composite) lb.type(localAcc.typeId())).members().get(localAcc.idx());
        String localName = localMember.name();
        List<BtfType.Member> members = ((BtfType.Composite) tb.type(targId)).members();
        for (int i = 0; i < members.size(); i++) {
            BtfType.Member m = members.get(i);
            if (spec.rawLen == CoreSpec.MAX_LEN) return -1;
            spec.bitOffset += m.bitOffset();
            spec.raw[spec.rawLen++] = i;
            String tn = m.name();
            if (empty(tn)) {
                int found = matchMember(lb, localAcc, tb, m.type(), spec, nextTargId);
                if (found != 0) return found;
            } else if (localName.equals(tn)) {
                spec.spec[spec.len++] = new CoreSpec.Accessor(targId, i, tn);
                nextTargId[0] = m.type();
                boolean ok = fieldsCompat(lb, localMember.type(), tb, m.type());
                if (!ok) spec.len--;
                return ok ? 1 : 0;
            }
            spec.bitOffset -= m.bitOffset();
            spec.rawLen--;
        }
        return 0;
    }

    /** 1 if the local spec matches target type {@code targId} (filling {@code out}), 0 if not, -1 on error. */
    private static int specMatch(CoreSpec localSpec, Btf tb, int targId, CoreSpec[] out) {
        CoreSpec ts = new CoreSpec(tb, targId, localSpec.kind);
        out[0] = ts;
        CoreReloKind kind = localSpec.kind;
        if (isTypeBased(kind)) {
            if (kind == CoreReloKind.TYPE_MATCHES) return typesMatch(localSpec.btf, localSpec.rootTypeId, tb, targId, false, 32);
            return typesAreCompat(localSpec.btf, localSpec.rootTypeId, tb, targId, 32);
        }
        if (isEnumvalBased(kind)) {
            targId = tb.resolve(targId);
            if (!(tb.type(targId) instanceof BtfType.Enum e)) return 0;
            String ln = localSpec.spec[0].name();
            int ll = essentialNameLength(ln);
            List<BtfType.EnumValue> vals = e.values();
            for (int i = 0; i < vals.size(); i++) {
                String tn = vals.get(i).name();
                if (essentialNameLength(tn) != ll) continue;
                if (ln.regionMatches(0, tn, 0, ll)) {
                    ts.spec[ts.len++] = new CoreSpec.Accessor(targId, i, tn);
                    ts.raw[ts.rawLen++] = i;
                    return 1;
                }
            }
            return 0;
        }
        int[] next = new int[1];
        for (int i = 0; i < localSpec.len; i++) {
            CoreSpec.Accessor la = localSpec.spec[i];
            targId = tb.resolve(targId);
            if (la.name() != null) {
                int matched = matchMember(localSpec.btf, la, tb, targId, ts, next);
                if (matched <= 0) return matched;
                targId = next[0];
            } else {
                if (i > 0) {
                    if (!(tb.type(targId) instanceof BtfType.Array a)) return 0;
                    boolean flex = isFlexArray(tb, ts.spec[ts.len - 1], a);
                    if (!flex && la.idx() >= a.elementCount()) return 0;
                    targId = tb.resolve(a.elemType());
                }
                if (ts.rawLen == CoreSpec.MAX_LEN) return -1;
                ts.spec[ts.len++] = new CoreSpec.Accessor(targId, la.idx(), null);
                ts.raw[ts.rawLen++] = la.idx();
                ts.bitOffset += la.idx() * tb.sizeOf(targId) * 8;
            }
        }
        return 1;
    }

    // ------------------------------------------------------------------------------ values

    /** Field result: value, and for byte_off the memory size and type id of the accessed field. */
    private record FieldVal(long val, int size, int typeId, boolean validate, boolean poison) {}

    private static FieldVal calcField(CoreRelo relo, CoreSpec spec, String prog) {
        CoreReloKind kind = relo.kind();
        if (kind == CoreReloKind.FIELD_EXISTS) return new FieldVal(spec != null ? 1 : 0, 0, 0, true, false);
        if (spec == null) return new FieldVal(0, 0, 0, true, true);
        Btf btf = spec.btf;
        CoreSpec.Accessor acc = spec.spec[spec.len - 1];
        if (acc.name() == null) {
            if (kind == CoreReloKind.FIELD_BYTE_OFFSET) {
                int elem = btf.resolve(acc.typeId());
                while (btf.type(elem) instanceof BtfType.Array a) elem = btf.resolve(a.elemType());
                return new FieldVal(spec.bitOffset / 8, (int) btf.sizeOf(elem), acc.typeId(), true, false);
            }
            if (kind == CoreReloKind.FIELD_BYTE_SIZE) {
                return new FieldVal(btf.sizeOf(acc.typeId()), 0, 0, true, false);
            }
            throw new CoreException("program '" + prog + "': " + kind.libbpfName()
                    + " relocation cannot be applied to an array element access");
        }
        BtfType.Member m = ((BtfType.Composite) btf.type(acc.typeId())).members().get(acc.idx());
        int fieldTypeId = btf.resolve(m.type());
        BtfType mt = btf.type(fieldTypeId);
        long bitOff = spec.bitOffset;
        long bitSz = m.bitfieldSize();
        boolean bitfield = bitSz > 0;
        long byteSz, byteOff;
        if (bitfield) {
            byteSz = btf.sizeOrType(fieldTypeId);
            byteOff = bitOff / 8 / byteSz * byteSz;
            while (bitOff + bitSz - byteOff * 8 > byteSz * 8) {
                if (byteSz >= 8) {
                    throw new CoreException("program '" + prog + "': bitfield of " + kind.libbpfName()
                            + " relocation cannot be read with a 64-bit load");
                }
                byteSz *= 2;
                byteOff = bitOff / 8 / byteSz * byteSz;
            }
        } else {
            byteSz = btf.sizeOf(fieldTypeId);
            byteOff = spec.bitOffset / 8;
            bitSz = byteSz * 8;
        }
        boolean validate = !bitfield;
        switch (kind) {
            case FIELD_BYTE_OFFSET -> {
                int size = 0, typeId = 0;
                if (!bitfield) {
                    int elem = fieldTypeId;
                    while (btf.type(elem) instanceof BtfType.Array a) elem = btf.resolve(a.elemType());
                    size = (int) btf.sizeOf(elem);
                    typeId = fieldTypeId;
                }
                return new FieldVal(byteOff, size, typeId, validate, false);
            }
            case FIELD_BYTE_SIZE -> {
                return new FieldVal(byteSz, 0, 0, validate, false);
            }
            case FIELD_SIGNED -> {
                boolean signed = (mt instanceof BtfType.Enum && btf.kindFlag(fieldTypeId))
                        || (mt instanceof BtfType.Int i && (i.encoding() & BtfType.Int.SIGNED) != 0);
                return new FieldVal(signed ? 1 : 0, 0, 0, true, false);
            }
            case FIELD_LSHIFT_U64 -> {
                return new FieldVal(64 - (bitOff + bitSz - byteOff * 8), 0, 0, validate, false);
            }
            case FIELD_RSHIFT_U64 -> {
                return new FieldVal(64 - bitSz, 0, 0, true, false);
            }
            default -> throw new CoreException("unsupported field relocation " + kind);
        }
    }

    private static long calcType(CoreRelo relo, CoreSpec spec) {
        if (spec == null) return 0;
        return switch (relo.kind()) {
            case TYPE_ID_TARGET -> spec.rootTypeId;
            case TYPE_EXISTS, TYPE_MATCHES -> 1;
            case TYPE_SIZE -> spec.btf.sizeOf(spec.rootTypeId);
            default -> throw new CoreException("unsupported type relocation " + relo.kind());
        };
    }

    /** Returns {value, poison?1:0}. */
    private static long[] calcEnumval(CoreRelo relo, CoreSpec spec) {
        if (relo.kind() == CoreReloKind.ENUMVAL_EXISTS) return new long[] {spec != null ? 1 : 0, 0};
        if (spec == null) return new long[] {0, 1};
        BtfType.Enum e = (BtfType.Enum) spec.btf.type(spec.spec[0].typeId());
        long v = e.values().get(spec.spec[0].idx()).value();
        if (!e.is64()) v = (int) v; // libbpf widens btf_enum's __s32 value: sign-extended
        return new long[] {v, 0};
    }

    private CoreResult calcRelo(String prog, CoreRelo relo, CoreSpec localSpec, CoreSpec targSpec) {
        CoreReloKind kind = relo.kind();
        String ls = localSpec.toString(), ts = targSpec == null ? null : targSpec.toString();
        if (isFieldBased(kind)) {
            FieldVal orig = calcField(relo, localSpec, prog);
            FieldVal nv = calcField(relo, targSpec, prog);
            if (nv.poison()) return new CoreResult(true, orig.val(), 0, orig.validate(), 0, 0, 0, 0, false, ls, ts);
            boolean failMemsz = false;
            if (orig.size() != nv.size()) {
                BtfType ot = localSpec.btf.type(orig.typeId());
                BtfType nt = targSpec.btf.type(nv.typeId());
                boolean ok = (ot instanceof BtfType.Ptr && nt instanceof BtfType.Ptr)
                        || (ot instanceof BtfType.Int oi && nt instanceof BtfType.Int ni
                        && oi.encoding() != BtfType.Int.SIGNED && ni.encoding() != BtfType.Int.SIGNED);
                failMemsz = !ok;
            }
            return new CoreResult(false, orig.val(), nv.val(), orig.validate(), orig.size(), nv.size(), orig.typeId(),
                    nv.typeId(), failMemsz, ls, ts);
        }
        if (isTypeBased(kind)) {
            long o = calcType(relo, localSpec);
            long n = calcType(relo, targSpec);
            boolean validate = kind != CoreReloKind.TYPE_ID_TARGET;
            return new CoreResult(false, o, n, validate, 0, 0, 0, 0, false, ls, ts);
        }
        long[] o = calcEnumval(relo, localSpec);
        long[] n = calcEnumval(relo, targSpec);
        return new CoreResult(n[1] != 0, o[0], n[0], true, 0, 0, 0, 0, false, ls, ts);
    }

    /**
     * Computes the result of relocation {@code relo} (number {@code reloIdx} of its section, for
     * messages) of program {@code prog}. Throws {@link CoreException} where libbpf fails the load
     * (malformed relocation, ambiguous candidates).
     */
    public CoreResult resolve(String prog, int reloIdx, CoreRelo relo) {
        int localId = relo.typeId();
        String where = "program '" + prog + "': CO-RE relocation #" + reloIdx + " (" + relo.kind().libbpfName()
                + " of [" + localId + "] " + local.kind(localId) + " " + nameOr(local.name(localId))
                + ", access " + relo.access() + ")";
        CoreSpec localSpec;
        try {
            localSpec = parseSpec(local, relo);
        } catch (IllegalArgumentException | BpfException e) {
            throw new CoreException(where + ": cannot parse: " + e.getMessage());
        }
        if (relo.kind() == CoreReloKind.TYPE_ID_LOCAL) {
            return new CoreResult(false, localId, localId, false, 0, 0, 0, 0, false, localSpec.toString(), null);
        }
        if (empty(local.name(localId))) {
            throw new CoreException(where + ": relocations against anonymous types are not supported (as in libbpf)");
        }
        List<Cand> list = cands.computeIfAbsent(localId, this::findCands);
        CoreResult result = null;
        CoreSpec chosen = null;
        List<Cand> kept = new ArrayList<>();
        CoreSpec[] out = new CoreSpec[1];
        for (Cand c : list) {
            int r = specMatch(localSpec, c.btf(), c.id(), out);
            if (r < 0) throw new CoreException(where + ": error matching candidate [" + c.id() + "]");
            if (r == 0) continue;
            CoreResult cr = calcRelo(prog, relo, localSpec, out[0]);
            if (result == null) {
                result = cr;
                chosen = out[0];
            } else if (chosen.bitOffset != out[0].bitOffset) {
                throw new CoreException(where + ": field offset ambiguity between candidates: "
                        + chosen.bitOffset + " != " + out[0].bitOffset + " bits (" + chosen + " vs " + out[0] + ")");
            } else if (cr.poison() != result.poison() || cr.newValue() != result.newValue()) {
                throw new CoreException(where + ": relocation decision ambiguity between candidates: "
                        + result.newValue() + " != " + cr.newValue() + " (" + chosen + " vs " + out[0] + ")");
            }
            kept.add(c);
        }
        if (!kept.isEmpty()) {
            cands.put(localId, kept);
            return result;
        }
        return calcRelo(prog, relo, localSpec, null);
    }

    private static String nameOr(String n) {
        return empty(n) ? "<anon>" : n;
    }

    /**
     * Patches instruction {@code insn} of {@code insns} with {@code res}, as libbpf's
     * bpf_core_patch_insn; poisons it ({@code call 0xbad2310}) when the result says so.
     */
    public static void patch(String prog, Instructions insns, int insn, CoreRelo relo, int reloIdx, CoreResult res) {
        String where = "program '" + prog + "': CO-RE relocation #" + reloIdx + " at insn #" + insn;
        int code = insns.code(insn);
        int cls = Opcode.insnClass(code);
        if (res.poison()) {
            poison(insns, insn);
            return;
        }
        long orig = res.origValue(), nv = res.newValue();
        switch (cls) {
            case Opcode.ALU, Opcode.ALU64 -> {
                if (Opcode.source(code) != Opcode.K) throw new CoreException(where + ": ALU instruction with a register source");
                if (res.validate() && insns.imm(insn) != (int) orig) {
                    throw new CoreException(where + ": unexpected immediate " + insns.imm(insn) + ", expected " + orig);
                }
                insns.setImm(insn, (int) nv);
            }
            case Opcode.LDX, Opcode.ST, Opcode.STX -> {
                if (res.validate() && insns.off(insn) != (int) orig) {
                    throw new CoreException(where + ": unexpected offset " + insns.off(insn) + ", expected " + orig);
                }
                if (nv > Short.MAX_VALUE) throw new CoreException(where + ": offset " + nv + " too big for an instruction");
                if (res.failMemSizeAdjust()) {
                    poison(insns, insn);
                    return;
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
                    throw new CoreException(where + ": unexpected 64-bit immediate " + imm + ", expected " + orig);
                }
                insns.setImm64(insn, nv);
            }
            default -> throw new CoreException(where + ": cannot relocate instruction code 0x" + Integer.toHexString(code));
        }
    }

    private static void poison(Instructions insns, int insn) {
        if (insns.isLdImm64(insn) && insn + 1 < insns.count()) {
            insns.set(insn + 1, Opcode.CALL_INSN, 0, 0, 0, POISON_IMM);
        }
        insns.set(insn, Opcode.CALL_INSN, 0, 0, 0, POISON_IMM);
    }
}
