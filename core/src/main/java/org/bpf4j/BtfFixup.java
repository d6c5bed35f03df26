package org.bpf4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfBuilder;
import org.bpf4j.btf.BtfType;

/** Prepares an object's BTF for BPF_BTF_LOAD: DATASEC sizes and VAR offsets, sorted, as libbpf does. */
final class BtfFixup {
    private BtfFixup() {}

    static byte[] forKernel(ObjectSpec spec) {
        Btf btf = spec.btf();
        BtfBuilder b = BtfBuilder.from(btf);
        for (Map.Entry<Integer, ObjectSpec.DatasecFix> e : spec.datasecFixes().entrySet()) {
            int id = e.getKey();
            ObjectSpec.DatasecFix fix = e.getValue();
            BtfType.Datasec ds = (BtfType.Datasec) btf.type(id);
            if (ds.size() == 0) b.setDatasecSize(id, fix.size());
            List<BtfType.VarSecinfo> vars = new ArrayList<>();
            for (int i = 0; i < ds.vars().size(); i++) {
                BtfType.VarSecinfo v = ds.vars().get(i);
                int off = ds.size() == 0 && fix.offsets()[i] >= 0 ? fix.offsets()[i] : v.offset();
                vars.add(new BtfType.VarSecinfo(v.type(), off, v.size()));
            }
            vars.sort(Comparator.comparingInt(BtfType.VarSecinfo::offset));
            for (int i = 0; i < vars.size(); i++) {
                BtfType.VarSecinfo v = vars.get(i);
                b.setVarSecinfo(id, i, v.type(), v.offset(), v.size());
            }
        }
        return b.build();
    }
}
