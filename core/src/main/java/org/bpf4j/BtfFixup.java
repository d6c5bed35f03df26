package org.bpf4j;

import java.util.Map;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfBuilder;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.btf.BtfType;

/** Prepares an object's BTF for BPF_BTF_LOAD: DATASEC sizes and VAR offsets, sorted, as libbpf does. */
final class BtfFixup {
    private BtfFixup() {}

    static BtfBuilder forKernel(ObjectSpec spec) {
        Btf btf = spec.btf();
        BtfBuilder b = BtfBuilder.from(btf);
        for (Map.Entry<Integer, ObjectSpec.DatasecFix> e : spec.datasecFixes().entrySet()) {
            int id = e.getKey();
            ObjectSpec.DatasecFix fix = e.getValue();
            BtfType.Datasec ds = (BtfType.Datasec) btf.type(id);
            if (ds.size() == 0) b.setDatasecSize(id, fix.size());
            if (ds.size() == 0) {
                for (int i = 0; i < ds.vars().size(); i++) {
                    BtfType.VarSecinfo v = ds.vars().get(i);
                    if (fix.offsets()[i] >= 0) b.setVarSecinfo(id, i, fix.offsets()[i], v.size());
                }
            }
            b.sortDatasecVars(id);
        }
        externs(spec, b);
        for (Function f : spec.subprograms()) {
            if (!f.btfStatic) continue;
            for (int id : btf.findAll(f.name)) {
                if (btf.kind(id) == BtfKind.FUNC && btf.funcLinkage(id) == BtfType.Func.GLOBAL) {
                    b.setFuncLinkage(id, BtfType.Func.STATIC);
                    break;
                }
            }
        }
        return b;
    }

    /**
     * The DATASECs of externs, as libbpf rewrites them: {@code .kconfig} laid out as its map, its
     * VARs allocated; in {@code .ksyms} every VAR becomes an allocated int and every FUNC entry a
     * {@code dummy_ksym} VAR (the kernel takes no extern in a DATASEC), 4 bytes each.
     */
    private static void externs(ObjectSpec spec, BtfBuilder b) {
        if (spec.externs().isEmpty()) return;
        Btf btf = spec.btf();
        Map<String, Extern> byName = new java.util.HashMap<>();
        for (Extern e : spec.externs()) byName.put(e.name(), e);
        int kc = btf.find(ObjectSpec.KCONFIG, BtfKind.DATASEC);
        MapSpec kmap = spec.maps().get(ObjectSpec.KCONFIG);
        if (kc > 0 && kmap != null) {
            BtfType.Datasec ds = (BtfType.Datasec) btf.type(kc);
            for (int i = 0; i < ds.vars().size(); i++) {
                BtfType.VarSecinfo v = ds.vars().get(i);
                Extern e = byName.get(btf.name(v.type()));
                if (e == null) continue;
                b.setVarSecinfo(kc, i, e.offset(), v.size());
                b.setVarLinkage(v.type(), BtfType.Func.GLOBAL);
            }
            b.setDatasecSize(kc, kmap.valueSize());
            b.sortDatasecVars(kc);
        }
        int ks = btf.find(".ksyms", BtfKind.DATASEC);
        if (ks <= 0) return;
        BtfType.Datasec ds = (BtfType.Datasec) btf.type(ks);
        int int32 = 0;
        for (int id = 1; id < btf.typeCount() && int32 == 0; id++) {
            if (btf.kind(id) == BtfKind.INT && btf.intBits(id) == 32) int32 = id;
        }
        int dummy = 0, dummyName = 0;
        for (BtfType.VarSecinfo v : ds.vars()) {
            if (btf.kind(v.type()) == BtfKind.FUNC && dummy == 0) {
                dummyName = b.addString("dummy_ksym");
                dummy = b.addType(dummyName, BtfKind.VAR, 0, false, int32, BtfType.Func.GLOBAL);
            }
        }
        for (int i = 0; i < ds.vars().size(); i++) {
            int t = ds.vars().get(i).type();
            if (btf.kind(t) == BtfKind.FUNC) {
                int proto = btf.sizeOrType(t);
                for (int j = 0; j < btf.vlen(proto); j++) {
                    if (btf.paramType(proto, j) != 0 && btf.paramNameOffset(proto, j) == 0) b.setWord(proto, 2 * j, dummyName);
                }
                b.setVarSecinfoType(ks, i, dummy);
                b.setFuncLinkage(t, BtfType.Func.GLOBAL);
            } else {
                b.setVarLinkage(t, BtfType.Func.GLOBAL);
                b.setSizeOrType(t, int32);
            }
            b.setVarSecinfo(ks, i, 4 * i, 4);
        }
        b.setDatasecSize(ks, 4 * ds.vars().size());
        b.sortDatasecVars(ks);
    }
}
