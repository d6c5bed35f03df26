package org.bpf4j;

import java.util.Map;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfBuilder;
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
        return b;
    }
}
